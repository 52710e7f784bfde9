"""The pack builds each resource's properties once per request (`cognito_guard.conversion_cache`).

pulumi-policy's analyzer converts and copies `request.properties` inside its loop over policies.
These tests run its real analyzer class over the engine's request messages (built by
`gate.analyzer`, from the reference stack and from the real dev and prod programs), with and
without the cache, and check that the answers are the same and the conversions are not.
"""

from __future__ import annotations

import runpy
from collections.abc import Mapping, Sequence
from typing import Any, cast

import pulumi_policy
import pulumi_policy.policy
import pytest
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel, ResourceValidationArgs, ResourceValidationPolicy
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import unknown_checking_proxy
from pulumi_policy.secret import _DictSecretsProxy

from cognito_guard import conversion_cache
from cognito_guard.pack import all_policies
from gate.analysis import to_analyzer_resource
from gate.analyzer import analyze_request, stack_resource_message
from gate.program_runner import plan_of
from gate.stack import find_project, load_stack
from tests.policies.harness import analyzer_resources, replace_spec
from tests.policies.reference import SECURE_WEB_CLIENT, secure_stack
from tests.repo import ROOT

ORIGINALS = {
    "json_format": json_format,
    "deserialize_properties": deserialize_properties,
    "unknown_checking_proxy": unknown_checking_proxy,
}


ORIGINAL_METHODS = {
    name: vars(_PolicyAnalyzerServicer)[name] for name in conversion_cache.PER_REQUEST_METHODS
}


def _uninstall(monkeypatch: pytest.MonkeyPatch) -> None:
    """pulumi_policy.policy as it is without the cache (and put back so after the test)."""
    for name, original in ORIGINALS.items():
        monkeypatch.setattr(pulumi_policy.policy, name, original)
    for name, method in ORIGINAL_METHODS.items():
        monkeypatch.setattr(_PolicyAnalyzerServicer, name, method)


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch) -> conversion_cache.OncePerMessage:
    """The cache installed in pulumi_policy.policy for one test, the originals put back after."""
    _uninstall(monkeypatch)
    return conversion_cache.install(pulumi_policy.policy)


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


