"""``mfa enforce``: set every user's MFA preference in bulk, and say who cannot be enrolled.

An admin cannot enrol a TOTP device for a user (only the user can scan a secret), so the job
prefers TOTP for users who already verified one and falls back to SMS for users with a *verified*
phone number; everyone else is reported with the reason. Preferences matter only if the pool's MFA
configuration is ON or OPTIONAL (set in the stack config), which the report checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError
from rich.console import Console

from identity_ops.aws import AwsClients, aws_errors
from identity_ops.errors import UsageError
from identity_ops.executor import error_code
from identity_ops.journal import journal_path
from identity_ops.outcomes import Outcome, Tally
from identity_ops.pool import describe_pool
from identity_ops.reports import RunReport
from identity_ops.userstream import PoolUser, iter_users

from .bulk import BulkSettings, run_bulk

METHODS = ("totp-or-sms", "totp", "sms")


@dataclass(frozen=True)
class MfaOptions:
    method: str = "totp-or-sms"
    list_filter: str | None = None
    dry_run: bool = False
    bulk: BulkSettings = field(default_factory=BulkSettings)


@dataclass(frozen=True)
class MfaItem:
    item: str
    username: str
    user: PoolUser


def run_mfa_enforce(
    clients: AwsClients, pool_id: str, options: MfaOptions, console: Console
) -> RunReport:
    if options.method not in METHODS:
        raise UsageError(f"--method {options.method!r}: expected one of {', '.join(METHODS)}")
    cognito = clients.cognito()
    with aws_errors():
        schema = describe_pool(cognito, pool_id)
        factors = _pool_factors(cognito, pool_id)
    notes = []
    if schema.mfa_configuration == "OFF":
        notes.append(
            "the pool's MFA configuration is OFF: preferences take effect only once the stack sets it to ON or OPTIONAL"
        )
    wanted = {"totp": ("totp",), "sms": ("sms",), "totp-or-sms": ("totp", "sms")}[options.method]
    methods = tuple(m for m in wanted if m in factors)
    if not methods:
        raise UsageError(
            f"the pool does not enable {' or '.join(wanted).upper()} MFA (enabled: {', '.join(factors) or 'none'})"
        )
    items = (
        MfaItem(user.username, user.username, user)
        for user in iter_users(cognito, pool_id, options.list_filter)
    )
    if options.dry_run:
        tally = Tally()
        for item in items:
            tally.add(item.item, item.username, _plan(item.user, methods))
        return RunReport("mfa enforce", pool_id, tally, 0.0, dry_run=True, notes=notes)
    path = options.bulk.journal_path or journal_path(
        "mfa-enforce", pool_id, options.method, options.list_filter or ""
    )
    with aws_errors():
        result = run_bulk(
            console=console,
            description="mfa enforce",
            journal_path=path,
            journal_header={"command": "mfa enforce", "pool_id": pool_id},
            items=items,
            total=schema.estimated_users or None,
            action=lambda item, _u: _enforce(cognito, pool_id, item.user, methods),
            settings=options.bulk,
            limiter=clients.limiter,
        )
    return RunReport(
        "mfa enforce",
        pool_id,
        result.tally,
        result.duration_seconds,
        interrupted=result.interrupted,
        journal=str(path),
        notes=notes,
    )


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


def _plan(user: PoolUser, methods: tuple[str, ...]) -> Outcome:
    if not user.enabled:
        return Outcome("skipped", "disabled user")
    if "totp" in methods:
        return Outcome(
            "would try TOTP"
            + (", then SMS" if "sms" in methods and _has_verified_phone(user) else "")
        )
    if _has_verified_phone(user):
        return Outcome("would prefer SMS")
    return Outcome("failed", "no verified phone number for SMS MFA", "CannotEnrol")


def _enforce(cognito: Any, pool_id: str, user: PoolUser, methods: tuple[str, ...]) -> Outcome:
    if not user.enabled:
        return Outcome("skipped", "disabled user")
    reasons = []
    if "totp" in methods:
        try:
            cognito.admin_set_user_mfa_preference(
                UserPoolId=pool_id,
                Username=user.username,
                SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
            )
            return Outcome("totp")
        except ClientError as error:
            if error_code(error) != "InvalidParameterException":
                raise
            reasons.append("no verified TOTP device (only the user can enrol one, at next sign-in)")
    if "sms" in methods:
        if _has_verified_phone(user):
            cognito.admin_set_user_mfa_preference(
                UserPoolId=pool_id,
                Username=user.username,
                SMSMfaSettings={"Enabled": True, "PreferredMfa": True},
            )
            return Outcome("sms")
        reasons.append("no verified phone number for SMS")
    return Outcome("failed", "; ".join(reasons), "CannotEnrol")
