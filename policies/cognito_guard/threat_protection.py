"""Threat protection (formerly advanced security): feature plan, enforcement modes, risk actions.

Threat protection needs the Plus tier. A `RiskConfiguration` without `clientId` sets the pool-wide
actions; one with a `clientId` replaces them for that client, so every risk configuration is held
to the same minimum actions.
"""

from __future__ import annotations

import ipaddress
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
    integer,
    one_of,
    resource_policy,
)
from cognito_guard.props import Malformed

SECURITY_MODES: Final = ("OFF", "AUDIT", "ENFORCED")
TIERS: Final = ("LITE", "ESSENTIALS", "PLUS")
RISK_ACTIONS: Final = ("NO_ACTION", "MFA_IF_CONFIGURED", "MFA_REQUIRED", "BLOCK")
RISK_LEVELS: Final = ("low", "medium", "high")
CHECKED_EVENTS: Final = ("SIGN_UP", "PASSWORD_CHANGE")
"""Where a compromised-password check meets NIST 800-63B 3.1.1.2 (when a password is chosen)."""
PRE_TOKEN_VERSIONS: Final = ("V1_0", "V2_0", "V3_0")
TIER_FEATURES: Final = {
    "ESSENTIALS": "password history, access-token customisation and choice-based sign-in",
    "PLUS": "threat protection (risk-based actions, compromised-credential checks) and auth-event "
    "log export",
}
CUSTOM_AUTH_TRIGGERS: Final = (
    "defineAuthChallenge",
    "createAuthChallenge",
    "verifyAuthChallengeResponse",
)


def security_mode(pool: Resource) -> str:
    """The pool's threat-protection mode for standard authentication (absent: OFF)."""
    mode = pool.props.text("userPoolAddOns", "advancedSecurityMode", default="OFF")
    assert mode is not None
    return mode


def _rank(value: str, order: tuple[str, ...], path: tuple[str, ...]) -> int:
    if value not in order:
        raise Malformed(path, value, " or ".join(order))
    return order.index(value)


def check_threat_protection(pool: Resource, config: Config) -> Iterator[str]:
    mode = security_mode(pool)
    path = ("userPoolAddOns", "advancedSecurityMode")
    if _rank(mode, SECURITY_MODES, path) < SECURITY_MODES.index(config["requiredMode"]):
        shown = mode if pool.props.has(*path) else "not set (OFF)"
        yield (
            f"Threat protection for standard sign-in is {shown}; set "
            f"`userPoolAddOns.advancedSecurityMode` to {config['requiredMode']} so risky and "
            "compromised-credential sign-ins are acted on, not only logged."
        )


def uses_custom_auth(pool: Resource) -> bool:
    """Custom authentication needs the define-auth-challenge trigger."""
    return any(pool.props.has("lambdaConfig", trigger) for trigger in CUSTOM_AUTH_TRIGGERS)


def check_custom_auth_protection(pool: Resource, config: Config) -> Iterator[str]:
    # Security Hub Cognito.4 fails a pool unless threat protection is active and ENFORCED for
    # custom authentication; `customAuthMode` does nothing while `advancedSecurityMode` is OFF:
    # https://docs.aws.amazon.com/securityhub/latest/userguide/cognito-controls.html
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolAddOnsType.html
    if config["onlyWhenCustomAuthUsed"] and not uses_custom_auth(pool):
        return
    path = ("userPoolAddOns", "advancedSecurityAdditionalFlows", "customAuthMode")
    mode = pool.props.text(*path, default="AUDIT")
    assert mode is not None
    if mode not in ("AUDIT", "ENFORCED"):
        raise Malformed(path, mode, "AUDIT or ENFORCED")
    if security_mode(pool) == "OFF":
        shown = "OFF" if pool.props.has("userPoolAddOns", "advancedSecurityMode") else "not set"
        yield (
            f"Threat protection is off (`userPoolAddOns.advancedSecurityMode` {shown}), so custom "
            f"authentication flows are not protected although `customAuthMode` is {mode}: set "
            "`advancedSecurityMode` to ENFORCED (Plus tier) and `customAuthMode` to ENFORCED."
        )
    elif mode != "ENFORCED":
        yield (
            f"Threat protection for custom authentication flows is {mode}"
            f"{'' if pool.props.has(*path) else ' (the default)'}; set "
            "`userPoolAddOns.advancedSecurityAdditionalFlows.customAuthMode` to ENFORCED."
        )


