"""Adopt: a deployed user pool (read by the audit's inventory, in pulumi-aws wire form) turned back
into the `enterprise-identity:` settings that make the program declare the same pool.

Pure mapping, one function per config section (`gate.live.adopt_user_pool`,
`gate.live.adopt_access`). What AWS never returns (IdP client secrets, private keys, SAML metadata
files) becomes a `secure:` placeholder the user must supply; what the settings model cannot
express is listed as `NotExpressible` with the live value, never dropped in silence; choices adopt
has to infer (environment, domain version, ...) are listed for review. `gate.live.import_file`
runs the program on the result and writes the import file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from gate.live import inventory as types
from gate.live.adopt_access import client_section, identity_pool_section, provider_section
from gate.live.adopt_user_pool import domain_section, user_pool_section
from gate.live.adoption import (
    SECRET_PLACEHOLDER,
    AdoptInputs,
    Adoption,
    NotExpressible,
    Parts,
    SecretToSupply,
    Section,
    number,
    present,
)
from gate.live.inventory import Inventory

__all__ = [
    "SECRET_PLACEHOLDER",
    "AdoptInputs",
    "Adoption",
    "NotExpressible",
    "SecretToSupply",
    "adopt_settings",
    "name_prefix_for",
]

PROGRAM_TAGS: Final = ("stack", "managed-by")  # `__main__.py` adds them to every resource
ENVIRONMENTS: Final = {
    "prod": "production",
    "production": "production",
    "staging": "staging",
    "stage": "staging",
    "test": "test",
    "dev": "development",
    "development": "development",
}


def adopt_settings(inventory: Inventory, pool_id: str, inputs: AdoptInputs) -> Adoption:
    """The settings sections that declare the live pool `pool_id` and its parts."""
    adoption = Adoption(pool_id=pool_id, region=inventory.region)
    pool = inventory.resources[f"{types.USER_POOL}::{pool_id}"]
    parts = Parts(inventory)
    sections = adoption.sections
    sections["deployment"] = _deployment(pool.inputs, inputs, adoption)
    prefix = sections["deployment"]["namePrefix"]
    sections["userPool"] = user_pool_section(pool.inputs, parts, inputs.unread, prefix, adoption)
    domain = domain_section(parts.of(types.USER_POOL_DOMAIN), adoption)
    if domain:
        sections["domain"] = domain
    sections["groups"] = [_group(group.inputs) for group in parts.of(types.USER_GROUP)]
    sections["resourceServers"] = [_server(s.inputs) for s in parts.of(types.RESOURCE_SERVER)]
    providers = [provider_section(p, adoption) for p in parts.of(types.IDENTITY_PROVIDER)]
    sections["identityProviders"] = [p for p in providers if p]
    clients = [client_section(c, bool(domain), adoption) for c in parts.of(types.USER_POOL_CLIENT)]
    sections["appClients"] = [c for c in clients if c]
    identity_pool = identity_pool_section(parts, adoption)
    if identity_pool:
        sections["identityPool"] = identity_pool
    for name in [key for key, value in sections.items() if value == []]:
        del sections[name]
    _mark_authorization_attributes(sections)
    return adoption


# --- deployment -----------------------------------------------------------------------------


def _deployment(pool: Mapping[str, Any], inputs: AdoptInputs, adoption: Adoption) -> Section:
    tags = dict(pool.get("tags") or {})
    environment = ENVIRONMENTS.get(str(tags.get("environment", "")).lower())
    if environment is None:
        sender = (pool.get("emailConfiguration") or {}).get("emailSendingAccount")
        environment = "production" if sender == "DEVELOPER" else "development"
        adoption.review.append(
            f"deployment.environment: {environment} was inferred (the pool has no `environment` "
            "tag); production requires SES email"
        )
    return {
        "environment": environment,
        "namePrefix": inputs.name_prefix or name_prefix_for(inputs.stack),
        "protect": True,
        "tags": {k: str(v) for k, v in tags.items() if k not in PROGRAM_TAGS},
    }


def name_prefix_for(stack: str) -> str:
    """`ei-<stack>` in the characters `deployment.namePrefix` allows (at most 20)."""
    cleaned = re.sub(r"[^a-z0-9-]+", "-", stack.lower()).strip("-") or "stack"
    return f"ei-{cleaned}"[:20].rstrip("-")


def _group(group: Mapping[str, Any]) -> Section:
    section: Section = {"name": group.get("name")}
    section.update(present(group, {"description": "description", "roleArn": "roleArn"}))
    if group.get("precedence") is not None:
        section["precedence"] = int(number(group["precedence"]))
    return section


def _server(server: Mapping[str, Any]) -> Section:
    return {
        "identifier": server.get("identifier"),
        "name": server.get("name"),
        "scopes": [
            {"name": s.get("scopeName"), "description": s.get("scopeDescription")}
            for s in server.get("scopes") or []
        ],
    }


def _mark_authorization_attributes(sections: Mapping[str, Any]) -> None:
    """An immutable custom attribute that no client writes and no IdP maps is an authorization
    attribute (the settings then keep it that way)."""
    written = {a for c in sections.get("appClients", []) for a in c.get("writeAttributes", [])}
    mapped = {
        a for p in sections.get("identityProviders", []) for a in p.get("attributeMapping", {})
    }
    for attribute in sections["userPool"]["schema"]["customAttributes"]:
        claim = f"custom:{attribute['name']}"
        if not attribute["mutable"] and claim not in written | mapped:
            attribute["authorization"] = True
