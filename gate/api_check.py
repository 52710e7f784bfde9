"""The gate's own check `aws-api-model`: every Cognito resource's inputs against the AWS API model
of the call the provider makes with them, before any policy runs.

A value the API refuses (a 5-character minimum password length, `mfaConfiguration: "MAYBE"`, a
130-character client name) passes `pulumi preview`, which never calls AWS, and fails `pulumi up`
halfway through a deployment. Here it is a mandatory finding like a policy's, in every report.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace

from gate.analysis import Finding, PhaseAnalysis
from gate.analyzer import AWS_DOC_TAG, PolicyMeta
from gate.api_reference import reference_home
from gate.plan import Plan, PlannedResource

API_MODEL_POLICY = "aws-api-model"
IDP_API_REFERENCE = reference_home("cognito-idp")
IDENTITY_API_REFERENCE = reference_home("cognito-identity")

API_MODEL_CHECK = PolicyMeta(
    name=API_MODEL_POLICY,
    display_name="Inputs the AWS API accepts",
    description=(
        "Each Cognito resource's inputs, as the provider sends them, meet the AWS API model of "
        "the call (required members, types, enums, lengths, ranges, list sizes, patterns); AWS "
        "refuses a request that does not, so `pulumi up` would fail."
    ),
    enforcement_level="mandatory",
    severity="high",
    remediation_steps=(
        "Change the stack setting behind the named input to a value the API allows (the message "
        "names the limit and the operation's API reference page)."
    ),
    framework=None,
    tags=("aws-api", f"{AWS_DOC_TAG}:{IDENTITY_API_REFERENCE}"),
    config_schema=None,
    url=IDP_API_REFERENCE,
)
GATE_CHECKS = (API_MODEL_CHECK,)


def load_api_models() -> None:
    """Reads botocore's Cognito API models and compiles their patterns (about 0.05 s of JSON and
    regular expressions); the gate does it on a thread while the program runs, so the
    models are ready when the first resource is checked instead of being read on the way."""
    from gate.api_mapping import IDENTITY, IDP
    from gate.api_model import compile_patterns

    for service in (IDP, IDENTITY):
        compile_patterns(service)


def with_api_model_findings(
    analysis: PhaseAnalysis, plan: Plan, checked: Mapping[str, Sequence[Finding]] | None = None
) -> PhaseAnalysis:
    """The pack's analysis of `plan` with the API model's findings first (those of resources
    `check_as_they_come` already checked are taken from `checked`)."""
    return replace(analysis, findings=(*api_model_findings(plan, checked), *analysis.findings))


def api_model_findings(
    plan: Plan, checked: Mapping[str, Sequence[Finding]] | None = None
) -> list[Finding]:
    """One mandatory finding per broken constraint, on the resource whose input breaks it."""
    done = checked or {}
    return [
        finding
        for resource in plan.custom_resources()
        for finding in (
            done[resource.urn] if resource.urn in done else _resource_findings(resource, plan.mode)
        )
    ]


def check_as_they_come(
    resources: Iterable[PlannedResource], blocks_at: str, checked: dict[str, list[Finding]]
) -> Iterator[PlannedResource]:
    """Passes `resources` on, each resource first checked into `checked`: the gate checks them
    while the program is still registering, instead of all of them after it ends."""
    for resource in resources:
        if resource.kind == "resource":
            checked[resource.urn] = list(_resource_findings(resource, blocks_at))
        yield resource


def _resource_findings(resource: PlannedResource, blocks_at: str) -> Iterable[Finding]:
    # Imported here: botocore's models are read only for a plan with Cognito resources.
    from gate.api_mapping import to_requests
    from gate.api_model import api_path_text, validate_request

    for request in to_requests(resource.type, resource.inputs):
        for violation in validate_request(
            request.service, request.operation, request.params, request.supplied
        ):
            hidden = violation.quotes_value and request.is_secret(violation.path)
            observed = "is a secret value outside that limit" if hidden else violation.observed
            yield Finding(
                policy_name=API_MODEL_POLICY,
                message=(
                    f"`{request.input_path(violation.path)}` {observed}; the {request.operation} "
                    f"API {violation.allowed} ({api_path_text(violation.path)}, {request.doc})"
                ),
                urn=resource.urn,
                enforcement_level=API_MODEL_CHECK.enforcement_level,
                severity=API_MODEL_CHECK.severity,
                blocks_at=blocks_at,
            )
