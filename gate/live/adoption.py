"""The result of adopting a pool (`gate adopt`): the settings sections, the secrets the user must
supply, the live values the settings cannot express and the inferred choices to review; plus the
small helpers the section mappers share (`gate.live.adopt*`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from gate.analyzer import Secret
from gate.live import inventory as types
from gate.live.inventory import Inventory, LiveResource

Section = dict[str, Any]
SECRET_PLACEHOLDER: Final = "v1:REPLACE-ME:set-your-own-with-pulumi-config-set-secret"


@dataclass(frozen=True)
class NotExpressible:
    """A live value the settings cannot hold: where it is, the value, and what adopt did."""

    where: str
    live: object
    reason: str

    def describe(self) -> str:
        return f"{self.where}: live {_shown(self.live)} - {self.reason}"


@dataclass(frozen=True)
class SecretToSupply:
    """A top-level `secure:` config key holding a placeholder until the user sets it."""

    key: str
    what: str


@dataclass
class Adoption:
    """The `enterprise-identity:` sections for one pool, and what the user must know about them."""

    pool_id: str
    region: str
    sections: dict[str, Any] = field(default_factory=dict)
    secrets: list[SecretToSupply] = field(default_factory=list)
    not_expressible: list[NotExpressible] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    skipped: set[str] = field(default_factory=set)
    """Keys of live resources left out of the settings (and so out of the import)."""

    def refuse(self, where: str, live: object, reason: str) -> None:
        """Lists a live value the settings cannot hold, and what adopt did instead."""
        self.not_expressible.append(NotExpressible(where, plain(live), reason))

    def secret(self, stem: str, suffix: str, what: str) -> str:
        """A new `secure:` config key for a value AWS never returns; its name, for the settings."""
        key = _secret_key(stem, suffix)
        self.secrets.append(SecretToSupply(key, what))
        return key


@dataclass(frozen=True)
class AdoptInputs:
    """What adopt needs besides the live resources."""

    stack: str
    name_prefix: str | None = None
    unread: tuple[str, ...] = ()
    """APIs whose reads failed (`cognito-idp:DescribeRiskConfiguration`, ...)."""


class Parts:
    """The inventory's resources by type, in the order they were read."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory

    def of(self, type_: str) -> list[LiveResource]:
        return [r for r in self.inventory.resources.values() if r.type == type_]

    def one(self, type_: str) -> LiveResource | None:
        return next(iter(self.of(type_)), None)

    def client_names(self) -> dict[str, str]:
        return {c.id: str(c.inputs.get("name")) for c in self.of(types.USER_POOL_CLIENT)}


def present(source: Mapping[str, Any], names: Mapping[str, str]) -> Section:
    return {
        target: source[name] for name, target in names.items() if source.get(name) not in (None, "")
    }


def number(value: Any) -> Any:
    """Wire numbers are floats (and some AWS fields numeric strings); whole ones become ints."""
    if isinstance(value, bool):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return int(number) if number.is_integer() else number


def flag(value: Any) -> bool:
    return str(value).lower() == "true"


def plain(value: Any) -> Any:
    return value.value if isinstance(value, Secret) else value


def _secret_key(stem: str, suffix: str) -> str:
    """`corporate-saml` + `MetadataFile` -> `corporateSamlMetadataFile` (a valid config key)."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", stem) if w]
    camel = "".join(w[:1].upper() + w[1:] for w in words)
    camel = camel[:1].lower() + camel[1:]
    if not camel or not camel[0].isalpha():
        camel = f"idp{camel[:1].upper()}{camel[1:]}"
    return f"{camel}{suffix}"[:64]


def _shown(value: object) -> str:
    return "not set" if value is None else repr(value)
