"""Password rules: length, composition, temporary passwords, history.

AWS defaults: a pool created without `passwordPolicy` gets length 8, all four character classes
required and temporary passwords valid 7 days. A `passwordPolicy` block that leaves a `require*`
flag out sends `false` for it (the provider's zero value), so "absent" depends on whether the block
itself is present.
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
    counted,
    integer,
    resource_policy,
    string_list,
)
from cognito_guard.threat_protection import pool_tier

AWS_DEFAULT_MINIMUM_LENGTH: Final = 8
AWS_DEFAULT_TEMPORARY_DAYS: Final = 7
LITE_TIER: Final = "LITE"

CHARACTER_CLASSES: Final = {
    "lowercase": ("requireLowercase", "a lowercase letter"),
    "uppercase": ("requireUppercase", "an uppercase letter"),
    "numbers": ("requireNumbers", "a number"),
    "symbols": ("requireSymbols", "a symbol"),
}
LETTERS: Final = "letters"  # PCI DSS 8.3.6 "alphabetic": lowercase or uppercase


def _requires(pool: Resource, flag: str) -> bool:
    """Whether the pool requires a character class, with the AWS/provider default applied."""
    block_present = pool.props.has("passwordPolicy")
    return pool.props.flag("passwordPolicy", flag, default=not block_present)


def _mfa_required(pool: Resource) -> bool:
    return pool.props.text("mfaConfiguration", default="OFF") == "ON"


def check_minimum_length(pool: Resource, config: Config) -> Iterator[str]:
    length = pool.props.number(
        "passwordPolicy", "minimumLength", default=AWS_DEFAULT_MINIMUM_LENGTH
    )
    assert length is not None
    with_mfa = _mfa_required(pool)
    required = (
        config["minimumLength"]
        if with_mfa
        else max(config["minimumLength"], config["minimumLengthWithoutMfa"])
    )
    if length < required:
        shown = (
            f"{length:g}"
            if pool.props.has("passwordPolicy", "minimumLength")
            else (f"not set, so AWS uses {AWS_DEFAULT_MINIMUM_LENGTH}")
        )
        reason = "" if with_mfa else " because MFA is not required (password is the only factor)"
        yield (
            f"`passwordPolicy.minimumLength` is {shown}; it must be at least {required}{reason}."
        )


def check_composition(pool: Resource, config: Config) -> Iterator[str]:
    required_classes: list[str] = list(config["requiredCharacterClasses"])
    for klass in required_classes:
        if klass == LETTERS:
            if not (_requires(pool, "requireLowercase") or _requires(pool, "requireUppercase")):
                yield (
                    "Passwords need not contain a letter: set `passwordPolicy.requireLowercase` or "
                    "`passwordPolicy.requireUppercase` to true."
                )
            continue
        flag, what = CHARACTER_CLASSES[klass]
        if not _requires(pool, flag):
            yield f"Passwords need not contain {what}: set `passwordPolicy.{flag}` to true."
    if config["forbidCompositionRules"]:
        imposed = [flag for flag, _ in CHARACTER_CLASSES.values() if _requires(pool, flag)]
        if imposed:
            yield (
                f"Composition rules are imposed ({', '.join(imposed)}); NIST SP 800-63B-4 "
                "§3.1.1.2 says verifiers SHALL NOT impose them: rely on length and compromised-"
                "credential checks instead."
            )


def check_temporary_validity(pool: Resource, config: Config) -> Iterator[str]:
    days = pool.props.number(
        "passwordPolicy", "temporaryPasswordValidityDays", default=AWS_DEFAULT_TEMPORARY_DAYS
    )
    assert days is not None
    if days > config["maximumDays"]:
        yield (
            f"Temporary passwords stay valid {counted(days, 'day')} "
            f"(`passwordPolicy.temporaryPasswordValidityDays`); allow at most "
            f"{config['maximumDays']}."
        )


def check_history(pool: Resource, config: Config) -> Iterator[str]:
    # Password history needs "the Essentials tier or higher":
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_PasswordPolicyType.html
    size = pool.props.number("passwordPolicy", "passwordHistorySize", default=0)
    assert size is not None
    tier = pool_tier(pool)
    if size < config["minimumHistory"]:
        shown = (
            f"{size:g}" if pool.props.has("passwordPolicy", "passwordHistorySize") else "not set"
        )
        plan = (
            f" (the pool is on {tier}: set `userPoolTier` to ESSENTIALS or higher first)"
            if tier == LITE_TIER
            else ""
        )
        yield (
            f"`passwordPolicy.passwordHistorySize` is {shown}; users may reuse recent passwords. "
            f"Remember at least {config['minimumHistory']:g}{plan}."
        )
    elif size > 0 and tier == LITE_TIER:
        yield (
            f"`passwordPolicy.passwordHistorySize` is {size:g} on the LITE feature plan, which "
            "has no password history (AWS requires Essentials or higher): set `userPoolTier` to "
            "ESSENTIALS or PLUS."
        )


MINIMUM_LENGTH = resource_policy(
    Meta(
        name="cognito-password-min-length",
        display_name="Password minimum length",
        description="User pool passwords must be long enough for how they are used.",
        area=Area.PASSWORD,
        severity="medium",
        enforcement_level="mandatory",
        remediation_steps=(
            "Set `passwordPolicy.minimumLength` on the user pool to at least the configured "
            "`minimumLength` (14 by default), or to `minimumLengthWithoutMfa` (15) when "
            "`mfaConfiguration` is not ON, then tell users the new rule applies at their next "
            "password change."
        ),
        controls=Controls(
            security_hub="Cognito.3",
            prowler="cognito_user_pool_password_policy_minimum_length_14",
            pci_dss="8.3.6",
            nist_800_63b="3.1.1.2",
            asvs="6.2.1",
            others=("cdk-nag:AwsSolutions-COG1", "cis-aws:2.7"),
        ),
        config={
            "minimumLength": integer(
                14, "Minimum password length when MFA is required.", minimum=6, maximum=99
            ),
            "minimumLengthWithoutMfa": integer(
                15,
                "Minimum length when the password is the only factor (NIST 800-63B-4: 15).",
                minimum=6,
                maximum=99,
            ),
        },
    ),
    [rt.USER_POOL],
    check_minimum_length,
)

COMPOSITION = resource_policy(
    Meta(
        name="cognito-password-composition",
        display_name="Password character classes",
        description="User pool password composition must match the chosen compliance profile.",
        area=Area.PASSWORD,
        severity="low",
        enforcement_level="mandatory",
        remediation_steps=(
            "Set each `passwordPolicy.require*` flag the profile names to true (Security Hub / PCI "
            "profile), or, under the NIST 800-63B profile, set them to false and raise the minimum "
            "length instead."
        ),
        controls=Controls(
            security_hub="Cognito.3",
            prowler=("cognito_user_pool_password_policy_lowercase, _uppercase, _number, _symbol"),
            pci_dss="8.3.6",
            nist_800_63b="3.1.1.2",
            asvs="6.2.5",
            others=("cdk-nag:AwsSolutions-COG1",),
        ),
        config={
            "requiredCharacterClasses": string_list(
                ["lowercase", "uppercase", "numbers", "symbols"],
                "Classes every password must contain (`letters` = lowercase or uppercase, as PCI "
                "DSS 8.3.6 asks); empty under NIST 800-63B.",
                allowed=[*CHARACTER_CLASSES, LETTERS],
            ),
            "forbidCompositionRules": boolean(
                False, "Report any composition rule (NIST 800-63B-4 SHALL NOT impose them)."
            ),
        },
    ),
    [rt.USER_POOL],
    check_composition,
)

TEMPORARY_PASSWORD = resource_policy(
    Meta(
        name="cognito-temp-password-validity",
        display_name="Temporary password lifetime",
        description="Temporary passwords issued by administrators must expire quickly.",
        area=Area.PASSWORD,
        severity="low",
        enforcement_level="mandatory",
        remediation_steps=(
            "Set `passwordPolicy.temporaryPasswordValidityDays` to the configured maximum (7 by "
            "default) or less; re-invite users who miss the window."
        ),
        controls=Controls(
            security_hub="Cognito.3",
            prowler="cognito_user_pool_temporary_password_expiration",
            pci_dss="8.3.5",
            asvs="6.4.1",
        ),
        config={
            "maximumDays": integer(
                7, "Longest allowed temporary-password validity, in days.", maximum=365
            ),
        },
    ),
    [rt.USER_POOL],
    check_temporary_validity,
)

HISTORY = resource_policy(
    Meta(
        name="cognito-password-history",
        display_name="Password history",
        description="User pools must stop users from reusing their recent passwords.",
        area=Area.PASSWORD,
        severity="low",
        enforcement_level="advisory",
        remediation_steps=(
            "Set `passwordPolicy.passwordHistorySize` to at least the configured minimum (4, PCI "
            "DSS 8.3.7) on a pool of the Essentials tier or higher (`userPoolTier` ESSENTIALS or "
            "PLUS; Lite has no password history)."
        ),
        controls=Controls(pci_dss="8.3.7", others=("cis-aws:2.8",)),
        config={
            "minimumHistory": integer(
                4, "Number of previous passwords a user may not reuse.", maximum=24
            ),
        },
    ),
    [rt.USER_POOL],
    check_history,
)

POLICIES = [MINIMUM_LENGTH, COMPOSITION, TEMPORARY_PASSWORD, HISTORY]
