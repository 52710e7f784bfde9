"""Reading IAM policy documents (trust and permission policies) the way IAM evaluates them."""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from cognito_guard.props import Malformed

COGNITO_IDENTITY: Final = "cognito-identity.amazonaws.com"
AUD_KEY: Final = f"{COGNITO_IDENTITY}:aud"
AMR_KEY: Final = f"{COGNITO_IDENTITY}:amr"
WEB_IDENTITY_ACTIONS: Final = ("sts:AssumeRoleWithWebIdentity",)


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


@dataclass(frozen=True)
class Statement:
    """One IAM statement, normalised to lists."""

    effect: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    federated: tuple[str, ...]
    conditions: dict[str, dict[str, list[str]]]

    def condition_values(self, key: str, *operators: str) -> list[str] | None:
        """Values of condition `key` under any of `operators` (case-insensitive key), or None."""
        found: list[str] | None = None
        for operator, block in self.conditions.items():
            if operators and operator not in operators:
                continue
            for condition_key, values in block.items():
                if condition_key.lower() == key.lower():
                    found = (found or []) + values
        return found

    def allows(self, action: str) -> bool:
        """Whether this Allow statement's actions match `action` (IAM wildcards)."""
        return self.effect == "Allow" and any(
            fnmatch.fnmatchcase(action.lower(), pattern.lower()) for pattern in self.actions
        )


def parse_document(document: object, path: tuple[str | int, ...]) -> list[Statement]:
    """Statements of a policy given as JSON text or as an object."""
    if isinstance(document, str):
        text = document
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise Malformed(path, text[:60], "a JSON policy document") from exc
    if not isinstance(document, dict):
        raise Malformed(path, document, "a policy document")
    statements = []
    for raw in _as_list(document.get("Statement")):
        if not isinstance(raw, dict):
            raise Malformed(path, raw, "policy statements")
        principal = raw.get("Principal")
        federated = principal.get("Federated") if isinstance(principal, dict) else None
        conditions = {
            str(op): {str(k): [str(v) for v in _as_list(vals)] for k, vals in block.items()}
            for op, block in (raw.get("Condition") or {}).items()
            if isinstance(block, dict)
        }
        statements.append(
            Statement(
                effect=str(raw.get("Effect", "")),
                actions=tuple(str(a) for a in _as_list(raw.get("Action"))),
                resources=tuple(str(r) for r in _as_list(raw.get("Resource"))),
                federated=tuple(str(f) for f in _as_list(federated)),
                conditions=conditions,
            )
        )
    return statements


def cognito_trust_statements(statements: list[Statement]) -> Iterator[Statement]:
    """Allow statements that let Cognito identity pools assume the role."""
    for statement in statements:
        if COGNITO_IDENTITY in statement.federated and any(
            statement.allows(action) for action in WEB_IDENTITY_ACTIONS
        ):
            yield statement


EXACT_OPERATORS: Final = ("StringEquals", "ForAnyValue:StringEquals")
PATTERN_OPERATORS: Final = ("StringLike", "ForAnyValue:StringLike")
AUTHENTICATED: Final = "authenticated"
UNAUTHENTICATED: Final = "unauthenticated"


def audiences(statement: Statement) -> list[str] | None:
    """The identity pools a trust statement accepts (`aud` under StringEquals or StringLike), or None.

    An id without wildcards pins exactly one pool under StringLike as it does under StringEquals;
    `wildcard_audiences` names the patterns that match more.
    """
    return statement.condition_values(AUD_KEY, *EXACT_OPERATORS, *PATTERN_OPERATORS)


def _is_pattern(value: str) -> bool:
    return "*" in value or "?" in value


def wildcard_audiences(statement: Statement) -> list[str]:
    """`aud` values under a *Like operator whose wildcards match more than one identity pool."""
    return [
        v for v in statement.condition_values(AUD_KEY, *PATTERN_OPERATORS) or [] if _is_pattern(v)
    ]


def amr_values(statement: Statement) -> list[str] | None:
    """The `amr` values a trust statement requires, or None when it does not pin them."""
    return statement.condition_values(AMR_KEY, *PATTERN_OPERATORS, *EXACT_OPERATORS)


def trusted_states(statement: Statement) -> frozenset[str] | None:
    """The sign-in states (`authenticated`, `unauthenticated`) the `amr` condition admits, or None.

    Cognito's `amr` claim holds `unauthenticated` for guests and, for signed-in users,
    `authenticated` plus the providers they used (such as `graph.facebook.com`), so a
    provider-specific value admits only signed-in users of that provider
    (https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html).
    """
    exact = statement.condition_values(AMR_KEY, *EXACT_OPERATORS)
    patterns = statement.condition_values(AMR_KEY, *PATTERN_OPERATORS)
    if exact is None and patterns is None:
        return None
    states: set[str] = set()
    for value in exact or []:
        states.add(UNAUTHENTICATED if value == UNAUTHENTICATED else AUTHENTICATED)
    for pattern in patterns or []:
        admits_guests = fnmatch.fnmatchcase(UNAUTHENTICATED, pattern)
        if admits_guests:
            states.add(UNAUTHENTICATED)
        if fnmatch.fnmatchcase(AUTHENTICATED, pattern) or not admits_guests:
            states.add(AUTHENTICATED)
    return frozenset(states)
