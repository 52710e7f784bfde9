"""User-pool attribute facts shared by the client, user-pool and identity-pool rules."""

from __future__ import annotations

from typing import Final

VERIFICATION_FLAGS: Final = ("email_verified", "phone_number_verified")
"""Writing these lets a user mark an address they do not own as verified."""

AUTHORIZATION_ATTRIBUTES: Final = (
    "custom:role",
    "custom:roles",
    "custom:tenant",
    "custom:tenant_id",
    "custom:tenantId",
    "custom:group",
    "custom:groups",
    "custom:isAdmin",
    "custom:is_admin",
    "custom:admin",
    "custom:plan",
    "custom:permissions",
    "custom:scopes",
)
"""Custom attributes that apps commonly use for authorization (the default protected list)."""

STANDARD_MUTABLE_ATTRIBUTES: Final = (
    "address",
    "birthdate",
    "email",
    "family_name",
    "gender",
    "given_name",
    "locale",
    "middle_name",
    "name",
    "nickname",
    "phone_number",
    "picture",
    "preferred_username",
    "profile",
    "updated_at",
    "website",
    "zoneinfo",
)
"""Standard attributes a client may write when it lists no `writeAttributes` (never custom ones):
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html"""


def qualified(schema_name: str) -> str:
    """The name a client or token uses: standard names as is, custom ones with `custom:`."""
    if schema_name in STANDARD_MUTABLE_ATTRIBUTES or schema_name in VERIFICATION_FLAGS:
        return schema_name
    if schema_name.startswith(("custom:", "dev:")) or schema_name in ("sub", "identities"):
        return schema_name
    return f"custom:{schema_name}"
