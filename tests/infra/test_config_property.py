"""Property: any config document either builds or stops with StackConfigError, never a traceback.

Documents are the real stack files with random edits (values replaced by random JSON, keys
dropped or added), which reach far deeper into the settings than documents made from scratch.
"""

from __future__ import annotations

import copy
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from settings import StackConfigError, load_stack_settings
from tests.infra.harness import run_program, stack_document, to_raw

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-10, 100_000)
    | st.floats(allow_nan=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
INTERESTING = st.sampled_from(
    ["OFF", "ON", "OPTIONAL", "PLUS", "LITE", "SAML", "OIDC", "Google", "web", "spa", "machine", "mobile",
     "Rules", "Token", "https://x.example.com/cb", "http://localhost/cb", "portal", "admins", "custom:tenant_id",
     "email_verified", "okta", "verified_phone_number", "production", "DEVELOPER", "COGNITO_DEFAULT",
     "eu-westt-1", {"secure": "v1:abc"}, 0, 5, 6, 99, 1440, 87600, True, False, [], {}]
)  # fmt: skip


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            paths += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            paths += _paths(value, (*prefix, index))
    return paths


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    stack = draw(st.sampled_from(["dev", "prod"]))
    document = copy.deepcopy(stack_document(stack))
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(document)
        path = draw(st.sampled_from(paths))
        parent: Any = document
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "interesting", "delete", "add"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=10))] = draw(JSON)
        else:
            parent[path[-1]] = draw(INTERESTING if action == "interesting" else JSON)
    return stack, document


@settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(documents())
def test_random_documents_load_or_fail_with_a_config_error(
    case: tuple[str, dict[str, Any]],
) -> None:
    stack, document = case
    raw, secret_keys = to_raw(document)
    try:
        load_stack_settings(stack, raw, secret_keys)
    except StackConfigError as error:
        message = str(error)
    else:
        return
    assert all(line.startswith(f"Pulumi.{stack}.yaml: ") for line in message.splitlines())


@pytest.mark.slow
@settings(
    max_examples=4, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(documents())
def test_random_documents_that_load_also_build(case: tuple[str, dict[str, Any]]) -> None:
    stack, document = case
    raw, secret_keys = to_raw(document)
    try:
        load_stack_settings(stack, raw, secret_keys)
    except StackConfigError:
        return
    run = run_program(stack, raw, secret_keys)
    assert any(r.type == "aws:cognito/userPool:UserPool" for r in run.resources)
