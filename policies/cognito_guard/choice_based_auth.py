"""Choice-based sign-in (`ALLOW_USER_AUTH`) and the plaintext-password path it opens.

AWS (UserPoolClientType ExplicitAuthFlows): ALLOW_USER_AUTH "covers username-password, secure remote
password (SRP), passwordless, and passkey authentication" and "can do username-password and SRP
authentication without other ExplicitAuthFlows permitting them". Which first factors it offers is
the pool's `signInPolicy.allowedFirstAuthFactors` (SignInPolicyType; PASSWORD only when unset).
When PASSWORD is among them, the client accepts the SELECT_CHALLENGE answer PASSWORD with the
password itself in the request (RespondToAuthChallenge ChallengeResponses), next to PASSWORD_SRP:
the same exposure as ALLOW_USER_PASSWORD_AUTH, which `cognito-client-no-password-auth-flows` bans.
There is no setting that keeps PASSWORD_SRP and drops PASSWORD. A pool may leave PASSWORD out of its
first factors (passkeys or one-time codes only): SignInPolicyType lists it as one valid value among
four, with no rule that it stay (only the CDK's L2 construct insists on `password: true`). A pool
outside the stack is judged by the API's default, PASSWORD only.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignInPolicyType.html
https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flows-selection-sdk.html
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from cognito_guard import resource_types as rt
from cognito_guard.clients import is_confidential
from cognito_guard.framework import (
    Area,
    Config,
    Controls,
    Finding,
    Resource,
    Stack,
    boolean,
    policy_meta,
    stack_policy,
)
from cognito_guard.graph import target_of

CHOICE_BASED_FLOW: Final = "ALLOW_USER_AUTH"
PASSWORD_FACTOR: Final = "PASSWORD"
DEFAULT_FIRST_FACTORS: Final = (PASSWORD_FACTOR,)


def first_factors(pool: Resource | None) -> list[str]:
    """The pool's allowed first factors (PASSWORD only when unset or the pool is not in the stack)."""
    if pool is None:
        return list(DEFAULT_FIRST_FACTORS)
    return pool.props.strings("signInPolicy", "allowedFirstAuthFactors") or list(
        DEFAULT_FIRST_FACTORS
    )


def check_user_auth_password(stack: Stack, config: Config) -> Iterator[Finding]:
    def rule(client: Resource) -> Iterator[str]:
        if CHOICE_BASED_FLOW not in (client.props.strings("explicitAuthFlows") or []):
            return
        if config["allowConfidentialClients"] and is_confidential(client):
            return
        pool = target_of(
            stack, client, "userPoolId", [rt.USER_POOL], client.props.get("userPoolId")
        )
        factors = first_factors(pool)
        if PASSWORD_FACTOR not in factors:
            return
        where = f"user pool {pool.name}" if pool is not None else "its user pool"
        yield (
            f"App client {client.name} allows {CHOICE_BASED_FLOW} and {where} allows "
            f"{', '.join(factors)} as first factors, so the client accepts the PASSWORD challenge "
            "with the plaintext password in the request, even without ALLOW_USER_PASSWORD_AUTH. "
            "Use ALLOW_USER_SRP_AUTH for password sign-in, and ALLOW_USER_AUTH only for clients "
            "meant for passkeys or one-time codes where a plaintext password is acceptable."
        )

    yield from stack.judge_each(stack.of_type(*rt.APP_CLIENTS), rule)


USER_AUTH_PASSWORD = stack_policy(
    policy_meta(
        Area.CLIENTS,
        "cognito-client-user-auth-plaintext-password",
        "No plaintext passwords through choice-based sign-in",
        "App clients must not offer choice-based sign-in where it accepts plaintext passwords.",
        "medium",
        "Remove ALLOW_USER_AUTH from `explicitAuthFlows` and sign in with ALLOW_USER_SRP_AUTH; "
        "with ALLOW_USER_AUTH and PASSWORD in the pool's `signInPolicy.allowedFirstAuthFactors` "
        "(the only first factor when it is unset) the client accepts the password itself. A pool "
        "that offers only passkeys or one-time codes (no PASSWORD) passes.",
        controls=Controls(asvs="10.4.4", others=("rfc9700:2.4",)),
        config={
            "allowConfidentialClients": boolean(
                False,
                "Tolerate it on clients with a secret (server-side apps that already hold the "
                "password).",
            )
        },
    ),
    check_user_auth_password,
)

POLICIES = [USER_AUTH_PASSWORD]
