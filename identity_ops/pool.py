"""What identity-ops needs to know about a user pool, read once from DescribeUserPool.

Rows are validated against this before anything is sent: moto (and a careless script) accepts
attributes that real Cognito rejects, and a bulk job should fail on row 3 of the file, not on user
40,000 of the run.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from identity_ops.errors import AwsError

#: Attributes Cognito manages itself; they can be read but never written by an import.
READ_ONLY_ATTRIBUTES = frozenset({"sub", "identities", "cognito:user_status"})

#: Standard attributes whose values have a format Cognito checks.
EMAIL_ATTRIBUTES = frozenset({"email"})
PHONE_ATTRIBUTES = frozenset({"phone_number"})


#: Every pool has the OIDC standard attributes, whether or not CreateUserPool listed them (real
#: DescribeUserPool returns all of them; moto returns only those given at creation).
STANDARD_ATTRIBUTES: tuple[tuple[str, str, bool], ...] = (
    ("sub", "String", False),
    ("name", "String", True),
    ("given_name", "String", True),
    ("family_name", "String", True),
    ("middle_name", "String", True),
    ("nickname", "String", True),
    ("preferred_username", "String", True),
    ("profile", "String", True),
    ("picture", "String", True),
    ("website", "String", True),
    ("email", "String", True),
    ("email_verified", "Boolean", True),
    ("gender", "String", True),
    ("birthdate", "String", True),
    ("zoneinfo", "String", True),
    ("locale", "String", True),
    ("phone_number", "String", True),
    ("phone_number_verified", "Boolean", True),
    ("address", "String", True),
    ("updated_at", "Number", True),
)


@dataclass(frozen=True)
class AttributeSpec:
    """One attribute of the pool schema."""

    name: str
    data_type: str = "String"  # String | Number | DateTime | Boolean
    mutable: bool = True
    required: bool = False
    developer_only: bool = False
    min_length: int = 0
    max_length: int = 2048
    min_value: float | None = None
    max_value: float | None = None

    @classmethod
    def from_schema(cls, item: Mapping[str, Any]) -> AttributeSpec:
        strings = item.get("StringAttributeConstraints") or {}
        numbers = item.get("NumberAttributeConstraints") or {}
        return cls(
            name=str(item["Name"]),
            data_type=str(item.get("AttributeDataType", "String")),
            mutable=bool(item.get("Mutable", True)),
            required=bool(item.get("Required", False)),
            developer_only=bool(item.get("DeveloperOnlyAttribute", False)),
            min_length=int(strings.get("MinLength", 0) or 0),
            max_length=int(strings.get("MaxLength", 2048) or 2048),
            min_value=_optional_float(numbers.get("MinValue")),
            max_value=_optional_float(numbers.get("MaxValue")),
        )


def _optional_float(value: Any) -> float | None:
    if value in (None, ""):
        return None
    return float(value)


@dataclass(frozen=True)
class PoolSchema:
    """The parts of DescribeUserPool that shape validation, import and export."""

    pool_id: str
    name: str = ""
    attributes: Mapping[str, AttributeSpec] = field(default_factory=dict)
    username_attributes: tuple[str, ...] = ()
    alias_attributes: tuple[str, ...] = ()
    auto_verified_attributes: tuple[str, ...] = ()
    mfa_configuration: str = "OFF"
    case_sensitive: bool = True
    estimated_users: int = 0

    @classmethod
    def from_description(cls, pool: Mapping[str, Any]) -> PoolSchema:
        described = {
            spec.name: spec
            for spec in (
                AttributeSpec.from_schema(item) for item in pool.get("SchemaAttributes", [])
            )
        }
        standard = {
            name: described.get(name) or AttributeSpec(name, data_type, mutable)
            for name, data_type, mutable in STANDARD_ATTRIBUTES
        }
        custom = {name: spec for name, spec in described.items() if name not in standard}
        return cls(
            pool_id=str(pool["Id"]),
            name=str(pool.get("Name", "")),
            attributes={**standard, **custom},
            username_attributes=tuple(pool.get("UsernameAttributes") or ()),
            alias_attributes=tuple(pool.get("AliasAttributes") or ()),
            auto_verified_attributes=tuple(pool.get("AutoVerifiedAttributes") or ()),
            mfa_configuration=str(pool.get("MfaConfiguration", "OFF")),
            case_sensitive=bool(
                (pool.get("UsernameConfiguration") or {}).get("CaseSensitive", True)
            ),
            estimated_users=int(pool.get("EstimatedNumberOfUsers", 0) or 0),
        )

    def writable_attributes(self) -> Iterator[AttributeSpec]:
        """Attributes an admin may set, in schema order."""
        for spec in self.attributes.values():
            if spec.name not in READ_ONLY_ATTRIBUTES and not spec.developer_only:
                yield spec

    def username_key(self, username: str) -> str:
        """How the pool compares usernames (case-insensitive pools fold case)."""
        return username if self.case_sensitive else username.casefold()


def describe_pool(cognito: Any, pool_id: str) -> PoolSchema:
    """DescribeUserPool, with an unknown pool turned into a readable error."""
    try:
        response = cognito.describe_user_pool(UserPoolId=pool_id)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in {"ResourceNotFoundException", "InvalidParameterException"}:
            raise AwsError(
                f"user pool {pool_id!r} not found in this account/Region "
                "(check --pool-id/--stack, --region and --profile)"
            ) from None
        raise
    return PoolSchema.from_description(response["UserPool"])


def list_group_names(cognito: Any, pool_id: str) -> list[str]:
    """Every group of the pool (groups are few: the list is small)."""
    names: list[str] = []
    for page in cognito.get_paginator("list_groups").paginate(UserPoolId=pool_id):
        names.extend(str(group["GroupName"]) for group in page.get("Groups", []))
    return names