def pool_tier(pool: Resource) -> str:
    """The pool's feature plan (UserPoolTier defaults to ESSENTIALS); a value that is none of
    AWS's plans is a malformed value.
    https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-sign-in-feature-plans.html"""
    tier = pool.props.text("userPoolTier", default="ESSENTIALS")
    assert tier is not None
    _rank(tier, TIERS, ("userPoolTier",))
    return tier


def check_tier(pool: Resource, config: Config) -> Iterator[str]:
    # What each plan adds: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-sign-in-feature-plans.html
    tier, required = pool_tier(pool), config["requiredTier"]
    if TIERS.index(tier) < TIERS.index(required):
        above = TIERS[TIERS.index(tier) + 1 : TIERS.index(required) + 1]
        missing = "; ".join(TIER_FEATURES[t] for t in above)
        yield (
            f"The user pool is on the {tier} feature plan; this profile requires {required}, "
            f"which adds {missing}: set `userPoolTier`."
        )
    elif tier != "PLUS" and security_mode(pool) != "OFF":
        yield (
            f"Threat protection is on but the pool is on the {tier} plan; AWS rejects it: set "
            "`userPoolTier` to PLUS."
        )


def check_trigger_versions(pool: Resource, _config: Config) -> Iterator[str]:
    # Pre token generation events V2_0 and V3_0 (access-token customisation) need the Essentials
    # or Plus plan; Lite runs V1_0 only:
    # https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_PreTokenGenerationVersionConfigType.html
    path = ("lambdaConfig", "preTokenGenerationConfig", "lambdaVersion")
    version = pool.props.text(*path)
    if version is None:
        return
    if version not in PRE_TOKEN_VERSIONS:
        raise Malformed(path, version, " or ".join(PRE_TOKEN_VERSIONS))
    tier = pool_tier(pool)
    if version != "V1_0" and tier == "LITE":
        yield (
            f"The pre token generation trigger uses event version {version} (access-token "
            "customisation), which the LITE feature plan cannot run, so AWS rejects the pool: set "
            "`userPoolTier` to ESSENTIALS or PLUS, or use V1_0 (ID-token claims only)."
        )


def _level_label(level: str) -> str:
    return f"accountTakeoverRiskConfiguration.actions.{level}Action.eventAction"


def check_compromised_credentials(risk: Resource, config: Config) -> Iterator[str]:
    # Cognito checks passwords against known breaches at sign-up, password change and sign-in,
    # but never on SRP sign-ins (no password is sent):
    # https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-compromised-credentials.html
    block = ("compromisedCredentialsRiskConfiguration",)
    if not risk.props.has(*block):
        yield (
            "The risk configuration has no `compromisedCredentialsRiskConfiguration`, so known-"
            "breached passwords are accepted at sign-up and password change: add it with "
            "`actions.eventAction` BLOCK."
        )
        return
    action = risk.props.text(*block, "actions", "eventAction", default="NO_ACTION")
    if action != "BLOCK":
        yield (
            f"Compromised credentials trigger {action} "
            "(`compromisedCredentialsRiskConfiguration.actions.eventAction`): set it to BLOCK so "
            "known-breached passwords are refused at sign-up, password change and username-"
            "password sign-in (SRP sign-ins send no password and are never checked)."
        )
    events = risk.props.strings(*block, "eventFilters")
    required = [*CHECKED_EVENTS, *(["SIGN_IN"] if config["requireSignInEvent"] else [])]
    missing = [event for event in required if events is not None and event not in events]
    if missing:
        yield (
            f"`compromisedCredentialsRiskConfiguration.eventFilters` is {events}: passwords are "
            f"not checked at {', '.join(missing)}; add {', '.join(missing)} (or drop the filter "
            "to check every event)."
        )


