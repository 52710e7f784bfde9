"""Engine-side client for a CrossGuard policy pack: talks to it exactly as the Pulumi engine does.

The Pulumi CLI runs a Python policy pack through its `pulumi-analyzer-policy-python` shim: the
working directory is the pack folder, the command is `<venv python> -u -m pulumi.policy
<engine-address> .`, the stack's identity comes in `PULUMI_*` environment variables, and the first
line the process prints on stdout is the port of its gRPC Analyzer server. The engine then calls
`Handshake` (optional), `ConfigureStack`, `GetAnalyzerInfo`, `Configure`, and per resource
`Remediate` and `Analyze`, and once per stack `AnalyzeStack`.

Properties travel the way `sdk/go/common/resource/plugin/analyzer_plugin.go` marshals them
(`MarshalProperties` with `KeepUnknowns` and `KeepSecrets`): a protobuf `Struct` where every number
is a double, a value unknown during preview is the string `04da6b54-80e4-46f7-96ec-b56ff0331ba9`
whatever its type, a secret is the signature object `{"4dabf18193072939515e22adb298388d":
"1b47061264138c4ac30d75fd1eb44270", "value": ...}` (the policy SDK unwraps it, so policies see the
plain value), and keys starting with `__` are dropped except for `Remediate`.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from gate.errors import StackFileError
from gate.pack_process import (
    ENGINE_ADDRESS_PLACEHOLDER,
    PackProcess,
    PackStack,
    PackStartError,
    StreamDrain,
    start_pack,
)
from gate.stack import read_yaml

__all__ = [
    "UNKNOWN",
    "AnalysisResult",
    "AnalyzerClient",
    "AnalyzerError",
    "AnalyzerInfo",
    "AnalyzerResource",
    "PolicyMeta",
    "ProviderRef",
    "Remediation",
    "ResourceOptionsWire",
    "Secret",
    "Violation",
    "decode_struct",
    "encode_properties",
]

UNKNOWN_WIRE_VALUE: Final = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""The string the engine sends for any value that is unknown during preview."""

SIG_KEY: Final = "4dabf18193072939515e22adb298388d"
SECRET_SIG: Final = "1b47061264138c4ac30d75fd1eb44270"

_UNKNOWN_SENTINELS: Final = frozenset(
    {
        UNKNOWN_WIRE_VALUE,
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # boolean
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # number
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # array
        "030794c1-ac77-496b-92df-f27374a8bd58",  # asset
        "e48ece36-62e2-4504-bad9-02848725956a",  # archive
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # object
    }
)

ENFORCEMENT_LEVELS: Final = ("advisory", "mandatory", "remediate", "disabled")
_LEVEL_TO_WIRE: Final = {
    "advisory": analyzer_pb2.ADVISORY,
    "mandatory": analyzer_pb2.MANDATORY,
    "remediate": analyzer_pb2.REMEDIATE,
    "disabled": analyzer_pb2.DISABLED,
}
_WIRE_TO_LEVEL: Final = {wire: name for name, wire in _LEVEL_TO_WIRE.items()}
_WIRE_TO_SEVERITY: Final = {
    analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED: "",
    analyzer_pb2.POLICY_SEVERITY_LOW: "low",
    analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
    analyzer_pb2.POLICY_SEVERITY_HIGH: "high",
    analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical",
}
_WIRE_TO_POLICY_TYPE: Final = {
    analyzer_pb2.POLICY_TYPE_UNKNOWN: "",
    analyzer_pb2.POLICY_TYPE_RESOURCE: "resource",
    analyzer_pb2.POLICY_TYPE_STACK: "stack",
}

# The engine's gRPC channel options (rpcutil.GrpcChannelOptions): large messages are normal for
# stacks with many resources.
_MAX_MESSAGE_BYTES: Final = 400 * 1024 * 1024
_CHANNEL_OPTIONS: Final = [
    ("grpc.max_receive_message_length", _MAX_MESSAGE_BYTES),
    ("grpc.max_send_message_length", _MAX_MESSAGE_BYTES),
]


