"""Settings of the user pool itself: sign-in, passwords, MFA, threat protection, schema, triggers."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from settings.base import (
    AnyArn,
    EmailSender,
    LambdaArn,
    PoolName,
    SesConfigurationSet,
    SesIdentityArn,
    SettingsModel,
    WafWebAclArn,
    aws_range,
    duplicates,
    problem,
)
from settings.errors import ConfigProblem

Tier = Literal["LITE", "ESSENTIALS", "PLUS"]

STANDARD_ATTRIBUTES = frozenset(
    {
        "address", "birthdate", "email", "email_verified", "family_name", "gender", "given_name",
        "locale", "middle_name", "name", "nickname", "phone_number", "phone_number_verified",
        "picture", "preferred_username", "profile", "updated_at", "website", "zoneinfo",
    }
)  # fmt: skip
VERIFIED_FLAGS = frozenset({"email_verified", "phone_number_verified"})


class PasswordPolicy(SettingsModel):
    """Password rules; AWS accepts lengths 6-99 and temporary passwords valid 0-365 days."""

    minimum_length: Annotated[int, aws_range(6, 99)] = 14
    require_lowercase: bool = True
    require_uppercase: bool = True
    require_numbers: bool = True
    require_symbols: bool = True
    temporary_password_validity_days: Annotated[int, aws_range(0, 365, "days")] = 3
    password_history_size: Annotated[int, aws_range(0, 24)] = 5


class SmsFactor(SettingsModel):
    enabled: bool = False
    authentication_message: str = "Your sign-in code is {####}."
    sns_region: str | None = None

    def cross_checks(self) -> Iterator[ConfigProblem]:
        message = self.authentication_message
        if "{####}" not in message or len(message) > 140:
            yield problem(
                "authenticationMessage",
                message,
                "must contain {####} and be at most 140 characters",
            )


class EmailFactor(SettingsModel):
    enabled: bool = False
    subject: str = "Your sign-in code"
    message: str = "Your sign-in code is {####}."

    def cross_checks(self) -> Iterator[ConfigProblem]:
        # EmailMfaConfigType.Message: 6-20000 characters containing the {####} placeholder.
        # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_EmailMfaConfigType.html
        if "{####}" not in self.message or len(self.message) > 20000:
            yield problem(
                "message",
                self.message,
                "must contain {####} (the code) and be at most 20000 characters",
            )


class MfaSettings(SettingsModel):
    """MFA: ``ON`` for everyone, ``OPTIONAL`` per user, ``OFF``; factors TOTP, SMS, email."""

    mode: Literal["OFF", "OPTIONAL", "ON"] = "ON"
    totp: bool = True
    sms: SmsFactor = SmsFactor()
    email: EmailFactor = EmailFactor()

    def cross_checks(self) -> Iterator[ConfigProblem]:
        if self.mode != "OFF" and not (self.totp or self.sms.enabled or self.email.enabled):
            yield problem(
                "mode", self.mode, "needs at least one factor: totp, sms.enabled or email.enabled"
            )


RiskAction = Literal["BLOCK", "MFA_IF_CONFIGURED", "MFA_REQUIRED", "NO_ACTION"]


class RiskLevelAction(SettingsModel):
    action: RiskAction
    notify: bool = False


class AccountTakeover(SettingsModel):
    low: RiskLevelAction = RiskLevelAction(action="MFA_REQUIRED")
    medium: RiskLevelAction = RiskLevelAction(action="MFA_REQUIRED")
    high: RiskLevelAction = RiskLevelAction(action="BLOCK")


class CompromisedCredentials(SettingsModel):
    action: Literal["BLOCK", "NO_ACTION"] = "BLOCK"
    events: tuple[Literal["SIGN_IN", "PASSWORD_CHANGE", "SIGN_UP"], ...] = (
        "SIGN_IN",
        "PASSWORD_CHANGE",
        "SIGN_UP",
    )


class RiskNotification(SettingsModel):
    """SES identity that sends account-takeover notifications."""

    source_arn: AnyArn
    from_address: str | None = None
    reply_to_address: str | None = None


class ThreatProtection(SettingsModel):
    """Threat protection (``userPoolAddOns``) and the pool's risk configuration; needs the PLUS tier."""

    mode: Literal["OFF", "AUDIT", "ENFORCED"] = "ENFORCED"
    custom_auth_mode: Literal["AUDIT", "ENFORCED"] = "ENFORCED"
    compromised_credentials: CompromisedCredentials = CompromisedCredentials()
    account_takeover: AccountTakeover = AccountTakeover()
    notification: RiskNotification | None = None
    blocked_ip_ranges: tuple[str, ...] = ()
    skipped_ip_ranges: tuple[str, ...] = ()

    def cross_checks(self) -> Iterator[ConfigProblem]:
        for key, ranges in (
            ("blockedIpRanges", self.blocked_ip_ranges),
            ("skippedIpRanges", self.skipped_ip_ranges),
        ):
            for index, cidr in enumerate(ranges):
                try:
                    network = ipaddress.ip_network(cidr, strict=False)
                except ValueError:
                    yield problem((key, index), cidr, "is not a CIDR range such as 203.0.113.0/24")
                    continue
                if key == "skippedIpRanges" and network.prefixlen < 8:
                    yield problem(
                        (key, index),
                        cidr,
                        "is too broad to skip threat protection for (/8 or narrower)",
                    )
        if self.notification is None:
            # A level that notifies has Cognito email the user "using the method and template"
            # of NotifyConfiguration, whose SourceArn (an SES identity) is required:
            # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AccountTakeoverRiskConfigurationType.html
            # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_NotifyConfigurationType.html
            for name in ("low", "medium", "high"):
                if getattr(self.account_takeover, name).notify:
                    yield problem(
                        ("accountTakeover", name, "notify"),
                        True,
                        "needs threatProtection.notification.sourceArn (an SES identity)",
                    )


