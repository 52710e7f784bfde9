"""How every cognito-guard rule is declared: metadata, config schema, unknown handling, reporting.

A rule is a plain generator `check(target, config)` that yields one reviewer-readable sentence per
problem. `resource_policy` and `stack_policy` wrap it into the SDK's `ResourceValidationPolicy` /
`StackValidationPolicy` with full metadata, so rule modules contain only what they judge and the
wrapping (type guard, config defaults, deferral of unknown values, malformed values) lives once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from pulumi_policy import (
    EnforcementLevel,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from cognito_guard.props import Deferred, Malformed, Props
from cognito_guard.references import policy_tags, policy_url

__all__ = [
    "Area",
    "Config",
    "Controls",
    "Finding",
    "JsonSchema",
    "Meta",
    "Resource",
    "Stack",
    "boolean",
    "integer",
    "one_of",
    "policy_meta",
    "resource_policy",
    "stack_policy",
    "string_list",
]

Config = Mapping[str, Any]
JsonSchema = dict[str, Any]


class Area:
    """What a rule guards; one module per area, shown in the catalog."""

    USER_POOL: Final = "user-pool"
    PASSWORD: Final = "password"
    MFA: Final = "mfa"
    CLIENTS: Final = "clients-oauth"
    IDENTITY: Final = "identity-pool-iam"
    MONITORING: Final = "monitoring"
    STACK: Final = "stack"


@dataclass(frozen=True)
class Controls:
    """The external controls a rule maps to, where one exists (ids as their owners write them).

    Standards (PCI DSS, NIST 800-63B, ASVS, ...) live here. AWS pages and peer checks (Security
    Hub, Prowler, cdk-nag, ...) live in `references.REFERENCES`; a peer check written here too is
    replaced by the entry's tag when the policy is built (`references.policy_tags`).
    """

    security_hub: str | None = None
    prowler: str | None = None
    pci_dss: str | None = None
    nist_800_63b: str | None = None
    asvs: str | None = None
    others: tuple[str, ...] = ()

    def tags(self) -> list[str]:
        """Control references as tags: `securityhub:Cognito.3`, `pci-dss-4.0.1:8.3.6`, ..."""
        pairs = [
            ("securityhub", self.security_hub),
            ("prowler", self.prowler),
            ("pci-dss-4.0.1", self.pci_dss),
            ("nist-800-63b", self.nist_800_63b),
            ("owasp-asvs", self.asvs),
        ]
        return [f"{prefix}:{ref}" for prefix, ref in pairs if ref] + list(self.others)

    def framework(self) -> PolicyComplianceFramework | None:
        """The primary framework: Security Hub, else PCI DSS, else NIST 800-63B, else ASVS."""
        if self.security_hub:
            return PolicyComplianceFramework(
                name="AWS Security Hub FSBP", version="1.0.0", reference=self.security_hub
            )
        if self.pci_dss:
            return PolicyComplianceFramework(
                name="PCI DSS", version="4.0.1", reference=self.pci_dss
            )
        if self.nist_800_63b:
            return PolicyComplianceFramework(
                name="NIST SP 800-63B", version="4", reference=self.nist_800_63b
            )
        if self.asvs:
            return PolicyComplianceFramework(name="OWASP ASVS", version="5.0", reference=self.asvs)
        return None


# --- config schema property builders (the engine validates these keywords) -------------------


def counted(amount: float, unit: str) -> str:
    """`1 day`, `12 days`, `0.5 days`: a number in a message, with its unit, singular only for
    exactly one."""
    return f"{amount:g} {unit}{'' if amount == 1 else 's'}"


def integer(
    default: int, description: str, *, minimum: int = 0, maximum: int | None = None
) -> JsonSchema:
    """An integer threshold with its default."""
    schema: JsonSchema = {
        "type": "integer",
        "default": default,
        "minimum": minimum,
        "description": description,
    }
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def boolean(default: bool, description: str) -> JsonSchema:
    """A switch with its default."""
    return {"type": "boolean", "default": default, "description": description}


def one_of(default: str, allowed: Sequence[str], description: str) -> JsonSchema:
    """A string chosen from `allowed`."""
    return {"type": "string", "enum": list(allowed), "default": default, "description": description}


def string_list(
    default: Sequence[str], description: str, *, allowed: Sequence[str] | None = None
) -> JsonSchema:
    """A list of strings (optionally from a fixed set)."""
    items: JsonSchema = {"type": "string"}
    if allowed is not None:
        items["enum"] = list(allowed)
    return {"type": "array", "items": items, "default": list(default), "description": description}


def effective_config(schema: Mapping[str, JsonSchema], given: Config) -> dict[str, Any]:
    """Schema defaults overlaid with the configured values (the engine sends both; tests may not).

    The engine hands config over as a protobuf Struct, whose numbers are all doubles: an integer
    threshold arrives as `12.0` and would print so in every message ("at least 12.0"). Integer
    properties are given back as ints.
    """
    config = {key: prop["default"] for key, prop in schema.items() if "default" in prop}
    config.update(given)
    for key, prop in schema.items():
        value = config.get(key)
        if prop.get("type") == "integer" and isinstance(value, float) and value.is_integer():
            config[key] = int(value)
    return config


# --- what rules see -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    """One resource as a rule sees it."""

    type: str
    name: str
    urn: str
    props: Props
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """A stack-level violation and the resource it belongs to."""

    message: str
    urn: str | None


class Stack:
    """Every resource of the stack, indexed for cross-resource rules."""

    def __init__(self, resources: Iterable[PolicyResource]) -> None:
        self.resources: tuple[Resource, ...] = tuple(_stack_resource(r) for r in resources)
        self.deferred: list[str] = []

    def of_type(self, *types: str) -> list[Resource]:
        """The resources of the given type tokens, in stack order."""
        return [r for r in self.resources if r.type in types]

    def by_urn(self, urn: str) -> Resource | None:
        """The resource with this URN, if it is in the stack."""
        return next((r for r in self.resources if r.urn == urn), None)

    def judge_each(
        self, resources: Iterable[Resource], rule: Callable[[Resource], Iterable[str]]
    ) -> Iterator[Finding]:
        """Apply `rule` per resource; an unknown value defers only that resource's verdict."""
        for resource in resources:
            try:
                for message in rule(resource):
                    yield Finding(message, resource.urn)
            except Deferred as deferred:
                self.deferred.append(f"{resource.name}: {deferred.reason}")
            except Malformed as malformed:
                yield Finding(malformed.message, resource.urn)