class _Unknown:
    """Type of `UNKNOWN`; a single instance stands for every value unknown during preview."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Final = _Unknown()
"""A property value that is unknown during preview (an output of a resource not yet created)."""


@dataclass(frozen=True)
class Secret:
    """Marks a property value as a Pulumi secret; it travels as the engine's secret signature."""

    value: object


@dataclass(frozen=True)
class ProviderRef:
    """The provider resource of a resource, as the engine describes it to an analyzer."""

    urn: str
    type: str
    name: str
    properties: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ResourceOptionsWire:
    """The resource options the engine sends along with a resource (`AnalyzerResourceOptions`)."""

    protect: bool = False
    ignore_changes: tuple[str, ...] = ()
    delete_before_replace: bool | None = None
    aliases: tuple[str, ...] = ()
    additional_secret_outputs: tuple[str, ...] = ()
    custom_timeouts: Mapping[str, float] | None = None
    parent: str | None = None


@dataclass(frozen=True)
class AnalyzerResource:
    """One resource as the engine sends it: inputs to `Analyze`, final outputs to `AnalyzeStack`."""

    urn: str
    type: str
    name: str
    properties: Mapping[str, object]
    options: ResourceOptionsWire = field(default_factory=ResourceOptionsWire)
    provider: ProviderRef | None = None
    parent: str | None = None
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


AWS_DOC_TAG: Final = "aws-doc"
"""Tag prefix of an AWS documentation page a policy rests on: `aws-doc:<url>`."""
PEER_CATALOGS: Final = frozenset(
    {
        "securityhub",
        "prowler",
        "cdk-nag",
        "checkov",
        "kics",
        "cfn_nag",
        "cloudsploit",
        "guard",
        "datadog",
    }
)
"""Tag prefixes of other tools' checks (`prowler:<check id>`); the pack's references use the same."""


def _tag_prefix(tag: str) -> str:
    return tag.split(":", 1)[0]


@dataclass(frozen=True)
class PolicyMeta:
    """A policy's metadata from `GetAnalyzerInfo`.

    References travel in fields the engine transmits: `url` (the primary AWS page) and tags
    (`aws-doc:<url>`, `<peer catalog>:<check id>`, standards such as `pci-dss-4.0.1:8.4.2`).
    """

    name: str
    display_name: str
    description: str
    enforcement_level: str
    severity: str
    remediation_steps: str
    framework: Mapping[str, str] | None
    tags: tuple[str, ...]
    config_schema: Mapping[str, Any] | None
    policy_type: str = ""
    url: str = ""

    @property
    def aws_documentation(self) -> tuple[str, ...]:
        """The AWS pages the policy rests on, its `url` first."""
        pages = [tag.split(":", 1)[1] for tag in self.tags if _tag_prefix(tag) == AWS_DOC_TAG]
        return tuple(dict.fromkeys([self.url, *pages] if self.url else pages))

    @property
    def peer_checks(self) -> tuple[str, ...]:
        """Other tools' checks the policy covers, as `<catalog>:<id>`."""
        return tuple(tag for tag in self.tags if _tag_prefix(tag) in PEER_CATALOGS)

    @property
    def control_tags(self) -> tuple[str, ...]:
        """Every tag but the AWS pages: area, peer checks, standards."""
        return tuple(tag for tag in self.tags if _tag_prefix(tag) != AWS_DOC_TAG)


@dataclass(frozen=True)
class AnalyzerInfo:
    """What `GetAnalyzerInfo` returns, with the version from PulumiPolicy.yaml as the engine uses."""

    name: str
    version: str
    policies: tuple[PolicyMeta, ...]
    initial_config: Mapping[str, Mapping[str, object]]
    display_name: str = ""
    description: str = ""
    supports_config: bool = True

    def policy(self, name: str) -> PolicyMeta:
        """The metadata of the policy called `name` (KeyError when the pack has none)."""
        for meta in self.policies:
            if meta.name == name:
                return meta
        raise KeyError(name)


