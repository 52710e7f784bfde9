"""Hypothesis strategies for stack config documents that are mostly valid.

A *variation* is a real stack file (``Pulumi.dev.yaml`` or ``Pulumi.prod.yaml``) with valid
changes drawn from the settings' own limits - password length, token lifetimes, MFA mode and
factors, group precedence, subsets and renames of clients, groups, tenants and resource servers -
with every reference that a change touches kept consistent. It carries what the deployed stack
must then look like (``Expected``). Some 15% of the variations also get exactly one targeted
break (``Break``): a value just outside a limit, a wrong type, a dangling reference, an MFA mode
without a factor or an invalid name; the settings must reject it naming that key and only it.

The AWS limits drawn from (and broken one past):
- password length 6-99, history 0-24:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_PasswordPolicyType.html
- access and ID tokens 5 minutes-1 day, refresh tokens 60 minutes-10 years:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_TokenValidityUnitsType.html
- group precedence "a non-negative integer", "the maximum Precedence value is 2^31-1":
  https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/cognitoidentityprovider/aws.sdk.kotlin.services.cognitoidentityprovider.model/-create-group-request/precedence.html
- MFA configuration OFF, ON or OPTIONAL, with the factors SMS and software token (TOTP):
  https://docs.amazonaws.cn/goto/WebAPI/cognito-idp-2016-04-18/SetUserPoolMfaConfig
- app client names ``[\\w\\s+=,.@-]+``, 1-128 characters (drawn here from ASCII word characters
  and ``+=,.@-``, which also suit group names, "no whitespace"):
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientDescription.html
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import hypothesis.strategies as st

from tests.infra.harness import stack_document

P = "enterprise-identity:"
STACKS = ("dev", "prod")

# Documented defaults (docs/infrastructure.md, config reference): what a key left out deploys.
DEFAULT_PASSWORD_LENGTH = 14
DEFAULT_PASSWORD_HISTORY = 5
DEFAULT_TOKENS = {"accessTokenMinutes": 15, "idTokenMinutes": 15, "refreshTokenHours": 12}

PASSWORD_LENGTH = (6, 99)
PASSWORD_HISTORY = (0, 24)
TOKEN_LIMITS = {
    "accessTokenMinutes": (5, 1440),
    "idTokenMinutes": (5, 1440),
    "refreshTokenHours": (1, 87600),
}
PRECEDENCE = (0, 2**31 - 1)
MFA_MODES = ("OFF", "OPTIONAL", "ON")

# ASCII only: AWS's `\w` is ASCII, while Python's would also accept other letters.
_NAME_CHARACTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+=,.@-"
# Tenants' groups and clients are named tenant-<id>; a configured name must not take one.
names = st.text(_NAME_CHARACTERS, min_size=1, max_size=30).filter(
    lambda name: not name.startswith("tenant-")
)

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Tokens:
    access_minutes: int
    id_minutes: int
    refresh_hours: int


@dataclass
class Expected:
    """What a valid variation promises the deployed stack has."""

    password_length: int = DEFAULT_PASSWORD_LENGTH
    password_history: int = DEFAULT_PASSWORD_HISTORY
    mfa_mode: str = "ON"
    totp: bool = True
    sms: bool = False
    clients: dict[str, Tokens] = field(default_factory=dict)
    """Configured app clients (not tenants') by name."""
    groups: dict[str, int | None] = field(default_factory=dict)
    """Configured groups (not tenants') by name, with their precedence."""
    tenants: tuple[str, ...] = ()
    tenant_clients: tuple[str, ...] = ()
    """Tenants that get an app client of their own."""
    resource_servers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Break:
    """One invalid edit: the config key it breaks and what the message must also say."""

    kind: str
    path: KeyPath
    says: str = ""

    @property
    def key(self) -> str:
        """The key as a user reads it: ``enterprise-identity:appClients[1].tokens.idTokenMinutes``."""
        text = P + str(self.path[0])
        for part in self.path[1:]:
            text += f"[{part}]" if isinstance(part, int) else f".{part}"
        return text


@dataclass
class Variation:
    stack: str
    document: dict[str, Any]
    expected: Expected
    broken: Break | None = None

    @property
    def valid(self) -> bool:
        return self.broken is None


def _section(document: dict[str, Any], name: str) -> Any:
    return document[P + name]


# Valid variations. Each takes the document and the expectations and keeps references intact.


def _vary_password(draw: st.DrawFn, variation: Variation) -> None:
    policy = _section(variation.document, "userPool").setdefault("passwordPolicy", {})
    for key, limits, attribute in (
        ("minimumLength", PASSWORD_LENGTH, "password_length"),
        ("passwordHistorySize", PASSWORD_HISTORY, "password_history"),
    ):
        value = draw(st.none() | st.integers(*limits))
        if value is None:
            policy.pop(key, None)  # the documented default applies
        else:
            policy[key] = value
            setattr(variation.expected, attribute, value)


def _vary_mfa(draw: st.DrawFn, variation: Variation) -> None:
    mode = draw(st.sampled_from(MFA_MODES))
    factors = draw(st.sets(st.sampled_from(("totp", "sms")), min_size=0 if mode == "OFF" else 1))
    mfa = _section(variation.document, "userPool").setdefault("mfa", {})
    mfa.update({"mode": mode, "totp": "totp" in factors, "sms": {"enabled": "sms" in factors}})
    expected = variation.expected
    expected.mfa_mode, expected.totp, expected.sms = mode, "totp" in factors, "sms" in factors


def _vary_resource_servers(draw: st.DrawFn, variation: Variation) -> None:
    """Keep a subset of resource servers; machine clients that use a dropped one go too."""
    document = variation.document
    servers = document.get(P + "resourceServers", [])
    kept = [server for server in servers if draw(st.booleans())]
    dropped = {server["identifier"] for server in servers} - {s["identifier"] for s in kept}
    document[P + "resourceServers"] = kept
    variation.expected.resource_servers = tuple(server["identifier"] for server in kept)
    document[P + "appClients"] = [
        client
        for client in document.get(P + "appClients", [])
        if not any(_scope_of(scope, dropped) for scope in client.get("scopes", ()))
    ]


def _scope_of(scope: str, identifiers: set[str]) -> bool:
    """Whether ``scope`` (``identifier/name``) is a scope of one of the resource servers."""
    return any(scope.startswith(f"{identifier}/") for identifier in identifiers)


def _draw_tokens(draw: st.DrawFn) -> tuple[dict[str, int], Tokens]:
    """Each lifetime set within its AWS range or left out (then its documented default)."""
    written: dict[str, int] = {}
    for key, limits in TOKEN_LIMITS.items():
        value = draw(st.none() | st.integers(*limits))
        if value is not None:
            written[key] = value
    effective = {**DEFAULT_TOKENS, **written}
    tokens = Tokens(
        effective["accessTokenMinutes"], effective["idTokenMinutes"], effective["refreshTokenHours"]
    )
    return written, tokens


def _keep_and_rename(
    draw: st.DrawFn, entries: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """A drawn subset of named entries, some renamed to valid names no other entry has; returns
    the kept entries (renamed in place) and old name -> new name."""
    kept = [entry for entry in entries if draw(st.booleans())]
    taken = {entry["name"] for entry in entries}
    renamed: dict[str, str] = {}
    for position, entry in enumerate(kept):
        # The position suffix keeps new names apart from each other; none of the stack files'
        # names ends in ".<digit>" either.
        new_name = f"{draw(names)}.{position}"
        assert new_name not in taken
        if draw(st.booleans()):
            renamed[entry["name"]] = new_name
            entry["name"] = new_name
    return kept, renamed


def _vary_clients(draw: st.DrawFn, variation: Variation) -> None:
    """Keep a subset of clients, rename some, draw their token lifetimes; role mappings follow."""
    document = variation.document
    kept, renamed = _keep_and_rename(draw, document.get(P + "appClients", []))
    for client in kept:
        written, tokens = _draw_tokens(draw)
        client["tokens"] = written
        variation.expected.clients[client["name"]] = tokens
    document[P + "appClients"] = kept
    pool = document.get(P + "identityPool")
    if pool is not None:
        mappings = pool.get("roleMappings", [])
        for mapping in mappings:
            mapping["client"] = renamed.get(mapping["client"], mapping["client"])
        pool["roleMappings"] = [m for m in mappings if m["client"] in variation.expected.clients]


def _vary_groups(draw: st.DrawFn, variation: Variation) -> None:
    """Keep a subset of groups, rename some, draw precedences; mapping rules follow."""
    document = variation.document
    kept, renamed = _keep_and_rename(draw, document.get(P + "groups", []))
    for group in kept:
        precedence = draw(st.none() | st.integers(*PRECEDENCE))
        if precedence is None:
            group.pop("precedence", None)
        else:
            group["precedence"] = precedence
        variation.expected.groups[group["name"]] = precedence
    document[P + "groups"] = kept
    for mapping in document.get(P + "identityPool", {}).get("roleMappings", []):
        _follow_groups(mapping, renamed, set(variation.expected.groups))


def _follow_groups(mapping: dict[str, Any], renamed: dict[str, str], groups: set[str]) -> None:
    """Rules of a role mapping follow renamed groups and go with dropped ones; a Rules mapping
    left without rules becomes a Token mapping (Rules needs at least one rule)."""
    rules = []
    for rule in mapping.get("rules", []):
        if "group" in rule:
            rule["group"] = renamed.get(rule["group"], rule["group"])
            if rule["group"] not in groups:
                continue
        rules.append(rule)
    if mapping.get("type") == "Rules" and not rules:
        mapping["type"] = "Token"
        mapping.pop("rules", None)
    elif "rules" in mapping:
        mapping["rules"] = rules


def _vary_tenants(draw: st.DrawFn, variation: Variation) -> None:
    document = variation.document
    kept = [tenant for tenant in document.get(P + "tenants", []) if draw(st.booleans())]
    document[P + "tenants"] = kept
    variation.expected.tenants = tuple(tenant["id"] for tenant in kept)
    variation.expected.tenant_clients = tuple(t["id"] for t in kept if "appClient" in t)
    functions = document.get(P + "functions", {})
    if not kept and functions.get("lastSignInAttribute"):
        functions["enabled"] = True  # without tenants the platform functions must be asked for


VALID_CHANGES: tuple[Callable[[st.DrawFn, Variation], None], ...] = (
    _vary_password,
    _vary_mfa,
    _vary_resource_servers,
    _vary_clients,
    _vary_groups,
    _vary_tenants,
)


# Breaks: each edits one key of a valid variation and returns it, or None when the variation has
# nothing to break that way (no clients, no role mappings, ...).


def _client_index(draw: st.DrawFn, variation: Variation, machine: bool | None = None) -> int | None:
    clients = _section(variation.document, "appClients")
    indices = [
        index
        for index, client in enumerate(clients)
        if machine is None or (client["kind"] == "machine") == machine
    ]
    return draw(st.sampled_from(indices)) if indices else None


def _outside(draw: st.DrawFn, limits: tuple[int, int]) -> tuple[int, str]:
    low, high = limits
    if draw(st.booleans()):
        return low - 1, f"is below the AWS minimum {low}"
    return high + 1, f"is above the AWS maximum {high}"


def _password_out_of_range(draw: st.DrawFn, variation: Variation) -> Break | None:
    value, says = _outside(draw, PASSWORD_LENGTH)
    _section(variation.document, "userPool")["passwordPolicy"]["minimumLength"] = value
    return Break("value outside a limit", ("userPool", "passwordPolicy", "minimumLength"), says)


def _token_out_of_range(draw: st.DrawFn, variation: Variation) -> Break | None:
    index = _client_index(draw, variation)
    if index is None:
        return None
    key = draw(st.sampled_from(sorted(TOKEN_LIMITS)))
    value, says = _outside(draw, TOKEN_LIMITS[key])
    _section(variation.document, "appClients")[index]["tokens"][key] = value
    return Break("value outside a limit", ("appClients", index, "tokens", key), says)


def _precedence_out_of_range(draw: st.DrawFn, variation: Variation) -> Break | None:
    groups = _section(variation.document, "groups")
    if not groups:
        return None
    index = draw(st.integers(0, len(groups) - 1))
    value, says = _outside(draw, PRECEDENCE)
    groups[index]["precedence"] = value
    return Break("value outside a limit", ("groups", index, "precedence"), says)


def _wrong_type(draw: st.DrawFn, variation: Variation) -> Break | None:
    """A number written as text or as a fraction, a flag as text, an object as a list."""
    choice = draw(st.sampled_from(("password", "totp", "tokens")))
    if choice == "password":
        value = draw(st.sampled_from(("12", 12.5, True, [12])))
        _section(variation.document, "userPool")["passwordPolicy"]["minimumLength"] = value
        return Break("wrong type", ("userPool", "passwordPolicy", "minimumLength"))
    if choice == "totp":
        _section(variation.document, "userPool")["mfa"]["totp"] = draw(st.sampled_from(("yes", 1)))
        return Break("wrong type", ("userPool", "mfa", "totp"))
    index = _client_index(draw, variation)
    if index is None:
        return None
    _section(variation.document, "appClients")[index]["tokens"] = [15, 15, 12]
    return Break("wrong type", ("appClients", index, "tokens"))


def _unknown_identity_provider(draw: st.DrawFn, variation: Variation) -> Break | None:
    index = _client_index(draw, variation, machine=False)
    if index is None:
        return None
    client = _section(variation.document, "appClients")[index]
    client["identityProviders"] = [*client.get("identityProviders", ["COGNITO"]), "no-such-idp"]
    return Break("dangling reference", ("appClients", index, "identityProviders"), '"no-such-idp"')


def _unknown_scope(draw: st.DrawFn, variation: Variation) -> Break | None:
    index = _client_index(draw, variation, machine=True)
    if index is None:
        return None
    scope = "https://unknown.example.com/reports.read"
    _section(variation.document, "appClients")[index]["scopes"].append(scope)
    return Break("dangling reference", ("appClients", index, "scopes"), f'"{scope}"')


def _unknown_mapped_client(draw: st.DrawFn, variation: Variation) -> Break | None:
    mappings = variation.document.get(P + "identityPool", {}).get("roleMappings", [])
    if not mappings:
        return None
    index = draw(st.integers(0, len(mappings) - 1))
    mappings[index]["client"] = "no-such-client"
    return Break(
        "dangling reference",
        ("identityPool", "roleMappings", index, "client"),
        '"no-such-client"',
    )


def _unknown_rule_group(draw: st.DrawFn, variation: Variation) -> Break | None:
    mappings = variation.document.get(P + "identityPool", {}).get("roleMappings", [])
    places = [
        (m, r) for m, mapping in enumerate(mappings) for r in range(len(mapping.get("rules", [])))
    ]
    if not places:
        return None
    mapping, rule = draw(st.sampled_from(places))
    mappings[mapping]["rules"][rule]["group"] = "no-such-group"
    return Break(
        "dangling reference",
        ("identityPool", "roleMappings", mapping, "rules", rule, "group"),
        '"no-such-group"',
    )


def _mfa_without_factor(mode: str) -> Callable[[st.DrawFn, Variation], Break | None]:
    """MFA ``mode`` (ON or OPTIONAL) with every factor off; one break per mode, so that both
    are drawn as often as any other break."""

    def make(_draw: st.DrawFn, variation: Variation) -> Break | None:
        mfa = _section(variation.document, "userPool")["mfa"]
        mfa.update({"mode": mode, "totp": False, "sms": {"enabled": False}})
        return Break("MFA mode without a factor", ("userPool", "mfa", "mode"), f'"{mode}"')

    return make


def _invalid_client_name(draw: st.DrawFn, variation: Variation) -> Break | None:
    index = _client_index(draw, variation)
    if index is None:
        return None
    name = draw(st.sampled_from(("", "portal/v2", "portal#1", "a" * 129)))
    _section(variation.document, "appClients")[index]["name"] = name
    return Break("invalid name", ("appClients", index, "name"), "is not a valid app client name")


BREAKS: tuple[Callable[[st.DrawFn, Variation], Break | None], ...] = (
    _password_out_of_range,
    _token_out_of_range,
    _precedence_out_of_range,
    _wrong_type,
    _unknown_identity_provider,
    _unknown_scope,
    _unknown_mapped_client,
    _unknown_rule_group,
    _mfa_without_factor("ON"),
    _mfa_without_factor("OPTIONAL"),
    _invalid_client_name,
)


@st.composite
def valid_variations(draw: st.DrawFn) -> Variation:
    """A real stack file with valid changes drawn within the settings' limits."""
    stack = draw(st.sampled_from(STACKS))
    variation = Variation(stack, copy.deepcopy(stack_document(stack)), Expected())
    for change in VALID_CHANGES:
        change(draw, variation)
    return variation


@st.composite
def variations(draw: st.DrawFn) -> Variation:
    """Mostly valid variations; some carry exactly one break (the first, in a drawn order of the
    breaks, that applies to the variation).

    Hypothesis does not draw ``sampled_from`` uniformly (it favours the first element):
    ``(False, False, True)`` drawn after the valid changes breaks 13-18% of the examples (the
    test measures the share). Drawing the breaks as a permutation spreads them out.
    """
    variation = draw(valid_variations())
    if draw(st.sampled_from((False, False, True))):
        for make in draw(st.permutations(BREAKS)):
            variation.broken = make(draw, variation)
            if variation.broken is not None:
                break
    return variation