def _stack_resource(resource: PolicyResource) -> Resource:
    return Resource(
        type=resource.resource_type,
        name=resource.name,
        urn=resource.urn,
        props=Props(resource.props),
        dependencies=tuple(d.urn for d in resource.dependencies),
        property_dependencies={
            key: tuple(d.urn for d in deps) for key, deps in resource.property_dependencies.items()
        },
    )


# --- policy builders ----------------------------------------------------------------------------

JUDGED_TYPES: dict[str, frozenset[str]] = {}
"""Policy name -> the resource types a resource policy judges (for the catalog and tests)."""

ResourceCheck = Callable[[Resource, Config], Iterable[str]]
ResourceFix = Callable[[Props, Config], Mapping[str, object]]
StackCheck = Callable[[Stack, Config], Iterable[Finding]]

_SEVERITIES: Final = {
    "low": Severity.LOW,
    "medium": Severity.MEDIUM,
    "high": Severity.HIGH,
    "critical": Severity.CRITICAL,
}
_LEVELS: Final = {
    "advisory": EnforcementLevel.ADVISORY,
    "mandatory": EnforcementLevel.MANDATORY,
    "remediate": EnforcementLevel.REMEDIATE,
    "disabled": EnforcementLevel.DISABLED,
}


@dataclass(frozen=True)
class Meta:
    """The metadata every policy carries (see the README catalog)."""

    name: str
    display_name: str
    description: str
    area: str
    severity: str
    enforcement_level: str
    remediation_steps: str
    controls: Controls = field(default_factory=Controls)
    config: Mapping[str, JsonSchema] = field(default_factory=dict)

    def sdk_kwargs(self) -> dict[str, Any]:
        """Keyword arguments shared by both SDK policy classes.

        The engine transmits `url` and `tags` in `GetAnalyzerInfo`, so the policy's references
        (`references.REFERENCES`) travel as its `url` (primary AWS page) and as `aws-doc:<url>` /
        `<catalog>:<id>` tags next to the `Controls` tags.
        """
        return {
            "name": self.name,
            "description": self.description,
            "display_name": self.display_name,
            "enforcement_level": _LEVELS[self.enforcement_level],
            "severity": _SEVERITIES[self.severity],
            "framework": self.controls.framework(),
            "tags": [f"area:{self.area}", *policy_tags(self.name, self.controls.tags())],
            "url": policy_url(self.name),
            "remediation_steps": self.remediation_steps,
            "config_schema": PolicyConfigSchema(properties=dict(self.config))
            if self.config
            else None,
        }


