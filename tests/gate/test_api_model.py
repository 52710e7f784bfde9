"""The gate's `aws-api-model` check: the real prod plan's wire-form inputs, changed one value at a
time, against the AWS API models botocore ships; the mapping table against pulumi-aws's own input
types; and the gate end to end on a changed prod stack file, in every report format."""

from __future__ import annotations

import collections.abc
import json
import threading
import time
import typing
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pulumi._types as pulumi_types
import pytest

from gate import api_model
from gate.analyzer import UNKNOWN, Secret
from gate.api_check import API_MODEL_POLICY, api_model_findings
from gate.api_mapping import MAPPINGS, Field, NotSent
from gate.api_model import input_shape
from gate.api_shapes import (
    ListShape,
    MapShape,
    ServiceModel,
    Shape,
    StructureShape,
    load_service_model,
)
from gate.plan import Plan, PlannedResource
from gate.result import GateResult
from tests.repo import ROOT

from .conftest import SARIF_SCHEMA, mutated_stack, run_cli

REPORT_SCHEMA = ROOT / "gate" / "report.schema.json"
POOL = "aws:cognito/userPool:UserPool"
CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
IDENTITY_POOL = "aws:cognito/identityPool:IdentityPool"
ATTACHMENT = "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment"
RISK = "aws:cognito/riskConfiguration:RiskConfiguration"
DOMAIN = "aws:cognito/userPoolDomain:UserPoolDomain"
PROVIDER = "aws:cognito/identityProvider:IdentityProvider"
SERVER = "aws:cognito/resourceServer:ResourceServer"
URL = "https://portal.example.com/oauth2/callback"


def _set(value: Any, path: str, new: Any) -> Any:
    """A copy of `value` with `new` at `path` (`a.b.0.c`); only the containers on the way are
    copied, so the unknown and secret markers stay the very objects the gate recorded."""
    head, _, rest = path.partition(".")
    if isinstance(value, list):
        copy = list(value)
        copy[int(head)] = _set(value[int(head)], rest, new) if rest else new
        return copy
    copy_map = dict(value)
    copy_map[head] = _set(value[head], rest, new) if rest else new
    return copy_map


def _resource(result: GateResult, resource_type: str) -> PlannedResource:
    return next(r for r in result.plan.resources if r.type == resource_type)


def _messages(resource: PlannedResource, inputs: Mapping[str, Any]) -> list[str]:
    plan = Plan("enterprise-identity", "prod", "preview", (replace(resource, inputs=inputs),))
    findings = api_model_findings(plan)
    assert all(f.policy_name == API_MODEL_POLICY and f.mandatory for f in findings)
    return [f.message for f in findings]


def _changed(result: GateResult, resource_type: str, path: str, value: Any) -> list[str]:
    resource = _resource(result, resource_type)
    return _messages(resource, _set(resource.inputs, path, value))


