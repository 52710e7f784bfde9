"""How Cognito matches the identifier a user types at sign-in: case sensitivity of usernames.

With case-sensitive usernames, `Alice@Example.com` and `alice@example.com` are two users: a second
account can be registered for the same person or mailbox, and users who type a different
capitalization cannot sign in. AWS (UsernameConfigurationType CaseSensitive): true "is the default
value"; "For most use cases, set case sensitivity to False (case insensitive) as a best practice";
false also makes the email and preferred_username aliases case-insensitive. CreateUserPool: "This
configuration is immutable after you set it", and pulumi-aws (like the Terraform provider it wraps)
marks `usernameConfiguration` ForceNew, so changing it later replaces the pool: every user, password
and MFA enrolment is deleted (`deletionProtection: ACTIVE` blocks the replacement instead).

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UsernameConfigurationType.html
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPool.html
"""

from __future__ import annotations

from collections.abc import Iterator

from cognito_guard import resource_types as rt
from cognito_guard.framework import Area, Config, Resource, policy_meta, resource_policy


def check_case_insensitive_usernames(pool: Resource, _config: Config) -> Iterator[str]:
    if not pool.props.flag("usernameConfiguration", "caseSensitive", default=True):
        return
    shown = (
        "true"
        if pool.props.has("usernameConfiguration", "caseSensitive")
        else "not set (AWS default: case-sensitive)"
    )
    yield (
        f"`usernameConfiguration.caseSensitive` is {shown}: Alice@example.com and "
        "alice@example.com become two different users, so duplicate accounts can be registered "
        "for one person and sign-ins fail on capitalization. Set it to false now: it is "
        "immutable, and changing it later replaces the user pool and deletes every user."
    )


CASE_INSENSITIVE_USERNAMES = resource_policy(
    policy_meta(
        Area.USER_POOL,
        "cognito-user-pool-case-insensitive-usernames",
        "Case-insensitive usernames",
        "User pools must treat usernames and email aliases case-insensitively.",
        "medium",
        "Set `usernameConfiguration.caseSensitive` to false when the pool is created. The setting "
        "is immutable (the provider marks it ForceNew): on an existing pool the change replaces "
        "the pool and deletes all users, so plan a user migration first.",
    ),
    [rt.USER_POOL],
    check_case_insensitive_usernames,
)

POLICIES = [CASE_INSENSITIVE_USERNAMES]
