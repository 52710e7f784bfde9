"""Which attribute holds a user's last sign-in, the one place identity-ops decides it.

Cognito keeps no last-sign-in time: a user has ``UserCreateDate`` and ``UserLastModifiedDate``,
and the latter changes on any admin update.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserType.html
The platform's post-authentication function (``functions/membership.py``) stamps each sign-in
into the custom attribute a stack names in ``functions.lastSignInAttribute``. The stack setting
has no default (no attribute, no stamps); the stacks and docs name it ``last_sign_in``, so that is
what ``users show`` and ``users disable-inactive`` read unless ``--last-sign-in-attribute`` names
the attribute a stack chose instead. DescribeUserPool names a custom attribute ``custom:NAME``,
as users' attributes do.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SchemaAttributeType.html
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html#user-pool-settings-custom-attributes
"""

from __future__ import annotations

from typing import Final

from identity_ops.errors import UsageError
from identity_ops.pool import PoolSchema

CUSTOM_PREFIX: Final = "custom:"
DEFAULT_ATTRIBUTE: Final = f"{CUSTOM_PREFIX}last_sign_in"
OPTION: Final = "--last-sign-in-attribute"
OPTION_HELP: Final = (
    f"The custom attribute the platform stamps each sign-in into (the stack's "
    f"functions.lastSignInAttribute, as custom:NAME); default {DEFAULT_ATTRIBUTE}."
)


def checked_attribute(schema: PoolSchema, name: str | None) -> str:
    """``name`` when the pool has it as a custom attribute; the default when not given."""
    if name is None:
        return DEFAULT_ATTRIBUTE
    custom = sorted(a for a in schema.attributes if a.startswith(CUSTOM_PREFIX))
    if name not in custom:
        raise UsageError(
            f"{OPTION} {name!r}: not a custom attribute of pool {schema.pool_id} "
            f"(its custom attributes: {', '.join(custom) or 'none'})"
        )
    return name


def read_from(attribute: str) -> str:
    """How a report names the attribute it read, with the way to read another."""
    if attribute == DEFAULT_ATTRIBUTE:
        return f"{attribute} (the default; {OPTION} names another)"
    return attribute