REFUSED = [
    (
        POOL,
        "passwordPolicy.minimumLength",
        5,
        "`passwordPolicy.minimumLength` is 5; the CreateUserPool API allows 6 to 99 "
        "(Policies.PasswordPolicy.MinimumLength, https://docs.aws.amazon.com/"
        "cognito-user-identity-pools/latest/APIReference/API_CreateUserPool.html)",
    ),
    (
        POOL,
        "mfaConfiguration",
        "MAYBE",
        '`mfaConfiguration` is "MAYBE"; the CreateUserPool API allows OFF, ON, OPTIONAL',
    ),
    (
        POOL,
        "passwordPolicy.minimumLength",
        14.5,
        "`passwordPolicy.minimumLength` is the number 14.5; the CreateUserPool API expects a "
        "whole number",
    ),
    (
        POOL,
        "name",
        "Café identity",  # Java's \w is ASCII: user-pool-settings-name.html lists a-z, A-Z, 0-9
        '`name` is "Café identity"; the CreateUserPool API requires the pattern [\\w\\s+=,.@-]+',
    ),
    (
        POOL,
        "schemas.2.name",
        "tenant_identifier_long",
        "`schemas[2].name` is 22 characters long; the CreateUserPool API allows 1 to 20 "
        "characters (Schema[2].Name",
    ),
    (
        POOL,
        "softwareTokenMfaConfiguration.enabled",
        "yes",
        "`softwareTokenMfaConfiguration.enabled` is a string; the SetUserPoolMfaConfig API "
        "expects true or false (SoftwareTokenMfaConfiguration.Enabled, https://docs.aws.amazon"
        ".com/cognito-user-identity-pools/latest/APIReference/API_SetUserPoolMfaConfig.html)",
    ),
    (
        POOL,
        "tags",
        {"k" * 129: "v"},
        f'`tags` has the key "{"k" * 129}", which is 129 characters long; the CreateUserPool API '
        "allows 1 to 128 characters (UserPoolTags",
    ),
    (
        CLIENT,
        "name",
        "c" * 129,
        "`name` is 129 characters long; the CreateUserPoolClient API allows 1 to 128 characters",
    ),
    (
        CLIENT,
        "callbackUrls.0",
        "https://portal.example.com/" + "p" * 998,
        "`callbackUrls[0]` is 1025 characters long; the CreateUserPoolClient API allows 1 to "
        "1024 characters (CallbackURLs[0]",
    ),
    (
        CLIENT,
        "callbackUrls",
        [f"{URL}/{index}" for index in range(101)],
        "`callbackUrls` has 101 items; the CreateUserPoolClient API allows 0 to 100 items",
    ),
    (
        CLIENT,
        "refreshTokenValidity",
        315_360_001,
        "`refreshTokenValidity` is 315360001; the CreateUserPoolClient API allows 0 to 315360000",
    ),
    (
        CLIENT,
        "accessTokenValidity",
        0,
        "`accessTokenValidity` is 0; the CreateUserPoolClient API allows 1 to 86400",
    ),
    (
        CLIENT,
        "tokenValidityUnits.accessToken",
        "weeks",
        '`tokenValidityUnits.accessToken` is "weeks"; the CreateUserPoolClient API allows '
        "seconds, minutes, hours, days",
    ),
    (
        IDENTITY_POOL,
        "identityPoolName",
        "enterprise/identity",
        '`identityPoolName` is "enterprise/identity"; the CreateIdentityPool API requires the '
        "pattern [\\w\\s+=,.@-]+ (IdentityPoolName, https://docs.aws.amazon.com/cognitoidentity/"
        "latest/APIReference/API_CreateIdentityPool.html)",
    ),
    (
        ATTACHMENT,
        "roleMappings.0.ambiguousRoleResolution",
        "Allow",
        '`roleMappings[0].ambiguousRoleResolution` is "Allow"; the SetIdentityPoolRoles API '
        "allows AuthenticatedRole, Deny (RoleMappings[<key>].AmbiguousRoleResolution",
    ),
    (
        ATTACHMENT,
        "roleMappings.0.mappingRules.0.matchType",
        "Matches",
        '`roleMappings[0].mappingRules[0].matchType` is "Matches"; the SetIdentityPoolRoles API '
        "allows Equals, Contains, StartsWith, NotEqual",
    ),
    (
        RISK,
        "compromisedCredentialsRiskConfiguration.eventFilters",
        ["SIGN_IN", "LOGIN"],
        '`compromisedCredentialsRiskConfiguration.eventFilters[1]` is "LOGIN"; the '
        "SetRiskConfiguration API allows SIGN_IN, PASSWORD_CHANGE, SIGN_UP "
        "(CompromisedCredentialsRiskConfiguration.EventFilter[1]",
    ),
    (
        DOMAIN,
        "domain",
        "Acme_Workforce",
        '`domain` is "Acme_Workforce"; the CreateUserPoolDomain API requires the pattern',
    ),
]


@pytest.mark.parametrize(
    ("resource_type", "path", "value", "message"),
    REFUSED,
    ids=[f"{case[0].split(':')[-1]}-{case[1]}" for case in REFUSED],
)
def test_a_value_the_api_refuses_is_a_mandatory_finding_naming_input_and_limit(
    prod_result: GateResult, resource_type: str, path: str, value: Any, message: str
) -> None:
    messages = _changed(prod_result, resource_type, path, value)
    assert len(messages) == 1, messages
    assert messages[0].startswith(message), messages[0]


ACCEPTED = [
    (POOL, "passwordPolicy.minimumLength", 6),
    (POOL, "passwordPolicy.minimumLength", 99.0),  # the wire has only doubles
    (POOL, "mfaConfiguration", "OPTIONAL"),
    (POOL, "name", "enterprise identity, prod"),
    (CLIENT, "name", "c" * 128),
    (CLIENT, "callbackUrls", [f"{URL}/{index}" for index in range(100)]),
    (CLIENT, "callbackUrls.0", "com.example.field://callback"),
    (CLIENT, "refreshTokenValidity", 315_360_000),
    (IDENTITY_POOL, "identityPoolName", "enterprise identity-prod.eu"),
    (DOMAIN, "domain", "acme-workforce-2"),
]


