"""Edges of the tenant, platform-function and secret rules that a mutation run of ``settings/``
found unpinned (issue 14).

Each case edits the real ``Pulumi.prod.yaml`` at one place and loads it as the program does (as
the CLI hands it over: ``secure:`` keys listed as secret); a broken rule is compared as the whole
list of error lines. The AWS rules behind them:
- the platform's pre token generation function uses event V2_0 (access-token customisation),
  which the Essentials and Plus feature plans include and Lite does not:
  https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-sign-in-feature-plans.html
  https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
- a custom attribute's type is fixed and an immutable one cannot be changed after the user is
  created (SchemaAttributeType, AttributeDataType and Mutable), so the last-sign-in stamp needs a
  mutable String attribute:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SchemaAttributeType.html
- an app client's WriteAttributes are the attributes its users may set themselves:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from gate.host_process import CONFIG_FILE_VARIABLE
from gate.stack import find_project, load_stack
from settings import StackConfigError, load_stack_settings
from settings.loader import config_source
from settings.tenants import encode_directory
from tests.infra.harness import (
    NAMESPACE,
    PROD_FILE,
    Edit,
    run_program,
    stack_document,
    to_raw,
)
from tests.repo import ROOT

P = NAMESPACE
FP = PROD_FILE + NAMESPACE
LAMBDA = "arn:aws:lambda:eu-west-1:123456789012:function:mine"
NESTED_SECRET = (
    "holds a `secure:` value, but this setting is not a secret, so the program would use the "
    "value as plain text; put the secret in its own top-level `secure:` key and name that key in "
    "a *Key setting (for example clientSecretKey)"
)
NOT_WRITABLE_STRING = (
    "must be a mutable String attribute that is not an authorization attribute (the functions "
    "rewrite it at every sign-in)"
)


def problems_as_delivered(edit: Edit) -> list[str]:
    """The error lines of the edited prod stack file, loaded with its secret keys as the CLI
    delivers them (so plain-text and nested secrets are told apart)."""
    document = copy.deepcopy(stack_document("prod"))
    edit(document)
    with pytest.raises(StackConfigError) as caught:
        load_stack_settings("prod", *to_raw(document))
    return str(caught.value).splitlines()


def _with_last_sign_in(**attribute: Any) -> Edit:
    """Prod with ``functions.lastSignInAttribute: last_sign_in`` declared as ``attribute``."""

    def edit(document: dict[str, Any]) -> None:
        schema = document[P + "userPool"]["schema"]
        schema["customAttributes"].append({"name": "last_sign_in", **attribute})
        document[P + "functions"] = {"lastSignInAttribute": "last_sign_in"}

    return edit


def _client_writes_last_sign_in(document: dict[str, Any]) -> None:
    """A valid last-sign-in attribute that the machine client ``reporting-job`` may write."""
    _with_last_sign_in()(document)
    document[P + "appClients"][3]["writeAttributes"] = ["name", "custom:last_sign_in"]


def _lite_pool(document: dict[str, Any]) -> None:
    """Prod on the Lite plan with every Essentials/Plus feature of the pool switched off, so
    that only the tenants' need for the platform functions is left to object."""
    pool = document[P + "userPool"]
    pool.update(tier="LITE", threatProtection={"mode": "OFF"})
    pool["passwordPolicy"]["passwordHistorySize"] = 0
    pool["logging"]["authEvents"] = False
    document[P + "domain"]["managedLoginVersion"] = 1  # the classic hosted UI


def _functions_on_without_tenants(document: dict[str, Any]) -> None:
    del document[P + "tenants"]
    document[P + "functions"] = {"enabled": True}
    document[P + "userPool"]["triggers"] = {"preTokenGeneration": LAMBDA}


def _without_entra_secret(document: dict[str, Any]) -> None:
    del document[P + "entraClientSecret"]


def _secure_values_in_two_sections(document: dict[str, Any]) -> None:
    document[P + "identityProviders"][1]["clientId"] = {"secure": "v1:Y2xpZW50"}
    document[P + "userPool"]["name"] = {"secure": "v1:bmFtZQ=="}