def policy_meta(
    area: str,
    name: str,
    display_name: str,
    description: str,
    severity: str,
    remediation_steps: str,
    *,
    level: str = "mandatory",
    controls: Controls | None = None,
    config: Mapping[str, JsonSchema] | None = None,
) -> Meta:
    """`Meta` in the positional order rule modules read best (mandatory unless `level` says)."""
    return Meta(
        name=name,
        display_name=display_name,
        description=description,
        area=area,
        severity=severity,
        enforcement_level=level,
        remediation_steps=remediation_steps,
        controls=controls or Controls(),
        config=config or {},
    )


def resource_policy(
    meta: Meta,
    resource_types: Sequence[str],
    check: ResourceCheck,
    *,
    fix: ResourceFix | None = None,
) -> ResourceValidationPolicy:
    """A resource policy that runs `check` on each resource of `resource_types`.

    `fix` (safe remediations only) returns the property changes that make the resource comply;
    they are written into the SDK's property proxy so secrets in other properties stay secret.
    """
    types = frozenset(resource_types)
    JUDGED_TYPES[meta.name] = types

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type not in types:
            return
        config = effective_config(meta.config, args.get_config())
        resource = Resource(args.resource_type, args.name, args.urn, Props(args.props))
        reported = False
        try:
            for message in check(resource, config):
                report_violation(message, None)
                reported = True
        except Malformed as malformed:
            report_violation(malformed.message, None)
        except Deferred as deferred:
            if not reported:
                args.not_applicable(deferred.reason)

    def remediate(args: ResourceValidationArgs) -> Any:
        if fix is None or args.resource_type not in types:
            return None
        config = effective_config(meta.config, args.get_config())
        try:
            changes = fix(Props(args.props), config)
        except (Deferred, Malformed):
            return None
        if not changes:
            return None
        props: Any = args.props
        for key, value in changes.items():
            props[key] = value
        return props

    return ResourceValidationPolicy(
        validate=validate, remediate=remediate if fix else None, **meta.sdk_kwargs()
    )


def stack_policy(meta: Meta, check: StackCheck) -> StackValidationPolicy:
    """A stack policy; each finding is reported against the resource it names."""

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        config = effective_config(meta.config, args.get_config())
        stack = Stack(args.resources)
        reported = False
        try:
            for finding in check(stack, config):
                report_violation(finding.message, finding.urn)
                reported = True
        except Deferred as deferred:
            stack.deferred.append(deferred.reason)
        if stack.deferred and not reported:
            args.not_applicable("; ".join(stack.deferred))

    return StackValidationPolicy(validate=validate, **meta.sdk_kwargs())


# --- cross-resource references ------------------------------------------------------------------

_EXACT_OUTPUTS: Final = ("name", "endpoint")
_EMBEDDED_OUTPUTS: Final = ("id", "arn")
_MIN_EMBEDDED_LENGTH: Final = 10


def points_to(
    source: Resource, target: Resource, properties: Sequence[str], values: Iterable[object] = ()
) -> bool:
    """Whether `source` references `target` through one of `properties`.

    At preview the referenced ids are unknown, so the engine's property dependencies decide; at
    `up` the known values are compared with the target's id, ARN, name or endpoint (an id or ARN
    may also be embedded, as in `cognito-idp.<region>.amazonaws.com/<pool id>:<client id>`).
    """
    if any(target.urn in source.property_dependencies.get(p, ()) for p in properties):
        return True
    exact = {
        v for k in _EXACT_OUTPUTS + _EMBEDDED_OUTPUTS if isinstance(v := target.props.get(k), str)
    }
    embedded = {
        v
        for k in _EMBEDDED_OUTPUTS
        if isinstance(v := target.props.get(k), str) and len(v) >= _MIN_EMBEDDED_LENGTH
    }
    return any(
        isinstance(value, str) and (value in exact or any(e in value for e in embedded))
        for value in values
    )
