"""What one account and Region holds for the audited user pools, read with boto3 and mapped into
pulumi-aws wire inputs: `LiveResource`s that name each other through `references`, the way a
Pulumi program's resources depend on each other (client -> pool, attachment -> roles, ...).

User pools and identity pools are read concurrently (`LiveReader.workers` threads): one pool's
reads are sequential, but with ~50 ms per request a sequential audit of 100 pools waits minutes on
latency alone, while the rate limiter every request passes through keeps the account under
Cognito's quotas however many workers wait on it. Each worker reads into its own scratch
`Inventory`, merged in listing order, so the plan and the reports do not depend on thread timing.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final

from gate.live import wire
from gate.live.calls import CLOUDWATCH, COGNITO_IDENTITY, COGNITO_IDP, IAM, WAFV2
from gate.live.reader import AuditError, LiveReader

USER_POOL: Final = "aws:cognito/userPool:UserPool"
USER_POOL_CLIENT: Final = "aws:cognito/userPoolClient:UserPoolClient"
USER_POOL_DOMAIN: Final = "aws:cognito/userPoolDomain:UserPoolDomain"
IDENTITY_PROVIDER: Final = "aws:cognito/identityProvider:IdentityProvider"
USER_GROUP: Final = "aws:cognito/userGroup:UserGroup"
RESOURCE_SERVER: Final = "aws:cognito/resourceServer:ResourceServer"
RISK_CONFIGURATION: Final = "aws:cognito/riskConfiguration:RiskConfiguration"
LOG_DELIVERY: Final = "aws:cognito/logDeliveryConfiguration:LogDeliveryConfiguration"
WEB_ACL: Final = "aws:wafv2/webAcl:WebAcl"
WAF_ASSOCIATION: Final = "aws:wafv2/webAclAssociation:WebAclAssociation"
METRIC_ALARM: Final = "aws:cloudwatch/metricAlarm:MetricAlarm"
IDENTITY_POOL: Final = "aws:cognito/identityPool:IdentityPool"
ROLE_ATTACHMENT: Final = "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment"
PRINCIPAL_TAG: Final = (
    "aws:cognito/identityPoolProviderPrincipalTag:IdentityPoolProviderPrincipalTag"
)
IAM_ROLE: Final = "aws:iam/role:Role"
IAM_ROLE_POLICY: Final = "aws:iam/rolePolicy:RolePolicy"
IAM_ROLE_POLICY_ATTACHMENT: Final = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
IAM_POLICY: Final = "aws:iam/policy:Policy"

#: The input that names a resource inside its user pool (a user pool by its name in the account,
#: an identity pool by its name); None: there is one per pool (log delivery) or per identity pool.
#: Drift and adopt match the stack's resources to the deployed ones by it. A risk configuration is
#: the pool's own (no client id) or one app client's, which is how `pulumi import` tells them
#: apart: id `<pool id>` or `<pool id>:<client id>` (the `## Import` section of
#: pulumi_aws/cognito/risk_configuration.py).
IDENTITY: Final[Mapping[str, str | None]] = {
    USER_POOL: "name",
    USER_POOL_CLIENT: "name",
    USER_POOL_DOMAIN: "domain",
    IDENTITY_PROVIDER: "providerName",
    USER_GROUP: "name",
    RESOURCE_SERVER: "identifier",
    RISK_CONFIGURATION: "clientId",
    LOG_DELIVERY: None,
    IDENTITY_POOL: "identityPoolName",
    ROLE_ATTACHMENT: None,
    PRINCIPAL_TAG: None,
    WAF_ASSOCIATION: None,
}

COGNITO_NAMESPACE: Final = "AWS/Cognito"
# An AWS managed policy's ARN names the account `aws`, in any partition:
# `arn:aws(-[a-z]{1,5}){0,3}:iam::aws:policy/...`
# (https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_AttachedManagedPolicy.html).
AWS_MANAGED_POLICY: Final = re.compile(r"^arn:aws(-[a-z]{1,5}){0,3}:iam::aws:policy/")


@dataclass(frozen=True)
class LiveResource:
    """One deployed resource as the pack will see it.

    `key` is `<type>::<id>`, the tail of its synthetic URN; `references` maps a wire property to
    the keys of the resources its value points at; `outputs` add what only exists once deployed
    (id, ARN, endpoint), as the engine sends final outputs to stack policies.
    """

    type: str
    id: str
    label: str
    inputs: dict[str, Any]
    outputs: dict[str, Any] = field(default_factory=dict)
    references: dict[str, tuple[str, ...]] = field(default_factory=dict)
    parent: str | None = None

    @property
    def key(self) -> str:
        return f"{self.type}::{self.id}"


@dataclass
class Inventory:
    """The resources read for one account and Region, in the order a program would create them.

    A worker's `scratch()` inventory also sees what its `base` holds (the user pools and clients
    an identity pool refers to) and shares its `once` reads."""

    account: str
    region: str
    resources: dict[str, LiveResource] = field(default_factory=dict)
    base: Inventory | None = field(default=None, repr=False)
    _once: ReadOnce = field(default_factory=lambda: ReadOnce(), repr=False)

    def add(self, resource: LiveResource) -> LiveResource:
        self.resources.setdefault(resource.key, resource)
        return resource

    def has(self, key: str) -> bool:
        return key in self.resources or (self.base is not None and self.base.has(key))

    def scratch(self) -> Inventory:
        return Inventory(self.account, self.region, base=self, _once=self._once)

    def merge(self, other: Inventory) -> None:
        for resource in other.resources.values():
            self.add(resource)

    def once(self, key: str, read: Callable[[], list[LiveResource]]) -> list[LiveResource]:
        """The resources `read` returns for `key`, read by the first worker that asks and reused
        by every other (a role two identity pools use, a policy many roles attach)."""
        resources = self._once.get(key, read)
        for resource in resources:
            self.add(resource)
        return resources


class ReadOnce:
    """Reads shared between workers: the first caller of a key reads, the others wait for it.

    No cycle can deadlock it: a role's read waits only for managed policies, whose reads wait for
    nothing."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._results: dict[str, Future[list[LiveResource]]] = {}

    def get(self, key: str, read: Callable[[], list[LiveResource]]) -> list[LiveResource]:
        with self._lock:
            future = self._results.get(key)
            owner = future is None
            if future is None:
                future = self._results[key] = Future()
        if owner:
            try:
                future.set_result(read())
            except BaseException as error:
                future.set_exception(error)
                raise
        return future.result()


