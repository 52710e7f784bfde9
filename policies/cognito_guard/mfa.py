"""MFA rules: MFA required, which factors, and remembered devices that skip MFA.

`mfaConfiguration` defaults to OFF. The provider turns on SMS MFA when `smsConfiguration` is set,
TOTP with `softwareTokenMfaConfiguration.enabled`, and email MFA with `emailMfaConfiguration`.
Security Hub Cognito.5 does not apply to pools whose first factor is passwordless only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from cognito_guard import resource_types as rt
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

FACTORS: Final = ("SOFTWARE_TOKEN", "SMS", "EMAIL")
MFA_MODES: Final = ("OFF", "OPTIONAL", "ON")


def mfa_mode(pool: Resource) -> str:
    """The pool's MFA mode with its default (OFF)."""
    mode = pool.props.text("mfaConfiguration", default="OFF")
    assert mode is not None
    return mode


def enabled_factors(pool: Resource) -> list[str]:
    """The MFA factors the pool offers, in `FACTORS` order."""
    factors = []
    if pool.props.flag("softwareTokenMfaConfiguration", "enabled", default=False):
        factors.append("SOFTWARE_TOKEN")
    if pool.props.has("smsConfiguration"):
        factors.append("SMS")
    if pool.props.has("emailMfaConfiguration"):
        factors.append("EMAIL")
    return factors


def passwordless_only(pool: Resource) -> bool:
    """True when the pool's allowed first factors exclude passwords (Cognito.5 does not apply)."""
    first = pool.props.strings("signInPolicy", "allowedFirstAuthFactors")
    return first is not None and len(first) > 0 and "PASSWORD" not in first


def check_mfa_required(pool: Resource, config: Config) -> Iterator[str]:
    if passwordless_only(pool):
        return
    mode = mfa_mode(pool)
    accepted = ("ON", "OPTIONAL") if config["allowOptional"] else ("ON",)
    if mode not in accepted:
        shown = mode if pool.props.has("mfaConfiguration") else "not set (OFF)"
        what = "optional, so most users never enrol" if mode == "OPTIONAL" else "off"
        yield (
            f"`mfaConfiguration` is {shown}: MFA is {what}. Set it to ON with an authenticator "
            "app (`softwareTokenMfaConfiguration.enabled: true`)."
        )
    elif not enabled_factors(pool):
        yield (
            f"`mfaConfiguration` is {mode} but no factor is configured: enable "
            "`softwareTokenMfaConfiguration` (or SMS/email)."
        )


def check_factors(pool: Resource, config: Config) -> Iterator[str]:
    if mfa_mode(pool) == "OFF":
        return
    factors = enabled_factors(pool)
    for factor in factors:
        if factor not in config["allowedFactors"]:
            yield (
                f"The pool offers {factor} as an MFA factor, which this profile does not allow "
                f"(allowed: {', '.join(config['allowedFactors']) or 'none'})."
            )
    strong = [f for f in factors if f in config["strongFactors"]]
    if factors and not strong:
        yield (
            f"The only MFA factors are {', '.join(factors)} (one-time codes sent over SMS or "
            "email, restricted authenticators under NIST SP 800-63B); also enable an "
            "authenticator app (`softwareTokenMfaConfiguration.enabled: true`)."
        )


def check_device_remembering(pool: Resource, _config: Config) -> Iterator[str]:
    if not pool.props.has("deviceConfiguration"):
        return
    if not pool.props.flag("deviceConfiguration", "challengeRequiredOnNewDevice", default=False):
        yield (
            "New devices are not challenged (`deviceConfiguration.challengeRequiredOnNewDevice` "
            "is not true): a stolen password signs in from an unknown device without MFA."
        )
    if not pool.props.flag(
        "deviceConfiguration", "deviceOnlyRememberedOnUserPrompt", default=False
    ):
        yield (
            "Every device is remembered without asking "
            "(`deviceConfiguration.deviceOnlyRememberedOnUserPrompt` is not true), so MFA is "
            "skipped on shared computers too. Remember devices only when the user opts in."
        )


MFA_REQUIRED = resource_policy(
    Meta(
        name="cognito-user-pool-mfa-required",
        display_name="MFA required",
        description="User pools that accept passwords must require multi-factor authentication.",
        area=Area.MFA,
        severity="high",
        enforcement_level="mandatory",
        remediation_steps=(
            "Set `mfaConfiguration` to ON and `softwareTokenMfaConfiguration.enabled` to true; "
            "existing users enrol an authenticator app at their next sign-in."
        ),
        controls=Controls(
            security_hub="Cognito.5",
            prowler="cognito_user_pool_mfa_enabled",
            pci_dss="8.4.2",
            nist_800_63b="2.2.1 (AAL2)",
            asvs="6.3.3",
            others=(
                "cdk-nag:AwsSolutions-COG2",
                "cloudsploit:cognitoMFAEnabled",
                "kics:ec28bf61-a474-4dbe-b414-6dd3a067d6f0",
                "cfn_nag:F78",
            ),
        ),
        config={
            "allowOptional": boolean(False, "Accept OPTIONAL MFA (as KICS, cfn_nag and Guard do).")
        },
    ),
    [rt.USER_POOL],
    check_mfa_required,
)

MFA_FACTORS = resource_policy(
    Meta(
        name="cognito-mfa-factors",
        display_name="Allowed MFA factors",
        description="User pools must offer only allowed MFA factors, including a strong one.",
        area=Area.MFA,
        severity="medium",
        enforcement_level="mandatory",
        remediation_steps=(
            "Enable `softwareTokenMfaConfiguration` and remove the factors the profile does not "
            "allow (drop `smsConfiguration` / `emailMfaConfiguration` when only TOTP is allowed)."
        ),
        controls=Controls(nist_800_63b="3.1.3.3 (restricted authenticators)"),
        config={
            "allowedFactors": string_list(
                FACTORS, "MFA factors the pool may offer.", allowed=FACTORS
            ),
            "strongFactors": string_list(
                ["SOFTWARE_TOKEN"],
                "At least one of these must be offered whenever MFA is on.",
                allowed=FACTORS,
            ),
        },
    ),
    [rt.USER_POOL],
    check_factors,
)

DEVICE_REMEMBERING = resource_policy(
    Meta(
        name="cognito-user-pool-device-remembering",
        display_name="Remembered devices",
        description="Device tracking must not let remembered devices silently skip MFA.",
        area=Area.MFA,
        severity="medium",
        enforcement_level="mandatory",
        remediation_steps=(
            "Set `deviceConfiguration.challengeRequiredOnNewDevice` and "
            "`deviceConfiguration.deviceOnlyRememberedOnUserPrompt` to true, or remove "
            "`deviceConfiguration`."
        ),
        controls=Controls(asvs="6.3.1"),
    ),
    [rt.USER_POOL],
    check_device_remembering,
)

POLICIES = [MFA_REQUIRED, MFA_FACTORS, DEVICE_REMEMBERING]