@dataclass(frozen=True)
class Violation:
    """One policy diagnostic, as the engine receives it (`AnalyzeDiagnostic`)."""

    policy_name: str
    policy_pack_name: str
    description: str
    message: str
    urn: str | None
    enforcement_level: str
    severity: str


@dataclass(frozen=True)
class NotApplicable:
    """A policy that declared itself not applicable to a resource or stack, with its reason."""

    policy_name: str
    reason: str


@dataclass(frozen=True)
class AnalysisResult:
    """Everything an `Analyze`/`AnalyzeStack` response carries."""

    violations: tuple[Violation, ...]
    not_applicable: tuple[NotApplicable, ...]


@dataclass(frozen=True)
class Remediation:
    """One remediation: the new properties a policy wants, or a diagnostic why it could not run."""

    policy_name: str
    urn: str
    properties: Mapping[str, object] | None
    diagnostic: str


class AnalyzerError(RuntimeError):
    """The policy pack failed to start, crashed, or rejected a call."""


def encode_value(value: object) -> Any:
    """One property value in the JSON shape that becomes a protobuf `Value` on the wire."""
    if value is UNKNOWN:
        return UNKNOWN_WIRE_VALUE
    if isinstance(value, Secret):
        return {SIG_KEY: SECRET_SIG, "value": encode_value(value.value)}
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, Mapping):
        return {str(k): encode_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode_value(v) for v in value]
    raise TypeError(f"cannot send a {type(value).__name__} as a resource property")


def is_internal_key(key: str) -> bool:
    """A key the engine leaves out of `Analyze` and `AnalyzeStack` but sends to `Remediate`
    (`__`-named: `SkipInternalKeys` in analyzer_plugin.go's marshal options)."""
    return key.startswith("__")


def has_internal_keys(properties: Mapping[str, object]) -> bool:
    """Whether skipping internal keys changes how `properties` are sent."""
    return any(is_internal_key(key) for key in properties)


def encode_properties(
    properties: Mapping[str, object], *, skip_internal_keys: bool = True
) -> struct_pb2.Struct:
    """Resource properties as the engine marshals them for an analyzer."""
    fields: dict[str, Any] = {
        key: encode_value(value)
        for key, value in properties.items()
        if value is not None and not (skip_internal_keys and is_internal_key(key))
    }
    struct = struct_pb2.Struct()
    struct.update(fields)
    return struct


class EncodedOnce:
    """`encode_properties` once per properties mapping for one client's requests.

    In preview a resource's outputs are its inputs (the same mapping: `gate.registrations`), and
    every resource of a provider carries that provider's properties, so a prod run encoded 252
    mappings into `Struct`s (protobuf's pure-Python `Struct.update`, a fifth of the gate's own
    CPU while judging) for 72 different ones. Each entry holds its mapping, so its `id`
    cannot be reused while remembered; nothing in the gate writes to a resource's properties
    (`tests/gate/test_real_stacks.py` checks them after judging and every report); and a
    request copies the `Struct` it is built with, so a sent request cannot change it either."""

    def __init__(self) -> None:
        self._structs: dict[tuple[int, bool], tuple[Mapping[str, object], struct_pb2.Struct]] = {}
        self.encoded = 0
        """How many mappings were really encoded (tests read it)."""

    def __call__(
        self, properties: Mapping[str, object], *, skip_internal_keys: bool = True
    ) -> struct_pb2.Struct:
        # Without internal keys both ways of encoding give the same `Struct` (so `Remediate`'s
        # serves `Analyze` and `AnalyzeStack` too).
        skips = skip_internal_keys and has_internal_keys(properties)
        key = (id(properties), skips)
        held = self._structs.get(key)
        if held is None or held[0] is not properties:
            held = (properties, encode_properties(properties, skip_internal_keys=skips))
            self._structs[key] = held
            self.encoded += 1
        return held[1]