def read_inventory(reader: LiveReader, account: str, pool_ids: Iterable[str] = ()) -> Inventory:
    """Every user pool of the account and Region (or the ones named) with everything the pack
    judges about it. A named pool that does not exist ends the audit (exit 2)."""
    inventory = Inventory(account=account, region=reader.region)
    named = list(pool_ids)
    ids = named or [
        pool["Id"]
        for pool in reader.items(COGNITO_IDP, "ListUserPools", "UserPools", reader.region)
    ]
    if ids:
        with _workers(reader.workers) as (pool_workers, identity_workers):
            _read_concurrently(reader, inventory, ids, bool(named), pool_workers, identity_workers)
    # Workers record failed reads as they happen; the reports list them in one stable order.
    reader.not_judged.sort(key=lambda entry: (entry.resource, entry.api))
    return inventory


@contextmanager
def _workers(count: int) -> Iterator[tuple[ThreadPoolExecutor, ThreadPoolExecutor]]:
    """Two thread pools; when the audit ends early (no such --pool-id, no credentials) the reads
    not started yet are dropped instead of waited for."""
    with (
        ThreadPoolExecutor(max_workers=count) as pool_workers,
        ThreadPoolExecutor(max_workers=count) as identity_workers,
    ):
        try:
            yield pool_workers, identity_workers
        except BaseException:
            pool_workers.shutdown(cancel_futures=True)
            identity_workers.shutdown(cancel_futures=True)
            raise


def _read_concurrently(
    reader: LiveReader,
    inventory: Inventory,
    ids: list[str],
    named: bool,
    pool_workers: ThreadPoolExecutor,
    identity_workers: ThreadPoolExecutor,
) -> None:
    """User pools on one set of workers; alarms and identity pools (their own quotas, and IAM)
    on the other at the same time, so neither waits for the other's quota. Results are added in
    listing order."""
    pool_reads = pool_workers.map(lambda pool_id: _pool_with_parts(reader, pool_id, named), ids)
    alarms = identity_workers.submit(
        reader.items, CLOUDWATCH, "DescribeAlarms", "MetricAlarms", reader.region
    )
    identity_reads = _identity_pools(reader, inventory, ids, identity_workers)
    pools: list[dict[str, Any]] = []
    for pool, resources in pool_reads:
        if pool is not None:
            pools.append(pool)
            for resource in resources:
                inventory.add(resource)
    _alarms(inventory, pools, alarms.result())
    audited = {str(pool["Id"]) for pool in pools}
    for identity_read in identity_reads:
        trusted, scratch = identity_read.result()
        if trusted & audited:
            inventory.merge(scratch)


