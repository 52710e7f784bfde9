"""The tenant and federation chain on the real stack files: the platform functions, their roles,
permissions, log groups and the pool's lambdaConfig; the identity-pool clients that must carry
the tenant claim; and the config errors that keep the chain sound."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from components import exports
from settings import StackConfigError, load_stack_settings
from tests.infra.harness import ACCOUNT, ProgramRun, Registered, stack_document, to_raw

FUNCTION = "aws:lambda/function:Function"
PERMISSION = "aws:lambda/permission:Permission"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
POOL = "aws:cognito/userPool:UserPool"
CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
IDENTITY_POOL = "aws:cognito/identityPool:IdentityPool"
ATTACHMENT = "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment"
P = "enterprise-identity:"
Edit = Callable[[dict[str, Any]], None]


def functions(run: ProgramRun) -> dict[str, Registered]:
    """Function suffix (``pre-token``, ``membership``) -> the registered function."""
    prefix = run.one(POOL).name.removesuffix("-pool")
    return {f.name.removeprefix(f"{prefix}-"): f for f in run.of_type(FUNCTION)}


def packaged_directory(run: ProgramRun) -> dict[str, Any]:
    """The tenant directory packaged beside the functions' code (one archive per stack)."""
    (code,) = {json.dumps(f.inputs["code"], sort_keys=True) for f in run.of_type(FUNCTION)}
    document: dict[str, Any] = json.loads(
        json.loads(code)["assets"]["functions/tenant_directory.json"]["text"]
    )
    return document


def pool_arn(run: ProgramRun) -> str:
    arn: str = run.outputs[exports.USER_POOL_ARN]
    return arn


# --- the functions ---------------------------------------------------------------------------


def test_two_functions_run_the_repository_package_on_python_313_arm64(run: ProgramRun) -> None:
    found = functions(run)
    assert {name: f.inputs["handler"] for name, f in found.items()} == {
        "pre-token": "functions.pre_token.handler",
        "membership": "functions.membership.handler",
    }
    for function in found.values():
        assert function.inputs["runtime"] == "python3.13"
        assert function.inputs["architectures"] == ["arm64"]
        assert function.inputs["timeout"] == 5  # Cognito's wait for a trigger
        assert function.parent.endswith("PlatformFunctions")


def test_one_archive_per_stack_whatever_the_tenants(
    run_variant: Callable[[str, Edit], ProgramRun], stack_runs: dict[str, ProgramRun]
) -> None:
    def many_tenants(document: dict[str, Any]) -> None:
        # 200 tenants: a directory of about 9 KB, past Lambda's 4 KB for environment variables
        document[P + "tenants"] += [{"id": f"tenant-number-{n:03d}"} for n in range(198)]

    for run, count in ((stack_runs["prod"], 2), (run_variant("prod", many_tenants), 200)):
        archives = [f.inputs["code"] for f in run.of_type(FUNCTION)]
        assert len(archives) == 2
        assert archives[0] == archives[1]
        files = set(archives[0]["assets"])
        assert "functions/pre_token.py" in files
        assert "functions/membership.py" in files
        assert files - {"functions/tenant_directory.json"} == {
            name for name in files if name.endswith(".py") and "__pycache__" not in name
        }
        assert len(packaged_directory(run)["groups"]) == count


def test_lambda_config_wires_the_functions_with_pre_token_v2(run: ProgramRun) -> None:
    found = functions(run)
    config = run.one(POOL).inputs["lambdaConfig"]
    pre_token = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:{found['pre-token'].name}"
    membership = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:{found['membership'].name}"
    assert config == {
        "preTokenGenerationConfig": {"lambdaArn": pre_token, "lambdaVersion": "V2_0"},
        "postConfirmation": membership,
        "postAuthentication": membership,
    }


def test_each_function_may_call_only_its_own_actions_on_this_pool(
    stack: str, run: ProgramRun
) -> None:
    prefix = run.one(POOL).name.removesuffix("-pool")
    policies = {r.name: json.loads(r.inputs["policy"]) for r in run.of_type(ROLE_POLICY)}
    groups = {g.name: g for g in run.of_type(LOG_GROUP)}
    expected = {
        "pre-token": ["cognito-idp:ListUserPoolClients"],
        "membership": ["cognito-idp:AdminAddUserToGroup"]
        # dev records the last sign-in (functions.lastSignInAttribute)
        + (["cognito-idp:AdminUpdateUserAttributes"] if stack == "dev" else []),
    }
    for suffix, actions in expected.items():
        cognito, logs = policies[f"{prefix}-{suffix}-policy"]["Statement"]
        assert cognito == {"Effect": "Allow", "Action": actions, "Resource": pool_arn(run)}
        log_group_arn = f"arn:aws:cloudwatch:eu-west-1:{ACCOUNT}:{prefix}-{suffix}-logs"
        assert groups[f"{prefix}-{suffix}-logs"].name == f"{prefix}-{suffix}-logs"
        assert logs == {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"{log_group_arn}:*",
        }
    roles = {r.name: r for r in run.of_type("aws:iam/role:Role")}
    for function in functions(run).values():
        role = roles[function.inputs["role"].rsplit("/", 1)[1]]
        trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        assert trust == [
            {
                "Action": "sts:AssumeRole",
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
            }
        ]


