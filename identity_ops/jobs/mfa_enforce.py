"""``mfa enforce``: set every user's MFA preference in bulk, and say who cannot be enrolled.

An admin cannot enrol a TOTP device for a user (only the user can scan a secret), so the job
prefers TOTP for users who already verified one and falls back to SMS for users with a *verified*
phone number; everyone else is reported with the reason. Preferences matter only if the pool's MFA
configuration is ON or OPTIONAL (set in the stack config), which the report checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError
from rich.console import Console
from typing_extensions import override

from identity_ops.aws import AwsClients, aws_errors
from identity_ops.errors import UsageError
from identity_ops.executor import error_code
from identity_ops.outcomes import Outcome
from identity_ops.plan import PlanEntry, UserState
from identity_ops.pool import describe_pool
from identity_ops.reports import RunReport
from identity_ops.userstream import PoolUser

from .apply import RunSettings, run_pool_scan
from .bulk import BulkSettings
from .planning import (
    Candidate,
    Change,
    Decision,
    NoChange,
    Observer,
    Operation,
    OperationContext,
    PlanRequest,
    register,
)

METHODS = ("totp-or-sms", "totp", "sms")


@dataclass(frozen=True)
class MfaOptions:
    method: str = "totp-or-sms"
    list_filter: str | None = None
    dry_run: bool = False
    bulk: BulkSettings = field(default_factory=BulkSettings)
    plan: PlanRequest | None = None
    run: RunSettings = field(default_factory=RunSettings)


class MfaOperation(Operation):
    """Set each enabled user's preferred MFA method (TOTP where verified, else SMS)."""

    command = "mfa enforce"
    done = "mfa set"
    count_skipped = False

    def __init__(self, cognito: Any, pool_id: str, methods: tuple[str, ...]) -> None:
        self.cognito = cognito
        self.pool_id = pool_id
        self.methods = methods

    @override
    def observer(self) -> Observer:
        return Observer(self.cognito, self.pool_id)

    @override
    def options(self) -> dict[str, Any]:
        return {"methods": list(self.methods)}

    @override
    def decide(self, candidate: Candidate, state: UserState, user: PoolUser | None) -> Decision:
        if user is None:
            return NoChange("already absent")
        if not user.enabled:
            return NoChange("disabled user")
        phone = _has_verified_phone(user)
        if "totp" not in self.methods and not phone:
            return NoChange("cannot enrol: no verified phone number for SMS MFA")
        return Change("set-mfa", {"methods": list(self.methods), "verified_phone": phone})

    @override
    def act(self, entry: PlanEntry, uncertain: bool) -> Outcome:
        methods = tuple(entry.params.get("methods") or self.methods)
        phone = bool(entry.params.get("verified_phone"))
        return _enforce(self.cognito, self.pool_id, entry.username, methods, phone)

    @override
    def would(self, action: str) -> str:
        if "totp" in self.methods:
            return "would try TOTP" + (", then SMS" if "sms" in self.methods else "")
        return "would prefer SMS"


@register("mfa enforce")
def _build(context: OperationContext, options: Mapping[str, Any]) -> Operation:
    methods = tuple(str(m) for m in options.get("methods") or ())
    return MfaOperation(context.cognito, context.pool_id, methods)


def run_mfa_enforce(
    clients: AwsClients, pool_id: str, options: MfaOptions, console: Console
) -> RunReport:
    if options.method not in METHODS:
        raise UsageError(f"--method {options.method!r}: expected one of {', '.join(METHODS)}")
    cognito = clients.cognito()
    with aws_errors():
        schema = describe_pool(cognito, pool_id)
        factors = _pool_factors(cognito, pool_id)
    wanted = {"totp": ("totp",), "sms": ("sms",), "totp-or-sms": ("totp", "sms")}[options.method]
    methods = tuple(m for m in wanted if m in factors)
    if not methods:
        raise UsageError(
            f"the pool does not enable {' or '.join(wanted).upper()} MFA (enabled: {', '.join(factors) or 'none'})"
        )
    operation = MfaOperation(cognito, pool_id, methods)
    report = run_pool_scan(clients, pool_id, operation, options, console, schema.estimated_users)
    if schema.mfa_configuration == "OFF":
        report.notes.append(
            "the pool's MFA configuration is OFF: preferences take effect only once the stack sets it to ON or OPTIONAL"
        )
    return report


def _pool_factors(cognito: Any, pool_id: str) -> tuple[str, ...]:
    config = cognito.get_user_pool_mfa_config(UserPoolId=pool_id)
    factors = []
    if (config.get("SoftwareTokenMfaConfiguration") or {}).get("Enabled"):
        factors.append("totp")
    if config.get("SmsMfaConfiguration"):
        factors.append("sms")
    return tuple(factors)


def _has_verified_phone(user: PoolUser) -> bool:
    return (
        bool(user.attributes.get("phone_number"))
        and user.attributes.get("phone_number_verified") == "true"
    )


def _enforce(
    cognito: Any, pool_id: str, username: str, methods: tuple[str, ...], verified_phone: bool
) -> Outcome:
    """AdminSetUserMFAPreference: TOTP first (fails unless the user verified a TOTP device), then
    SMS if the user has a verified phone number.
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminSetUserMFAPreference.html
    """
    reasons = []
    if "totp" in methods:
        try:
            cognito.admin_set_user_mfa_preference(
                UserPoolId=pool_id,
                Username=username,
                SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
            )
            return Outcome("totp")
        except ClientError as error:
            if error_code(error) != "InvalidParameterException":
                raise
            reasons.append("no verified TOTP device (only the user can enrol one, at next sign-in)")
    if "sms" in methods:
        if verified_phone:
            cognito.admin_set_user_mfa_preference(
                UserPoolId=pool_id,
                Username=username,
                SMSMfaSettings={"Enabled": True, "PreferredMfa": True},
            )
            return Outcome("sms")
        reasons.append("no verified phone number for SMS")
    return Outcome("failed", "; ".join(reasons), "CannotEnrol")
