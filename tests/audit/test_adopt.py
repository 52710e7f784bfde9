"""`gate adopt`: a deployed pool turned back into a stack file and a `pulumi import` file.

The round trip builds prod's pool on moto from prod's settings (its clients, identity providers,
groups, resource servers, domain and identity pool; the APIs moto lacks answered by the emulator
as AWS documents them), adopts it, loads the generated file through `settings/`, runs the program
on it and compares its plan with prod's own plan, resource by resource, on every input the live
resource carries. Inputs that cannot round-trip, and why:

- `schemas`: standard attributes at AWS's defaults (prod lists `name`) are not settings: AWS
  describes every standard attribute, so adopt keeps only the required or immutable ones.
- a group's `roleArn` and the role-mapping rules' `roleArn`: prod creates the group roles; adopt
  refers to the deployed roles by ARN (`groups[].roleArn`), which the live twin carries.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from components.identity_providers import provider_details
from gate.analyzer import Secret
from gate.live import inventory as types
from gate.live.adopt_access import client_section
from gate.live.adopt_run import AdoptOptions, AdoptResult, run_adopt
from gate.live.adoption import Adoption
from gate.live.inventory import IDENTITY, LiveResource
from gate.plan import STACK_TYPE, Plan, PlannedResource
from gate.program_runner import start_program
from gate.stack import find_project, load_stack
from settings.loader import load_stack_settings
from settings.stack import StackSettings
from settings.user_pool import STANDARD_ATTRIBUTES
from tests.audit.conftest import REGION, Emulator
from tests.audit.prod_pool import create_prod_pool, prod_settings, stack_tags
from tests.audit.test_findings import _insecure_pool, answer_moto_gaps
from tests.repo import ROOT

STACK = "prod"
GROUP_ROLE = "arn:aws:iam::123456789012:role/ei-prod-{}-role"
LOG_GROUP = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/cognito/ei-prod"


def _adopt(tmp_path: Path, pool_id: str, stack: str = STACK) -> AdoptResult:
    return run_adopt(
        AdoptOptions(
            region=REGION,
            pool_id=pool_id,
            stack=stack,
            max_attempts=1,
            project_dir=ROOT,
            out_config=tmp_path / f"Pulumi.{stack}.yaml",
            out_import=tmp_path / "import.json",
        )
    )


def _plan(stack: str, config_file: Path | None = None) -> Plan:
    config = load_stack(find_project(ROOT), stack, config_file)
    return start_program(config, "up").plan()


# --- the live twin of prod ------------------------------------------------------------------


def _prod_twin(aws: Callable[[str], Any], emulator: Emulator, settings: StackSettings) -> str:
    """Everything prod declares for the pool that moto can hold, plus the reads it lacks."""
    idp = aws("cognito-idp")
    pool_id = create_prod_pool(idp, settings)
    assert settings.domain is not None
    assert settings.domain.prefix is not None
    idp.create_user_pool_domain(
        UserPoolId=pool_id,
        Domain=settings.domain.prefix,
        ManagedLoginVersion=settings.domain.managed_login_version,
    )
    for group in settings.groups:
        role = {"RoleArn": GROUP_ROLE.format(group.name)} if group.role else {}
        idp.create_group(
            UserPoolId=pool_id,
            GroupName=group.name,
            Description=group.description,
            Precedence=group.precedence,
            **role,
        )
    for server in settings.resource_servers:
        idp.create_resource_server(
            UserPoolId=pool_id,
            Identifier=server.identifier,
            Name=server.name,
            Scopes=[
                {"ScopeName": s.name, "ScopeDescription": s.description} for s in server.scopes
            ],
        )
    secrets: dict[str, Any] = {
        key: "live-secret"
        for p in settings.all_identity_providers
        for key in p.secret_keys().values()
    }
    for provider in settings.all_identity_providers:
        idp.create_identity_provider(
            UserPoolId=pool_id,
            ProviderName=provider.provider_name,
            ProviderType=provider.type,
            ProviderDetails=provider_details(provider, secrets),
            AttributeMapping=dict(provider.attribute_mapping),
        )
    clients = {
        c["ClientName"]: c["ClientId"]
        for c in idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    }
    _identity_pool_twin(aws, emulator, settings, pool_id, clients)
    _answer_pool_reads(emulator, settings)
    return pool_id


def _identity_pool_twin(
    aws: Callable[[str], Any],
    emulator: Emulator,
    settings: StackSettings,
    pool_id: str,
    clients: Mapping[str, str],
) -> None:
    pool = settings.identity_pool
    assert pool is not None
    provider = f"cognito-idp.{REGION}.amazonaws.com/{pool_id}"
    aws("cognito-identity").create_identity_pool(
        IdentityPoolName=pool.name,
        AllowUnauthenticatedIdentities=pool.allow_guest_access,
        AllowClassicFlow=False,
        CognitoIdentityProviders=[
            {
                "ProviderName": provider,
                "ClientId": clients[name],
                "ServerSideTokenCheck": pool.server_side_token_check,
            }
            for name in settings.identity_pool_clients
        ],
        IdentityPoolTags=stack_tags(settings),
    )
    mappings = {
        f"{provider}:{clients[m.client]}": {
            "Type": m.type,
            "AmbiguousRoleResolution": m.ambiguous_role_resolution,
            **(
                {
                    "RulesConfiguration": {
                        "Rules": [
                            {
                                "Claim": r.claim,
                                "MatchType": r.match_type,
                                "Value": r.value,
                                "RoleARN": GROUP_ROLE.format(r.group),
                            }
                            for r in m.rules
                        ]
                    }
                }
                if m.rules
                else {}
            ),
        }
        for m in pool.role_mappings
    }
    # https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetIdentityPoolRoles.html
    emulator.answer(
        "cognito-identity",
        "GetIdentityPoolRoles",
        lambda request: {
            "IdentityPoolId": request["IdentityPoolId"],
            "Roles": {"authenticated": "arn:aws:iam::123456789012:role/ei-prod-authenticated"},
            "RoleMappings": mappings,
        },
    )
    tags = {**pool.principal_tags.tags, "tenant_id": "custom:tenant_id"}
    # https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetPrincipalTagAttributeMap.html
    emulator.answer(
        "cognito-identity",
        "GetPrincipalTagAttributeMap",
        lambda request: {**request, "UseDefaults": False, "PrincipalTags": tags},
    )


def _answer_pool_reads(emulator: Emulator, settings: StackSettings) -> None:
    """Prod's risk configuration and log export, as DescribeRiskConfiguration and
    GetLogDeliveryConfiguration return them
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RiskConfigurationType.html,
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_LogConfigurationType.html)."""
    threat = settings.user_pool.threat_protection
    levels = threat.account_takeover

    def risk(request: dict[str, Any]) -> dict[str, Any]:
        return {
            "RiskConfiguration": {
                "UserPoolId": request["UserPoolId"],
                "CompromisedCredentialsRiskConfiguration": {
                    "EventFilter": list(threat.compromised_credentials.events),
                    "Actions": {"EventAction": threat.compromised_credentials.action},
                },
                "AccountTakeoverRiskConfiguration": {
                    "Actions": {
                        f"{level.capitalize()}Action": {
                            "Notify": action.notify,
                            "EventAction": action.action,
                        }
                        for level, action in (
                            ("low", levels.low),
                            ("medium", levels.medium),
                            ("high", levels.high),
                        )
                    }
                },
            }
        }

    def delivery(request: dict[str, Any]) -> dict[str, Any]:
        return {
            "LogDeliveryConfiguration": {
                "UserPoolId": request["UserPoolId"],
                "LogConfigurations": [
                    {
                        "LogLevel": level,
                        "EventSource": source,
                        "CloudWatchLogsConfiguration": {"LogGroupArn": LOG_GROUP},
                    }
                    for level, source in (("ERROR", "userNotification"), ("INFO", "userAuthEvents"))
                ],
            }
        }

    emulator.answer("cognito-idp", "DescribeRiskConfiguration", risk)
    emulator.answer("cognito-idp", "GetLogDeliveryConfiguration", delivery)


# --- comparing plans ------------------------------------------------------------------------


def _by_identity(plan: Plan) -> dict[tuple[str, str], PlannedResource]:
    found: dict[tuple[str, str], PlannedResource] = {}
    for resource in plan.custom_resources():
        field = IDENTITY.get(resource.type, "-")
        if field != "-":
            found.setdefault(
                (resource.type, str(resource.inputs.get(field) or "") if field else ""), resource
            )
    return found


def _comparable(type_: str, key: str, value: Any) -> Any:
    """The value with what cannot round-trip (module docstring) left out; secrets unwrapped."""
    if isinstance(value, Secret):
        return _comparable(type_, key, value.value)
    if type_ == types.USER_POOL and key == "schemas":
        return [
            s
            for s in value
            if s["name"] not in STANDARD_ATTRIBUTES or s.get("required") or not s.get("mutable")
        ]
    if type_ == types.ROLE_ATTACHMENT and key == "roleMappings":
        return [
            {**m, "mappingRules": [{**r, "roleArn": "-"} for r in m.get("mappingRules") or []]}
            for m in value
        ]
    return value


def _input_differences(prod: Plan, adopted: Plan, result: AdoptResult) -> Iterator[str]:
    declared = _by_identity(prod)
    regenerated = _by_identity(adopted)
    for match in result.matching.matches:
        live = match.live
        field = IDENTITY[live.type]
        key = (live.type, str(live.inputs.get(field) or "") if field else "")
        assert key in declared, f"prod does not declare {key}"
        ignored = {"roleArn"} if live.type == types.USER_GROUP else set()
        for name in sorted(set(live.inputs) - ignored):
            before = _comparable(live.type, name, declared[key].inputs.get(name))
            after = _comparable(live.type, name, regenerated[key].inputs.get(name))
            if before != after:
                yield f"{key} {name}: prod {before!r}, adopted {after!r}"


def _urn(plan: Plan, entry: Mapping[str, Any], entries: Mapping[str, Mapping[str, Any]]) -> str:
    """The URN `pulumi import` gives an entry: its parent's qualified type, then its own type
    (the engine's `resource.NewURN`; a parent-less entry's parent is the root stack, whose type
    is left out)."""
    chain = [entry["type"]]
    parent = entries.get(entry.get("parent", ""))
    while parent is not None:
        chain.insert(0, parent["type"])
        parent = entries.get(parent.get("parent", ""))
    return f"urn:pulumi:{plan.stack}::{plan.project}::{'$'.join(chain)}::{entry['logicalName']}"


def _engine_urn(urn: str) -> str:
    """The mock runtime puts the root stack's type in top-level URNs; the engine does not
    (`resource.NewURN` skips `pulumi:pulumi:Stack`), and `pulumi import` builds URNs as it does."""
    return urn.replace(f"::{STACK_TYPE}$", "::")


# --- tests ----------------------------------------------------------------------------------


def test_round_trip_of_prod(aws: Callable[[str], Any], emulator: Emulator, tmp_path: Path) -> None:
    settings = prod_settings()
    pool_id = _prod_twin(aws, emulator, settings)

    result = _adopt(tmp_path, pool_id)

    config = load_stack(find_project(ROOT), STACK, result.config_file)
    adopted = load_stack_settings(STACK, config.values, config.secret_keys)  # placeholders load
    assert {s.key for s in result.adoption.secrets} == {"entraClientSecret"}
    assert "entraClientSecret" in result.config_file.read_text(encoding="utf-8")
    assert adopted.user_pool == settings.user_pool.model_copy(
        update={
            "schema_": adopted.user_pool.schema_,  # compared through the plans (docstring)
            "waf": adopted.user_pool.waf,  # the twin has no web ACL: `off`, listed for review
        }
    )
    assert adopted.identity_pool is not None
    assert [m.client for m in adopted.identity_pool.role_mappings] == [
        "portal",
        "console",
        "field-app",
    ]

    prod_plan = _plan(STACK)
    differences = list(_input_differences(prod_plan, result.plan, result))
    assert differences == []
    # `pulumi up` after the import changes nothing deployed, except what moto does not return
    # and AWS does (DomainDescriptionType.ManagedLoginVersion, DescribeIdentityPool's
    # AllowClassicFlow): https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DomainDescriptionType.html,
    # https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_DescribeIdentityPool.html
    assert [c.describe() for c in result.changes] == [
        "UserPoolDomain 'acme-workforce' `managedLoginVersion`: deployed not set, the stack sets 2",
        "IdentityPool 'enterprise_identity_prod' `allowClassicFlow`: deployed not set, the stack "
        "sets False",
    ]

    live_types = {m.live.type for m in result.matching.matches}
    assert live_types == {
        types.USER_POOL,
        types.USER_POOL_CLIENT,
        types.USER_POOL_DOMAIN,
        types.IDENTITY_PROVIDER,
        types.USER_GROUP,
        types.RESOURCE_SERVER,
        types.RISK_CONFIGURATION,
        types.LOG_DELIVERY,
        types.IDENTITY_POOL,
        types.ROLE_ATTACHMENT,
        types.PRINCIPAL_TAG,
    }
    assert result.matching.unmatched_live == ()


def test_import_file_names_every_live_resource_once(
    aws: Callable[[str], Any], emulator: Emulator, tmp_path: Path
) -> None:
    settings = prod_settings()
    pool_id = _prod_twin(aws, emulator, settings)

    result = _adopt(tmp_path, pool_id)

    document = json.loads(result.import_file.read_text(encoding="utf-8"))
    entries = {e["name"]: e for e in document["resources"]}
    assert len(entries) == len(document["resources"])  # names unique in the file
    imported = [e for e in document["resources"] if not e.get("component")]
    ids = sorted((e["type"], e["id"]) for e in imported)
    clients = {
        c["ClientName"]: c["ClientId"]
        for c in aws("cognito-idp").list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)[
            "UserPoolClients"
        ]
    }
    identity_pool = aws("cognito-identity").list_identity_pools(MaxResults=60)["IdentityPools"][0][
        "IdentityPoolId"
    ]
    expected = (
        [(types.USER_POOL, pool_id), (types.USER_POOL_DOMAIN, "acme-workforce")]
        + [(types.USER_POOL_CLIENT, f"{pool_id}/{client_id}") for client_id in clients.values()]
        + [
            (types.IDENTITY_PROVIDER, f"{pool_id}:{p.provider_name}")
            for p in settings.all_identity_providers
        ]
        + [(types.USER_GROUP, f"{pool_id}/{g.name}") for g in settings.groups]
        + [(types.RESOURCE_SERVER, f"{pool_id}|https://api.example.com")]
        + [(types.RISK_CONFIGURATION, pool_id), (types.LOG_DELIVERY, pool_id)]
        + [(types.IDENTITY_POOL, identity_pool), (types.ROLE_ATTACHMENT, identity_pool)]
        + [(types.PRINCIPAL_TAG, f"{identity_pool}:cognito-idp.{REGION}.amazonaws.com/{pool_id}")]
    )
    assert ids == sorted(expected)
    urns = {_engine_urn(r.urn) for r in result.plan.resources}
    prod_urns = {_engine_urn(r.urn) for r in _plan(STACK).resources}
    for entry in document["resources"]:
        urn = _urn(result.plan, entry, entries)
        assert urn in urns, urn  # the logical name and parents the program registers
        assert urn in prod_urns, urn  # ... which are prod's own: the stack takes them over


def test_a_client_no_kind_fits_is_listed_not_dropped(
    aws: Callable[[str], Any], emulator: Emulator, tmp_path: Path
) -> None:
    """An implicit-grant client with password sign-in fits no kind: listed with its live flows,
    left out of the config and the import, so `pulumi up` does not touch it."""
    pool_id, client_id = _insecure_pool(aws)
    answer_moto_gaps(emulator)

    result = _adopt(tmp_path, pool_id, "legacy")

    listed = [n for n in result.adoption.not_expressible if n.where == "appClients[legacy-spa]"]
    assert len(listed) == 1, result.adoption.not_expressible
    assert listed[0].live == {
        "allowedOauthFlows": ["implicit"],
        "explicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        "generateSecret": False,
        "callbackUrls": ["https://app.example.com/callback"],
        "allowedOauthScopes": ["openid"],
    }
    text = result.config_file.read_text(encoding="utf-8")
    assert "appClients[legacy-spa]: live" in text  # as a comment in the stack file
    assert "enterprise-identity:appClients" not in text
    imported = {e.get("id") for e in result.document["resources"]}
    assert f"{pool_id}/{client_id}" not in imported
    assert pool_id in imported


def test_an_existing_stack_file_is_not_overwritten(
    aws: Callable[[str], Any], emulator: Emulator, tmp_path: Path
) -> None:
    pool_id = aws("cognito-idp").create_user_pool(PoolName="any")["UserPool"]["Id"]
    answer_moto_gaps(emulator)
    (tmp_path / f"Pulumi.{STACK}.yaml").write_text("config: {}\n", encoding="utf-8")

    with pytest.raises(Exception, match="exists; choose another file with --out-config"):
        _adopt(tmp_path, pool_id)

    assert (tmp_path / f"Pulumi.{STACK}.yaml").read_text(encoding="utf-8") == "config: {}\n"


def _gate_adopt(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "gate", "adopt", "--region", REGION, "--max-attempts", "1"]
    return subprocess.run(
        [
            *command,
            "--stack",
            "legacy",
            "--out-config",
            str(tmp_path / "Pulumi.legacy.yaml"),
            *args,
        ],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.usefixtures("aws_env")
def test_cli_a_pool_id_that_does_not_exist(tmp_path: Path) -> None:
    process = _gate_adopt(tmp_path, "--pool-id", f"{REGION}_doesnotexist")

    assert process.returncode == 2, process.stderr
    assert process.stderr.startswith(f"error: --pool-id {REGION}_doesnotexist: no such user pool")
    assert len(process.stderr.strip().splitlines()) == 1
    assert process.stdout == ""


def test_cli_reports_what_to_supply_and_what_was_not_read(
    aws: Callable[[str], Any], tmp_path: Path
) -> None:
    """Against moto's real gaps: the reads moto lacks are listed as not read, never guessed."""
    pool_id, _ = _insecure_pool(aws)

    process = _gate_adopt(
        tmp_path, "--pool-id", pool_id, "--out-import", str(tmp_path / "import.json")
    )

    assert process.returncode == 0, process.stderr
    report = process.stdout
    assert "Not expressible (live value kept in this list):" in report
    assert "appClients[legacy-spa]: live" in report
    assert "Not read:" in report
    assert "cognito-idp:DescribeRiskConfiguration" in report
    assert f"pulumi import --file {tmp_path / 'import.json'} --stack legacy" in report
    assert json.loads((tmp_path / "import.json").read_text(encoding="utf-8"))["resources"]


