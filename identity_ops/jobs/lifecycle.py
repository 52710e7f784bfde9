"""``users enable|disable|delete|reset-password|confirm|sign-out|set-attributes|reinvite``.

One table of actions drives every lifecycle command. Each can target users given on the command
line, a file of users (CSV/JSONL with a ``username`` column), a ListUsers ``--filter`` or the
members of ``--group`` (ListUsersInGroup), and goes through the shared plan path
(``jobs/planning.py``): the current state of each user is read first, users that need no change are
left out (counted, with the reason), and only then is anything sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError
from rich.console import Console
from typing_extensions import override

from identity_ops.aws import AwsClients, aws_errors
from identity_ops.errors import UsageError
from identity_ops.executor import error_code, error_message
from identity_ops.failed_rows import default_failed_rows_path, write_failed_rows
from identity_ops.outcomes import Outcome
from identity_ops.plan import PlanEntry, UserState
from identity_ops.pool import PoolSchema, describe_pool, list_group_names
from identity_ops.reports import RunReport
from identity_ops.rows import RawRow, detect_format, read_rows
from identity_ops.userstream import PoolUser, group_members, iter_users
from identity_ops.validation import RowProblem, RowValidator, UserRow

from .apply import RunSettings, plan_request, run_planned
from .bulk import BulkSettings
from .disabled_at import DisabledAtRecord
from .planning import (
    NOT_FOUND,
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

Decide = Callable[[Candidate, PoolUser], Decision]
Act = Callable[["LifecycleOperation", PlanEntry], Outcome]


@dataclass(frozen=True)
class Action:
    """One lifecycle action: its verb, whether it asks first, how it decides and acts."""

    name: str
    done: str  # outcome word
    destructive: bool
    help: str
    decide: Decide
    act: Act
    after: Mapping[str, Any] = field(default_factory=dict)  # state the action leaves behind


def _always(action: str) -> Decide:
    def decide(_candidate: Candidate, _user: PoolUser) -> Decision:
        return Change(action)

    return decide


def _decide_enable(_candidate: Candidate, user: PoolUser) -> Decision:
    return NoChange("already enabled") if user.enabled else Change("enable")


def _decide_disable(_candidate: Candidate, user: PoolUser) -> Decision:
    return Change("disable") if user.enabled else NoChange("already disabled")


def _verified_contact(user: PoolUser) -> bool:
    return any(
        user.attributes.get(flag) == "true" for flag in ("email_verified", "phone_number_verified")
    )


def _decide_reset(_candidate: Candidate, user: PoolUser) -> Decision:
    # AdminResetUserPassword sets a CONFIRMED user to RESET_REQUIRED and sends a code to a
    # verified email/phone (account recovery). A user still in FORCE_CHANGE_PASSWORD has no
    # password of their own to reset: they need a new invitation (``users reinvite``).
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminResetUserPassword.html
    # https://docs.aws.amazon.com/cognito/latest/developerguide/how-to-create-user-accounts.html
    if user.status == "FORCE_CHANGE_PASSWORD":
        return NoChange("FORCE_CHANGE_PASSWORD: never set a password; use users reinvite")
    if user.status == "RESET_REQUIRED":
        return NoChange("already RESET_REQUIRED")
    if user.status != "CONFIRMED":
        return NoChange(f"status is {user.status}; only CONFIRMED users can be reset")
    if not user.enabled:
        return NoChange("disabled user")
    if not _verified_contact(user):
        return NoChange("no verified email or phone number to send the reset code to")
    return Change("reset-password")


def _decide_confirm(_candidate: Candidate, user: PoolUser) -> Decision:
    # AdminConfirmSignUp confirms a user who signed up and has not confirmed (UNCONFIRMED).
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminConfirmSignUp.html
    if user.status != "UNCONFIRMED":
        return NoChange(f"status is {user.status}; only UNCONFIRMED users can be confirmed")
    return Change("confirm")


def _decide_reinvite(_candidate: Candidate, user: PoolUser) -> Decision:
    # AdminCreateUser with MessageAction=RESEND re-sends the invitation to an existing user and
    # gives them a new temporary password: only users still in FORCE_CHANGE_PASSWORD have one.
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html
    if user.status != "FORCE_CHANGE_PASSWORD":
        return NoChange(
            f"status is {user.status}; only FORCE_CHANGE_PASSWORD users get a new invitation"
        )
    if not user.enabled:
        return NoChange("disabled user")
    return Change("reinvite", {"delivery": delivery_mediums(user.attributes)})


def delivery_mediums(attributes: Mapping[str, str]) -> list[str]:
    """EMAIL and/or SMS, by the contact attributes the user has (AdminCreateUser
    DesiredDeliveryMediums; EMAIL is Cognito's default)."""
    mediums = [m for m, a in (("EMAIL", "email"), ("SMS", "phone_number")) if attributes.get(a)]
    return mediums or ["EMAIL"]


def _decide_attributes(candidate: Candidate, user: PoolUser) -> Decision:
    wanted: Mapping[str, str] = candidate.params.get("attributes") or {}
    differing = {k: v for k, v in wanted.items() if user.attributes.get(k, "") != v}
    if not wanted:
        return NoChange("no attributes to set")
    if not differing:
        return NoChange("attributes already have these values")
    current = {k: user.attributes.get(k, "") for k in differing}
    return Change(
        "set-attributes",
        {"attributes": differing},
        state=UserState(exists=True, status=user.status, enabled=user.enabled, attributes=current),
    )


def _enable(op: LifecycleOperation, entry: PlanEntry) -> Outcome:
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminEnableUser.html
    op.cognito.admin_enable_user(UserPoolId=op.pool_id, Username=entry.username)
    op.disabled_at.clear(entry.username)
    return Outcome("enabled")


def _disable(op: LifecycleOperation, entry: PlanEntry) -> Outcome:
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminDisableUser.html
    return disable_user(op.cognito, op.pool_id, op.disabled_at, entry.username)


def disable_user(cognito: Any, pool_id: str, record: DisabledAtRecord, username: str) -> Outcome:
    """AdminDisableUser, then record when (Cognito keeps no such time: see disabled_at.py)."""
    cognito.admin_disable_user(UserPoolId=pool_id, Username=username)
    record.mark_disabled(username)
    return Outcome("disabled")


def _delete(op: LifecycleOperation, entry: PlanEntry) -> Outcome:
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminDeleteUser.html
    return delete_user(op.cognito, op.pool_id, op.disabled_at, entry.username)


def delete_user(cognito: Any, pool_id: str, record: DisabledAtRecord, username: str) -> Outcome:
    try:
        cognito.admin_delete_user(UserPoolId=pool_id, Username=username)
    except ClientError as error:
        if error_code(error) != "UserNotFoundException":
            raise
    if not record.uses_attribute:
        record.clear(username)
    return Outcome("deleted")


def _reset_password(op: LifecycleOperation, entry: PlanEntry) -> Outcome:
    op.cognito.admin_reset_user_password(UserPoolId=op.pool_id, Username=entry.username)
    return Outcome("reset")


def _confirm(op: LifecycleOperation, entry: PlanEntry) -> Outcome:
    op.cognito.admin_confirm_sign_up(UserPoolId=op.pool_id, Username=entry.username)
    return Outcome("confirmed")


def _sign_out(op: LifecycleOperation, entry: PlanEntry) -> Outcome:
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUserGlobalSignOut.html
    op.cognito.admin_user_global_sign_out(UserPoolId=op.pool_id, Username=entry.username)
    return Outcome("signed-out")


def _set_attributes(op: LifecycleOperation, entry: PlanEntry) -> Outcome:
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUpdateUserAttributes.html
    attributes: Mapping[str, str] = entry.params.get("attributes") or {}
    op.cognito.admin_update_user_attributes(
        UserPoolId=op.pool_id,
        Username=entry.username,
        UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
    )
    return Outcome("updated")


def _reinvite(op: LifecycleOperation, entry: PlanEntry) -> Outcome:
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html
    op.cognito.admin_create_user(
        UserPoolId=op.pool_id,
        Username=entry.username,
        MessageAction="RESEND",
        DesiredDeliveryMediums=list(entry.params.get("delivery") or ["EMAIL"]),
    )
    return Outcome("reinvited")


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action("enable", "enabled", False, "Enable users.", _decide_enable, _enable,
               {"enabled": True}),
        Action("disable", "disabled", True, "Disable users (they can no longer sign in).",
               _decide_disable, _disable, {"enabled": False}),
        Action("delete", "deleted", True, "Delete users permanently.", _always("delete"),
               _delete, {"exists": False}),
        Action("reset-password", "reset", True,
               "Force a password reset (CONFIRMED users get a code by email/SMS).",
               _decide_reset, _reset_password, {"status": "RESET_REQUIRED"}),
        Action("confirm", "confirmed", False, "Confirm UNCONFIRMED users.", _decide_confirm,
               _confirm, {"status": "CONFIRMED"}),
        Action("sign-out", "signed-out", True, "Sign users out everywhere (revoke tokens).",
               _always("sign-out"), _sign_out),
        Action("set-attributes", "updated", True,
               "Set attributes (--attr NAME=VALUE, or the columns of --file).",
               _decide_attributes, _set_attributes),
        Action("reinvite", "reinvited", False,
               "Re-send the invitation (new temporary password) to FORCE_CHANGE_PASSWORD users.",
               _decide_reinvite, _reinvite),
    )
}  # fmt: skip