def check_account_takeover(risk: Resource, config: Config) -> Iterator[str]:
    block = ("accountTakeoverRiskConfiguration",)
    if not risk.props.has(*block):
        yield (
            "The risk configuration has no `accountTakeoverRiskConfiguration`, so risky sign-ins "
            "are allowed without challenge: add actions for low, medium and high risk."
        )
        return
    for level in RISK_LEVELS:
        path = (*block, "actions", f"{level}Action", "eventAction")
        action = risk.props.text(*path, default="NO_ACTION")
        assert action is not None
        minimum = config[f"{level}RiskMinimumAction"]
        if _rank(action, RISK_ACTIONS, path) < RISK_ACTIONS.index(minimum):
            yield (
                f"{level.capitalize()}-risk sign-ins trigger {action} (`{_level_label(level)}`); "
                f"require at least {minimum}."
            )


def check_risk_exceptions(risk: Resource, config: Config) -> Iterator[str]:
    path = ("riskExceptionConfiguration", "skippedIpRangeLists")
    for cidr in risk.props.strings(*path) or []:
        try:
            network = ipaddress.ip_network(cidr, strict=False)
        except ValueError as exc:
            raise Malformed(path, cidr, "a CIDR range") from exc
        minimum = (
            config["minimumIpv4PrefixLength"]
            if network.version == 4
            else config["minimumIpv6PrefixLength"]
        )
        if network.prefixlen < minimum:
            yield (
                f"`riskExceptionConfiguration.skippedIpRangeLists` exempts {cidr} "
                f"({network.num_addresses:,} addresses) from threat protection; list only your own "
                f"egress ranges (/{minimum} or narrower)."
            )


THREAT_PROTECTION = resource_policy(
    Meta(
        name="cognito-user-pool-threat-protection",
        display_name="Threat protection enforced",
        description="User pools must enforce threat protection for standard authentication.",
        area=Area.USER_POOL,
        severity="medium",
        enforcement_level="mandatory",
        remediation_steps=(
            "Put the pool on the Plus tier (`userPoolTier: PLUS`), set "
            "`userPoolAddOns.advancedSecurityMode` to ENFORCED (AUDIT first for a week if you want "
            "to watch the risk scores), and add a `RiskConfiguration` with the actions you want."
        ),
        controls=Controls(
            security_hub="Cognito.1",
            prowler="cognito_user_pool_advanced_security_enabled",
            pci_dss="8.3.9",
            others=("cdk-nag:AwsSolutions-COG3 (retired)",),
        ),
        config={
            "requiredMode": one_of("ENFORCED", ["AUDIT", "ENFORCED"], "Lowest acceptable mode."),
        },
    ),
    [rt.USER_POOL],
    check_threat_protection,
)

CUSTOM_AUTH_PROTECTION = resource_policy(
    Meta(
        name="cognito-user-pool-custom-auth-threat-protection",
        display_name="Threat protection for custom auth",
        description="User pools with custom authentication must enforce threat protection on it.",
        area=Area.USER_POOL,
        severity="medium",
        enforcement_level="mandatory",
        remediation_steps=(
            "Set `userPoolAddOns.advancedSecurityAdditionalFlows.customAuthMode` to ENFORCED on "
            "pools whose Lambda triggers implement custom authentication challenges."
        ),
        controls=Controls(security_hub="Cognito.4"),
        config={
            "onlyWhenCustomAuthUsed": boolean(
                True,
                "Judge only pools with custom-auth Lambda triggers (false: every pool, as Security "
                "Hub does).",
            ),
        },
    ),
    [rt.USER_POOL],
    check_custom_auth_protection,
)

PLUS_TIER = resource_policy(
    Meta(
        name="cognito-user-pool-plus-tier",
        display_name="Feature plan",
        description="User pools must be on a feature plan that offers the required protections.",
        area=Area.USER_POOL,
        severity="low",
        enforcement_level="mandatory",
        remediation_steps=(
            "Set `userPoolTier` to the required plan: ESSENTIALS for password history and access-"
            "token customisation, PLUS for threat protection and auth-event log export; budget for "
            "the per-MAU price."
        ),
        controls=Controls(others=("cdk-nag:AwsSolutions-COG8",)),
        config={"requiredTier": one_of("PLUS", TIERS, "Lowest acceptable feature plan.")},
    ),
    [rt.USER_POOL],
    check_tier,
)

