"""The `pulumi import --file` document for an adopted pool: each live resource under the logical
name, parent and type the program gives it, with the import id its pulumi-aws resource expects.

Names come from the program itself: it is run offline on the generated config (the gate's up-mode
plan) and every planned resource is matched with the live one that AWS names the same way (the
pool by name, a client or group by name, an IdP by provider name, a resource server by identifier,
the domain by domain; one-per-pool resources by type). Matched pairs are also compared field by
field (`gate.live.drift.differences_between`): a difference is a change `pulumi up` would make.

File format (https://www.pulumi.com/docs/iac/cli/commands/pulumi_import/): `resources` entries
with `type`, `name` (unique in the file), `logicalName` (the resource's name in the program),
`id`, and `parent` naming another entry. The program's components are entries with
`"component": true`, so `pulumi import` creates them in a new stack (Pulumi >= 3.94) and the
children's URNs are the ones the program registers; the `nameTable` would need them to exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Final

from gate.analyzer import Secret
from gate.live import inventory as types
from gate.live.drift import Difference, differences_between
from gate.live.inventory import IDENTITY, Inventory, LiveResource
from gate.plan import STACK_TYPE, Plan, PlannedResource

PROVIDER_PACKAGE: Final = "pulumi_aws"


@dataclass(frozen=True)
class Match:
    """A live resource and the program's declaration of it."""

    live: LiveResource
    planned: PlannedResource


@dataclass(frozen=True)
class Change:
    """A setting `pulumi up` would change after the import."""

    resource: str
    difference: Difference

    def describe(self) -> str:
        d = self.difference
        return f"{self.resource} `{d.path}`: deployed {_shown(d.deployed)}, the stack sets {_shown(d.declared)}"


@dataclass(frozen=True)
class Matching:
    """Every adoptable live resource matched, or not, with the program's plan."""

    matches: tuple[Match, ...]
    unmatched_live: tuple[LiveResource, ...]
    created: tuple[PlannedResource, ...]
    """Cognito resources the program declares that are not deployed: `pulumi up` creates them."""


def adoptable(inventory: Inventory, skipped: Iterable[str] = ()) -> list[LiveResource]:
    """The live resources adopt imports (IAM roles, alarms and web ACLs stay where they are)."""
    left_out = set(skipped)
    return [r for r in inventory.resources.values() if r.type in IDENTITY and r.key not in left_out]


def match_plan(plan: Plan, live: Iterable[LiveResource]) -> Matching:
    """Pairs each live resource with the planned resource of the same type and identity."""
    planned = {_key(r.type, r.inputs): r for r in plan.custom_resources() if r.type in IDENTITY}
    matches: list[Match] = []
    unmatched: list[LiveResource] = []
    for resource in live:
        found = planned.pop(_key(resource.type, resource.inputs), None)
        if found is None:
            unmatched.append(resource)
        else:
            matches.append(Match(resource, found))
    return Matching(tuple(matches), tuple(unmatched), tuple(planned.values()))


def _key(type_: str, inputs: Mapping[str, Any]) -> tuple[str, str]:
    field = IDENTITY[type_]
    return type_, str(inputs.get(field) or "") if field else ""


def import_id(resource: LiveResource, pool_id: str) -> str:
    """The id each pulumi-aws resource's `## Import` section documents
    (`.venv/.../pulumi_aws/cognito/*.py`): `<pool>/<client id>` for a client, `<pool>/<name>` for a
    group, `<pool>:<name>` for an IdP, `<pool>|<identifier>` for a resource server, the domain, the
    pool id for the pool, its risk (`<pool>:<client id>` for a client's) and log-delivery
    configurations, the identity pool id for the identity pool and its role attachment,
    `<identity pool>:<provider>` for principal tags, and `<web ACL ARN>,<resource ARN>` for a WAF
    association. The inventory keys resources that way already, except clients (keyed by client
    id alone) and a client's risk configuration (keyed by its pool)."""
    if resource.type == types.USER_POOL_CLIENT:
        return f"{pool_id}/{resource.id}"
    client_id = resource.inputs.get("clientId")
    if resource.type == types.RISK_CONFIGURATION and client_id:
        return f"{pool_id}:{client_id}"
    return resource.id


def import_document(plan: Plan, matches: Iterable[Match], pool_id: str) -> dict[str, Any]:
    """`{"resources": [...]}`: the components the matched resources live in, then the resources."""
    ordered = list(matches)
    by_urn = plan.by_urn()
    components = _components(by_urn, (m.planned for m in ordered))
    names = _unique_names([*components, *(m.planned for m in ordered)])
    entries: list[dict[str, Any]] = [
        {
            "type": component.type,
            "name": names[component.urn],
            "logicalName": component.name,
            "component": True,
            **_parent(component, names),
        }
        for component in components
    ]
    version = _provider_version()
    entries += [
        {
            "type": match.planned.type,
            "name": names[match.planned.urn],
            "logicalName": match.planned.name,
            "id": import_id(match.live, pool_id),
            **_parent(match.planned, names),
            **({"version": version} if version else {}),
        }
        for match in ordered
    ]
    return {"resources": entries}


def _components(
    by_urn: Mapping[str, PlannedResource], resources: Iterable[PlannedResource]
) -> list[PlannedResource]:
    """Every component above the resources, outermost first, each once."""
    found: dict[str, PlannedResource] = {}
    for resource in resources:
        chain = []
        parent = by_urn.get(resource.parent or "")
        while parent is not None and parent.type != STACK_TYPE:
            chain.append(parent)
            parent = by_urn.get(parent.parent or "")
        for component in reversed(chain):
            found.setdefault(component.urn, component)
    return list(found.values())


def _unique_names(resources: Iterable[PlannedResource]) -> dict[str, str]:
    """URN -> a name unique in the file (logical names repeat across types: every component is
    named after the prefix)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for resource in resources:
        name = resource.name
        if name in taken:
            name = f"{resource.name}-{resource.type.rsplit(':', 1)[-1]}"
        suffix = 2
        while name in taken:
            name = f"{resource.name}-{resource.type.rsplit(':', 1)[-1]}-{suffix}"
            suffix += 1
        taken.add(name)
        names[resource.urn] = name
    return names


def _parent(resource: PlannedResource, names: Mapping[str, str]) -> dict[str, str]:
    parent = resource.parent or ""
    return {"parent": names[parent]} if parent in names else {}


def _provider_version() -> str | None:
    """The pulumi-aws version the program uses, so the import reads with the same provider."""
    try:
        return metadata.version(PROVIDER_PACKAGE)
    except metadata.PackageNotFoundError:
        return None


def changes(matches: Iterable[Match]) -> list[Change]:
    """Settings the stack declares differently from what is deployed (inputs that reference other
    resources are left out: their values are the program's, not settings; the stack's secrets
    are not compared, the live provider details are, without their secret)."""
    found = []
    for match in matches:
        references = {k for k, urns in match.planned.property_dependencies.items() if urns}
        declared = {k: v for k, v in match.planned.inputs.items() if k not in references}
        live = {k: v.value if isinstance(v, Secret) else v for k, v in match.live.inputs.items()}
        for difference in differences_between(declared, live):
            found.append(Change(f"{_label(match.live)}", difference))
    return found


def _label(resource: LiveResource) -> str:
    kind = resource.type.rsplit(":", 1)[-1]
    field = IDENTITY.get(resource.type)
    name = resource.inputs.get(field) if field else None
    return f"{kind} {name!r}" if name else kind


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "not set" if value is None else repr(value)