PropertiesEncoder = Callable[..., struct_pb2.Struct]
"""`encode_properties` or an `EncodedOnce`."""


def _decode_value(value: object) -> object:
    if isinstance(value, str) and value in _UNKNOWN_SENTINELS:
        return UNKNOWN
    if isinstance(value, list):
        return [_decode_value(v) for v in value]
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            return Secret(_decode_value(value.get("value")))
        return {k: _decode_value(v) for k, v in value.items()}
    return value


def decode_struct(struct: struct_pb2.Struct) -> dict[str, object]:
    """A protobuf `Struct` from the pack back into Python values (unknowns and secrets marked)."""
    raw = json_format.MessageToDict(struct)
    return {k: _decode_value(v) for k, v in raw.items()}


def _options_message(options: ResourceOptionsWire) -> analyzer_pb2.AnalyzerResourceOptions:
    timeouts = options.custom_timeouts or {}
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=options.protect,
        ignoreChanges=list(options.ignore_changes),
        deleteBeforeReplace=bool(options.delete_before_replace),
        deleteBeforeReplaceDefined=options.delete_before_replace is not None,
        additionalSecretOutputs=list(options.additional_secret_outputs),
        aliases=list(options.aliases),
        customTimeouts=analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts(
            create=float(timeouts.get("create", 0.0)),
            update=float(timeouts.get("update", 0.0)),
            delete=float(timeouts.get("delete", 0.0)),
        ),
        parent=options.parent or "",
    )


def _provider_message(
    provider: ProviderRef | None, encode: PropertiesEncoder
) -> analyzer_pb2.AnalyzerProviderResource | None:
    if provider is None:
        return None
    return analyzer_pb2.AnalyzerProviderResource(
        urn=provider.urn,
        type=provider.type,
        name=provider.name,
        properties=encode(provider.properties),
    )


def analyze_request(
    resource: AnalyzerResource,
    *,
    skip_internal_keys: bool,
    encode: PropertiesEncoder = encode_properties,
) -> analyzer_pb2.AnalyzeRequest:
    """The request the engine sends for one resource: `Analyze` skips internal keys (`__`-named
    ones), `Remediate` keeps them."""
    return analyzer_pb2.AnalyzeRequest(
        urn=resource.urn,
        type=resource.type,
        name=resource.name,
        properties=encode(resource.properties, skip_internal_keys=skip_internal_keys),
        options=_options_message(resource.options),
        provider=_provider_message(resource.provider, encode),
    )


def stack_resource_message(
    resource: AnalyzerResource, encode: PropertiesEncoder = encode_properties
) -> analyzer_pb2.AnalyzerResource:
    """One resource of the engine's `AnalyzeStack` request; like the engine it leaves out
    properties without dependencies (pulumi/pulumi sdk/go/common/resource/plugin/
    analyzer_plugin.go, `AnalyzeStack`: "Skip properties that have no dependencies")."""
    return analyzer_pb2.AnalyzerResource(
        urn=resource.urn,
        type=resource.type,
        name=resource.name,
        properties=encode(resource.properties),
        options=_options_message(resource.options),
        provider=_provider_message(resource.provider, encode),
        parent=resource.parent or "",
        dependencies=list(resource.dependencies),
        propertyDependencies={
            key: analyzer_pb2.AnalyzerPropertyDependencies(urns=list(urns))
            for key, urns in resource.property_dependencies.items()
            if urns
        },
    )


def _violation(diagnostic: analyzer_pb2.AnalyzeDiagnostic) -> Violation:
    level = _WIRE_TO_LEVEL.get(diagnostic.enforcementLevel)
    if level is None:
        raise AnalyzerError(f"invalid enforcement level {diagnostic.enforcementLevel}")
    return Violation(
        policy_name=diagnostic.policyName,
        policy_pack_name=diagnostic.policyPackName,
        description=diagnostic.description,
        message=diagnostic.message,
        urn=diagnostic.urn or None,
        enforcement_level=level,
        severity=_WIRE_TO_SEVERITY.get(diagnostic.severity, ""),
    )