def _pool_with_parts(
    reader: LiveReader, pool_id: str, named: bool
) -> tuple[dict[str, Any] | None, list[LiveResource]]:
    """One worker's share: a user pool and everything that hangs off it."""
    pool = _user_pool(reader, pool_id, named)
    if pool is None:
        return None, []
    return pool, [_pool_resource(reader, pool), *_pool_parts(reader, pool)]


def _user_pool(reader: LiveReader, pool_id: str, named: bool) -> dict[str, Any] | None:
    """DescribeUserPool; a named pool that does not exist is a usage error
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DescribeUserPool.html)."""
    response = reader.call(
        COGNITO_IDP,
        "DescribeUserPool",
        pool_id,
        absent=("ResourceNotFoundException",),
        UserPoolId=pool_id,
    )
    if response is None:
        recorded = any(entry.resource == pool_id for entry in reader.not_judged)
        if named and not recorded:
            raise AuditError(
                f"--pool-id {pool_id}: no such user pool in {reader.region} ({reader.label})"
            )
        return None
    pool: dict[str, Any] = response["UserPool"]
    return pool


def _pool_resource(reader: LiveReader, pool: Mapping[str, Any]) -> LiveResource:
    pool_id = str(pool["Id"])
    mfa = reader.call(COGNITO_IDP, "GetUserPoolMfaConfig", pool_id, UserPoolId=pool_id)
    return LiveResource(
        type=USER_POOL,
        id=pool_id,
        label=str(pool.get("Arn") or pool_id),
        inputs=wire.user_pool(pool, mfa),
        outputs={
            "id": pool_id,
            "arn": pool.get("Arn"),
            "endpoint": f"cognito-idp.{reader.region}.amazonaws.com/{pool_id}",
            "domain": pool.get("Domain"),
            "customDomain": pool.get("CustomDomain"),
        },
    )


def _pool_parts(reader: LiveReader, pool: Mapping[str, Any]) -> list[LiveResource]:
    """Clients, domains, identity providers, groups, resource servers, risk configuration, log
    delivery and WAF of one pool."""
    pool_id = str(pool["Id"])
    pool_key = f"{USER_POOL}::{pool_id}"
    parts = []
    for part in (
        *_clients(reader, pool_id),
        *_domains(reader, pool),
        *_identity_providers(reader, pool_id),
        *_groups(reader, pool_id),
        *_resource_servers(reader, pool_id),
        *_risk(reader, pool_id),
        *_log_delivery(reader, pool_id),
        *_waf(reader, pool),
    ):
        references = dict(part.references)
        if "userPoolId" in part.inputs:
            references["userPoolId"] = (pool_key,)
        parts.append(
            LiveResource(
                part.type, part.id, part.label, part.inputs, part.outputs, references, pool_key
            )
        )
    return parts


@dataclass(frozen=True)
class ListThenDescribe:
    """A listing whose entries are each read in full by a second call (a client by
    DescribeUserPoolClient, an IdP by DescribeIdentityProvider, an inline policy by
    GetRolePolicy)."""

    service: str
    list_operation: str
    list_key: str
    describe_operation: str


def _described(
    reader: LiveReader,
    reads: ListThenDescribe,
    owner: str,
    list_params: Mapping[str, Any],
    describe: Callable[[Any], tuple[str, dict[str, Any]]],
) -> Iterator[tuple[Any, dict[str, Any]]]:
    """(listed entry, its description) for every entry of `owner`'s listing that could be read;
    `describe` gives an entry's resource label and request. A failed read is recorded by the
    reader and the entry left out."""
    listed = reader.items(reads.service, reads.list_operation, reads.list_key, owner, **list_params)
    for entry in listed:
        label, params = describe(entry)
        response = reader.call(reads.service, reads.describe_operation, label, **params)
        if response is not None:
            yield entry, response


