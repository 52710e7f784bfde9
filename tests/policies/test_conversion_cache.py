"""The pack converts each resource's properties once per request (`cognito_guard.conversion_cache`).

pulumi-policy's analyzer converts `request.properties` inside its loop over policies. These tests
run its real analyzer class over the engine's request messages (built by `gate.analyzer`), with
and without the cache, and check that the answers are the same and the conversions are not.
"""

from __future__ import annotations

import runpy
from collections.abc import Iterator
from typing import Any, cast

import pulumi_policy
import pulumi_policy.policy
import pytest
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel, ResourceValidationArgs, ResourceValidationPolicy
from pulumi_policy.policy import _PolicyAnalyzerServicer

from cognito_guard import conversion_cache
from cognito_guard.pack import all_policies
from gate.analyzer import analyze_request, stack_resource_message
from tests.policies.harness import analyzer_resources, replace_spec
from tests.policies.reference import SECURE_WEB_CLIENT, secure_stack
from tests.repo import ROOT


@pytest.fixture
def cache() -> Iterator[conversion_cache.OncePerMessage]:
    """The cache installed in pulumi_policy.policy for one test, json_format put back after."""
    try:
        yield conversion_cache.install(pulumi_policy.policy)
    finally:
        pulumi_policy.policy.json_format = json_format  # type: ignore[attr-defined]


def _analyzer(policies: list[Any] | None = None) -> Any:
    return _PolicyAnalyzerServicer(
        "cognito-guard", "1.0.0", policies or all_policies(), EnforcementLevel.MANDATORY
    )


def _client_request() -> analyzer_pb2.AnalyzeRequest:
    """A web client with the implicit grant: a request that draws violations."""
    specs = replace_spec(
        secure_stack(), "portal", props={**SECURE_WEB_CLIENT, "allowedOauthFlows": ["implicit"]}
    )
    (resource,) = [r for r in analyzer_resources(specs) if r.name == "portal"]
    return analyze_request(resource, skip_internal_keys=True)


def _stack_request(*, preview: bool) -> analyzer_pb2.AnalyzeStackRequest:
    """The reference stack without its web ACL: a stack that draws violations."""
    specs = [s for s in secure_stack(preview=preview) if s.name != "waf"]
    return analyzer_pb2.AnalyzeStackRequest(
        resources=[stack_resource_message(r) for r in analyzer_resources(specs)]
    )


def _answer(response: Any) -> dict[str, Any]:
    return json_format.MessageToDict(response)


def test_analyze_converts_the_resource_once_and_answers_the_same(
    cache: conversion_cache.OncePerMessage,
) -> None:
    request = _client_request()
    with_cache = _answer(_analyzer().Analyze(request, None))
    assert cache.conversions == 1  # one resource, 47 resource policies

    pulumi_policy.policy.json_format = json_format  # type: ignore[attr-defined]
    without_cache = _answer(_analyzer().Analyze(request, None))
    assert with_cache == without_cache
    assert "cognito-client-no-implicit-grant" in str(with_cache)


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
def test_analyze_stack_converts_each_resource_once_and_answers_the_same(
    cache: conversion_cache.OncePerMessage, preview: bool
) -> None:
    request = _stack_request(preview=preview)
    with_cache = _answer(_analyzer().AnalyzeStack(request, None))
    assert cache.conversions == len(request.resources)  # not once per stack policy

    pulumi_policy.policy.json_format = json_format  # type: ignore[attr-defined]
    without_cache = _answer(_analyzer().AnalyzeStack(request, None))
    assert with_cache == without_cache
    assert "cognito-user-pool-waf-associated" in str(with_cache)


def test_each_policy_still_gets_its_own_copy(cache: conversion_cache.OncePerMessage) -> None:
    """A policy that changes its properties does not change what the next policy sees."""
    seen: list[object] = []

    def vandal(args: ResourceValidationArgs, _report: Any) -> None:
        props = cast(dict[str, Any], args.props)  # the proxy writes through to its dict
        props["tokenValidityUnits"]["accessToken"] = "vandalised"
        props["name"] = "vandalised"

    def witness(args: ResourceValidationArgs, _report: Any) -> None:
        seen.append((args.props["name"], args.props["tokenValidityUnits"]["accessToken"]))

    policies = [
        ResourceValidationPolicy(name=name, description=name, validate=check)
        for name, check in [("vandal", vandal), ("witness", witness)]
    ]
    request = _client_request()
    _analyzer(policies).Analyze(request, None)
    _analyzer(policies).Analyze(request, None)
    assert cache.conversions == 1
    assert seen == [("portal", "minutes")] * 2


def test_the_cache_keeps_the_most_recently_used_messages_up_to_its_bound() -> None:
    once = conversion_cache.OncePerMessage(capacity=2)
    m0, m1, m2 = [
        struct_pb2.Struct(fields={"n": struct_pb2.Value(number_value=n)}) for n in range(3)
    ]
    assert [once.MessageToDict(m) for m in (m0, m1, m0, m1)] == [{"n": 0.0}, {"n": 1.0}] * 2
    assert once.conversions == 2  # two messages fit
    assert once.MessageToDict(m2) == {"n": 2.0}
    assert once.conversions == 3
    once.MessageToDict(m1)
    assert once.conversions == 3  # the most recently used one stayed
    once.MessageToDict(m0)
    assert once.conversions == 4  # the least recently used one was pushed out


def test_the_cache_is_keyed_by_the_message_object_not_its_content() -> None:
    once = conversion_cache.OncePerMessage()
    first = struct_pb2.Struct(fields={"n": struct_pb2.Value(number_value=2)})
    equal = struct_pb2.Struct(fields={"n": struct_pb2.Value(number_value=2)})
    once.MessageToDict(first)
    once.MessageToDict(equal)
    assert once.conversions == 2


def test_calls_with_options_go_straight_to_json_format() -> None:
    once = conversion_cache.OncePerMessage()
    request = analyzer_pb2.AnalyzeRequest(urn="urn:pulumi:test::p::t::n")
    assert once.MessageToDict(request) == {"urn": "urn:pulumi:test::p::t::n"}
    with_defaults = once.MessageToDict(request, always_print_fields_with_no_presence=True)
    assert with_defaults["type"] == ""  # the option was passed on
    assert once.conversions == 1  # and nothing was remembered for it
    assert once.ParseDict is json_format.ParseDict


def test_install_refuses_a_module_that_does_not_use_json_format() -> None:
    class Elsewhere:
        __name__ = "pulumi_policy.policy"

    with pytest.raises(RuntimeError) as refused:
        conversion_cache.install(Elsewhere())  # type: ignore[arg-type]
    assert str(refused.value) == (
        "pulumi_policy.policy does not use google.protobuf.json_format as a module global any "
        "more; review cognito_guard.conversion_cache for this pulumi-policy version"
    )


def test_the_pack_entry_point_installs_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """`policies/__main__.py`, which the Pulumi CLI runs, serves with the cache in place."""
    served: list[dict[str, Any]] = []
    monkeypatch.setattr(pulumi_policy, "PolicyPack", lambda **kwargs: served.append(kwargs))
    monkeypatch.setattr(pulumi_policy.policy, "json_format", json_format)  # as before any install
    runpy.run_path(str(ROOT / "policies" / "__main__.py"), run_name="__main__")
    assert len(served) == 1
    installed = getattr(pulumi_policy.policy, "json_format")  # noqa: B009 (not exported)
    assert isinstance(installed, conversion_cache.OncePerMessage)