def test_values_the_settings_refuse_are_listed_with_the_live_value(
    aws: Callable[[str], Any], emulator: Emulator, tmp_path: Path
) -> None:
    """SMS-first account recovery, an IdP `username` mapping and an identity pool with a developer
    provider are written as the settings allow and listed with their live values; the stack file
    still loads. (moto does not return `AllowClassicFlow`, which adopt lists the same way.)"""
    idp = aws("cognito-idp")
    pool_id = idp.create_user_pool(
        PoolName="recovery-by-sms",
        AccountRecoverySetting={
            "RecoveryMechanisms": [
                {"Name": "verified_phone_number", "Priority": 1},
                {"Name": "verified_email", "Priority": 2},
            ]
        },
    )["UserPool"]["Id"]
    idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName="okta",
        ProviderType="OIDC",
        ProviderDetails={
            "client_id": "okta-client",
            "client_secret": "never-returned-by-adopt",
            "oidc_issuer": "https://acme.okta.example",
            "authorize_scopes": "openid email",
            "attributes_request_method": "GET",
        },
        AttributeMapping={"email": "email", "username": "sub"},
    )
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="spa")["UserPoolClient"][
        "ClientId"
    ]
    aws("cognito-identity").create_identity_pool(
        IdentityPoolName="classic",
        AllowUnauthenticatedIdentities=False,
        AllowClassicFlow=True,
        DeveloperProviderName="login.example",
        CognitoIdentityProviders=[
            {
                "ProviderName": f"cognito-idp.{REGION}.amazonaws.com/{pool_id}",
                "ClientId": client_id,
                "ServerSideTokenCheck": True,
            }
        ],
    )
    answer_moto_gaps(emulator)
    emulator.answer(
        "cognito-identity",
        "GetIdentityPoolRoles",
        lambda request: {"IdentityPoolId": request["IdentityPoolId"], "Roles": {}},
    )

    result = _adopt(tmp_path, pool_id, "legacy")

    listed = {n.where: n.live for n in result.adoption.not_expressible}
    assert listed["userPool.accountRecovery"] == ["verified_phone_number", "verified_email"]
    assert listed["identityProviders[okta].attributeMapping.username"] == "sub"
    assert listed["identityPool.developerProviderName"] == "login.example"
    config = load_stack(find_project(ROOT), "legacy", result.config_file)
    adopted = load_stack_settings("legacy", config.values, config.secret_keys)
    assert adopted.user_pool.account_recovery == ("verified_email",)
    assert adopted.identity_pool is not None
    assert adopted.identity_pool.clients == ("spa",)
    assert [s.key for s in result.adoption.secrets] == ["oktaClientSecret"]
    assert "never-returned-by-adopt" not in result.config_file.read_text(encoding="utf-8")