class SignIn(SettingsModel):
    """How users sign in; username and alias attributes are immutable once the pool exists."""

    username_attributes: tuple[Literal["email", "phone_number"], ...] = ("email",)
    alias_attributes: tuple[Literal["email", "phone_number", "preferred_username"], ...] = ()
    case_sensitive: bool = False

    def cross_checks(self) -> Iterator[ConfigProblem]:
        if self.username_attributes and self.alias_attributes:
            yield problem(
                "aliasAttributes",
                list(self.alias_attributes),
                "cannot be combined with usernameAttributes; choose one",
            )


class Invitation(SettingsModel):
    email_subject: str = "Your account is ready"
    email_message: str = "Your username is {username} and your temporary password is {####}."
    sms_message: str = "Your username is {username} and your temporary password is {####}."

    def cross_checks(self) -> Iterator[ConfigProblem]:
        for key, text in (("emailMessage", self.email_message), ("smsMessage", self.sms_message)):
            if "{username}" not in text or "{####}" not in text:
                yield problem(key, text, "must contain both {username} and {####}")
        if len(self.sms_message) > 140:
            yield problem(
                "smsMessage", self.sms_message, "is longer than the AWS maximum 140 characters"
            )


class AdminCreateUser(SettingsModel):
    allow_admin_create_user_only: bool = True
    invitation: Invitation = Invitation()


class DeviceTracking(SettingsModel):
    challenge_required_on_new_device: bool = True
    device_only_remembered_on_user_prompt: bool = True


class EmailSending(SettingsModel):
    """Who sends the pool's email: Cognito's built-in sender, or your verified SES identity.

    DEVELOPER "must provide the ARN of an Amazon SES verified email address for the SourceArn";
    a production stack must use it (settings.deployment.production_email_problems).
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_EmailConfigurationType.html
    """

    sending_account: Literal["COGNITO_DEFAULT", "DEVELOPER"] = "COGNITO_DEFAULT"
    source_arn: SesIdentityArn | None = None
    from_address: EmailSender | None = None
    reply_to_address: EmailSender | None = None
    configuration_set: SesConfigurationSet | None = None

    def cross_checks(self) -> Iterator[ConfigProblem]:
        if self.sending_account == "DEVELOPER" and self.source_arn is None:
            yield problem(
                "sourceArn",
                None,
                "is required when sendingAccount is DEVELOPER (an SES identity ARN)",
            )
        if self.sending_account != "DEVELOPER" and self.configuration_set is not None:
            yield problem(
                "configurationSet",
                self.configuration_set,
                "is an SES configuration set and needs sendingAccount DEVELOPER",
            )


class StandardAttribute(SettingsModel):
    name: str
    required: bool = False
    mutable: bool = True

    def cross_checks(self) -> Iterator[ConfigProblem]:
        if self.name not in STANDARD_ATTRIBUTES:
            yield problem(
                "name",
                self.name,
                f"is not a standard attribute; allowed: {', '.join(sorted(STANDARD_ATTRIBUTES))}",
            )