def _analysis(response: analyzer_pb2.AnalyzeResponse) -> AnalysisResult:
    return AnalysisResult(
        violations=tuple(_violation(d) for d in response.diagnostics),
        not_applicable=tuple(
            NotApplicable(policy_name=n.policy_name, reason=n.reason)
            for n in response.not_applicable
        ),
    )


def _policy_meta(info: analyzer_pb2.PolicyInfo) -> PolicyMeta:
    schema: dict[str, Any] | None = None
    if info.HasField("configSchema"):
        schema = {
            "properties": json_format.MessageToDict(info.configSchema.properties),
            "required": list(info.configSchema.required),
        }
    framework: dict[str, str] | None = None
    if info.HasField("framework"):
        framework = {
            "name": info.framework.name,
            "version": info.framework.version,
            "reference": info.framework.reference,
            "specification": info.framework.specification,
        }
    return PolicyMeta(
        name=info.name,
        display_name=info.displayName,
        description=info.description,
        enforcement_level=_WIRE_TO_LEVEL.get(info.enforcementLevel, "advisory"),
        severity=_WIRE_TO_SEVERITY.get(info.severity, ""),
        remediation_steps=info.remediation_steps,
        framework=framework,
        tags=tuple(info.tags),
        config_schema=schema,
        policy_type=_WIRE_TO_POLICY_TYPE.get(info.policy_type, ""),
        url=info.url,
    )


def _initial_config(info: analyzer_pb2.AnalyzerInfo) -> dict[str, dict[str, object]]:
    result: dict[str, dict[str, object]] = {}
    for name, config in info.initialConfig.items():
        entry: dict[str, object] = {
            "enforcementLevel": _WIRE_TO_LEVEL.get(config.enforcementLevel, "advisory")
        }
        entry.update(json_format.MessageToDict(config.properties))
        result[name] = entry
    return result


def pack_version(pack_dir: Path) -> str:
    """The `version` in the pack's PulumiPolicy.yaml, which the engine prefers over the SDK's.

    Read as the CLI reads the file (Go yaml.v3, like Pulumi.yaml: `gate.stack.read_yaml`); a
    broken file is the pack's failure, named with its file:line:column."""
    project = pack_dir / "PulumiPolicy.yaml"
    if not project.is_file():
        return ""
    try:
        version = read_yaml(project).get("version")
    except StackFileError as error:
        raise AnalyzerError(str(error)) from None
    return "" if version is None else str(version)


def _policy_config_message(name: str, entry: Mapping[str, object]) -> analyzer_pb2.PolicyConfig:
    level = entry.get("enforcementLevel")
    if not isinstance(level, str) or level not in _LEVEL_TO_WIRE:
        raise ValueError(
            f"{name}.enforcementLevel: {level!r} is not one of {', '.join(ENFORCEMENT_LEVELS)}"
        )
    properties = struct_pb2.Struct()
    properties.update(
        {k: encode_value(v) for k, v in entry.items() if k != "enforcementLevel" and v is not None}
    )
    return analyzer_pb2.PolicyConfig(enforcementLevel=_LEVEL_TO_WIRE[level], properties=properties)