_CLIENTS: Final = ListThenDescribe(
    COGNITO_IDP, "ListUserPoolClients", "UserPoolClients", "DescribeUserPoolClient"
)
_IDENTITY_PROVIDERS: Final = ListThenDescribe(
    COGNITO_IDP, "ListIdentityProviders", "Providers", "DescribeIdentityProvider"
)
_INLINE_POLICIES: Final = ListThenDescribe(IAM, "ListRolePolicies", "PolicyNames", "GetRolePolicy")


def _clients(reader: LiveReader, pool_id: str) -> list[LiveResource]:
    def describe(entry: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        client_id = str(entry["ClientId"])
        return f"{pool_id}/{client_id}", {"UserPoolId": pool_id, "ClientId": client_id}

    return [
        LiveResource(
            USER_POOL_CLIENT,
            str(entry["ClientId"]),
            f"{pool_id}/{entry['ClientId']}",
            wire.user_pool_client(response["UserPoolClient"]),
            {"id": str(entry["ClientId"])},
        )
        for entry, response in _described(
            reader, _CLIENTS, pool_id, {"UserPoolId": pool_id}, describe
        )
    ]


def _domains(reader: LiveReader, pool: Mapping[str, Any]) -> list[LiveResource]:
    found = []
    for name in {pool.get("Domain"), pool.get("CustomDomain")} - {None, ""}:
        response = reader.call(COGNITO_IDP, "DescribeUserPoolDomain", str(name), Domain=str(name))
        description = (response or {}).get("DomainDescription") or {}
        if description.get("Domain"):
            found.append(
                LiveResource(
                    USER_POOL_DOMAIN,
                    str(name),
                    str(name),
                    wire.user_pool_domain(description),
                    {"id": str(name)},
                )
            )
    return found


def _identity_providers(reader: LiveReader, pool_id: str) -> list[LiveResource]:
    def describe(entry: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        name = str(entry["ProviderName"])
        return f"{pool_id}/{name}", {"UserPoolId": pool_id, "ProviderName": name}

    return [
        LiveResource(
            IDENTITY_PROVIDER,
            f"{pool_id}:{entry['ProviderName']}",
            f"{pool_id}/{entry['ProviderName']}",
            wire.identity_provider(response["IdentityProvider"]),
            {"id": f"{pool_id}:{entry['ProviderName']}"},
        )
        for entry, response in _described(
            reader, _IDENTITY_PROVIDERS, pool_id, {"UserPoolId": pool_id}, describe
        )
    ]


def _groups(reader: LiveReader, pool_id: str) -> list[LiveResource]:
    listed = reader.items(COGNITO_IDP, "ListGroups", "Groups", pool_id, UserPoolId=pool_id)
    return [
        LiveResource(
            USER_GROUP,
            f"{pool_id}/{group['GroupName']}",
            f"{pool_id}/{group['GroupName']}",
            wire.user_group(group),
            {"id": f"{pool_id}/{group['GroupName']}"},
        )
        for group in listed
    ]


def _resource_servers(reader: LiveReader, pool_id: str) -> list[LiveResource]:
    listed = reader.items(
        COGNITO_IDP, "ListResourceServers", "ResourceServers", pool_id, UserPoolId=pool_id
    )
    return [
        LiveResource(
            RESOURCE_SERVER,
            f"{pool_id}|{server['Identifier']}",
            f"{pool_id}/{server['Identifier']}",
            wire.resource_server(server),
            {"id": f"{pool_id}|{server['Identifier']}"},
        )
        for server in listed
    ]


def _risk(reader: LiveReader, pool_id: str) -> list[LiveResource]:
    """The pool-level risk configuration
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DescribeRiskConfiguration.html)."""
    response = reader.call(
        COGNITO_IDP,
        "DescribeRiskConfiguration",
        pool_id,
        absent=("ResourceNotFoundException",),
        UserPoolId=pool_id,
    )
    risk = wire.risk_configuration((response or {}).get("RiskConfiguration") or {})
    if risk is None:
        return []
    risk.setdefault("userPoolId", pool_id)
    return [LiveResource(RISK_CONFIGURATION, pool_id, f"{pool_id} risk configuration", risk)]


def _log_delivery(reader: LiveReader, pool_id: str) -> list[LiveResource]:
    """(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetLogDeliveryConfiguration.html)."""
    response = reader.call(COGNITO_IDP, "GetLogDeliveryConfiguration", pool_id, UserPoolId=pool_id)
    delivery = wire.log_delivery((response or {}).get("LogDeliveryConfiguration") or {})
    if delivery is None:
        return []
    delivery["userPoolId"] = pool_id
    return [LiveResource(LOG_DELIVERY, pool_id, f"{pool_id} log delivery", delivery)]


def _waf(reader: LiveReader, pool: Mapping[str, Any]) -> list[LiveResource]:
    """The web ACL associated with the pool, if any: an unassociated resource has no `WebACL`
    (https://docs.aws.amazon.com/waf/latest/APIReference/API_GetWebACLForResource.html)."""
    arn = str(pool.get("Arn") or "")
    if not arn:
        return []
    response = reader.call(
        WAFV2,
        "GetWebACLForResource",
        arn,
        absent=("WAFNonexistentItemException",),
        ResourceArn=arn,
    )
    acl = (response or {}).get("WebACL")
    if not acl:
        return []
    acl_arn = str(acl.get("ARN"))
    acl_resource = LiveResource(
        WEB_ACL,
        str(acl.get("Id")),
        acl_arn,
        wire.web_acl(acl),
        {"id": acl.get("Id"), "arn": acl_arn},
    )
    association = LiveResource(
        WAF_ASSOCIATION,
        f"{acl_arn},{arn}",
        f"{acl_arn} -> {arn}",
        wire.web_acl_association(arn, acl_arn),
        references={
            "resourceArn": (f"{USER_POOL}::{pool['Id']}",),
            "webAclArn": (acl_resource.key,),
        },
    )
    return [acl_resource, association]


def _alarm_pools(alarm: Mapping[str, Any]) -> set[str]:
    """The user pool ids an alarm's AWS/Cognito metrics are dimensioned by (plain or metric math)."""
    metrics = [alarm] + [
        (query.get("MetricStat") or {}).get("Metric") or {} for query in alarm.get("Metrics") or []
    ]
    return {
        str(dimension.get("Value"))
        for metric in metrics
        if metric.get("Namespace") == COGNITO_NAMESPACE
        for dimension in metric.get("Dimensions") or []
        if dimension.get("Name") == "UserPool"
    }


def _alarms(
    inventory: Inventory, pools: list[dict[str, Any]], alarms: list[dict[str, Any]]
) -> None:
    """CloudWatch alarms on the audited pools' metrics
    (https://docs.aws.amazon.com/cognito/latest/developerguide/metrics-for-cognito-user-pools.html)."""
    audited = {str(pool["Id"]) for pool in pools}
    for alarm in alarms:
        targets = sorted(_alarm_pools(alarm) & audited)
        if not targets:
            continue
        keys = tuple(f"{USER_POOL}::{pool_id}" for pool_id in targets)
        alarm_wire = wire.metric_alarm(alarm)
        references: dict[str, tuple[str, ...]] = {
            prop: keys for prop in ("dimensions", "metricQueries") if prop in alarm_wire
        }
        inventory.add(
            LiveResource(
                METRIC_ALARM,
                str(alarm["AlarmName"]),
                str(alarm.get("AlarmArn") or alarm["AlarmName"]),
                alarm_wire,
                {"id": alarm["AlarmName"], "arn": alarm.get("AlarmArn")},
                references,
            )
        )


IdentityPoolRead = Future[tuple[set[str], Inventory]]


def _identity_pools(
    reader: LiveReader, inventory: Inventory, pool_ids: list[str], workers: ThreadPoolExecutor
) -> list[IdentityPoolRead]:
    """Identity pools whose Cognito providers are among the user pools to audit, with their
    roles, in listing order: for each, the user pools it trusts and a scratch inventory (kept
    only if one of them is read). A user pool provider is named
    `cognito-idp.<region>.amazonaws.com/<user pool id>`
    (https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_CognitoIdentityProvider.html)."""
    providers = {
        f"cognito-idp.{reader.region}.amazonaws.com/{pool_id}": pool_id for pool_id in pool_ids
    }
    listed = reader.items(COGNITO_IDENTITY, "ListIdentityPools", "IdentityPools", reader.region)
    return [
        workers.submit(
            _trusting_identity_pool, reader, inventory, str(entry["IdentityPoolId"]), providers
        )
        for entry in listed
    ]


def _trusting_identity_pool(
    reader: LiveReader, inventory: Inventory, pool_id: str, providers: Mapping[str, str]
) -> tuple[set[str], Inventory]:
    """One worker's share: an identity pool, read into a scratch inventory if it trusts one of
    the user pools."""
    scratch = inventory.scratch()
    described = reader.call(
        COGNITO_IDENTITY, "DescribeIdentityPool", pool_id, IdentityPoolId=pool_id
    )
    if described is None:
        return set(), scratch
    trusted = [
        provider
        for provider in described.get("CognitoIdentityProviders") or []
        if provider.get("ProviderName") in providers
    ]
    if trusted:
        _identity_pool(reader, scratch, described, trusted, providers)
    return {providers[str(provider["ProviderName"])] for provider in trusted}, scratch


def _identity_pool(
    reader: LiveReader,
    inventory: Inventory,
    described: Mapping[str, Any],
    trusted: list[Mapping[str, Any]],
    providers: Mapping[str, str],
) -> None:
    pool_id = str(described["IdentityPoolId"])
    user_pools = tuple(
        dict.fromkeys(f"{USER_POOL}::{providers[str(p['ProviderName'])]}" for p in trusted)
    )
    # Kept even when the client is not (yet) read: `run.to_plan` keeps only references to
    # resources the inventory holds, once every read is done.
    clients = tuple(
        f"{USER_POOL_CLIENT}::{p.get('ClientId')}" for p in trusted if p.get("ClientId")
    )
    identity = inventory.add(
        LiveResource(
            IDENTITY_POOL,
            pool_id,
            pool_id,
            wire.identity_pool(described),
            {"id": pool_id, "arn": _identity_pool_arn(reader, inventory.account, pool_id)},
            {"cognitoIdentityProviders": user_pools + clients},
        )
    )
    _role_attachment(reader, inventory, identity)
    for provider in trusted:
        _principal_tags(reader, inventory, identity, str(provider["ProviderName"]), providers)


def _identity_pool_arn(reader: LiveReader, account: str, pool_id: str) -> str:
    """`arn:${Partition}:cognito-identity:${Region}:${Account}:identitypool/${IdentityPoolId}`
    (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncognitoidentity.html#amazoncognitoidentity-resources-for-iam-policies)."""
    return (
        f"arn:{reader.partition()}:cognito-identity:{reader.region}:{account}"
        f":identitypool/{pool_id}"
    )


def _role_attachment(reader: LiveReader, inventory: Inventory, identity: LiveResource) -> None:
    response = reader.call(
        COGNITO_IDENTITY, "GetIdentityPoolRoles", identity.id, IdentityPoolId=identity.id
    )
    if response is None:
        return
    attachment = wire.role_attachment(identity.id, response)
    roles = {str(arn) for arn in attachment["roles"].values()}
    mapped = {
        str(rule.get("roleArn"))
        for mapping in attachment.get("roleMappings", [])
        for rule in mapping.get("mappingRules", [])
        if rule.get("roleArn")
    }
    role_keys = {arn: _role(reader, inventory, arn) for arn in sorted(roles | mapped)}
    inventory.add(
        LiveResource(
            ROLE_ATTACHMENT,
            identity.id,
            f"{identity.id} roles",
            attachment,
            {"id": identity.id},
            {
                "identityPoolId": (identity.key,),
                "roles": tuple(role_keys[arn] for arn in sorted(roles) if role_keys[arn]),
                "roleMappings": tuple(role_keys[arn] for arn in sorted(mapped) if role_keys[arn]),
            },
            identity.key,
        )
    )


def _role(reader: LiveReader, inventory: Inventory, arn: str) -> str:
    """The role's key ('' when unreadable), read once however many identity pools use it."""
    name = arn.rsplit("/", 1)[-1]
    key = f"{IAM_ROLE}::{name}"
    if inventory.has(key):
        return key
    read = inventory.once(key, lambda: _read_role(reader, inventory.scratch(), arn))
    return key if read else ""


def _read_role(reader: LiveReader, inventory: Inventory, arn: str) -> list[LiveResource]:
    """GetRole plus its inline and attached policies."""
    name = arn.rsplit("/", 1)[-1]
    key = f"{IAM_ROLE}::{name}"
    response = reader.call(IAM, "GetRole", arn, absent=("NoSuchEntity",), RoleName=name)
    if response is None:
        return []
    role = response["Role"]
    inventory.add(
        LiveResource(
            IAM_ROLE,
            name,
            str(role.get("Arn") or arn),
            wire.iam_role(role),
            {"id": name, "arn": role.get("Arn"), "name": name, "uniqueId": role.get("RoleId")},
        )
    )
    _inline_policies(reader, inventory, name, key)
    _attached_policies(reader, inventory, name, key)
    return list(inventory.resources.values())


def _inline_policies(reader: LiveReader, inventory: Inventory, role: str, role_key: str) -> None:
    def describe(policy_name: str) -> tuple[str, dict[str, Any]]:
        return f"{role}/{policy_name}", {"RoleName": role, "PolicyName": policy_name}

    described = _described(reader, _INLINE_POLICIES, role, {"RoleName": role}, describe)
    for policy_name, response in described:
        inventory.add(
            LiveResource(
                IAM_ROLE_POLICY,
                f"{role}:{policy_name}",
                f"{role}/{policy_name}",
                wire.iam_role_policy(role, str(policy_name), response.get("PolicyDocument")),
                {"id": f"{role}:{policy_name}"},
                {"role": (role_key,)},
                role_key,
            )
        )


def _attached_policies(reader: LiveReader, inventory: Inventory, role: str, role_key: str) -> None:
    attached = reader.items(
        IAM, "ListAttachedRolePolicies", "AttachedPolicies", role, RoleName=role
    )
    for entry in attached:
        arn = str(entry["PolicyArn"])
        references: dict[str, tuple[str, ...]] = {"role": (role_key,)}
        policy_key = _managed_policy(reader, inventory, arn)
        if policy_key:
            references["policyArn"] = (policy_key,)
        inventory.add(
            LiveResource(
                IAM_ROLE_POLICY_ATTACHMENT,
                f"{role}/{arn}",
                f"{role} <- {arn}",
                wire.iam_role_policy_attachment(role, arn),
                {"id": f"{role}/{arn}"},
                references,
                role_key,
            )
        )


def _managed_policy(reader: LiveReader, inventory: Inventory, arn: str) -> str:
    """A customer-managed policy's default version; AWS-managed ones are judged by ARN."""
    if AWS_MANAGED_POLICY.match(arn):
        return ""
    key = f"{IAM_POLICY}::{arn}"
    if inventory.has(key):
        return key
    return key if inventory.once(key, lambda: _read_managed_policy(reader, arn)) else ""


def _read_managed_policy(reader: LiveReader, arn: str) -> list[LiveResource]:
    policy = (reader.call(IAM, "GetPolicy", arn, PolicyArn=arn) or {}).get("Policy")
    if not policy:
        return []
    version = reader.call(
        IAM, "GetPolicyVersion", arn, PolicyArn=arn, VersionId=policy.get("DefaultVersionId")
    )
    if version is None:
        return []
    document = version["PolicyVersion"].get("Document")
    return [
        LiveResource(
            IAM_POLICY, arn, arn, wire.iam_policy(policy, document), {"id": arn, "arn": arn}
        )
    ]


def _principal_tags(
    reader: LiveReader,
    inventory: Inventory,
    identity: LiveResource,
    provider: str,
    providers: Mapping[str, str],
) -> None:
    """Principal tags of one user pool provider, when it maps any claim to a tag."""
    response = reader.call(
        COGNITO_IDENTITY,
        "GetPrincipalTagAttributeMap",
        f"{identity.id}/{provider}",
        IdentityPoolId=identity.id,
        IdentityProviderName=provider,
    )
    if not response or not response.get("PrincipalTags"):
        return
    inventory.add(
        LiveResource(
            PRINCIPAL_TAG,
            f"{identity.id}:{provider}",
            f"{identity.id}/{provider}",
            wire.principal_tag(response),
            {"id": f"{identity.id}:{provider}"},
            {
                "identityPoolId": (identity.key,),
                "identityProviderName": (f"{USER_POOL}::{providers[provider]}",),
            },
            identity.key,
        )
    )
