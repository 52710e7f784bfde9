"""Run the real Pulumi program under the SDK's mock runtime and record what it registers.

The stack config comes from the real ``Pulumi.<stack>.yaml``, converted to the form the engine
hands to a program (``PULUMI_CONFIG``: JSON text for structured values); every ``secure:`` value
becomes a placeholder secret, as in the offline gate. Registrations are recorded by the gate's own
recorder (``gate.recording.RecordingMonitor``): tests and the gate read one record of them.
"""

from __future__ import annotations

import copy
import functools
import runpy
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import pulumi
import pytest
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from gate.plan import STACK_TYPE
from gate.recording import RecordingMonitor, Registration
from gate.stack import SECRET_PLACEHOLDER, read_yaml, wire_config
from settings import StackConfigError, StackSettings, load_stack_settings
from tests.repo import ROOT

PROJECT = "enterprise-identity"
ACCOUNT = "123456789012"
REGION = "eu-west-1"
PLACEHOLDER_SECRET = SECRET_PLACEHOLDER


@functools.cache
def _stack_config(stack: str) -> dict[str, Any]:
    config: dict[str, Any] = read_yaml(ROOT / f"Pulumi.{stack}.yaml")["config"]
    return config


def stack_document(stack: str) -> dict[str, Any]:
    """A fresh copy of the ``config:`` mapping of ``Pulumi.<stack>.yaml``, read as the CLI reads
    it (YAML 1.2, the gate's reader) and parsed once per test process."""
    return copy.deepcopy(_stack_config(stack))


