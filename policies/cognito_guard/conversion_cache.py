"""Build each resource's properties for the policies once per request, not once per policy.

pulumi-policy's analyzer (`pulumi_policy.policy`, 1.x) turns `request.properties` into what a
policy reads inside its loop over the pack's policies: `json_format.MessageToDict` (protobuf to
dict), `deserialize_properties` (a copy with secrets and assets decoded) and
`unknown_checking_proxy` (a second copy whose reads raise on unknown values). It does this once
per resource policy in `Analyze`, once per resource per stack policy in `AnalyzeStack`, and once
per policy for each resource's provider. With this pack's 47 resource policies and 13 stack
policies the conversion alone was 58 % of the pack's time in a sampling profile of the offline
gate, and the copies were most of the rest; the Pulumi engine calls the pack the same way during
`pulumi preview --policy-pack`.

`install()` gives `pulumi_policy.policy` stand-ins for those three names. Each remembers its
result by the identity of its input: the message object, then the dict converted from it, then
the properties deserialized from that. So every policy judging a resource in one request reads the
same property proxy. A message object not seen yet is looked up by its bytes (deterministic
serialization, ~2 us for a resource's properties against ~30 us to convert them), so another
message with the same content reads the same proxy too: the engine sends in `AnalyzeStack` the
outputs that `Analyze` got as inputs (in preview most outputs are the inputs), and in `Analyze`
the properties `Remediate` got. In the pack, after judging prod's resources (23.7 -> 21.6 ms)
its `AnalyzeStack` converts 3 of 69 resources instead of all: 18.9 -> 15.4 ms (fastest of 25,
three interleaved runs each). That is safe because:

- nothing in the pack writes to the properties it judges: every rule reads them through
  `cognito_guard.props.Props`, which has no way to write, and the stack rules read plain copies
  (`tests/policies/test_conversion_cache.py` judges prod's and dev's requests and checks the
  shared properties are unchanged afterwards);
- remediations, which do write, get pulumi-policy's own fresh copy: `Remediate` deserializes with
  `proxy_secrets=True` (so a fix cannot expose a secret), and those calls are never shared;
- an entry keeps its message and dicts alive, so an `id()` cannot be reused while the entry
  exists, and protobuf (upb) hands out the same Python object for a sub-message as long as one is
  alive, so the n-th policy's `request.properties` is the first one's object;
- messages with the same deterministic bytes convert to equal dicts, so sharing one conversion
  between them gives every policy what its own conversion would have;
- request messages are parsed from the wire and never changed by the server.

The same goes for the two other things pulumi-policy builds from the request inside that loop,
`_get_resource_options` (the resource's options) and `_get_provider_resource` (its provider, with
the provider's properties converted as above): `install()` has the analyzer build each once per
request message (`OncePerMessage.per_request`). Nothing in the pack writes to either, and
pulumi-policy only reads them after building them. They were 13 % and 16 % of `Analyze` in a
profile; judging prod's 69 resources (`Remediate` and `Analyze` each) took 35.4 -> 26.8 ms and
its `AnalyzeStack` 23.1 -> 19.7 ms in the pack (fastest of 30 interleaved runs each).

The stores are bounded (least recently used out), so a long `pulumi preview` does not grow the
pack's memory without end; a stack larger than the bound just converts as before.

Within one request the same few objects come back for every policy (the resource's properties
and its provider's, 80 to 90 lookups per `Analyze`), so the last two entries used are checked
first, by identity alone and without the lock: that check was a quarter of `Analyze`'s time in
the pack. It stays correct when another thread changes the store meanwhile, because an entry
holds its message and dicts alive, so an object it holds is never mistaken for another.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Final, TypeVar

from google.protobuf import json_format
from google.protobuf.message import Message
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import unknown_checking_proxy

_Request = TypeVar("_Request", bound=Message)
_Result = TypeVar("_Result")

CAPACITY: Final = 4096
"""Messages remembered at once: more than one AnalyzeStack request's resources for stacks up to
this size (a 200-tenant stack has about 750), each entry a few KB."""


@dataclass
class _Converted:
    """What was built from one message content: the dict, then the two copies."""

    content: bytes
    as_dict: dict[str, Any]
    deserialized: dict[str, Any] | None = None
    proxy: Any = None
    messages: int = 0
    """How many remembered message objects have this content."""


@dataclass
class _Built:
    """One message object and what was built from its content."""

    message: Message
    converted: _Converted


class OncePerMessage:
    """Stands in for `google.protobuf.json_format` inside pulumi_policy.policy (its
    `MessageToDict` converts each message content once; every other name is json_format's own),
    and, through `deserialize_properties` and `unknown_checking_proxy`, for the two copies
    pulumi-policy makes of the result."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._capacity = capacity
        self._by_message: OrderedDict[int, _Built] = OrderedDict()
        self._by_content: dict[bytes, _Converted] = {}
        self._by_dict: dict[int, _Converted] = {}
        """Conversions by the id of each object they hold that was built from the message."""
        self._lock = threading.Lock()  # the analyzer serves requests from a thread pool
        self._recent: tuple[_Built, ...] = ()
        """The last two entries used, most recent first (replaced whole, never changed)."""
        self.conversions = 0
        """How many message contents were really converted (tests read it)."""
        self.copies = 0
        """How many deserialized copies and proxies were really built (tests read it)."""
        self.per_request_builds = 0
        """How many times a `per_request` method really ran (tests read it)."""

    def MessageToDict(self, message: Message, **options: Any) -> dict[str, Any]:  # noqa: N802
        if options:
            return json_format.MessageToDict(message, **options)
        for recent in self._recent:
            if recent.message is message:
                return recent.converted.as_dict
        key = id(message)
        with self._lock:
            remembered = self._by_message.get(key)
            if remembered is not None and remembered.message is message:
                self._by_message.move_to_end(key)
                self._use(remembered)
                return remembered.converted.as_dict
        # Another message object with the same bytes (`AnalyzeStack` sends the outputs that
        # `Analyze` got as inputs; `Analyze` the properties `Remediate` got) converts alike.
        content = message.SerializeToString(deterministic=True)
        with self._lock:
            converted = self._by_content.get(content)
            if converted is not None:
                return self._remember(message, converted).as_dict
        made = json_format.MessageToDict(message)
        with self._lock:
            converted = self._by_content.get(content)  # another thread may have been first
            if converted is None:
                self.conversions += 1
                converted = _Converted(content, made)
                self._by_content[content] = converted
                self._by_dict[id(made)] = converted
            return self._remember(message, converted).as_dict

    def _remember(self, message: Message, converted: _Converted) -> _Converted:
        """Files `message` as one more object of `converted`'s content (called under the lock),
        the least recently used out past the bound."""
        built = _Built(message, converted)
        converted.messages += 1
        self._by_message[id(message)] = built
        while len(self._by_message) > self._capacity:
            self._forget_oldest()
        self._use(built)
        return converted

    def deserialize_properties(
        self, props: dict[str, Any], proxy_secrets: bool = False
    ) -> dict[str, Any]:
        """pulumi-policy's, once per converted content; never shared for remediations."""
        converted = None if proxy_secrets else self._converted_from(props, "as_dict")
        if converted is None:
            return deserialize_properties(props, proxy_secrets)
        if converted.deserialized is None:
            kept: dict[str, Any] = self._keep(
                converted, "deserialized", deserialize_properties(props)
            )
            return kept
        return converted.deserialized

    def unknown_checking_proxy(self, props: dict[str, Any]) -> Any:
        """pulumi-policy's, once per deserialized content."""
        converted = self._converted_from(props, "deserialized")
        if converted is None:
            return unknown_checking_proxy(props)
        if converted.proxy is None:
            return self._keep(converted, "proxy", unknown_checking_proxy(props))
        return converted.proxy

    def _keep(self, converted: _Converted, stage: str, made: Any) -> Any:
        """Stores `made` as the conversion's `stage`, unless another request stored one
        meanwhile (the analyzer serves requests on several threads); returns the one stored."""
        with self._lock:
            if getattr(converted, stage) is None:
                self.copies += 1
                setattr(converted, stage, made)
                if converted.messages:  # not pushed out meanwhile
                    self._by_dict[id(made)] = converted
            return getattr(converted, stage)

    def _converted_from(self, value: dict[str, Any], stage: str) -> _Converted | None:
        """The conversion whose `stage` is this very object (not an equal one), if remembered."""
        for recent in self._recent:
            if getattr(recent.converted, stage) is value:
                return recent.converted
        with self._lock:
            converted = self._by_dict.get(id(value))
            if converted is None or getattr(converted, stage) is not value:
                return None
        return converted

    def _use(self, built: _Built) -> None:
        """Makes `built` the most recent entry (called under the lock)."""
        if not self._recent or self._recent[0] is not built:
            self._recent = (built, *self._recent[:1])

    def _forget_oldest(self) -> None:
        """Drops the least recently used message object, and its conversion with the last
        object of that content (no other live object can have the id of a dict it holds)."""
        _, built = self._by_message.popitem(last=False)
        self._recent = tuple(recent for recent in self._recent if recent is not built)
        converted = built.converted
        converted.messages -= 1
        if converted.messages:
            return
        del self._by_content[converted.content]
        for value in (converted.as_dict, converted.deserialized, converted.proxy):
            if value is not None and self._by_dict.get(id(value)) is converted:
                del self._by_dict[id(value)]

    def per_request(
        self, method: Callable[[Any, _Request], _Result]
    ) -> Callable[[Any, _Request], _Result]:
        """`method(servicer, request)` run once per request message object, then its result
        again (least recently used out past the bound; the last one checked first, unlocked)."""
        results: OrderedDict[int, tuple[_Request, _Result]] = OrderedDict()
        last: list[tuple[_Request, _Result]] = []

        @functools.wraps(method)
        def once(servicer: Any, request: _Request) -> _Result:
            if last and last[0][0] is request:
                return last[0][1]
            key = id(request)
            with self._lock:
                held = results.get(key)
                if held is not None and held[0] is request:
                    results.move_to_end(key)
            if held is None or held[0] is not request:
                # Built outside the lock: building the provider converts its properties above.
                made = (request, method(servicer, request))
                with self._lock:
                    held = results.get(key)
                    if held is None or held[0] is not request:  # not stored meanwhile
                        held = made
                        self.per_request_builds += 1
                        results[key] = held  # holds the request: its id is not reused meanwhile
                        while len(results) > self._capacity:
                            results.popitem(last=False)
            last[:] = [held]
            return held[1]

        return once

    def __getattr__(self, name: str) -> Any:
        return getattr(json_format, name)


_STAND_INS: Final = {
    "json_format": json_format,
    "deserialize_properties": deserialize_properties,
    "unknown_checking_proxy": unknown_checking_proxy,
}
"""The module globals of pulumi_policy.policy replaced, with the originals they must be."""


PER_REQUEST_METHODS: Final = ("_get_resource_options", "_get_provider_resource")
"""The methods of pulumi-policy's analyzer (`_PolicyAnalyzerServicer`) that build from a request
what every policy then reads."""


def install(policy_module: ModuleType) -> OncePerMessage:
    """Put a `OncePerMessage` in place of `policy_module`'s (pulumi_policy.policy's)
    `json_format`, `deserialize_properties` and `unknown_checking_proxy`, and have its analyzer
    build a request's options and provider once (`PER_REQUEST_METHODS`).

    Refuses a pulumi-policy that no longer reads all three through its module globals or has
    no such methods: the pack would still be right, only slower, and the pinned version's test
    should say so."""
    changed = [
        name
        for name, original in _STAND_INS.items()
        if getattr(policy_module, name, None) is not original
    ]
    servicer = getattr(policy_module, "_PolicyAnalyzerServicer", None)
    changed += [
        f"_PolicyAnalyzerServicer.{name}"
        for name in PER_REQUEST_METHODS
        if getattr(getattr(servicer, name, None), "__module__", None) != policy_module.__name__
    ]
    if changed:
        raise RuntimeError(
            f"{policy_module.__name__} no longer builds what its policies read through "
            f"{', '.join(changed)}; review cognito_guard.conversion_cache for this pulumi-policy "
            "version"
        )
    once = OncePerMessage()
    policy_module.json_format = once  # type: ignore[attr-defined]
    policy_module.deserialize_properties = once.deserialize_properties  # type: ignore[attr-defined]
    policy_module.unknown_checking_proxy = once.unknown_checking_proxy  # type: ignore[attr-defined]
    for name in PER_REQUEST_METHODS:
        setattr(servicer, name, once.per_request(getattr(servicer, name)))
    return once