@pytest.mark.parametrize(
    ("resource_type", "path", "value"),
    ACCEPTED,
    ids=[f"{case[0].split(':')[-1]}-{case[1]}-{str(case[2])[:12]}" for case in ACCEPTED],
)
def test_a_value_at_the_edge_of_what_the_api_allows_passes(
    prod_result: GateResult, resource_type: str, path: str, value: Any
) -> None:
    assert _changed(prod_result, resource_type, path, value) == []


@pytest.mark.parametrize(
    ("resource_type", "path"),
    [
        (POOL, "passwordPolicy.minimumLength"),
        (POOL, "mfaConfiguration"),
        (CLIENT, "callbackUrls"),
        (CLIENT, "name"),
        (IDENTITY_POOL, "identityPoolName"),
    ],
)
def test_a_value_unknown_at_preview_is_skipped_never_reported(
    prod_result: GateResult, resource_type: str, path: str
) -> None:
    assert _changed(prod_result, resource_type, path, UNKNOWN) == []


def test_required_members_the_provider_fills_are_not_reported_missing(
    prod_result: GateResult,
) -> None:
    """The pool id comes from the parent (unknown at preview); Pulumi auto-names a pool."""
    pool = _resource(prod_result, POOL)
    assert pool.inputs["name"]
    assert _messages(pool, {k: v for k, v in pool.inputs.items() if k != "name"}) == []
    client = _resource(prod_result, CLIENT)
    assert client.inputs["userPoolId"] is UNKNOWN
    assert _messages(client, client.inputs) == []


def test_a_required_member_no_input_sets_is_named_by_its_input(prod_result: GateResult) -> None:
    server = _resource(prod_result, SERVER)
    inputs = {k: v for k, v in server.inputs.items() if k != "identifier"}
    [message] = _messages(server, inputs)
    assert message.startswith(
        "`identifier` is not set; the CreateResourceServer API requires Identifier"
    )


def test_a_secret_value_is_never_shown(prod_result: GateResult) -> None:
    provider = _resource(prod_result, PROVIDER)
    [message] = _messages(provider, _set(provider.inputs, "providerName", Secret("_hidden-idp")))
    assert "_hidden-idp" not in message
    assert message.startswith("`providerName` is a secret value outside that limit; the ")


def test_the_real_dev_and_prod_stacks_have_no_api_model_finding(
    prod_result: GateResult, dev_result: GateResult
) -> None:
    for result in (prod_result, dev_result):
        cognito = [r for r in result.plan.resources if r.type.startswith("aws:cognito/")]
        assert len(cognito) >= 10
        assert [f for f in result.analysis.findings if f.policy_name == API_MODEL_POLICY] == []


def test_every_pulumi_aws_input_has_an_api_member_or_a_reason(
    prod_result: GateResult,
) -> None:
    """Walks pulumi-aws's own input types (nested ones too) through the table onto the models:
    an input with no API member, or a table entry naming a member the model lacks, fails here."""
    import pulumi_aws.cognito as cognito

    gaps: list[str] = []
    for resource_type, mapping in MAPPINGS.items():
        args = getattr(cognito, resource_type.rsplit(":", 1)[1] + "Args")
        shape = input_shape(mapping.service, mapping.operation)
        gaps += _walk(args, mapping.fields, shape, mapping.service, f"{resource_type} ")
    assert gaps == []
    used = {r.type for r in prod_result.plan.resources if r.type.startswith("aws:cognito/")}
    assert used <= set(MAPPINGS)


def _walk(
    args: type, fields: Mapping[str, Field | NotSent], shape: Shape, service: str, where: str
) -> list[str]:
    gaps: list[str] = []
    assert isinstance(shape, StructureShape)
    for name, hint in pulumi_types.input_type_types(args).items():
        rule = fields.get(name) or next(
            (Field(member) for member in shape.members if member.lower() == name.lower()), None
        )
        if isinstance(rule, NotSent):
            continue
        if rule is None:
            gaps.append(f"{where}{name}")
            continue
        target: Shape | None = input_shape(service, rule.operation) if rule.operation else shape
        for part in rule.api.split("."):
            members = target.members if isinstance(target, StructureShape) else {}
            target = members.get(part)
        if target is None:
            gaps.append(f"{where}{name} -> {rule.api}: the API model has no such member")
            continue
        nested = _input_class(hint)
        if nested is None:
            continue
        if isinstance(target, ListShape):
            target = target.member
        if isinstance(target, MapShape):
            target = target.value
        inner = dict(rule.fields)
        if rule.keyed_by:
            inner[rule.keyed_by] = NotSent("the map key")
        gaps += _walk(nested, inner, target, service, f"{where}{name}.")
    return gaps