class LifecycleOperation(Operation):
    """A lifecycle action as a plannable operation."""

    def __init__(
        self,
        action: Action,
        cognito: Any,
        pool_id: str,
        disabled_at: DisabledAtRecord,
        *,
        count_skipped: bool = True,
    ) -> None:
        self.action = action
        self.cognito = cognito
        self.pool_id = pool_id
        self.disabled_at = disabled_at
        self.command = f"users {action.name}"
        self.done = action.done
        self.count_skipped = count_skipped

    @override
    def observer(self) -> Observer:
        return Observer(self.cognito, self.pool_id)

    @override
    def decide(self, candidate: Candidate, state: UserState, user: PoolUser | None) -> Decision:
        if user is None:
            if self.action.name == "delete":
                return NoChange("already absent")
            return NoChange(NOT_FOUND, not_found=True)
        return self.action.decide(candidate, user)

    @override
    def act(self, entry: PlanEntry, uncertain: bool) -> Outcome:
        try:
            return self.action.act(self, entry)
        except ClientError as error:
            if error_code(error) == "UserNotFoundException":
                return Outcome(
                    "failed",
                    f"UserNotFoundException: {error_message(error)}",
                    "UserNotFoundException",
                )
            raise

    @override
    def after(self, entry: PlanEntry) -> Mapping[str, Any]:
        if self.action.name == "set-attributes":
            return {"attributes": dict(entry.params.get("attributes") or {})}
        return self.action.after

    @override
    def complete_on_resume(self) -> bool:
        return self.action.name in {"disable", "enable"}  # idempotent; records the disable time

    @override
    def notes(self) -> list[str]:
        if self.action.name in {"disable", "enable"}:
            return [f"disable times are recorded in {self.disabled_at.where}"]
        return []