CASES: list[tuple[str, Edit, list[str]]] = [
    ("tenants-on-the-lite-plan", _lite_pool,
     [f'{FP}userPool.tier: "LITE" cannot run the platform\'s pre token generation function '
      "(event V2_0, access-token customisation) that tenants need; use ESSENTIALS or PLUS"]),
    ("functions-switched-on-without-tenants", _functions_on_without_tenants,
     [f'{FP}userPool.triggers.preTokenGeneration: "{LAMBDA}" is the platform functions\' trigger '
      "(on with tenants or functions.enabled); a trigger runs one function: remove this ARN or "
      "set functions.enabled: false"]),
    ("last-sign-in-immutable", _with_last_sign_in(mutable=False),
     [f'{FP}functions.lastSignInAttribute: "last_sign_in" {NOT_WRITABLE_STRING}']),
    ("last-sign-in-a-number", _with_last_sign_in(type="Number"),
     [f'{FP}functions.lastSignInAttribute: "last_sign_in" {NOT_WRITABLE_STRING}']),
    ("last-sign-in-client-writable", _client_writes_last_sign_in,
     [f'{FP}functions.lastSignInAttribute: "last_sign_in" is writable by app client '
      "reporting-job; its users could fake activity and escape disable-inactive"]),
    ("referenced-secret-missing", _without_entra_secret,
     [f'{FP}identityProviders[1].clientSecretKey: "entraClientSecret" names config key '
      f"{P}entraClientSecret, which is not set; set it with `pulumi config set --secret "
      "entraClientSecret <value> --stack prod`"]),
    ("secure-values-inside-two-sections", _secure_values_in_two_sections,
     [f"{FP}identityProviders: {NESTED_SECRET}", f"{FP}userPool: {NESTED_SECRET}"]),
]  # fmt: skip


@pytest.mark.parametrize(("edit", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_broken_rule_reads_exactly(edit: Edit, lines: list[str]) -> None:
    assert problems_as_delivered(edit) == lines


def test_the_tenant_directory_does_not_change_when_tenants_are_reordered() -> None:
    """The directory is packaged with the functions' code: the same tenants listed in another
    order must give the same archive, so that reordering the stack file updates no function."""

    def tenants(reverse: bool) -> str:
        document = stack_document("prod")
        if reverse:
            document[P + "tenants"].reverse()
        return encode_directory(load_stack_settings("prod", *to_raw(document)).tenants)

    assert tenants(reverse=True) == tenants(reverse=False)
    assert json.loads(tenants(reverse=False))["groups"] == {
        "contoso": "tenant-contoso",
        "northwind": "tenant-northwind",
    }


def _line_and_column(text: str, line_text: str) -> tuple[int, int]:
    """Where ``line_text`` (a whole line of ``text``) starts, 1-based, past its indentation."""
    index = text.splitlines().index(line_text)
    return index + 1, len(line_text) - len(line_text.lstrip()) + 1


def test_a_secure_value_right_under_a_section_is_named_at_its_own_key(tmp_path: Path) -> None:
    """The real file with one scalar of a section turned into a `secure:` value: the message
    names that key (not the section) at its line and column."""
    original = (ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8")
    pool_name = "    name: enterprise-identity-prod"
    path = tmp_path / "Pulumi.prod.yaml"
    path.write_text(
        original.replace(pool_name, "    name: {secure: v1:bmFtZQ==}"), encoding="utf-8"
    )
    config = load_stack(find_project(ROOT), "prod", config_file=path)
    with pytest.raises(StackConfigError) as caught:
        load_stack_settings("prod", config.values, config.secret_keys, config_source("prod", path))
    line, column = _line_and_column(original, pool_name)
    assert str(caught.value).splitlines() == [
        f"{path}:{line}:{column}: {P}userPool.name: {NESTED_SECRET}"
    ]


def test_the_program_refuses_a_secret_written_as_plain_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Under `pulumi up` the program is told which keys are secret (PULUMI_CONFIG_SECRET_KEYS)
    and must refuse a referenced secret that the stack file holds as plain text."""
    monkeypatch.delenv(CONFIG_FILE_VARIABLE, raising=False)
    monkeypatch.chdir(ROOT)
    document = stack_document("prod")
    document[P + "entraClientSecret"] = "s3cr3t-in-git"
    with pytest.raises(StackConfigError) as caught:
        run_program("prod", *to_raw(document))
    text = (ROOT / "Pulumi.prod.yaml").read_text(encoding="utf-8")
    line, column = _line_and_column(text, "      clientSecretKey: entraClientSecret")
    assert caught.value.problems == (
        f"Pulumi.prod.yaml:{line}:{column}: {P}identityProviders[1].clientSecretKey: "
        f'"entraClientSecret" names config key {P}entraClientSecret, which is plain text in the '
        "stack file; a secret must be a `secure:` value - remove it and set it with `pulumi "
        "config set --secret entraClientSecret <value> --stack prod`",
    )