def test_analyze_builds_the_resource_once_and_answers_the_same(
    cache: conversion_cache.OncePerMessage, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = _client_request()
    with_cache = _answer(_analyzer().Analyze(request, None))
    assert cache.conversions == 1  # one resource, 47 resource policies
    assert cache.copies == 2  # one deserialized copy, one proxy
    assert cache.per_request_builds == 2  # its options, its provider

    _uninstall(monkeypatch)
    without_cache = _answer(_analyzer().Analyze(request, None))
    assert with_cache == without_cache
    assert "cognito-client-no-implicit-grant" in str(with_cache)


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
def test_analyze_stack_builds_each_resource_once_and_answers_the_same(
    cache: conversion_cache.OncePerMessage, monkeypatch: pytest.MonkeyPatch, preview: bool
) -> None:
    request = _stack_request(preview=preview)
    with_cache = _answer(_analyzer().AnalyzeStack(request, None))
    assert cache.conversions == len(request.resources)  # not once per stack policy
    assert cache.copies == 2 * len(request.resources)
    assert cache.per_request_builds == 2 * len(request.resources)  # options and provider

    _uninstall(monkeypatch)
    without_cache = _answer(_analyzer().AnalyzeStack(request, None))
    assert with_cache == without_cache
    assert "cognito-user-pool-waf-associated" in str(with_cache)


def _plain(value: object) -> object:
    """A proxied value as plain dicts and lists, unknowns included (read through the proxies'
    own `__target` key, so no read raises); assets and archives as their type and fields."""
    if isinstance(value, Mapping):
        target = value["__target"] if not isinstance(value, dict) else value
        return {key: _plain(item) for key, item in target.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        target = value["__target"] if not isinstance(value, list) else value  # type: ignore[call-overload]
        return [_plain(item) for item in target]
    if hasattr(value, "__dict__"):
        return (type(value).__name__, _plain(vars(value)))
    return value


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_no_rule_of_the_pack_changes_the_properties_its_policies_share(
    cache: conversion_cache.OncePerMessage, monkeypatch: pytest.MonkeyPatch, stack: str
) -> None:
    """Every policy judging a resource reads the same properties, so no rule may write to them:
    after every resource of the real program is judged (`Remediate`, `Analyze`, `AnalyzeStack`),
    each shared copy still equals a fresh conversion of its message, and the answers are the
    same as without the cache."""
    config = load_stack(find_project(ROOT), stack)
    plan = plan_of(config, "preview")
    index = plan.by_urn()
    resources = [to_analyzer_resource(r, index, r.inputs) for r in plan.resources]
    remediate = [analyze_request(r, skip_internal_keys=False) for r in resources]
    analyze = [analyze_request(r, skip_internal_keys=True) for r in resources]
    stack_request = analyzer_pb2.AnalyzeStackRequest(
        resources=[stack_resource_message(r) for r in resources]
    )

    def judge() -> list[dict[str, Any]]:
        analyzer = _analyzer()
        answers = [_answer(analyzer.Remediate(r, None)) for r in remediate]
        answers += [_answer(analyzer.Analyze(r, None)) for r in analyze]
        return [*answers, _answer(analyzer.AnalyzeStack(stack_request, None))]

    with_cache = judge()
    built = cache.copies
    messages = [r.properties for r in analyze] + [r.properties for r in stack_request.resources]
    messages += [r.provider.properties for r in analyze if r.HasField("provider")]
    messages += [r.provider.properties for r in stack_request.resources if r.HasField("provider")]
    shared = [
        (message, cache.deserialize_properties(cache.MessageToDict(message)))
        for message in messages
    ]
    for message, deserialized in shared:
        fresh = deserialize_properties(json_format.MessageToDict(message))
        assert _plain(deserialized) == _plain(fresh)
        assert _plain(cache.unknown_checking_proxy(deserialized)) == _plain(fresh)
    assert cache.copies == built  # each was built while judging, none just now

    _uninstall(monkeypatch)
    assert with_cache == judge()


def test_remediations_get_their_own_copy(cache: conversion_cache.OncePerMessage) -> None:
    """`Remediate` writes fixes into its properties; `Analyze` of the same message afterwards
    still reads the originals, and neither the fix nor a secret leaks between them."""
    seen: list[object] = []

    def fix(args: ResourceValidationArgs) -> Any:
        props = cast(dict[str, Any], args.props)  # the proxy writes through to its dict
        props["name"] = "fixed"
        return dict(props)

    def witness(args: ResourceValidationArgs, _report: Any) -> None:
        seen.append(args.props["name"])

    policies = [
        ResourceValidationPolicy(
            name="fixer",
            description="fixer",
            validate=witness,
            remediate=fix,
            enforcement_level=EnforcementLevel.REMEDIATE,
        )
    ]
    request = _client_request()
    remediated = _answer(_analyzer(policies).Remediate(request, None))
    assert remediated["remediations"][0]["properties"]["name"] == "fixed"
    _analyzer(policies).Analyze(request, None)
    assert seen == ["portal"]
    assert cache.conversions == 1  # the conversion is shared; the copies are not
    assert cache.copies == 2  # Analyze's two


def test_only_the_converted_objects_themselves_are_shared() -> None:
    """An equal dict that is not the one converted from a remembered message gets fresh copies,
    as do the dicts of a message pushed out of the cache."""
    once = conversion_cache.OncePerMessage(capacity=1)
    first = struct_pb2.Struct(fields={"n": struct_pb2.Value(number_value=1)})
    converted = once.MessageToDict(first)
    deserialized = once.deserialize_properties(converted)
    assert once.deserialize_properties(converted) is deserialized
    assert once.unknown_checking_proxy(deserialized) is once.unknown_checking_proxy(deserialized)
    assert once.copies == 2

    equal = dict(converted)
    assert once.deserialize_properties(equal) is not once.deserialize_properties(equal)
    assert once.unknown_checking_proxy(equal) is not once.unknown_checking_proxy(equal)
    assert once.deserialize_properties(converted, True) is not deserialized  # secrets proxied
    # each stand-in shares only what it built itself, not another stage of the same message
    assert once.unknown_checking_proxy(converted) is not once.unknown_checking_proxy(converted)
    assert once.deserialize_properties(deserialized) is not once.deserialize_properties(
        deserialized
    )
    assert once.copies == 2

    once.MessageToDict(struct_pb2.Struct())  # pushes `first` out
    assert once.deserialize_properties(converted) is not deserialized
    assert once.unknown_checking_proxy(deserialized) is not once.unknown_checking_proxy(
        deserialized
    )
    assert once.copies == 2


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


def _struct(number: float) -> struct_pb2.Struct:
    return struct_pb2.Struct(fields={"n": struct_pb2.Value(number_value=number)})


def test_messages_with_the_same_content_share_one_conversion_while_one_is_remembered() -> None:
    """`AnalyzeStack` sends as outputs what `Analyze` got as inputs, in new message objects: the
    same bytes convert once, and the copies are shared as for one message."""
    once = conversion_cache.OncePerMessage(capacity=2)
    first, equal = _struct(2), _struct(2)
    converted = once.MessageToDict(first)
    proxy = once.unknown_checking_proxy(once.deserialize_properties(converted))
    assert once.MessageToDict(equal) is converted
    assert once.unknown_checking_proxy(once.deserialize_properties(converted)) is proxy
    assert (once.conversions, once.copies) == (1, 2)

    assert once.MessageToDict(_struct(3)) == {"n": 3.0}  # pushes `first` out, not its content
    assert once.MessageToDict(first) is converted
    assert once.conversions == 2
    once.MessageToDict(_struct(4))
    once.MessageToDict(_struct(5))  # the last object of content 2 goes: so does the content
    assert once.MessageToDict(equal) is not converted
    assert once.conversions == 5


def test_a_stack_request_after_the_same_resources_were_analyzed_converts_nothing_anew(
    cache: conversion_cache.OncePerMessage,
) -> None:
    request = _stack_request(preview=False)
    analyzer = _analyzer()
    analyzer.AnalyzeStack(request, None)
    conversions, copies = cache.conversions, cache.copies
    again = analyzer_pb2.AnalyzeStackRequest.FromString(request.SerializeToString())
    assert _answer(analyzer.AnalyzeStack(again, None)) == _answer(
        analyzer.AnalyzeStack(request, None)
    )
    assert (cache.conversions, cache.copies) == (conversions, copies)


def test_calls_with_options_go_straight_to_json_format() -> None:
    once = conversion_cache.OncePerMessage()
    request = analyzer_pb2.AnalyzeRequest(urn="urn:pulumi:test::p::t::n")
    assert once.MessageToDict(request) == {"urn": "urn:pulumi:test::p::t::n"}
    with_defaults = once.MessageToDict(request, always_print_fields_with_no_presence=True)
    assert with_defaults["type"] == ""  # the option was passed on
    assert once.conversions == 1  # and nothing was remembered for it
    assert once.ParseDict is json_format.ParseDict


def test_install_refuses_a_module_that_does_not_use_the_replaced_globals() -> None:
    class Elsewhere:
        __name__ = "pulumi_policy.policy"
        deserialize_properties = staticmethod(deserialize_properties)

    with pytest.raises(RuntimeError) as refused:
        conversion_cache.install(Elsewhere())  # type: ignore[arg-type]
    assert str(refused.value) == (
        "pulumi_policy.policy no longer builds what its policies read through json_format, "
        "unknown_checking_proxy, _PolicyAnalyzerServicer._get_resource_options, "
        "_PolicyAnalyzerServicer._get_provider_resource; review cognito_guard.conversion_cache "
        "for this pulumi-policy version"
    )


def test_the_pack_entry_point_installs_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """`policies/__main__.py`, which the Pulumi CLI runs, serves with the cache in place."""
    served: list[dict[str, Any]] = []
    monkeypatch.setattr(pulumi_policy, "PolicyPack", lambda **kwargs: served.append(kwargs))
    _uninstall(monkeypatch)  # as before any install
    runpy.run_path(str(ROOT / "policies" / "__main__.py"), run_name="__main__")
    assert len(served) == 1
    installed = getattr(pulumi_policy.policy, "json_format")  # noqa: B009 (not exported)
    assert isinstance(installed, conversion_cache.OncePerMessage)
    for name in ("deserialize_properties", "unknown_checking_proxy"):
        assert getattr(pulumi_policy.policy, name) == getattr(installed, name)
    for name, original in ORIGINAL_METHODS.items():
        assert getattr(_PolicyAnalyzerServicer, name).__wrapped__ is original


def test_remediations_read_secrets_as_secrets() -> None:
    """`Remediate` deserializes with secrets proxied, so a fix cannot write a secret out in the
    clear; that call is passed on as it is."""
    once = conversion_cache.OncePerMessage()
    secret = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "s"}
    converted = once.MessageToDict(struct_pb2.Struct(fields={"x": struct_pb2.Value()}))
    converted["clientSecret"] = secret  # the very dict converted from the message
    for props in ({"clientSecret": secret}, converted):
        assert isinstance(once.deserialize_properties(props, True), _DictSecretsProxy)
    assert once.deserialize_properties({"clientSecret": secret}) == {"clientSecret": "s"}


def test_copies_built_at_once_by_two_requests_keep_the_first_stored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The analyzer serves requests on several threads: if a second request stores a message's
    copy while the first is still building it, both get the stored one and it counts once."""
    once = conversion_cache.OncePerMessage()
    converted = once.MessageToDict(struct_pb2.Struct(fields={"n": struct_pb2.Value()}))
    stored: list[object] = []

    def interleaved(build: Any) -> Any:
        def meanwhile(props: dict[str, Any], *args: Any) -> Any:
            if not stored:  # the first build lets another request build and store first
                stored.append(None)
                stored[0] = getattr(once, build.__name__)(props)
            return build(props, *args)

        return meanwhile

    monkeypatch.setattr(
        conversion_cache, "deserialize_properties", interleaved(deserialize_properties)
    )
    deserialized = once.deserialize_properties(converted)
    assert deserialized is stored[0]
    assert once.copies == 1

    stored.clear()
    monkeypatch.setattr(
        conversion_cache, "unknown_checking_proxy", interleaved(unknown_checking_proxy)
    )
    proxy = once.unknown_checking_proxy(deserialized)
    assert proxy is stored[0]
    assert once.copies == 2


def test_a_request_s_options_and_provider_are_built_once_per_message_object() -> None:
    """Every policy judging one request reads the same options and provider; another request
    message (even an equal one) gets its own, and the store keeps only the most recent ones."""
    once = conversion_cache.OncePerMessage(capacity=2)
    built: list[object] = []

    def build(_servicer: object, request: analyzer_pb2.AnalyzeRequest) -> object:
        built.append(request)
        return object()

    per_request = once.per_request(build)
    first, second, third = (analyzer_pb2.AnalyzeRequest(urn="same") for _ in range(3))
    options = per_request(None, first)
    assert per_request(None, first) is options
    assert per_request(None, second) is not options  # equal, but another message
    assert per_request(None, first) is options  # the older one, from the store
    per_request(None, third)  # pushes out the least recently used (second)
    per_request(None, second)
    assert built == [first, second, third, second]
    assert once.per_request_builds == 4
