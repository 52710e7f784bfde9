"""SaaS tenants: each gets a group, an IAM role bound to its tenant claim, optional SSO and client,
and the platform functions that put every user's tenant into their tokens.

A tenant's role reaches its users through the tenant group (``cognito:preferred_role``, resolved
by the identity pool's Token mappings) and denies every session whose ``tenant_id`` principal
tag, taken from the ``custom:tenant_id`` claim, is another tenant's. That claim comes from the
pre token generation function (``functions/pre_token.py``): for a federated user, the tenant
whose identity provider they signed in through; for a native user, their immutable, admin-set
``custom:tenant_id``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from settings.base import IamPolicyArn, SettingsModel, aws_range, problem
from settings.errors import ConfigProblem
from settings.identity_providers import EnterpriseProviderSettings

if TYPE_CHECKING:
    from settings.stack import StackSettings
    from settings.user_pool import UserPoolSettings

TENANT_CLAIM = "custom:tenant_id"
TENANT_TAG = "tenant_id"  # the session (principal) tag the identity pool sets from TENANT_CLAIM
# The platform functions take the triggers below; a stack cannot also point them elsewhere.
PLATFORM_TRIGGERS = ("preTokenGeneration", "postConfirmation", "postAuthentication")


class TenantClient(SettingsModel):
    kind: Literal["web", "spa"] = "web"
    callback_urls: Annotated[tuple[str, ...], Field(min_length=1, max_length=100)]
    logout_urls: tuple[str, ...] = ()


class TenantSettings(SettingsModel):
    """One tenant; ``id`` is the value of its users' ``custom:tenant_id`` claim."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,22}$")]
    display_name: Annotated[str, Field(max_length=128)] = ""
    precedence: Annotated[int, aws_range(0, 2**31 - 1)] = 100
    managed_policy_arns: tuple[IamPolicyArn, ...] = ()
    sso: EnterpriseProviderSettings | None = None
    app_client: TenantClient | None = None

    def cross_checks(self) -> Iterator[ConfigProblem]:
        if self.sso is not None and self.app_client is None:
            yield problem(
                "sso",
                self.sso.provider_name,
                "needs an appClient for the tenant to sign in through",
            )
        if self.sso is not None and TENANT_CLAIM in self.sso.attribute_mapping:
            yield problem(
                ("sso", "attributeMapping", TENANT_CLAIM),
                self.sso.attribute_mapping[TENANT_CLAIM],
                "must not be mapped: a tenant's identity provider would assert which tenant its "
                "users belong to (any tenant); the tenant comes from the provider they sign in through",
            )

    @property
    def group_name(self) -> str:
        return f"tenant-{self.id}"

    @property
    def client_name(self) -> str:
        return f"tenant-{self.id}"


class FunctionsSettings(SettingsModel):
    """The platform's own Lambda triggers (``functions/``): pre token generation (``V2_0``) and
    tenant membership on post confirmation and post authentication.

    ``enabled`` defaults to on when tenants are configured (their chain needs it) and off
    otherwise. ``lastSignInAttribute`` (a custom attribute name, e.g. ``last_sign_in``) makes the
    functions stamp every sign-in into it, for ``identity-ops users disable-inactive``.
    """

    enabled: bool | None = None
    last_sign_in_attribute: Annotated[str, Field(pattern=r"^[A-Za-z0-9_]{1,20}$")] | None = None

    def on(self, tenants: Sequence[TenantSettings]) -> bool:
        return self.enabled if self.enabled is not None else bool(tenants)

    @property
    def last_sign_in_claim(self) -> str | None:
        name = self.last_sign_in_attribute
        return f"custom:{name}" if name else None


def tenant_directory(tenants: Sequence[TenantSettings]) -> dict[str, Any]:
    """What the functions know of the tenants (``TENANT_DIRECTORY``, read by
    ``functions/directory.py``): group of each tenant, tenant of each SSO provider and client."""
    return {
        "groups": {tenant.id: tenant.group_name for tenant in tenants},
        "providers": {
            tenant.sso.provider_name: tenant.id for tenant in tenants if tenant.sso is not None
        },
        "clients": {
            tenant.client_name: tenant.id for tenant in tenants if tenant.app_client is not None
        },
    }


def encode_directory(tenants: Sequence[TenantSettings]) -> str:
    return json.dumps(tenant_directory(tenants), separators=(",", ":"), sort_keys=True)


def platform_function_problems(settings: StackSettings) -> Iterator[ConfigProblem]:
    """Rules that tie the platform functions to the pool: tier, triggers and the last-sign-in
    attribute."""
    functions = settings.functions
    if settings.tenants and functions.enabled is False:
        yield problem(
            ("functions", "enabled"),
            False,
            "must be on when tenants are configured: only the pre token generation function puts "
            "a federated user's tenant into their tokens (remove the key or set true)",
        )
    if not settings.functions_enabled:
        if functions.last_sign_in_attribute:
            yield problem(
                ("functions", "lastSignInAttribute"),
                functions.last_sign_in_attribute,
                "is only recorded by the platform functions; set functions.enabled: true",
            )
        return
    yield from _trigger_problems(settings.user_pool)
    yield from _last_sign_in_problems(settings)


def _trigger_problems(user_pool: UserPoolSettings) -> Iterator[ConfigProblem]:
    if user_pool.tier == "LITE":
        # Pre token generation V2_0 (access-token customisation) needs Essentials or Plus.
        # https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-sign-in-feature-plans.html
        # https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
        yield problem(
            ("userPool", "tier"),
            user_pool.tier,
            "cannot run the platform's pre token generation function (event V2_0, access-token "
            "customisation) that tenants need; use ESSENTIALS or PLUS",
        )
    configured = user_pool.triggers.functions()
    for name in PLATFORM_TRIGGERS:
        if name in configured:
            yield problem(
                ("userPool", "triggers", name),
                configured[name],
                "is the platform functions' trigger (on with tenants or functions.enabled); a "
                "trigger runs one function: remove this ARN or set functions.enabled: false",
            )


def _last_sign_in_problems(settings: StackSettings) -> Iterator[ConfigProblem]:
    claim = settings.functions.last_sign_in_claim
    if claim is None:
        return
    at = ("functions", "lastSignInAttribute")
    attribute = next(
        (a for a in settings.user_pool.schema_.custom_attributes if a.claim == claim), None
    )
    if attribute is None:
        yield problem(
            at,
            settings.functions.last_sign_in_attribute,
            "is not a custom attribute of the pool; declare it under "
            "userPool.schema.customAttributes (type String, mutable: true)",
        )
    elif attribute.type != "String" or not attribute.mutable or attribute.authorization:
        yield problem(
            at,
            settings.functions.last_sign_in_attribute,
            "must be a mutable String attribute that is not an authorization attribute (the "
            "functions rewrite it at every sign-in)",
        )
    for client in settings.all_app_clients:
        if claim in client.write_attributes:
            yield problem(
                at,
                settings.functions.last_sign_in_attribute,
                f"is writable by app client {client.name}; its users could fake activity and "
                "escape disable-inactive",
            )