def test_only_this_pool_in_this_account_may_invoke_them(run: ProgramRun) -> None:
    permissions = {p.inputs["function"]: p.inputs for p in run.of_type(PERMISSION)}
    assert set(permissions) == {f.inputs["name"] for f in functions(run).values()}
    for permission in permissions.values():
        assert permission["action"] == "lambda:InvokeFunction"
        assert permission["principal"] == "cognito-idp.amazonaws.com"
        assert permission["sourceArn"] == pool_arn(run)
        assert permission["sourceAccount"] == ACCOUNT


def test_each_function_logs_to_its_own_group_with_the_stack_retention(
    stack: str, run: ProgramRun
) -> None:
    retention = stack_document(stack)[P + "userPool"]["logging"]["retentionDays"]
    groups = {g.inputs["name"]: g.inputs for g in run.of_type(LOG_GROUP)}
    for function in functions(run).values():
        name = f"/aws/lambda/{function.inputs['name']}"
        assert groups[name]["retentionInDays"] == retention
        assert function.inputs["loggingConfig"] == {"logFormat": "JSON", "logGroup": name}


def test_the_functions_know_each_tenant_by_provider_and_client(stack: str, run: ProgramRun) -> None:
    found = functions(run)
    directory = packaged_directory(run)
    assert directory == {
        "groups": {"northwind": "tenant-northwind", "contoso": "tenant-contoso"},
        "providers": {"contoso-saml": "contoso"},
        "clients": {"tenant-contoso": "contoso"},
    }
    # Nothing rides in the environment but the last sign-in attribute: dev (Essentials, no auth
    # events) keeps the last sign-in for disable-inactive.
    assert "environment" not in found["pre-token"].inputs
    membership = (found["membership"].inputs.get("environment") or {}).get("variables", {})
    last = {"dev": "custom:last_sign_in", "prod": None}[stack]
    assert membership.get("LAST_SIGN_IN_ATTRIBUTE") == last


def test_no_tenants_no_functions(run_variant: Callable[[str, Edit], ProgramRun]) -> None:
    def no_tenants(document: dict[str, Any]) -> None:
        del document[P + "tenants"]

    run = run_variant("prod", no_tenants)
    assert run.of_type(FUNCTION) == []
    assert "lambdaConfig" not in run.one(POOL).inputs


# --- the identity-pool path ------------------------------------------------------------------


def test_every_identity_pool_client_reads_what_the_principal_tags_map(run: ProgramRun) -> None:
    clients = {c.name: c.inputs for c in run.of_type(CLIENT)}
    ids = run.outputs[exports.CLIENT_IDS]
    by_id = {ids[c["name"]]: c for c in clients.values()}
    providers = run.one(IDENTITY_POOL).inputs["cognitoIdentityProviders"]
    readers = {by_id[p["clientId"]]["name"] for p in providers}
    assert readers == {"portal", "console", "field-app", "tenant-contoso"}
    for name in readers:
        read = set(by_id[ids[name]]["readAttributes"])
        assert {"custom:tenant_id", "custom:department"} <= read, name
    # the machine client is no identity-pool client and reads no more than before
    assert (
        "custom:tenant_id"
        not in clients[next(n for n in clients if "reporting" in n)]["readAttributes"]
    )


def test_tenant_client_gets_the_tenant_role_through_a_token_mapping(run: ProgramRun) -> None:
    ids = run.outputs[exports.CLIENT_IDS]
    mappings = {
        m["identityProvider"].rsplit(":", 1)[1]: m
        for m in run.one(ATTACHMENT).inputs["roleMappings"]
    }
    assert mappings[ids["tenant-contoso"]] == {
        "identityProvider": mappings[ids["tenant-contoso"]]["identityProvider"],
        "type": "Token",
        "ambiguousRoleResolution": "Deny",
    }


# --- config errors ---------------------------------------------------------------------------


def problems(edit: Edit, stack: str = "prod") -> list[str]:
    document = copy.deepcopy(stack_document(stack))
    edit(document)
    with pytest.raises(StackConfigError) as caught:
        load_stack_settings(stack, to_raw(document)[0])
    return list(caught.value.problems)


def contoso(document: dict[str, Any]) -> dict[str, Any]:
    tenant: dict[str, Any] = document[P + "tenants"][1]
    return tenant


def test_a_tenant_idp_may_not_assert_the_tenant() -> None:
    def edit(document: dict[str, Any]) -> None:
        contoso(document)["sso"]["attributeMapping"]["custom:tenant_id"] = "tenant"

    assert problems(edit) == [
        "Pulumi.prod.yaml: enterprise-identity:tenants[1].sso.attributeMapping.custom:tenant_id: "
        '"tenant" must not be mapped: a tenant\'s identity provider would assert which tenant its '
        "users belong to (any tenant); the tenant comes from the provider they sign in through"
    ]