def to_raw(config: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """YAML config -> (PULUMI_CONFIG-style mapping, secret keys), exactly as the gate passes it."""
    values, secret_keys = wire_config(config)
    return values, list(secret_keys)


def stack_raw(stack: str) -> dict[str, str]:
    return to_raw(stack_document(stack))[0]


# --- the real stack file edited at one place, loaded as the program loads it -------------------

NAMESPACE = f"{PROJECT}:"
"""The project's config namespace, as every settings key in a stack file starts."""
PROD_FILE = "Pulumi.prod.yaml: "
"""How each settings error line about the prod stack file starts (no key positions known)."""
Edit = Callable[[dict[str, Any]], None]
"""A change to a stack file's ``config:`` mapping, made in place."""


def edited_raw(edit: Edit, stack: str = "prod") -> dict[str, str]:
    """The stack's real config with ``edit`` applied, in the form the engine hands a program."""
    document = stack_document(stack)
    edit(document)
    return to_raw(document)[0]


def edited_settings(edit: Edit, stack: str = "prod") -> StackSettings:
    """The settings the program would read from the edited stack file."""
    return load_stack_settings(stack, edited_raw(edit, stack))


def error_lines(edit: Edit, stack: str = "prod") -> list[str]:
    """The lines of the settings error the edited stack file must produce."""
    with pytest.raises(StackConfigError) as caught:
        edited_settings(edit, stack)
    return str(caught.value).splitlines()


def set_section(section: str, **values: Any) -> Edit:
    """An edit that replaces the ``enterprise-identity:<section>`` key with ``values``."""
    return lambda document: document.update({NAMESPACE + section: values})


@dataclass
class Registered:
    """One registered resource as the engine receives it: inputs in wire (camelCase) form, its
    URN, the type chain of its parent, and its resource options."""

    type: str
    name: str
    inputs: dict[str, Any]
    urn: str = ""
    parent: str = ""
    protect: bool = False
    aliases: tuple[str, ...] = ()
    outputs: dict[str, Any] = field(default_factory=dict)
    """What the mock provider answered (ids and ARNs the program then passes on)."""

    @classmethod
    def of(cls, record: Registration) -> Registered:
        """From the gate's record of a RegisterResource request (`gate.recording`)."""
        qualified = record["urn"].split("::")[2]
        return cls(
            type=record["type"],
            name=record["name"],
            inputs=_without_nulls(record["inputs"]),
            urn=record["urn"],
            parent=qualified.rsplit("$", 1)[0] if "$" in qualified else "",
            protect=record["options"]["protect"],
            aliases=tuple(record["options"]["aliases"]),
            outputs=_without_nulls(record["outputs"]),
        )


def _without_nulls(value: Any) -> Any:
    """Wire properties as the SDK hands them to a provider: explicit nulls are absent keys."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


class RecordingMocks(pulumi.runtime.Mocks):
    """Answers like the AWS provider would for the outputs the program reads; refuses invokes.
    What was registered is recorded once, by the gate's `RecordingMonitor`."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        outputs = dict(args.inputs)
        resource_id = f"{args.name}-id"
        service = args.typ.split(":")[1].split("/")[0]
        outputs.setdefault("arn", f"arn:aws:{service}:{REGION}:{ACCOUNT}:{args.name}")
        if args.typ == "aws:cognito/userPool:UserPool":
            resource_id = f"{REGION}_TestPool1"
            outputs["arn"] = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{resource_id}"
            outputs["endpoint"] = f"cognito-idp.{REGION}.amazonaws.com/{resource_id}"
        elif args.typ == "aws:cognito/userPoolClient:UserPoolClient" and args.inputs.get(
            "generateSecret"
        ):
            outputs["clientSecret"] = f"client-secret-of-{args.name}"
        elif args.typ == "aws:cognito/identityPool:IdentityPool":
            resource_id = f"{REGION}:00000000-0000-0000-0000-000000000001"
        elif args.typ == "aws:iam/role:Role":
            outputs["arn"] = f"arn:aws:iam::{ACCOUNT}:role/{args.name}"
            outputs["name"] = args.name
        elif args.typ == "aws:cognito/userPoolDomain:UserPoolDomain":
            outputs["cloudfrontDistribution"] = "d111111abcdef8.cloudfront.net"
        return resource_id, outputs

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        self.calls.append(args.token)
        raise AssertionError(f"the program must not call provider functions: {args.token}")


@dataclass
class ProgramRun:
    """What one run of ``__main__.py`` registered and exported."""

    resources: list[Registered]
    outputs: dict[str, Any] = field(default_factory=dict)
    secret_outputs: set[str] = field(default_factory=set)
    calls: list[str] = field(default_factory=list)

    @property
    def protected(self) -> set[str]:
        """Names of the resources registered with ``protect``."""
        return {r.name for r in self.resources if r.protect}

    def of_type(self, type_token: str) -> list[Registered]:
        return [r for r in self.resources if r.type == type_token]

    def one(self, type_token: str) -> Registered:
        found = self.of_type(type_token)
        assert len(found) == 1, f"expected one {type_token}, found {len(found)}"
        return found[0]

    def named(self, name: str) -> Registered:
        return next(r for r in self.resources if r.name == name)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for resource in self.resources:
            counts[resource.type] = counts.get(resource.type, 0) + 1
        return counts


def _resolve(value: Any) -> tuple[Any, bool]:
    output = pulumi.Output.from_input(value)
    resolved = _sync_await(output.future())
    secret = _sync_await(output.is_secret())
    return resolved, bool(secret)


def run_program(
    stack: str, raw: Mapping[str, str], secret_keys: list[str] | None = None
) -> ProgramRun:
    """Run ``__main__.py`` for ``stack`` with ``raw`` config under mocks; wait for every resource."""
    mocks = RecordingMocks()
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=False, monitor=monitor)
    pulumi.runtime.set_all_config(dict(raw), secret_keys or [])
    exported: dict[str, Any] = {}
    original_export = pulumi.export

    def program() -> None:
        pulumi.export = cast(Any, exported.__setitem__)
        try:
            runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")
        finally:
            pulumi.export = original_export

    try:
        _sync_await(run_pulumi_func(program))
    finally:
        pulumi.export = original_export
    resources = [
        Registered.of(record)
        for record in monitor.registrations
        if record["type"] != STACK_TYPE  # the mock runtime's root, not the program's
    ]
    run = ProgramRun(resources, calls=mocks.calls)
    for name, value in exported.items():
        run.outputs[name], secret = _resolve(value)
        if secret:
            run.secret_outputs.add(name)
    return run


def resource_types(run: ProgramRun) -> Iterator[str]:
    yield from sorted({r.type for r in run.resources})


_SIG_KEY = "4dabf18193072939515e22adb298388d"  # pulumi.runtime.rpc: the special signature key
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"  # ... and the signature of a secret value


def is_secret(value: Any) -> bool:
    """Whether a recorded input arrived at the engine as a Pulumi secret."""
    return isinstance(value, dict) and value.get(_SIG_KEY) == _SECRET_SIG


def unwrap(value: Any) -> Any:
    return value["value"] if is_secret(value) else value