def _factory(action: Action) -> Callable[[OperationContext, Mapping[str, Any]], Operation]:
    def build(context: OperationContext, _options: Mapping[str, Any]) -> Operation:
        record = context.resources.enter_context(
            DisabledAtRecord(context.cognito, context.pool_id, context.schema)
        )
        return LifecycleOperation(action, context.cognito, context.pool_id, record)

    return build


for _action in ACTIONS.values():
    register(f"users {_action.name}")(_factory(_action))


@dataclass(frozen=True)
class Selection:
    """Which users: names, a file, a ListUsers filter, or group members (exactly one)."""

    usernames: tuple[str, ...] = ()
    source: Path | None = None
    input_format: str | None = None
    list_filter: str | None = None
    groups: tuple[str, ...] = ()

    def validate(self) -> None:
        given = sum(bool(x) for x in (self.usernames, self.source, self.list_filter, self.groups))
        if given != 1:
            raise UsageError(
                "choose the users with exactly one of: USERNAME..., --file FILE, --filter EXPR, "
                "--group NAME"
            )

    @property
    def named(self) -> bool:
        """Users named by the operator (their skips are counted, unknown names fail)."""
        return bool(self.usernames or self.source)

    def describe(self) -> str:
        if self.source is not None:
            return str(self.source)
        if self.list_filter:
            return f"filter {self.list_filter}"
        if self.groups:
            return "group " + ", ".join(self.groups)
        return ", ".join(self.usernames)


@dataclass(frozen=True)
class LifecycleOptions:
    action: str
    selection: Selection
    attributes: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False
    failed_rows: Path | None = None
    bulk: BulkSettings = field(default_factory=BulkSettings)
    plan: PlanRequest | None = None  # --plan FILE (or the CLI's choice of path)
    run: RunSettings = field(default_factory=RunSettings)


def parse_attribute_flags(values: list[str]) -> dict[str, str]:
    """``--attr NAME=VALUE`` flags into a mapping."""
    attributes: dict[str, str] = {}
    for value in values:
        name, sep, attribute_value = value.partition("=")
        if not sep or not name.strip():
            raise UsageError(
                f"--attr {value!r}: expected NAME=VALUE, e.g. --attr custom:tenant_id=acme"
            )
        attributes[name.strip()] = attribute_value
    return attributes