def test_tenants_need_a_tier_that_runs_pre_token_v2() -> None:
    def edit(document: dict[str, Any]) -> None:
        pool = document[P + "userPool"]
        pool.update(tier="LITE", threatProtection={"mode": "OFF"})
        pool["passwordPolicy"]["passwordHistorySize"] = 0
        pool["logging"]["authEvents"] = False
        document[P + "domain"].pop("managedLoginVersion", None)

    assert (
        'Pulumi.prod.yaml: enterprise-identity:userPool.tier: "LITE" cannot run the platform\'s '
        "pre token generation function (event V2_0, access-token customisation) that tenants "
        "need; use ESSENTIALS or PLUS"
    ) in problems(edit)


@pytest.mark.parametrize(
    "trigger", ["preTokenGeneration", "postConfirmation", "postAuthentication"]
)
def test_a_trigger_of_the_platform_cannot_also_point_elsewhere(trigger: str) -> None:
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:mine"

    def edit(document: dict[str, Any]) -> None:
        document[P + "userPool"]["triggers"] = {trigger: arn}

    assert problems(edit) == [
        f'Pulumi.prod.yaml: enterprise-identity:userPool.triggers.{trigger}: "{arn}" is the '
        "platform functions' trigger (on with tenants or functions.enabled); a trigger runs one "
        "function: remove this ARN or set functions.enabled: false"
    ]


def test_an_explicit_read_list_must_name_every_principal_tag_claim() -> None:
    def edit(document: dict[str, Any]) -> None:
        document[P + "appClients"][1]["readAttributes"] = ["email", "custom:department"]

    assert problems(edit) == [
        'Pulumi.prod.yaml: enterprise-identity:appClients[1].readAttributes: "custom:tenant_id" '
        "is missing from app client console's readAttributes, but the identity pool maps a "
        "principal tag from it: its ID tokens would lack the claim, the session the tag and every "
        "policy that checks the tag would deny; add it or remove readAttributes"
    ]


def test_a_tenant_client_may_be_listed_as_an_identity_pool_client() -> None:
    document = copy.deepcopy(stack_document("prod"))
    document[P + "identityPool"]["clients"] = ["portal", "tenant-contoso"]
    document[P + "identityPool"]["roleMappings"] = [
        m for m in document[P + "identityPool"]["roleMappings"] if m["client"] == "portal"
    ]
    settings = load_stack_settings("prod", to_raw(document)[0])
    assert settings.identity_pool_clients == ("portal", "tenant-contoso")


def test_tenants_cannot_switch_the_functions_off() -> None:
    def edit(document: dict[str, Any]) -> None:
        document[P + "functions"] = {"enabled": False}

    assert problems(edit) == [
        "Pulumi.prod.yaml: enterprise-identity:functions.enabled: false must be on when tenants "
        "are configured: only the pre token generation function puts a federated user's tenant "
        "into their tokens (remove the key or set true)"
    ]


@pytest.mark.parametrize(
    ("attribute", "message"),
    [
        pytest.param(
            "last_seen",
            "is not a custom attribute of the pool; declare it under "
            "userPool.schema.customAttributes (type String, mutable: true)",
            id="undeclared",
        ),
        pytest.param(
            "tenant_id",
            "must be a mutable String attribute that is not an authorization attribute (the "
            "functions rewrite it at every sign-in)",
            id="authorization attribute",
        ),
    ],
)
def test_the_last_sign_in_attribute_must_be_a_writable_custom_attribute(
    attribute: str, message: str
) -> None:
    def edit(document: dict[str, Any]) -> None:
        document[P + "functions"] = {"lastSignInAttribute": attribute}

    assert problems(edit) == [
        f'Pulumi.prod.yaml: enterprise-identity:functions.lastSignInAttribute: "{attribute}" {message}'
    ]


def test_many_tenants_share_the_identity_pool_clients_within_its_10_mappings(
    run_variant: Callable[[str, Edit], ProgramRun],
) -> None:
    """Past 10 clients, tenants' own clients are not identity-pool clients by default: AWS maps
    at most 10 (SetIdentityPoolRoles); the shared clients' Token mapping still gives each tenant
    user their tenant role."""

    def many_tenant_clients(document: dict[str, Any]) -> None:
        client = {"kind": "web", "callbackUrls": ["https://t.example.com/cb"]}
        document[P + "tenants"] += [
            {"id": f"tenant-{n:02d}", "appClient": client} for n in range(10)
        ]

    run = run_variant("prod", many_tenant_clients)
    (attachment,) = run.of_type("aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment")
    mappings = attachment.inputs["roleMappings"]
    assert len(mappings) == 3  # portal, console, field-app
