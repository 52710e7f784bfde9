"""Drift: the deployed resources compared, field by field, with what a stack would deploy
(`gate audit --stack NAME`). The stack's plan comes from the gate's own offline run of the
program (preview mode: values that only exist after deployment are unknown and not compared).

Resources are matched by what identifies them in AWS: a user pool by name; its app clients,
identity providers, groups, resource servers and domain by name inside the matched pool; its
pool-level risk configuration and log delivery as the pool's; an identity pool by name. Every
setting the stack declares with a known value is compared with the deployed one; settings the
stack leaves unset (AWS defaults) and secrets are not.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from gate.analysis import Finding
from gate.analyzer import UNKNOWN, PolicyMeta, Secret
from gate.live import inventory as types
from gate.plan import Plan, PlannedResource

DRIFT_POLICY: Final = "live-drift"
DRIFT_CHECK: Final = PolicyMeta(
    name=DRIFT_POLICY,
    display_name="Deployed as declared",
    description=(
        "The deployed user pool and its parts have the settings the stack declares; a difference "
        "means a change outside the stack (console, CLI, another tool) or an undeployed change."
    ),
    enforcement_level="advisory",
    severity="medium",
    remediation_steps=(
        "Find out who changed what (CloudTrail), then either deploy the stack again to restore "
        "the declared settings or change the stack file to what should stay."
    ),
    framework=None,
    tags=("drift",),
    config_schema=None,
)

# The resources drift compares (matched by `inventory.IDENTITY`), as a finding names them.
_LABELS: Final = {
    types.USER_POOL: "user pool",
    types.USER_POOL_CLIENT: "app client",
    types.USER_POOL_DOMAIN: "domain",
    types.IDENTITY_PROVIDER: "identity provider",
    types.USER_GROUP: "group",
    types.RESOURCE_SERVER: "resource server",
    types.RISK_CONFIGURATION: "risk configuration",
    types.LOG_DELIVERY: "log delivery",
    types.IDENTITY_POOL: "identity pool",
}

Key = tuple[str, str, str]  # (type, user pool name or "", identity)


@dataclass(frozen=True)
class Difference:
    path: str
    declared: object
    deployed: object

    def describe(self, stack: str) -> str:
        deployed = "not set" if self.deployed is None else _shown(self.deployed)
        return f"`{self.path}`: stack {stack} declares {_shown(self.declared)}, deployed {deployed}"


def _shown(value: object) -> str:
    """`14`, not the wire's `14.0`."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


def planned_resources(stack: str, project_dir: Path) -> Plan:
    """What the stack would deploy, from the gate's offline run of the program (preview)."""
    from gate.program_runner import plan_of
    from gate.stack import find_project, load_stack

    return plan_of(load_stack(find_project(project_dir), stack), "preview")


def drift_findings(stack: str, planned: Plan, live: Plan) -> list[Finding]:
    """One advisory finding per deployed resource that differs from the stack, and one per
    declared resource missing from a deployed pool (or per declared pool not deployed)."""
    declared = _keyed(planned)
    deployed = _keyed(live)
    findings: list[Finding] = []
    for key, resource in declared.items():
        match = deployed.get(key)
        if match is not None:
            differences = list(differences_between(resource.inputs, match.inputs))
            if differences:
                findings.append(_finding(match.urn, _changed(stack, key, differences)))
        else:
            owner = deployed.get((types.USER_POOL, "", key[1])) if key[1] else None
            if owner is not None or key[0] in (types.USER_POOL, types.IDENTITY_POOL):
                urn = owner.urn if owner else (live.root.urn if live.root else "")
                findings.append(_finding(urn, _missing(stack, key)))
    return findings


def differences_between(declared: object, deployed: object, path: str = "") -> Iterator[Difference]:
    """Every declared leaf whose deployed value differs. Lists of scalars compare as sets (AWS
    returns attribute and scope lists in its own order); lists of named objects by name."""
    if declared is None or declared is UNKNOWN or isinstance(declared, Secret):
        return
    if deployed is UNKNOWN:  # a read that failed: reported as not judged, not as drift
        return
    if isinstance(declared, Mapping):
        live = deployed if isinstance(deployed, Mapping) else {}
        for key, value in declared.items():
            yield from differences_between(value, live.get(key), f"{path}.{key}" if path else key)
        return
    if isinstance(declared, list):
        yield from _list_differences(declared, deployed, path)
        return
    if not _same(declared, deployed):
        yield Difference(path, declared, deployed)


def _list_differences(declared: list[Any], deployed: object, path: str) -> Iterator[Difference]:
    live = deployed if isinstance(deployed, list) else []
    if any(item is UNKNOWN for item in declared):
        return
    if all(isinstance(item, Mapping) and "name" in item for item in declared):
        by_name = {item.get("name"): item for item in live if isinstance(item, Mapping)}
        for item in declared:
            yield from differences_between(
                item, by_name.get(item["name"]), f"{path}[{item['name']}]"
            )
        return
    if all(not isinstance(item, Mapping | list) for item in declared):
        if {str(i) for i in declared} != {str(i) for i in live}:
            yield Difference(path, declared, deployed)
        return
    for index, item in enumerate(declared):
        yield from differences_between(
            item, live[index] if index < len(live) else None, f"{path}[{index}]"
        )


def _same(declared: object, deployed: object) -> bool:
    """Equal, with numbers compared by value (the wire sends every number as a float; some
    AWS fields are numeric strings)."""
    if isinstance(declared, bool) or isinstance(deployed, bool):
        return declared == deployed
    try:
        return float(declared) == float(deployed)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return declared == deployed


def _keyed(plan: Plan) -> dict[Key, PlannedResource]:
    pools = {r.urn: str(r.inputs.get("name")) for r in plan.resources if r.type == types.USER_POOL}
    keyed: dict[Key, PlannedResource] = {}
    for resource in plan.custom_resources():
        if resource.type not in _LABELS:
            continue
        field = types.IDENTITY[resource.type]
        pool = next(
            (pools[u] for u in resource.property_dependencies.get("userPoolId", ()) if u in pools),
            "",
        )
        identity = str(resource.inputs.get(field) or "") if field else ""
        keyed.setdefault((resource.type, pool, identity), resource)
    return keyed


def _changed(stack: str, key: Key, differences: list[Difference]) -> str:
    lines = "\n".join(f"- {d.describe(stack)}" for d in differences)
    return f"The deployed {_describe(key)} differs from stack {stack}:\n{lines}"


def _missing(stack: str, key: Key) -> str:
    return f"Stack {stack} declares {_describe(key)}, which is not deployed."


def _describe(key: Key) -> str:
    type_, pool, identity = key
    label = _LABELS.get(type_, type_)
    named = f" {identity!r}" if identity else ""
    where = f" of user pool {pool!r}" if pool and type_ != types.USER_POOL else ""
    return f"{label}{named}{where}"


def _finding(urn: str, message: str) -> Finding:
    return Finding(
        policy_name=DRIFT_POLICY,
        message=message,
        urn=urn,
        enforcement_level=DRIFT_CHECK.enforcement_level,
        severity=DRIFT_CHECK.severity,
        blocks_at="up",
    )
