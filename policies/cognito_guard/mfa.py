"""MFA rules: MFA required, which factors, recovery channels, and remembered devices that skip MFA.

`mfaConfiguration` defaults to OFF. The provider turns on SMS MFA when `smsConfiguration` is set,
TOTP with `softwareTokenMfaConfiguration.enabled`, and email MFA with `emailMfaConfiguration`.
Security Hub Cognito.5 (MFA required) is judged on every pool: PASSWORD is a first factor unless
`signInPolicy.allowedFirstAuthFactors` leaves it out, and the API's default keeps it in
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignInPolicyType.html).
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


def check_mfa_required(pool: Resource, config: Config) -> Iterator[str]:
    mode = mfa_mode(pool)
    accepted = ("ON", "OPTIONAL") if config["allowOptional"] else ("ON",)
    if mode not in accepted:
        shown = mode if pool.props.has("mfaConfiguration") else "not set (OFF)"
        what = "optional, so most users never enrol" if mode == "OPTIONAL" else "off"
        yield (
            f"`mfaConfiguration` is {shown}: MFA is {what}. Set it to ON with an authenticator "
            "app (`softwareTokenMfaConfiguration.enabled: true`)."
        )


def check_factor_configured(pool: Resource, _config: Config) -> Iterator[str]:
    # ON: "only users who have set up an MFA factor can sign in"; OPTIONAL: MFA applies only to
    # users who activated a factor:
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserPoolMfaConfig.html
    mode = mfa_mode(pool)
    if mode == "OFF" or enabled_factors(pool):
        return
    outcome = (
        "no user can set up a second factor, so nobody can sign in"
        if mode == "ON"
        else "no user can activate a factor, so nobody is ever asked for one"
    )
    yield (
        f"`mfaConfiguration` is {mode} but no MFA factor is configured: {outcome}. Enable "
        "`softwareTokenMfaConfiguration` (or SMS/email MFA)."
    )


RECOVERY_CHANNELS: Final = {"SMS": "verified_phone_number", "EMAIL": "verified_email"}
SAFE_RECOVERY: Final = ("verified_email", "admin_only")
"""Recovery mechanisms to suggest, unless an MFA factor uses them (admin_only never does)."""


def check_recovery_channel(pool: Resource, _config: Config) -> Iterator[str]:
    # "SMS doesn't qualify for a valid password recovery mechanism if the user also has SMS MFA
    # activated. Email MFA is also disqualifying for account recovery with email":
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPool.html#CognitoUserPools-CreateUserPool-request-AccountRecoverySetting
    if mfa_mode(pool) == "OFF":
        return
    mechanisms = [
        str(m.get("name"))
        for m in pool.props.records("accountRecoverySetting", "recoveryMechanisms")
    ]
    factors = enabled_factors(pool)
    # What to recover through instead: a channel no enabled factor uses (never email when email
    # is a factor too).
    safe = [c for c in SAFE_RECOVERY if c not in {RECOVERY_CHANNELS.get(f) for f in factors}]
    for factor in factors:
        channel = RECOVERY_CHANNELS.get(factor)
        if channel not in mechanisms:
            continue
        others = [m for m in mechanisms if m != channel]
        fallback = (
            f"they recover through {', '.join(others)} instead"
            if others
            else "they cannot reset a forgotten password themselves"
        )
        yield (
            f"Account recovery uses `{channel}` while {factor} is also an MFA factor: one "
            f"{'phone' if factor == 'SMS' else 'mailbox'} would both reset the password and pass "
            f"MFA, so AWS refuses that channel to users with {factor} MFA and {fallback}. Recover "
            f"through a channel that is not an MFA factor ({', or '.join(safe)})."
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


def check_device_remembering(pool: Resource, config: Config) -> Iterator[str]:
    # ChallengeRequiredOnNewDevice true: "a remembered device can sign in with device
    # authentication instead of SMS and TOTP factors"; devices that are not remembered still
    # present a second factor. DeviceOnlyRememberedOnUserPrompt false: every confirmed device is
    # remembered without asking the user:
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeviceConfigurationType.html
    if not pool.props.has("deviceConfiguration") or mfa_mode(pool) == "OFF":
        return
    skips_mfa = pool.props.flag(
        "deviceConfiguration", "challengeRequiredOnNewDevice", default=False
    )
    if not skips_mfa:
        return
    if not config["allowRememberedDevicesToSkipMfa"]:
        yield (
            "Remembered devices skip MFA (`deviceConfiguration.challengeRequiredOnNewDevice` is "
            "true: they sign in with device authentication instead of the second factor), which "
            "this profile does not allow. Set it to false so every sign-in asks for MFA."
        )
    elif not pool.props.flag(
        "deviceConfiguration", "deviceOnlyRememberedOnUserPrompt", default=False
    ):
        yield (
            "Every confirmed device is remembered without asking "
            "(`deviceConfiguration.deviceOnlyRememberedOnUserPrompt` is not true) and remembered "
            "devices skip MFA (`challengeRequiredOnNewDevice` is true), so a shared computer "
            "signs in with the password alone. Remember devices only when the user opts in, or "
            "set `challengeRequiredOnNewDevice` to false."
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
        description="Remembered devices may skip MFA only when the user chose to remember them.",
        area=Area.MFA,
        severity="medium",
        enforcement_level="mandatory",
        remediation_steps=(
            "Set `deviceConfiguration.challengeRequiredOnNewDevice` to false (every sign-in asks "
            "for MFA), or keep it true only with `deviceOnlyRememberedOnUserPrompt: true` where the "
            "profile lets remembered devices skip MFA (`allowRememberedDevicesToSkipMfa`)."
        ),
        controls=Controls(asvs="6.3.1"),
        config={
            "allowRememberedDevicesToSkipMfa": boolean(
                True,
                "Let devices the user chose to remember sign in without the second factor "
                "(false: MFA at every sign-in, as PCI DSS 8.4.2 and AAL2 reauthentication expect).",
            )
        },
    ),
    [rt.USER_POOL],
    check_device_remembering,
)

FACTOR_CONFIGURED = resource_policy(
    Meta(
        name="cognito-mfa-factor-configured",
        display_name="MFA has a factor",
        description="User pools with MFA ON or OPTIONAL must offer at least one MFA factor.",
        area=Area.MFA,
        severity="high",
        enforcement_level="mandatory",
        remediation_steps=(
            "Enable `softwareTokenMfaConfiguration` (or configure SMS or email MFA) whenever "
            "`mfaConfiguration` is ON or OPTIONAL; with no factor, OPTIONAL protects nobody and ON "
            "locks everyone out."
        ),
        controls=Controls(security_hub="Cognito.5"),
    ),
    [rt.USER_POOL],
    check_factor_configured,
)

RECOVERY_CHANNEL = resource_policy(
    Meta(
        name="cognito-mfa-recovery-channel-separate",
        display_name="Recovery channel is not an MFA factor",
        description="Account recovery must not rely on a channel that is also an MFA factor.",
        area=Area.MFA,
        severity="medium",
        enforcement_level="mandatory",
        remediation_steps=(
            "Remove `verified_phone_number` from `accountRecoverySetting.recoveryMechanisms` when "
            "SMS is an MFA factor (and `verified_email` when email is), keeping verified_email or "
            "admin_only, or drop that MFA factor."
        ),
    ),
    [rt.USER_POOL],
    check_recovery_channel,
)

POLICIES = [MFA_REQUIRED, FACTOR_CONFIGURED, MFA_FACTORS, RECOVERY_CHANNEL, DEVICE_REMEMBERING]
