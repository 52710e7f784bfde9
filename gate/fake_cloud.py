"""What AWS would answer in `up` mode: plausible, deterministic ids, ARNs and endpoints for new
resources, and the answers of the few data-source invokes a program typically makes.

Values derive from a hash of the resource name, so two runs of the same stack give the same
report. Nothing here talks to a network.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ACCOUNT_ID = "123456789012"
PARTITION = "aws"

Outputs = dict[str, Any]


@dataclass(frozen=True)
class FakeCloud:
    """A fake AWS account in one default region (per-resource `region` inputs override it)."""

    region: str = "us-east-1"
    account: str = ACCOUNT_ID

    def create(self, type_: str, name: str, inputs: Outputs) -> tuple[str, Outputs]:
        """The id and outputs the provider would return after creating the resource."""
        region = str(inputs.get("region") or self.region)
        maker = _MAKERS.get(type_, _generic)
        resource_id, extra = maker(_New(self, region, name, inputs))
        if maker is _generic and type_.startswith("aws:"):
            module, kind = type_.split(":")[1].split("/")[0], type_.rsplit(":", 1)[-1].lower()
            extra["arn"] = self.arn(module, region, f"{kind}/{resource_id}")
        return resource_id, {**inputs, **extra}

    def invoke(self, token: str, args: Outputs) -> Outputs:
        """The result of a data-source call, in the provider's output shape.

        A data source the fake account cannot answer stops the program with its name: an empty
        answer would surface later as a `TypeError` deep inside the SDK, far from the call.
        """
        answer = _INVOKES.get(token)
        if answer is None:
            raise UnansweredInvokeError(token)
        return answer(_Call(self, args))

    def arn(self, service: str, region: str, resource: str) -> str:
        return f"arn:{PARTITION}:{service}:{region}:{self.account}:{resource}"


class UnansweredInvokeError(Exception):
    """The program called a data source the offline gate has no answer for.

    The SDK runs invokes on a worker thread, so the exception's own traceback never reaches the
    program's line; `call_site` is the program thread's stack at the moment of the call (for a
    synchronous `aws.x.get_y()` it holds the caller's line).
    """

    def __init__(self, token: str) -> None:
        self.token = token
        program_thread = sys._current_frames().get(threading.main_thread().ident or 0)
        self.call_site = traceback.extract_stack(program_thread) if program_thread else None
        answered = ", ".join(sorted(_INVOKES))
        super().__init__(
            f"the program calls {token}, which the offline gate cannot answer (it reads an "
            f"existing cloud resource that only a real account has); the gate answers {answered}. "
            "Pass the value in through stack config instead, or look it up with "
            "`pulumi.Output` in a way that tolerates an unknown value at preview"
        )


@dataclass(frozen=True)
class _New:
    """A resource to create: in which account and region, under which name, with which inputs."""

    cloud: FakeCloud
    region: str
    name: str
    inputs: Outputs


@dataclass(frozen=True)
class _Call:
    """A data-source invoke and its arguments."""

    cloud: FakeCloud
    args: Outputs


def _digest(name: str, length: int, alphabet: str = "0123456789abcdef") -> str:
    raw = hashlib.sha256(name.encode()).digest()
    return "".join(alphabet[byte % len(alphabet)] for byte in raw[:length])


def _uuid(name: str) -> str:
    hexed = _digest(name, 32)
    return f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"


def _physical_name(name: str, inputs: Outputs, key: str = "name") -> str:
    """The given name, or an auto-name with a random-looking suffix as Pulumi generates."""
    given = inputs.get(key)
    return given if isinstance(given, str) and given else f"{name}-{_digest(name, 7)}"


_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _user_pool(new: _New) -> tuple[str, Outputs]:
    pool_id = f"{new.region}_{_digest(new.name, 9, _ALNUM)}"
    return pool_id, {
        "id": pool_id,
        "name": _physical_name(new.name, new.inputs),
        "arn": new.cloud.arn("cognito-idp", new.region, f"userpool/{pool_id}"),
        "endpoint": f"cognito-idp.{new.region}.amazonaws.com/{pool_id}",
        "creationDate": "2026-01-01T00:00:00Z",
        "lastModifiedDate": "2026-01-01T00:00:00Z",
        "estimatedNumberOfUsers": 0,
    }


def _user_pool_client(new: _New) -> tuple[str, Outputs]:
    client_id = _digest(new.name, 26, "abcdefghijklmnopqrstuvwxyz0123456789")
    extra: Outputs = {"id": client_id}
    if new.inputs.get("generateSecret"):
        extra["clientSecret"] = _digest("secret:" + new.name, 51, _ALNUM)
    return client_id, extra


def _user_pool_domain(new: _New) -> tuple[str, Outputs]:
    domain = str(new.inputs.get("domain") or new.name)
    return domain, {
        "awsAccountId": new.cloud.account,
        "cloudfrontDistribution": f"d{_digest(new.name, 13, 'abcdefghijklmnopqrstuvwxyz0123456789')}.cloudfront.net",
        "cloudfrontDistributionArn": f"arn:{PARTITION}:cloudfront::{new.cloud.account}:distribution/E{_digest(new.name, 13, _ALNUM.upper())}",
        "cloudfrontDistributionZoneId": "Z2FDTNDATAQYW2",
        "s3Bucket": f"aws-cognito-prod-{new.region}-assets",
        "version": "1",
    }


def _identity_pool(new: _New) -> tuple[str, Outputs]:
    pool_id = f"{new.region}:{_uuid(new.name)}"
    return pool_id, {
        "arn": new.cloud.arn("cognito-identity", new.region, f"identitypool/{pool_id}")
    }


def _iam_named(kind: str) -> Callable[[_New], tuple[str, Outputs]]:
    def make(new: _New) -> tuple[str, Outputs]:
        physical = _physical_name(new.name, new.inputs)
        path = str(new.inputs.get("path") or "/")
        extra: Outputs = {
            "name": physical,
            "arn": f"arn:{PARTITION}:iam::{new.cloud.account}:{kind}{path}{physical}",
            "uniqueId": "AROA" + _digest(new.name, 17, _ALNUM.upper()),
            "createDate": "2026-01-01T00:00:00Z",
        }
        return physical, extra

    return make


def _sns_topic(new: _New) -> tuple[str, Outputs]:
    physical = _physical_name(new.name, new.inputs)
    arn = new.cloud.arn("sns", new.region, physical)
    return arn, {"name": physical, "arn": arn, "owner": new.cloud.account}


def _metric_alarm(new: _New) -> tuple[str, Outputs]:
    physical = _physical_name(new.name, new.inputs)
    return physical, {
        "name": physical,
        "arn": new.cloud.arn("cloudwatch", new.region, f"alarm:{physical}"),
    }


def _dashboard(new: _New) -> tuple[str, Outputs]:
    physical = str(new.inputs.get("dashboardName") or new.name)
    return physical, {
        "dashboardArn": f"arn:{PARTITION}:cloudwatch::{new.cloud.account}:dashboard/{physical}"
    }


def _certificate(new: _New) -> tuple[str, Outputs]:
    arn = new.cloud.arn("acm", new.region, f"certificate/{_uuid(new.name)}")
    domain = str(new.inputs.get("domainName") or "example.com")
    return arn, {
        "arn": arn,
        "status": "PENDING_VALIDATION",
        "domainValidationOptions": [
            {
                "domainName": domain,
                "resourceRecordName": f"_{_digest(new.name, 32)}.{domain}.",
                "resourceRecordType": "CNAME",
                "resourceRecordValue": f"_{_digest('v' + new.name, 32)}.acm-validations.aws.",
            }
        ],
    }


def _generic(new: _New) -> tuple[str, Outputs]:
    """Any other resource: an id from its name and, for AWS types, an ARN in its service."""
    physical = f"{new.name}-{_digest(new.name, 7)}"
    return physical, {}


_MAKERS: dict[str, Callable[[_New], tuple[str, Outputs]]] = {
    "aws:cognito/userPool:UserPool": _user_pool,
    "aws:cognito/userPoolClient:UserPoolClient": _user_pool_client,
    "aws:cognito/userPoolDomain:UserPoolDomain": _user_pool_domain,
    "aws:cognito/identityPool:IdentityPool": _identity_pool,
    "aws:iam/role:Role": _iam_named("role"),
    "aws:iam/policy:Policy": _iam_named("policy"),
    "aws:sns/topic:Topic": _sns_topic,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _metric_alarm,
    "aws:cloudwatch/dashboard:Dashboard": _dashboard,
    "aws:acm/certificate:Certificate": _certificate,
}


def _caller_identity(call: _Call) -> Outputs:
    return {
        "accountId": call.cloud.account,
        "arn": f"arn:{PARTITION}:iam::{call.cloud.account}:user/offline-gate",
        "userId": "AIDA" + _digest("gate", 17, _ALNUM.upper()),
        "id": call.cloud.account,
    }


def _region(call: _Call) -> Outputs:
    region = str(call.args.get("region") or call.args.get("name") or call.cloud.region)
    return {
        "name": region,
        "region": region,
        "id": region,
        "endpoint": f"ec2.{region}.amazonaws.com",
    }


def _availability_zones(call: _Call) -> Outputs:
    """`aws.get_availability_zones`: three zones `a`-`c` of the region, as most regions have."""
    region = str(call.args.get("region") or call.cloud.region)
    names = [f"{region}{suffix}" for suffix in "abc"]
    excluded = set(call.args.get("excludeNames") or [])
    names = [name for name in names if name not in excluded]
    short = "".join(part[0] for part in region.split("-")[:-1]) + region.rsplit("-", 1)[-1]
    return {
        "id": region,
        "names": names,
        "zoneIds": [f"{short}-az{index + 1}" for index in range(len(names))],
        "groupNames": [region] * len(names),
        "region": region,
        "state": call.args.get("state"),
    }


def _partition(call: _Call) -> Outputs:  # noqa: ARG001 - one signature for every invoke
    return {
        "partition": PARTITION,
        "dnsSuffix": "amazonaws.com",
        "reverseDnsPrefix": "com.amazonaws",
        "id": PARTITION,
    }


def _policy_document(call: _Call) -> Outputs:
    """`aws.iam.get_policy_document`: the statements rendered as IAM JSON, as the provider does."""
    statements = []
    for given in call.args.get("statements") or []:
        statement: Outputs = {}
        for source, target in (("sid", "Sid"), ("effect", "Effect")):
            if given.get(source):
                statement[target] = given[source]
        statement.setdefault("Effect", "Allow")
        for source, target in (
            ("actions", "Action"),
            ("notActions", "NotAction"),
            ("resources", "Resource"),
            ("notResources", "NotResource"),
        ):
            if given.get(source):
                values = given[source]
                statement[target] = values[0] if len(values) == 1 else values
        for source, target in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            if given.get(source):
                statement[target] = {
                    p["type"]: p["identifiers"][0]
                    if len(p["identifiers"]) == 1
                    else p["identifiers"]
                    for p in given[source]
                }
        conditions: Outputs = {}
        for condition in given.get("conditions") or []:
            values = condition["values"]
            conditions.setdefault(condition["test"], {})[condition["variable"]] = (
                values[0] if len(values) == 1 else values
            )
        if conditions:
            statement["Condition"] = conditions
        statements.append(statement)
    document = {"Version": call.args.get("version") or "2012-10-17", "Statement": statements}
    return {
        "json": json.dumps(document, indent=2),
        "minifiedJson": json.dumps(document, separators=(",", ":")),
        "id": _digest(json.dumps(document), 10),
    }


_INVOKES: dict[str, Callable[[_Call], Outputs]] = {
    "aws:index/getCallerIdentity:getCallerIdentity": _caller_identity,
    "aws:index/getRegion:getRegion": _region,
    "aws:index/getPartition:getPartition": _partition,
    "aws:index/getAvailabilityZones:getAvailabilityZones": _availability_zones,
    "aws:iam/getPolicyDocument:getPolicyDocument": _policy_document,
}