class CustomAttribute(SettingsModel):
    """A ``custom:`` attribute. Authorization attributes are immutable and never client-writable."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_]{1,20}$")]
    type: Literal["String", "Number", "Boolean", "DateTime"] = "String"
    mutable: bool = True
    authorization: bool = False
    min_length: Annotated[int, aws_range(0, 2048)] = 0
    max_length: Annotated[int, aws_range(1, 2048)] = 256

    def cross_checks(self) -> Iterator[ConfigProblem]:
        if self.authorization and self.mutable:
            yield problem(
                "mutable",
                True,
                "must be false for an authorization attribute (set only when the user is created)",
            )
        if self.min_length > self.max_length:
            yield problem("minLength", self.min_length, f"is above maxLength {self.max_length}")

    @property
    def claim(self) -> str:
        return f"custom:{self.name}"


class Schema(SettingsModel):
    standard_attributes: tuple[StandardAttribute, ...] = (
        StandardAttribute(name="email", required=True),
    )
    custom_attributes: tuple[CustomAttribute, ...] = ()

    def cross_checks(self) -> Iterator[ConfigProblem]:
        for name in sorted(duplicates(a.name for a in self.standard_attributes)):
            yield problem("standardAttributes", name, "is listed twice")
        for name in sorted(duplicates(a.name for a in self.custom_attributes)):
            yield problem("customAttributes", name, "is listed twice")

    @property
    def authorization_claims(self) -> frozenset[str]:
        return frozenset(a.claim for a in self.custom_attributes if a.authorization)

    @property
    def attribute_names(self) -> frozenset[str]:
        return STANDARD_ATTRIBUTES | {a.claim for a in self.custom_attributes}


class Triggers(SettingsModel):
    """Lambda triggers by ARN; each gets a ``lambda.Permission`` scoped to this pool."""

    pre_sign_up: LambdaArn | None = None
    post_confirmation: LambdaArn | None = None
    pre_authentication: LambdaArn | None = None
    post_authentication: LambdaArn | None = None
    pre_token_generation: LambdaArn | None = None
    pre_token_generation_version: Literal["V1_0", "V2_0", "V3_0"] = "V2_0"
    user_migration: LambdaArn | None = None
    custom_message: LambdaArn | None = None
    define_auth_challenge: LambdaArn | None = None
    create_auth_challenge: LambdaArn | None = None
    verify_auth_challenge_response: LambdaArn | None = None
    custom_email_sender: LambdaArn | None = None
    custom_sms_sender: LambdaArn | None = None
    kms_key_arn: AnyArn | None = None

    def cross_checks(self) -> Iterator[ConfigProblem]:
        senders = self.custom_email_sender or self.custom_sms_sender
        if senders and self.kms_key_arn is None:
            yield problem(
                "kmsKeyArn", None, "is required when customEmailSender or customSmsSender is set"
            )

    def functions(self) -> dict[str, str]:
        """Trigger name (camelCase, as in config) -> function ARN, for the triggers that are set."""
        arns: dict[str, str] = {}
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            if name not in {"pre_token_generation_version", "kms_key_arn"} and value is not None:
                arns[field.alias or name] = value
        return arns

    @property
    def uses_custom_auth(self) -> bool:
        return self.define_auth_challenge is not None


LOG_GROUP_PREFIX = "/aws/vendedlogs/cognito/"
"""The program's log group for a pool is this prefix and the pool's name prefix: AWS advises a
`/aws/vendedlogs` path for log delivery destinations
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CloudWatchLogsConfigurationType.html)."""


class Logging(SettingsModel):
    """Export user-notification errors and (PLUS tier) user auth events to CloudWatch Logs."""

    enabled: bool = True
    auth_events: bool = True
    retention_days: Literal[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] = 365  # fmt: skip


class Waf(SettingsModel):
    """An AWS WAF web ACL in front of the pool's sign-in endpoints.

    Cognito's own lockout is fixed (5 failures, ~15 minutes) and per user, so credential stuffing
    across many users and request floods are stopped only by WAF. ``managed`` (the default)
    creates a regional web ACL with a per-IP rate limit and AWS's IP-reputation list;
    ``existing`` associates a web ACL the network team owns; ``off`` must be spelled out.
    """

    mode: Literal["managed", "existing", "off"] = "managed"
    web_acl_arn: WafWebAclArn | None = None
    rate_limit: Annotated[int, aws_range(10, 2_000_000_000, "requests per IP per window")] = 300
    rate_window_seconds: Literal[60, 120, 300, 600] = 300
    ip_reputation: bool = True

    def cross_checks(self) -> Iterator[ConfigProblem]:
        if self.mode == "existing" and self.web_acl_arn is None:
            yield problem("webAclArn", None, "is required when mode is existing")
        if self.mode != "existing" and self.web_acl_arn is not None:
            yield problem(
                "webAclArn",
                self.web_acl_arn,
                f"is only used with mode existing (mode is {self.mode})",
            )


class UserPoolSettings(SettingsModel):
    """The enterprise user pool; defaults are the secure choice."""

    name: PoolName
    tier: Tier = "PLUS"
    deletion_protection: bool = True
    sign_in: SignIn = SignIn()
    auto_verified_attributes: tuple[Literal["email", "phone_number"], ...] = ("email",)
    attributes_require_verification_before_update: tuple[Literal["email", "phone_number"], ...] = (
        "email",
    )
    password_policy: PasswordPolicy = PasswordPolicy()
    mfa: MfaSettings = MfaSettings()
    threat_protection: ThreatProtection = ThreatProtection()
    account_recovery: tuple[
        Literal["verified_email", "verified_phone_number", "admin_only"], ...
    ] = ("verified_email",)
    admin_create_user: AdminCreateUser = AdminCreateUser()
    device_tracking: DeviceTracking = DeviceTracking()
    email: EmailSending = EmailSending()
    schema_: Schema = Field(default=Schema(), alias="schema")
    triggers: Triggers = Triggers()
    logging: Logging = Logging()
    waf: Waf = Waf()

    def cross_checks(self) -> Iterator[ConfigProblem]:
        yield from self._tier_rules()
        recovery = self.account_recovery
        if not recovery:
            yield problem(
                "accountRecovery", [], "needs at least one mechanism, verified_email first"
            )
        elif recovery[0] == "verified_phone_number":
            yield problem(
                "accountRecovery",
                list(recovery),
                "must not start with verified_phone_number (SMS recovery is hijackable); put verified_email first",
            )
        elif "admin_only" in recovery and len(recovery) > 1:
            yield problem(
                "accountRecovery",
                list(recovery),
                "admin_only cannot be combined with other mechanisms",
            )
        if len(set(recovery)) != len(recovery):
            yield problem("accountRecovery", list(recovery), "lists a mechanism twice")
        if self.mfa.email.enabled:
            if self.email.sending_account != "DEVELOPER":
                yield problem(
                    ("mfa", "email", "enabled"), True, "needs email.sendingAccount DEVELOPER (SES)"
                )
            if len(recovery) < 2:
                yield problem(
                    ("mfa", "email", "enabled"),
                    True,
                    "needs at least two accountRecovery mechanisms (AWS rule)",
                )
        for attribute in self.attributes_require_verification_before_update:
            if attribute not in self.auto_verified_attributes:
                yield problem(
                    "attributesRequireVerificationBeforeUpdate",
                    attribute,
                    "must also be in autoVerifiedAttributes",
                )
        if self.mfa.sms.enabled is False and "phone_number" in self.auto_verified_attributes:
            yield problem(
                "autoVerifiedAttributes",
                "phone_number",
                "needs mfa.sms.enabled (the pool needs an SMS role to send codes)",
            )

    def _tier_rules(self) -> Iterator[ConfigProblem]:
        # What each feature plan includes (threat protection and auth-event export: Plus; password
        # history, email MFA, access-token customisation, managed login: Essentials and Plus):
        # https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-sign-in-feature-plans.html
        if self.threat_protection.mode != "OFF" and self.tier != "PLUS":
            yield problem(
                ("threatProtection", "mode"),
                self.threat_protection.mode,
                f"needs tier PLUS (tier is {self.tier})",
            )
        if (
            self.logging.enabled
            and self.logging.auth_events
            and (self.tier != "PLUS" or self.threat_protection.mode == "OFF")
        ):
            yield problem(
                ("logging", "authEvents"),
                True,
                "needs tier PLUS and threat protection AUDIT or ENFORCED; set it to false",
            )
        if self.tier == "LITE":
            if self.password_policy.password_history_size:
                yield problem(
                    ("passwordPolicy", "passwordHistorySize"),
                    self.password_policy.password_history_size,
                    "needs tier ESSENTIALS or PLUS; set 0 on LITE",
                )
            if self.mfa.email.enabled:
                yield problem(("mfa", "email", "enabled"), True, "needs tier ESSENTIALS or PLUS")
            # Access-token customisation (pre token generation event V2_0/V3_0) is an Essentials
            # and Plus feature; Lite runs V1_0 (ID token only).
            # https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-sign-in-feature-plans.html
            triggers = self.triggers
            if triggers.pre_token_generation and triggers.pre_token_generation_version != "V1_0":
                yield problem(
                    ("triggers", "preTokenGenerationVersion"),
                    triggers.pre_token_generation_version,
                    "needs tier ESSENTIALS or PLUS (access-token customisation); use V1_0 on LITE",
                )

    @property
    def threat_protection_on(self) -> bool:
        return self.tier == "PLUS" and self.threat_protection.mode != "OFF"