class AnalyzerClient:
    """A running policy pack and the gRPC stub that talks to it as the engine does."""

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        channel: grpc.Channel,
        stderr: StreamDrain,
        version: str,
    ) -> None:
        self._process = process
        self._channel = channel
        self._stub = analyzer_pb2_grpc.AnalyzerStub(channel)
        self._stderr = stderr
        self._version = version
        self._last_request: tuple[AnalyzerResource, analyzer_pb2.AnalyzeRequest] | None = None
        """The resource and request of the last `Remediate` or `Analyze` call (see `_request`)."""
        self.encode = EncodedOnce()
        """Each resource's and provider's properties encoded once for all of its requests."""
        self._declared_levels: dict[str, str] | None = None
        self._levels: dict[str, str] | None = None
        """Each policy's enforcement level in the pack, once `info` read them (and `configure`
        set them); None while the gate does not know them."""

    @classmethod
    @contextlib.contextmanager
    def start(
        cls,
        pack_dir: Path,
        python: str = sys.executable,
        *,
        project: str | None = None,
        stack: str | None = None,
        organization: str | None = None,
        dry_run: bool = True,
        stack_config: Mapping[str, str] | None = None,
        stack_tags: Mapping[str, str] | None = None,
        startup_timeout: float = 300.0,
    ) -> Iterator[AnalyzerClient]:
        """Start the pack in `pack_dir` as `pulumi-analyzer-policy-python` does and connect to
        it as the engine does (`connect`); stop it on exit.

        `project`/`stack` fill the `PULUMI_*` variables and the `ConfigureStack` call the engine
        makes when it runs a pack for a stack.
        """
        identity = (
            PackStack(project, stack, organization, dry_run, dict(stack_config or {}))
            if project is not None and stack is not None
            else None
        )
        with cls.connect(
            start_pack(pack_dir, python, identity),
            stack_tags=stack_tags,
            startup_timeout=startup_timeout,
        ) as client:
            yield client

    @classmethod
    @contextlib.contextmanager
    def connect(
        cls,
        pack: PackProcess,
        *,
        stack_tags: Mapping[str, str] | None = None,
        startup_timeout: float = 300.0,
        wait_for_exit: bool = True,
    ) -> Iterator[AnalyzerClient]:
        """Connect to a pack started by `gate.pack_process.start_pack` as the engine does
        (`Handshake`, and `ConfigureStack` for the pack's stack); the pack is stopped on exit,
        also on failure (killed without waiting for it to end unless `wait_for_exit`, see
        `PackProcess.stop`)."""
        try:
            version = pack_version(pack.pack_dir)
            try:
                port = pack.port(startup_timeout)
            except PackStartError as exc:
                raise AnalyzerError(str(exc)) from None
            channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=_CHANNEL_OPTIONS)
            try:
                grpc.channel_ready_future(channel).result(timeout=startup_timeout)
            except grpc.FutureTimeoutError as exc:
                raise AnalyzerError(
                    f"policy pack in {pack.pack_dir} did not accept connections"
                ) from exc
            client = cls(pack.process, channel, pack.stderr, version)
            client._handshake(pack.pack_dir)
            if pack.stack is not None:
                client._configure_stack(pack.stack, stack_tags or {})
            try:
                yield client
            finally:
                channel.close()
        finally:
            pack.stop(wait=wait_for_exit)

    @property
    def stderr(self) -> str:
        """What the pack has written to stderr so far (tracebacks, warnings)."""
        return self._stderr.text()

    def _call(self, method: str, request: object) -> Any:
        try:
            return getattr(self._stub, method)(request)
        except grpc.RpcError as exc:
            details = exc.details() if hasattr(exc, "details") else str(exc)
            raise AnalyzerError(
                f"policy pack {method} failed: {details}\n{self.stderr[-4000:]}".rstrip()
            ) from exc

    def _handshake(self, pack_dir: Path) -> None:
        request = analyzer_pb2.AnalyzerHandshakeRequest(
            engine_address=ENGINE_ADDRESS_PLACEHOLDER,
            root_directory=str(pack_dir),
            program_directory=str(pack_dir),
        )
        try:
            self._stub.Handshake(request)
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise AnalyzerError(f"policy pack Handshake failed: {exc.details()}") from exc

    def _configure_stack(self, stack: PackStack, tags: Mapping[str, str]) -> None:
        request = analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=stack.stack,
            project=stack.project,
            organization=stack.organization or "",
            dry_run=stack.dry_run,
            config=dict(stack.config),
            tags=dict(tags),
        )
        try:
            self._stub.ConfigureStack(request)
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise AnalyzerError(f"policy pack ConfigureStack failed: {exc.details()}") from exc

    def info(self) -> AnalyzerInfo:
        """`GetAnalyzerInfo`: the pack's policies, sorted by name as the engine sorts them."""
        response = self._call("GetAnalyzerInfo", empty_pb2.Empty())
        policies = sorted((_policy_meta(p) for p in response.policies), key=lambda p: p.name)
        self._declared_levels = {policy.name: policy.enforcement_level for policy in policies}
        self._levels = self._declared_levels
        return AnalyzerInfo(
            name=response.name,
            version=self._version or response.version,
            policies=tuple(policies),
            initial_config=_initial_config(response),
            display_name=response.displayName,
            description=response.description,
            supports_config=response.supportsConfig,
        )

    def configure(self, config: Mapping[str, Mapping[str, object]]) -> None:
        """`Configure`: per policy `{"enforcementLevel": ..., <properties>}`; empty sends nothing."""
        if not config:
            return
        request = analyzer_pb2.ConfigureAnalyzerRequest(
            policyConfig={
                name: _policy_config_message(name, entry) for name, entry in config.items()
            }
        )
        self._call("Configure", request)
        if self._declared_levels is not None:  # a pack's Configure replaces its whole config
            self._levels = {
                **self._declared_levels,
                **{name: str(entry["enforcementLevel"]) for name, entry in config.items()},
            }

    def analyze_full(self, resource: AnalyzerResource) -> AnalysisResult:
        """`Analyze` one resource's inputs; violations and not-applicable notes."""
        return _analysis(self._call("Analyze", self._request(resource, skip_internal_keys=True)))

    def analyze(self, resource: AnalyzerResource) -> list[Violation]:
        """`Analyze` one resource's inputs."""
        return list(self.analyze_full(resource).violations)

    def _request(
        self, resource: AnalyzerResource, *, skip_internal_keys: bool
    ) -> analyzer_pb2.AnalyzeRequest:
        """`analyze_request`, or the request just sent for this very resource when it is the
        same: `Analyze` follows `Remediate` on the same resource (unless a remediation changed
        it), and their requests differ only by internal (`__`) keys, which most resources have
        none of. One request built per resource instead of two."""
        last = self._last_request
        if last is not None and last[0] is resource and not has_internal_keys(resource.properties):
            return last[1]
        request = analyze_request(
            resource, skip_internal_keys=skip_internal_keys, encode=self.encode
        )
        self._last_request = (resource, request)
        return request

    def analyze_stack_full(self, resources: Sequence[AnalyzerResource]) -> AnalysisResult:
        """`AnalyzeStack` over every resource of the stack; violations and not-applicable notes."""
        request = analyzer_pb2.AnalyzeStackRequest(
            resources=[stack_resource_message(r, self.encode) for r in resources]
        )
        return _analysis(self._call("AnalyzeStack", request))

    def analyze_stack(self, resources: Sequence[AnalyzerResource]) -> list[Violation]:
        """`AnalyzeStack` over every resource of the stack."""
        return list(self.analyze_stack_full(resources).violations)

    def remediate(self, resource: AnalyzerResource) -> list[Remediation]:
        """`Remediate` one resource: each remediating policy's new properties, in order.

        The engine calls it for every resource; the gate leaves the call out, with the same
        empty answer, while no policy of the pack is at the `remediate` level. Remediation is
        what that level means ("Remediated policies actually fixes problems instead of issuing
        diagnostics", pulumi/pulumi proto/pulumi/analyzer.proto, `EnforcementLevel`), and
        pulumi-policy's `Remediate` runs no policy at any other level (pulumi_policy/policy.py,
        `_PolicyAnalyzerServicer.Remediate`). That is one round trip less per resource."""
        if self._levels is not None and "remediate" not in self._levels.values():
            return []
        response = self._call("Remediate", self._request(resource, skip_internal_keys=False))
        return [
            Remediation(
                policy_name=r.policyName,
                urn=resource.urn,
                properties=decode_struct(r.properties) if r.HasField("properties") else None,
                diagnostic=r.diagnostic,
            )
            for r in response.remediations
        ]