COMPROMISED_CREDENTIALS = resource_policy(
    Meta(
        name="cognito-risk-block-compromised-credentials",
        display_name="Block compromised credentials",
        description="Risk configurations must block known-breached passwords at sign-up and password change.",
        area=Area.USER_POOL,
        severity="medium",
        enforcement_level="mandatory",
        remediation_steps=(
            "In the `RiskConfiguration`, set `compromisedCredentialsRiskConfiguration.actions."
            "eventAction` to BLOCK and keep SIGN_UP, PASSWORD_CHANGE and SIGN_IN in "
            "`eventFilters` (or omit the filter). Cognito does not check SRP sign-ins (they send "
            "no password); only managed login and username-password flows are checked at sign-in."
        ),
        controls=Controls(
            prowler="cognito_user_pool_blocks_compromised_credentials_sign_in_attempts",
            nist_800_63b="3.1.1.2 (sign-up and password change; SRP sign-ins are not checked)",
            asvs="6.2.12",
        ),
        config={
            "requireSignInEvent": boolean(
                True,
                "Also require SIGN_IN among the checked events (covers managed login and "
                "username-password flows, not SRP).",
            ),
        },
    ),
    [rt.RISK_CONFIGURATION],
    check_compromised_credentials,
)

ACCOUNT_TAKEOVER = resource_policy(
    Meta(
        name="cognito-risk-account-takeover-actions",
        display_name="Act on risky sign-ins",
        description="Risk configurations must challenge or block risky sign-ins at every level.",
        area=Area.USER_POOL,
        severity="medium",
        enforcement_level="mandatory",
        remediation_steps=(
            "Set `accountTakeoverRiskConfiguration.actions.{low,medium,high}Action.eventAction` "
            "to at least the configured actions (default MFA_REQUIRED, MFA_REQUIRED, BLOCK; "
            "Prowler wants BLOCK at all three) with `notify: true`."
        ),
        controls=Controls(prowler="cognito_user_pool_blocks_potential_malicious_sign_in_attempts"),
        config={
            "lowRiskMinimumAction": one_of("MFA_REQUIRED", RISK_ACTIONS, "Low risk, at least."),
            "mediumRiskMinimumAction": one_of(
                "MFA_REQUIRED", RISK_ACTIONS, "Medium risk, at least."
            ),
            "highRiskMinimumAction": one_of("BLOCK", RISK_ACTIONS, "High risk, at least."),
        },
    ),
    [rt.RISK_CONFIGURATION],
    check_account_takeover,
)

RISK_EXCEPTIONS = resource_policy(
    Meta(
        name="cognito-risk-exceptions-narrow",
        display_name="Narrow risk exceptions",
        description="Risk configurations must not exempt broad IP ranges from threat protection.",
        area=Area.USER_POOL,
        severity="high",
        enforcement_level="mandatory",
        remediation_steps=(
            "Remove broad ranges (such as 0.0.0.0/0) from `riskExceptionConfiguration."
            "skippedIpRangeLists`; list only the egress addresses of trusted networks."
        ),
        config={
            "minimumIpv4PrefixLength": integer(
                16, "Broadest IPv4 range allowed (prefix length).", maximum=32
            ),
            "minimumIpv6PrefixLength": integer(
                48, "Broadest IPv6 range allowed (prefix length).", maximum=128
            ),
        },
    ),
    [rt.RISK_CONFIGURATION],
    check_risk_exceptions,
)

TRIGGER_VERSIONS = resource_policy(
    Meta(
        name="cognito-user-pool-trigger-feature-plan",
        display_name="Trigger versions the plan can run",
        description="User pools must not use Lambda trigger versions their feature plan cannot run.",
        area=Area.USER_POOL,
        severity="medium",
        enforcement_level="mandatory",
        remediation_steps=(
            "Put pools whose pre token generation trigger uses event version V2_0 or V3_0 on the "
            "Essentials or Plus plan (`userPoolTier`), or set "
            "`lambdaConfig.preTokenGenerationConfig.lambdaVersion` to V1_0."
        ),
    ),
    [rt.USER_POOL],
    check_trigger_versions,
)

POLICIES = [
    THREAT_PROTECTION,
    CUSTOM_AUTH_PROTECTION,
    PLUS_TIER,
    TRIGGER_VERSIONS,
    COMPROMISED_CREDENTIALS,
    ACCOUNT_TAKEOVER,
    RISK_EXCEPTIONS,
]