def test_token_lifetimes_aws_sets_by_default_and_ones_the_settings_refuse() -> None:
    """A client without validities has AWS's lifetimes (one hour; refresh 30 days), written as
    they are; a lifetime the settings refuse is listed with the settings' reason and default."""
    adoption = Adoption(pool_id="eu-west-1_AbC123", region=REGION)
    spa = {"name": "spa", "readAttributes": ["email"], "writeAttributes": ["name"]}
    defaults = client_section(
        LiveResource(types.USER_POOL_CLIENT, "c1", "c1", spa), False, adoption
    )
    assert defaults is not None
    assert defaults["tokens"] == {
        "accessTokenMinutes": 60,
        "idTokenMinutes": 60,
        "refreshTokenHours": 720,
    }
    assert adoption.not_expressible == []

    long_lived = {**spa, "name": "kiosk", "accessTokenValidity": 2, "idTokenValidity": 90,
                  "tokenValidityUnits": {"accessToken": "days", "idToken": "minutes"}}  # fmt: skip
    section = client_section(
        LiveResource(types.USER_POOL_CLIENT, "c2", "c2", long_lived), False, adoption
    )
    assert section is not None
    assert section["tokens"]["accessTokenMinutes"] == 15
    assert section["tokens"]["idTokenMinutes"] == 90
    [refused] = adoption.not_expressible
    assert refused.where == "appClients[kiosk].accessTokenValidity"
    assert refused.live == "2 days"
    assert refused.reason == "is above the AWS maximum 1440 minutes; the config uses 15"