def run_lifecycle(
    clients: AwsClients, pool_id: str, options: LifecycleOptions, console: Console
) -> RunReport:
    action = ACTIONS[options.action]
    selection = options.selection
    selection.validate()
    cognito = clients.cognito()
    with aws_errors():
        schema = describe_pool(cognito, pool_id)
        check_groups_exist(cognito, pool_id, selection.groups)
    flag_attributes = _checked_flag_attributes(schema, options)
    candidates = _candidates(cognito, pool_id, schema, options, flag_attributes)
    settings = replace(options.run, bulk=options.bulk)
    with DisabledAtRecord(cognito, pool_id, schema) as record:
        operation = LifecycleOperation(
            action, cognito, pool_id, record, count_skipped=selection.named
        )
        request = options.plan or plan_request(
            operation.command,
            pool_id,
            dry_run=options.dry_run,
            concurrency=options.bulk.concurrency,
        )
        request = replace(request, selection=selection.describe())
        report = run_planned(clients, pool_id, operation, candidates, request, console, settings)
    source = selection.source
    if source is not None and not report.dry_run:
        reasons = {int(f.item): f.reason for f in report.tally.failures if f.item.isdigit()}
        target = options.failed_rows or default_failed_rows_path(source, action.name)
        file_format = detect_format(source, selection.input_format)
        if write_failed_rows(source, file_format, reasons, target):
            report.failed_rows_file = str(target)
    return report


def check_groups_exist(cognito: Any, pool_id: str, groups: tuple[str, ...]) -> None:
    if not groups:
        return
    known = set(list_group_names(cognito, pool_id))
    unknown = [g for g in groups if g not in known]
    if unknown:
        raise UsageError(
            f"--group {', '.join(unknown)}: no such group in {pool_id} "
            f"(groups: {', '.join(sorted(known)) or 'none'})"
        )


def _checked_flag_attributes(schema: PoolSchema, options: LifecycleOptions) -> dict[str, str]:
    if options.action != "set-attributes":
        if options.attributes:
            raise UsageError("--attr is only for set-attributes")
        return {}
    if not options.attributes and options.selection.source is None:
        raise UsageError(
            "set-attributes needs --attr NAME=VALUE (or a --file with attribute columns)"
        )
    if not options.attributes:
        return {}
    raw = RawRow(line=0, fields={"username": "-", **options.attributes})
    checked = RowValidator(schema, [], for_update=True).validate(raw)
    if not isinstance(checked, UserRow):
        raise UsageError("\n".join(f"--attr {p.column}: {p.reason}" for p in checked))
    return checked.attributes


def _candidates(
    cognito: Any,
    pool_id: str,
    schema: PoolSchema,
    options: LifecycleOptions,
    attributes: dict[str, str],
) -> Iterator[Candidate]:
    selection = options.selection
    params = {"attributes": attributes} if attributes else {}
    if selection.list_filter:
        for user in iter_users(cognito, pool_id, selection.list_filter):
            yield Candidate(user.username, user.username, user, params)
    elif selection.groups:
        seen: set[str] = set()
        for group in selection.groups:
            for user in group_members(cognito, pool_id, group):
                if user.username not in seen:
                    seen.add(user.username)
                    yield Candidate(user.username, user.username, user, params)
    elif selection.source is not None:
        yield from _file_candidates(
            selection, schema, options.action == "set-attributes", attributes
        )
    else:
        for username in dict.fromkeys(selection.usernames):
            yield Candidate(username, username, None, params)


def _file_candidates(
    selection: Selection, schema: PoolSchema, with_attributes: bool, attributes: dict[str, str]
) -> Iterator[Candidate]:
    """Validate the whole file first (nothing is planned if a row is bad), then stream it."""
    assert selection.source is not None
    source = selection.source
    file_format = detect_format(source, selection.input_format)
    problems = [
        problem.describe(str(source))
        for checked in _checked_rows(source, file_format, schema, with_attributes)
        if not isinstance(checked, UserRow)
        for problem in checked
    ]
    if problems:
        raise UsageError("\n".join([*problems[:50], "nothing was sent: fix the file and re-run"]))
    for checked in _checked_rows(source, file_format, schema, with_attributes):
        assert isinstance(checked, UserRow)
        row_attributes = {**attributes, **checked.attributes} if with_attributes else attributes
        params = {"attributes": row_attributes} if row_attributes else {}
        yield Candidate(str(checked.line), checked.username, None, params)


def _checked_rows(
    source: Path, file_format: str, schema: PoolSchema, with_attributes: bool
) -> Iterator[UserRow | list[RowProblem]]:
    validator = RowValidator(schema, [], for_update=True)
    for raw in read_rows(source, file_format):
        if with_attributes:
            raw.fields.pop("groups", None)  # set-attributes never changes memberships
        else:
            raw.fields = {"username": raw.fields.get("username", "")}
        yield validator.validate(raw)