def _input_class(hint: Any) -> type | None:
    """`XArgs` from `XArgs` or `Sequence[Union[XArgs, Awaitable[XArgs], Output]]`."""
    if isinstance(hint, type) and pulumi_types.is_input_type(hint):
        return hint
    if typing.get_origin(hint) is collections.abc.Sequence:
        for option in typing.get_args(typing.get_args(hint)[0]):
            if isinstance(option, type) and pulumi_types.is_input_type(option):
                return option
    return None


@pytest.mark.slow
def test_the_gate_blocks_a_prod_stack_the_api_would_refuse_in_every_format(
    tmp_path: Path,
) -> None:
    """The settings accept a resource server name with a slash; CreateResourceServer does not."""

    def rename(config: dict[str, Any]) -> None:
        config["enterprise-identity:resourceServers"][0]["name"] = "reports/v2"

    stack_file = mutated_stack(tmp_path, "prod", rename)
    paths = {fmt: tmp_path / f"report.{fmt}" for fmt in ("json", "sarif", "markdown")}
    run = run_cli(
        "--stack",
        "prod",
        "--config-file",
        str(stack_file),
        "--format",
        "table",
        *[arg for fmt, path in paths.items() for arg in ("--also", f"{fmt}={path}")],
    )
    assert run.returncode == 1, run.stderr
    expected = '`name` is "reports/v2"; the CreateResourceServer API requires the pattern'
    assert "✖ mandatory aws-api-model" in run.stdout
    assert expected in run.stdout

    document = json.loads(paths["json"].read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))).validate(
        document
    )
    [violation] = [v for v in document["violations"] if v["policy"] == API_MODEL_POLICY]
    assert violation["mandatory"] is True
    assert violation["blocksAt"] == "preview"
    assert violation["resource"]["type"] == SERVER
    assert violation["message"].startswith(expected)
    assert document["summary"]["exitCode"] == 1

    sarif = json.loads(paths["sarif"].read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(sarif)
    sarif_run = sarif["runs"][0]
    [result] = [r for r in sarif_run["results"] if r["ruleId"] == API_MODEL_POLICY]
    assert result["level"] == "error"
    rule = sarif_run["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert rule["id"] == API_MODEL_POLICY

    markdown = paths["markdown"].read_text(encoding="utf-8")
    assert "❌ blocked" in markdown
    assert "| mandatory | `aws-api-model` |" in markdown
    assert expected.replace("|", "\\|") in markdown


def test_a_model_asked_for_while_another_thread_loads_it_is_loaded_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The gate loads the models on a thread while the program runs; a resource checked before
    that load ends waits for it instead of reading the model a second time."""
    loads: list[str] = []
    read = load_service_model

    def slow_read(service: str) -> ServiceModel:
        loads.append(service)
        time.sleep(0.2)
        return read(service)

    monkeypatch.setattr(api_model, "load_service_model", slow_read)
    api_model._loaded_model.cache_clear()
    models: list[object] = []
    threads = [
        threading.Thread(target=lambda: models.append(api_model.service_model("cognito-idp")))
        for _ in range(2)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        api_model._loaded_model.cache_clear()
    assert loads == ["cognito-idp"]
    assert models[0] is models[1]


def test_patterns_compiled_ahead_judge_as_those_compiled_on_the_way() -> None:
    """`compile_patterns` (the gate's loader thread) fills the same cache the checks read: every
    pattern of the model is then compiled, and a value is judged as before."""
    api_model._compiled.cache_clear()
    api_model.compile_patterns("cognito-idp")
    compiled = api_model._compiled.cache_info().currsize
    model = api_model.service_model("cognito-idp")
    patterns = {model.shape_for(n).metadata.get("pattern") for n in model.shape_names} - {None}
    assert compiled == len(patterns) > 20
    shape = input_shape("cognito-idp", "CreateUserPoolClient").members["ClientName"]
    assert api_model.validate(shape, "web client", ("ClientName",)) == []
    assert api_model.validate(shape, "web/client", ("ClientName",))[0].allowed.startswith(
        "requires the pattern"
    )
