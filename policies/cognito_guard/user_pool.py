"""User-pool rules: deletion protection, sign-up, account recovery, attribute integrity, federation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from cognito_guard import resource_types as rt
from cognito_guard.attributes import AUTHORIZATION_ATTRIBUTES, VERIFICATION_FLAGS, qualified
from cognito_guard.framework import (
    Area,
    Config,
    Controls,
    Meta,
    Resource,
    boolean,
    resource_policy,
    string_list,
)
from cognito_guard.props import Malformed

SMS_RECOVERY: Final = "verified_phone_number"
CONTACT_ATTRIBUTES: Final = ("email", "phone_number")
SOCIAL_PROVIDERS: Final = ("Google", "Facebook", "LoginWithAmazon", "SignInWithApple")
PROVIDER_TYPES: Final = ("SAML", "OIDC", *SOCIAL_PROVIDERS)


def check_deletion_protection(pool: Resource, _config: Config) -> Iterator[str]:
    state = pool.props.text("deletionProtection", default="INACTIVE")
    if state != "ACTIVE":
        shown = state if pool.props.has("deletionProtection") else "not set (INACTIVE)"
        yield (
            f"`deletionProtection` is {shown}: one mistaken `pulumi destroy` or replacement "
            "deletes every user. Set it to ACTIVE."
        )


def check_self_signup(pool: Resource, config: Config) -> Iterator[str]:
    if config["allowSelfSignup"]:
        return
    admin_only = pool.props.flag("adminCreateUserConfig", "allowAdminCreateUserOnly", default=False)
    if not admin_only:
        yield (
            "Anyone can sign up to this pool (`adminCreateUserConfig.allowAdminCreateUserOnly` is "
            "not true), and every self-registered user can obtain tokens for its clients and "
            "identity-pool roles. Set it to true for workforce pools."
        )


def check_account_recovery(pool: Resource, config: Config) -> Iterator[str]:
    mechanisms = pool.props.records("accountRecoverySetting", "recoveryMechanisms")
    if not mechanisms:
        yield (
            "`accountRecoverySetting` is not set, so Cognito uses its legacy recovery that "
            "prefers SMS when a phone number exists. Set recovery mechanisms with verified_email "
            "(or admin_only) first."
        )
        return
    ranked = []
    for index, mechanism in enumerate(mechanisms):
        priority = mechanism.get("priority")
        if not isinstance(priority, int | float) or isinstance(priority, bool):
            raise Malformed(
                ("accountRecoverySetting", "recoveryMechanisms", index, "priority"),
                priority,
                "a number",
            )
        ranked.append((priority, str(mechanism.get("name"))))
    first = min(ranked)[1]
    if first == SMS_RECOVERY:
        yield (
            "Account recovery tries SMS first (`verified_phone_number` has the lowest priority); "
            "SMS codes can be intercepted through SIM swap. Put verified_email or admin_only first."
        )
    elif config["forbidSmsRecovery"] and any(name == SMS_RECOVERY for _, name in ranked):
        yield "Account recovery allows SMS (`verified_phone_number`); remove it."


def _contact_attributes(pool: Resource, *props: str) -> set[str]:
    return {a for prop in props for a in pool.props.strings(prop) or [] if a in CONTACT_ATTRIBUTES}


def check_verify_before_update(pool: Resource, _config: Config) -> Iterator[str]:
    # AttributesRequireVerificationBeforeUpdate keeps the old value until the new one is verified,
    # and accepts only attributes the pool auto-verifies (it sends the code):
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserAttributeUpdateSettingsType.html
    # https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-email-phone-verification.html
    protected_path = ("userAttributeUpdateSettings", "attributesRequireVerificationBeforeUpdates")
    protected = set(pool.props.strings(*protected_path) or [])
    auto_verified = _contact_attributes(pool, "autoVerifiedAttributes")
    sign_in = _contact_attributes(pool, "usernameAttributes", "aliasAttributes")
    for attribute in sorted(protected - auto_verified):
        yield (
            f"`{attribute}` requires verification before updates but is not in "
            "`autoVerifiedAttributes`, so Cognito sends no code and AWS rejects the setting: add "
            f"{attribute} to `autoVerifiedAttributes`."
        )
    for attribute in sorted(auto_verified - protected):
        yield (
            f"Users can change `{attribute}` and the new, unverified value replaces the verified "
            f"one at once: add {attribute} to `userAttributeUpdateSettings."
            "attributesRequireVerificationBeforeUpdates`."
        )
    for attribute in sorted(sign_in - auto_verified - protected):
        yield (
            f"Users sign in with `{attribute}`, which the pool never verifies and users can "
            f"change at will: add {attribute} to `autoVerifiedAttributes` and to "
            "`userAttributeUpdateSettings.attributesRequireVerificationBeforeUpdates` (AWS "
            "accepts the second only for auto-verified attributes)."
        )


def check_authorization_attributes_immutable(pool: Resource, config: Config) -> Iterator[str]:
    protected = set(config["authorizationAttributes"])
    for index, attribute in enumerate(pool.props.records("schemas")):
        name = attribute.get("name")
        if not isinstance(name, str) or qualified(name) not in protected:
            continue
        developer_only = attribute.get("developerOnlyAttribute") is True
        mutable = attribute.get("mutable")
        if mutable is not None and not isinstance(mutable, bool):
            raise Malformed(("schemas", index, "mutable"), mutable, "true or false")
        if mutable is not False and not developer_only:
            yield (
                f"`{qualified(name)}` is used for authorization but is mutable "
                f"(`schemas[{index}].mutable` {'not set' if mutable is None else 'true'}); a user "
                "or client that can write it can change their own privileges. Declare it with "
                "`mutable: false` (set it once at creation) or `developerOnlyAttribute: true`."
            )


def check_identity_provider_mapping(provider: Resource, config: Config) -> Iterator[str]:
    provider_type = provider.props.text("providerType", default="")
    mapping = provider.props.known("attributeMapping") or {}
    if not isinstance(mapping, dict):
        raise Malformed(("attributeMapping",), mapping, "a map of user-pool attribute to claim")
    name = provider.props.text("providerName", default=provider.name)
    for attribute in sorted(mapping):
        if (
            attribute in VERIFICATION_FLAGS
            and provider_type not in config["trustedVerificationProviderTypes"]
        ):
            yield (
                f"Identity provider {name} ({provider_type}) maps `{mapping[attribute]}` onto "
                f"`{attribute}`: the pool would trust that provider's claim that an address is "
                "verified. Remove the mapping or list the provider type as trusted."
            )
        if (
            attribute in config["authorizationAttributes"]
            and provider_type not in config["trustedAuthorizationProviderTypes"]
        ):
            yield (
                f"Identity provider {name} ({provider_type}) maps `{mapping[attribute]}` onto the "
                f"authorization attribute `{attribute}`: users control their own {provider_type} "
                "profile, so they would choose their privileges. Remove the mapping."
            )


AUTHORIZATION_ATTRIBUTES_CONFIG = string_list(
    AUTHORIZATION_ATTRIBUTES,
    "Attributes (with their `custom:` prefix) that apps use for authorization.",
)

DELETION_PROTECTION = resource_policy(
    Meta(
        name="cognito-user-pool-deletion-protection",
        display_name="Deletion protection",
        description="User pools must have deletion protection turned on.",
        area=Area.USER_POOL,
        severity="medium",
        enforcement_level="mandatory",
        remediation_steps=(
            "Set `deletionProtection` to ACTIVE (and `protect=True` on the resource); turn it off "
            "deliberately before a planned deletion."
        ),
        controls=Controls(
            security_hub="Cognito.6", prowler="cognito_user_pool_deletion_protection_enabled"
        ),
    ),
    [rt.USER_POOL],
    check_deletion_protection,
)

SELF_SIGNUP = resource_policy(
    Meta(
        name="cognito-user-pool-self-signup-disabled",
        display_name="Admin-only sign-up",
        description="Workforce user pools must only let administrators create users.",
        area=Area.USER_POOL,
        severity="high",
        enforcement_level="mandatory",
        remediation_steps=(
            "Set `adminCreateUserConfig.allowAdminCreateUserOnly` to true and provision users "
            "through your IdP or `identity-ops`; for consumer pools set this policy's "
            "`allowSelfSignup` to true instead."
        ),
        controls=Controls(prowler="cognito_user_pool_self_registration_disabled"),
        config={
            "allowSelfSignup": boolean(
                False, "The pool is a consumer (B2C) pool; self sign-up is intended."
            )
        },
    ),
    [rt.USER_POOL],
    check_self_signup,
)

ACCOUNT_RECOVERY = resource_policy(
    Meta(
        name="cognito-user-pool-account-recovery",
        display_name="Account recovery not by SMS first",
        description="User pools must recover accounts by verified email or admin, not SMS first.",
        area=Area.USER_POOL,
        severity="medium",
        enforcement_level="mandatory",
        remediation_steps=(
            "Set `accountRecoverySetting.recoveryMechanisms` with verified_email (priority 1) or "
            "admin_only; keep verified_phone_number out or behind email."
        ),
        controls=Controls(
            prowler="cognito_user_pool_account_recovery_sms_not_preferred (branch)",
            nist_800_63b="3.1.3.3",
        ),
        config={"forbidSmsRecovery": boolean(False, "Reject SMS recovery at any priority.")},
    ),
    [rt.USER_POOL],
    check_account_recovery,
)

VERIFY_BEFORE_UPDATE = resource_policy(
    Meta(
        name="cognito-user-pool-verify-attribute-updates",
        display_name="Verify contact changes",
        description="User pools must keep the old email or phone until a new one is verified.",
        area=Area.USER_POOL,
        severity="high",
        enforcement_level="mandatory",
        remediation_steps=(
            "Auto-verify every sign-in contact attribute (email, phone_number) in "
            "`autoVerifiedAttributes` and list each auto-verified one in "
            "`userAttributeUpdateSettings.attributesRequireVerificationBeforeUpdates` (AWS accepts "
            "only auto-verified attributes there)."
        ),
        controls=Controls(asvs="6.4.2"),
    ),
    [rt.USER_POOL],
    check_verify_before_update,
)

AUTHORIZATION_ATTRIBUTES_IMMUTABLE = resource_policy(
    Meta(
        name="cognito-user-pool-authz-attributes-immutable",
        display_name="Immutable authorization attributes",
        description="Custom attributes used for authorization must not be changeable later.",
        area=Area.USER_POOL,
        severity="high",
        enforcement_level="mandatory",
        remediation_steps=(
            "Declare authorization attributes (such as `tenant_id`) with `mutable: false`, or as "
            "developer-only; schema attributes cannot be changed in place, so plan a new pool or "
            "a new attribute."
        ),
        config={"authorizationAttributes": AUTHORIZATION_ATTRIBUTES_CONFIG},
    ),
    [rt.USER_POOL],
    check_authorization_attributes_immutable,
)

IDENTITY_PROVIDER_MAPPING = resource_policy(
    Meta(
        name="cognito-identity-provider-attribute-trust",
        display_name="Federated attribute trust",
        description="Identity providers must not map untrusted claims onto verification or authorization attributes.",
        area=Area.USER_POOL,
        severity="high",
        enforcement_level="mandatory",
        remediation_steps=(
            "Remove `attributeMapping` entries that write `email_verified`, "
            "`phone_number_verified` or authorization attributes from providers whose users edit "
            "their own profile; derive authorization from groups or a pre-token Lambda."
        ),
        config={
            "authorizationAttributes": AUTHORIZATION_ATTRIBUTES_CONFIG,
            "trustedVerificationProviderTypes": string_list(
                ["Google", "SignInWithApple"],
                "Provider types whose email_verified claims are trusted.",
                allowed=PROVIDER_TYPES,
            ),
            "trustedAuthorizationProviderTypes": string_list(
                ["SAML", "OIDC"],
                "Provider types (your corporate IdPs) allowed to set authorization attributes.",
                allowed=PROVIDER_TYPES,
            ),
        },
    ),
    [rt.IDENTITY_PROVIDER],
    check_identity_provider_mapping,
)

POLICIES = [
    DELETION_PROTECTION,
    SELF_SIGNUP,
    ACCOUNT_RECOVERY,
    VERIFY_BEFORE_UPDATE,
    AUTHORIZATION_ATTRIBUTES_IMMUTABLE,
    IDENTITY_PROVIDER_MAPPING,
]
