"""Convert each resource's properties from protobuf once per request, not once per policy.

pulumi-policy's analyzer (`pulumi_policy.policy`, 1.x) calls
`json_format.MessageToDict(request.properties)` inside its loop over the pack's policies: once per
resource policy in `Analyze`, and once per resource per stack policy in `AnalyzeStack`. With this
pack's 47 resource policies and 13 stack policies that conversion was most of the pack's time (58 %
of a sampling profile of the offline gate's pack), and the Pulumi engine calls the pack the same
way during `pulumi preview --policy-pack`.

`install()` gives `pulumi_policy.policy` a stand-in for its `json_format` module whose
`MessageToDict` remembers what it converted, keyed by the message object. It is safe because:

- pulumi-policy only reads the converted dict: it passes it to `deserialize_properties`, which
  builds fresh dicts and lists all the way down, so every policy still gets its own copy;
- an entry keeps its message alive, so an `id()` cannot be reused for another message while the
  entry exists, and protobuf (upb) hands out the same Python object for a sub-message as long as
  one is alive, so the n-th policy's `request.properties` is the first one's object;
- request messages are parsed from the wire and never changed by the server.

The cache is bounded (least recently used out), so a long `pulumi preview` does not grow the
pack's memory without end; a stack larger than the bound just converts as before.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from types import ModuleType
from typing import Any, Final

from google.protobuf import json_format
from google.protobuf.message import Message

CAPACITY: Final = 4096
"""Messages remembered at once: more than one AnalyzeStack request's resources for stacks up to
this size (a 200-tenant stack has about 750), each entry a few KB."""


class OncePerMessage:
    """Stands in for `google.protobuf.json_format` inside pulumi_policy.policy: `MessageToDict`
    converts each message object once; every other name is json_format's own."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._capacity = capacity
        self._converted: OrderedDict[int, tuple[Message, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()  # the analyzer serves requests from a thread pool
        self.conversions = 0
        """How many messages were really converted (tests and benches read it)."""

    def MessageToDict(self, message: Message, **options: Any) -> dict[str, Any]:  # noqa: N802
        if options:
            return json_format.MessageToDict(message, **options)
        key = id(message)
        with self._lock:
            remembered = self._converted.get(key)
            if remembered is not None and remembered[0] is message:
                self._converted.move_to_end(key)
                return remembered[1]
        converted = json_format.MessageToDict(message)
        with self._lock:
            self.conversions += 1
            self._converted[key] = (message, converted)
            while len(self._converted) > self._capacity:
                self._converted.popitem(last=False)
        return converted

    def __getattr__(self, name: str) -> Any:
        return getattr(json_format, name)


def install(policy_module: ModuleType) -> OncePerMessage:
    """Put a `OncePerMessage` where `policy_module` (pulumi_policy.policy) looks up json_format.

    Refuses a pulumi-policy that no longer reads json_format through its module global: the pack
    would still be right, only slower, and the pinned version's test should say so."""
    if getattr(policy_module, "json_format", None) is not json_format:
        raise RuntimeError(
            f"{policy_module.__name__} does not use google.protobuf.json_format as a module "
            "global any more; review cognito_guard.conversion_cache for this pulumi-policy version"
        )
    once = OncePerMessage()
    policy_module.json_format = once  # type: ignore[attr-defined]
    return once
