"""Stack settings rules a user meets less often, each error line compared whole.

Every case edits the real ``Pulumi.prod.yaml`` at one place and loads it as the program does. The
expected lines name the stack file, the key path, the value and the rule, as a user reads them.
The AWS and GitHub rules behind them:
- GitHub OIDC trust for the pipeline roles (one repository; the deploy job in a protected
  environment or on a protected branch):
  https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
- role sessions of 1 to 12 hours (MaxSessionDuration):
  https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateRole.html
- a custom domain for managed login is a DNS name with an ACM certificate:
  https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-add-custom-domain.html
- social identity providers keep their client secret (Apple: the private key), and SAML providers
  their metadata file, out of the stack file; `Cognito` and the social provider names are reserved: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html
- user pool names are 1-128 characters of ``[\\w\\s+=,.@-]``:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPool.html
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from tests.infra.harness import (
    NAMESPACE,
    PROD_FILE,
    Edit,
    edited_raw,
    edited_settings,
    error_lines,
    run_program,
    set_section,
    stack_document,
    to_raw,
)
from tests.infra.test_settings_boundaries import RANGES
from tests.infra.test_tenant_chain import packaged_directory

P = NAMESPACE
F = PROD_FILE


PIPELINES = {
    "repository": "acme/identity",
    "deploy": {"environment": "prod"},
    "operator": {"environments": ["identity-ops"]},
}


def _pipelines(**changes: Any) -> Edit:
    return set_section("pipelines", **{**PIPELINES, **changes})


def _without_tenants_with(**functions: Any) -> Edit:
    def edit(document: dict[str, Any]) -> None:
        del document[P + "tenants"]
        document[P + "functions"] = functions

    return edit


def _provider(entry: dict[str, Any]) -> Edit:
    return lambda document: document[P + "identityProviders"].append(entry)


def _missing_secret(index: int, alias: str, key: str) -> str:
    return (
        f'{F}{P}identityProviders[{index}].{alias}: "{key}" names config key {P}{key}, which is '
        f"not set; set it with `pulumi config set --secret {key} <value> --stack prod`"
    )


REUSED = (
    "is also a deploy or operator environment; the planning (dry-run) environment must be one "
    "that can only read"
)
DEPLOY_ONE = (
    "must name exactly one of environment (a GitHub environment with required reviewers) or "
    "branch (a protected branch)"
)
LAMBDA = "arn:aws:lambda:eu-west-1:123456789012:function:claims"
POOL_NAME = "is not a valid user pool name: 1-128 characters matching [\\w\\s+=,.@-]+"

CASES: list[tuple[str, Edit, list[str]]] = [
    # pipelines: GitHub OIDC trust
    ("deploy-environment-and-branch", _pipelines(deploy={"environment": "prod", "branch": "main"}),
     [f"{F}{P}pipelines.deploy: {DEPLOY_ONE}"]),
    ("deploy-neither", _pipelines(deploy={}), [f"{F}{P}pipelines.deploy: {DEPLOY_ONE}"]),
    ("preview-allows-nothing", _pipelines(preview={"branches": []}),
     [f"{F}{P}pipelines.preview: must allow pull requests, at least one branch or one environment"]),
    ("preview-repeats", _pipelines(preview={"branches": ["main", "main"], "environments": ["dev", "dev"]}),
     [f'{F}{P}pipelines.preview.branches: "main" is listed twice',
      f'{F}{P}pipelines.preview.environments: "dev" is listed twice']),
    ("operator-repeats", _pipelines(operator={"environments": ["ops", "ops"]}),
     [f'{F}{P}pipelines.operator.environments: "ops" is listed twice']),
    ("operator-none", _pipelines(operator={"environments": []}),
     [f"{F}{P}pipelines.operator.environments: [] has too few items; at least 1 are required"]),
    ("operator-is-deploy", _pipelines(operator={"environments": ["prod"]}),
     [f'{F}{P}pipelines.operator.environments: "prod" is the deploy environment; identity-ops '
      "jobs need their own environment so that they can never assume the deploy role"]),
    ("planner-repeats", _pipelines(planner={"environments": ["plan", "plan"]}),
     [f'{F}{P}pipelines.planner.environments: "plan" is listed twice']),
    ("planner-reuses", _pipelines(planner={"environments": ["identity-ops", "prod"]}),
     [f'{F}{P}pipelines.planner.environments: "identity-ops" {REUSED}',
      f'{F}{P}pipelines.planner.environments: "prod" {REUSED}']),
    ("imports-without-planner", _pipelines(imports={"bucket": "acme-imports"}),
     [f"{F}{P}pipelines.imports: needs `planner`: the dry run reads import files with the "
      "read-only planner role"]),
    ("repository-without-owner", _pipelines(repository="acme"),
     [f'{F}{P}pipelines.repository: "acme" is not a valid GitHub repository (owner/name): 1-140 '
      "characters matching [A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}"]),
    ("session-of-13-hours", _pipelines(maxSessionHours=13),
     [f"{F}{P}pipelines.maxSessionHours: 13 is above the maximum 12"]),
    # domain: a prefix or a custom domain
    ("custom-domain-not-dns", set_section("domain", customDomain={"domainName": "Auth_Example"}),
     [f'{F}{P}domain.customDomain.domainName: "Auth_Example" is not a lower-case DNS name such '
      "as auth.example.com"]),
    ("prefix-and-custom-domain", set_section("domain", prefix="acme-auth", customDomain={"domainName": "auth.example.com"}),
     [f'{F}{P}domain.prefix: "acme-auth" set exactly one of prefix and customDomain']),
    ("neither-prefix-nor-custom-domain", set_section("domain"),
     [f"{F}{P}domain.prefix: set exactly one of prefix and customDomain"]),
    # social identity providers: their secrets live in `secure:` config keys
    ("google-secret", _provider({"type": "Google", "clientId": "g", "clientSecretKey": "googleSecret"}),
     [_missing_secret(2, "clientSecretKey", "googleSecret")]),
    ("facebook-secret", _provider({"type": "Facebook", "clientId": "f", "clientSecretKey": "facebookSecret"}),
     [_missing_secret(2, "clientSecretKey", "facebookSecret")]),
    ("apple-private-key", _provider({"type": "SignInWithApple", "clientId": "com.acme", "teamId": "ABCDE12345",
                                     "keyId": "KEY1234567", "privateKeyKey": "applePrivateKey"}),
     [_missing_secret(2, "privateKeyKey", "applePrivateKey")]),
    ("amazon-secret", _provider({"type": "LoginWithAmazon", "clientId": "a", "clientSecretKey": "amazonSecret"}),
     [_missing_secret(2, "clientSecretKey", "amazonSecret")]),
    # provider names AWS reserves, and where a SAML provider's metadata comes from
    ("provider-named-like-a-social-one", _provider({"type": "OIDC", "name": "Google", "clientId": "x",
                                                    "clientSecretKey": "entraClientSecret",
                                                    "issuer": "https://login.example.com"}),
     [f'{F}{P}identityProviders[2].name: "Google" is reserved; avoid COGNITO, Cognito, Facebook, '
      "Google, LoginWithAmazon, SignInWithApple"]),
    ("saml-without-metadata", lambda d: d[P + "identityProviders"][0].pop("metadataUrl"),
     [f"{F}{P}identityProviders[0].metadataUrl: set exactly one of metadataUrl and metadataFileKey"]),
    ("saml-metadata-file-secret", lambda d: d[P + "identityProviders"][0].update(metadataUrl=None, metadataFileKey="samlMetadata"),
     [_missing_secret(0, "metadataFileKey", "samlMetadata")]),
    # tenants and the platform functions that put a tenant into its users' tokens
    ("tenant-sso-without-client", lambda d: d[P + "tenants"][1].pop("appClient"),
     [f'{F}{P}tenants[1].sso: "contoso-saml" needs an appClient for the tenant to sign in through']),
    ("tenant-provider-maps-the-tenant", lambda d: d[P + "tenants"][1]["sso"]["attributeMapping"].update({"custom:tenant_id": "tenant"}),
     [f'{F}{P}tenants[1].sso.attributeMapping.custom:tenant_id: "tenant" must not be mapped: a '
      "tenant's identity provider would assert which tenant its users belong to (any tenant); "
      "the tenant comes from the provider they sign in through"]),
    ("functions-off-with-tenants", set_section("functions", enabled=False),
     [f"{F}{P}functions.enabled: false must be on when tenants are configured: only the pre token "
      "generation function puts a federated user's tenant into their tokens (remove the key or "
      "set true)"]),
    ("last-sign-in-without-functions", _without_tenants_with(lastSignInAttribute="last_sign_in"),
     [f'{F}{P}functions.lastSignInAttribute: "last_sign_in" is only recorded by the platform '
      "functions; set functions.enabled: true"]),
    ("last-sign-in-not-declared", set_section("functions", lastSignInAttribute="last_sign_in"),
     [f'{F}{P}functions.lastSignInAttribute: "last_sign_in" is not a custom attribute of the pool; '
      "declare it under userPool.schema.customAttributes (type String, mutable: true)"]),
    ("trigger-taken-by-the-platform", lambda d: d[P + "userPool"].update(triggers={"preTokenGeneration": LAMBDA}),
     [f'{F}{P}userPool.triggers.preTokenGeneration: "{LAMBDA}" is the platform functions\' trigger '
      "(on with tenants or functions.enabled); a trigger runs one function: remove this ARN or set "
      "functions.enabled: false"]),
    ("oidc-issuer-over-http", lambda d: d[P + "identityProviders"][1].update(issuer="http://login.example.com/v2.0"),
     [f'{F}{P}identityProviders[1].issuer: "http://login.example.com/v2.0" is not an https:// URL '
      "without wildcards or fragments"]),
    # how a schema error reads
    ("provider-without-type", _provider({"name": "okta", "clientId": "x"}),
     [f"{F}{P}identityProviders[2].type: is required (it selects the kind of entry)"]),
    ("misspelt-key", lambda d: d[P + "userPool"]["passwordPolicy"].update(minLength=14),
     [f"{F}{P}userPool.passwordPolicy.minLength: 14 is not a known setting here; check the "
      "spelling against the README config reference"]),
    ("percent-above-100", lambda d: d[P + "monitoring"].update(thresholds={"signInSuccessPercent": 101}),
     [f"{F}{P}monitoring.thresholds.signInSuccessPercent: 101 is above the maximum 100.0"]),
    ("claim-too-long", lambda d: d[P + "identityPool"]["roleMappings"][0]["rules"][0].update(claim="c" * 65),
     [f'{F}{P}identityPool.roleMappings[0].rules[0].claim: "{"c" * 65}" is too long; at most 64 '
      "characters are allowed"]),
    ("name-prefix-pattern", lambda d: d[P + "deployment"].update(namePrefix="Bad"),
     [f'{F}{P}deployment.namePrefix: "Bad" does not match the allowed pattern ^[a-z][a-z0-9-]{{1,19}}$']),
    ("percent-below-0", lambda d: d[P + "monitoring"].update(thresholds={"signInSuccessPercent": -1}),
     [f"{F}{P}monitoring.thresholds.signInSuccessPercent: -1 is below the minimum 0.0"]),
    ("claim-empty", lambda d: d[P + "identityPool"]["roleMappings"][0]["rules"][0].update(claim=""),
     [f'{F}{P}identityPool.roleMappings[0].rules[0].claim: "" is too short; it needs at least 1 '
      "characters"]),
    # a value is shown whole up to 80 characters, then cut to 77 and "..."
    ("value-of-80-characters", lambda d: d[P + "userPool"].update(name="bad/" + "a" * 74),
     [f'{F}{P}userPool.name: "bad/{"a" * 74}" {POOL_NAME}']),
    ("value-of-81-characters", lambda d: d[P + "userPool"].update(name="bad/" + "a" * 75),
     [f'{F}{P}userPool.name: "bad/{"a" * 72}... {POOL_NAME}']),
    ("unknown-key-with-a-map", lambda d: d[P + "userPool"]["passwordPolicy"].update(rules={"zeta": 1, "alpha": 2}),
     [f'{F}{P}userPool.passwordPolicy.rules: {{"alpha": 2, "zeta": 1}} is not a known setting '
      "here; check the spelling against the README config reference"]),
    ("pool-name-empty", lambda d: d[P + "userPool"].update(name=""),
     [f'{F}{P}userPool.name: "" {POOL_NAME}']),
]  # fmt: skip


@pytest.mark.parametrize(("edit", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_error_reads_exactly(edit: Edit, lines: list[str]) -> None:
    assert error_lines(edit) == lines


def test_a_pipelines_section_with_only_the_required_keys_gets_the_safe_defaults() -> None:
    pipelines = edited_settings(_pipelines()).pipelines
    assert pipelines is not None
    assert pipelines.repository == "acme/identity"
    assert pipelines.deploy.environment == "prod"
    assert pipelines.preview.branches == ("main",)
    assert pipelines.preview.pull_requests is False
    assert pipelines.operator.environments == ("identity-ops",)
    assert pipelines.max_session_hours == 1


def test_a_custom_domain_replaces_the_prefix() -> None:
    domain = edited_settings(
        set_section("domain", customDomain={"domainName": "auth.example.com"})
    ).domain
    assert domain is not None
    assert domain.prefix is None
    assert domain.custom_domain is not None
    assert domain.custom_domain.domain_name == "auth.example.com"


# --- the validators built when the settings modules are imported ---------------------------------


def _fresh_settings() -> Iterator[ModuleType]:
    """The `settings` package imported anew inside the calling test.

    `aws_range` and `aws_pattern` build their validators when the models are defined, at import;
    mutation testing switches a mutant on only while a test runs, so only models defined inside
    the test can show a broken builder. The package the other tests use is put back afterwards.
    """
    saved = {n: m for n, m in sys.modules.items() if n == "settings" or n.startswith("settings.")}
    for name in saved:
        del sys.modules[name]
    try:
        yield importlib.import_module("settings")
    finally:
        for name in [n for n in sys.modules if n == "settings" or n.startswith("settings.")]:
            del sys.modules[name]
        sys.modules.update(saved)


fresh_settings = pytest.fixture(_fresh_settings)


def _fresh_lines(fresh: Any, edit: Edit) -> list[str]:
    try:
        fresh.load_stack_settings("prod", edited_raw(edit))
    except fresh.StackConfigError as error:
        return str(error).splitlines()
    return []


def _setter(section: str, path: tuple[str | int, ...], value: int) -> Edit:
    def edit(document: dict[str, Any]) -> None:
        node: Any = document[P + section]
        for part in path[:-1]:
            node = node.setdefault(part, {}) if isinstance(part, str) else node[part]
        node[path[-1]] = value

    return edit


def _key(section: str, path: tuple[str | int, ...]) -> str:
    return P + section + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


@pytest.mark.parametrize(
    ("section", "path", "minimum", "maximum", "unit"),
    RANGES,
    ids=[_key(s, p).removeprefix(P) for s, p, *_ in RANGES],
)
def test_models_defined_anew_keep_aws_ranges(
    fresh_settings: ModuleType,
    section: str,
    path: tuple[str | int, ...],
    minimum: int,
    maximum: int,
    unit: str,
) -> None:
    key = _key(section, path)
    assert _fresh_lines(fresh_settings, _setter(section, path, minimum)) == []
    assert _fresh_lines(fresh_settings, _setter(section, path, maximum)) == []
    assert _fresh_lines(fresh_settings, _setter(section, path, minimum - 1)) == [
        f"{F}{key}: {minimum - 1} is below the AWS minimum {minimum}{unit}"
    ]
    assert _fresh_lines(fresh_settings, _setter(section, path, maximum + 1)) == [
        f"{F}{key}: {maximum + 1} is above the AWS maximum {maximum}{unit}"
    ]


def test_models_defined_anew_keep_aws_naming_rules(fresh_settings: ModuleType) -> None:
    def name(value: str) -> Edit:
        return lambda document: document[P + "userPool"].update(name=value)

    assert _fresh_lines(fresh_settings, name("a" * 128)) == []
    assert _fresh_lines(fresh_settings, name("a" * 129)) == [
        f'{F}{P}userPool.name: "{"a" * 76}... {POOL_NAME}'
    ]
    assert _fresh_lines(fresh_settings, name("")) == [f'{F}{P}userPool.name: "" {POOL_NAME}']
    assert _fresh_lines(fresh_settings, name("bad/name")) == [
        f'{F}{P}userPool.name: "bad/name" {POOL_NAME}'
    ]


def test_the_functions_carry_the_tenant_directory_the_stack_file_describes() -> None:
    """Run inside this test (not a shared fixture): the directory is encoded while the program
    runs, and the value the functions read is what counts (`functions/directory.py`)."""
    raw, secret_keys = to_raw(stack_document("prod"))
    run = run_program("prod", raw, secret_keys)
    assert packaged_directory(run) == {
        "groups": {"northwind": "tenant-northwind", "contoso": "tenant-contoso"},
        "providers": {"contoso-saml": "contoso"},
        "clients": {"tenant-contoso": "contoso"},
    }
