"""When identity-ops disabled a user: the record ``users cleanup --disabled-for-days`` relies on.

Cognito keeps no "disabled at" time: a user (UserType / AdminGetUser) has ``Enabled``,
``UserStatus``, ``UserCreateDate`` and ``UserLastModifiedDate``, and the last one changes on any
admin update, so it cannot stand in.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserType.html
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminGetUser.html

So identity-ops records it itself whenever it disables a user, in one of two places:

- the custom attribute ``custom:disabled_at`` (ISO 8601), if the pool's schema has it and it is
  mutable: the record lives with the user, every operator and CI run sees it. Written with
  AdminUpdateUserAttributes, removed on enable with AdminDeleteUserAttributes;
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUpdateUserAttributes.html
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminDeleteUserAttributes.html
- otherwise a local SQLite ledger, ``<state dir>/disabled-at-<pool>.sqlite`` (state dir: beside
  the journals, ``.identity-ops/state``; ``IDENTITY_OPS_STATE_DIR`` overrides). It only knows the
  disables made from this machine/workspace: keep it with the journals (CI: as an artifact).

Users disabled by anything else have no record; clean-up leaves them alone and says so.

A record is a context manager: a run opens the ledger once (on first use, shared by the run's
worker threads under a lock) and closes it when the run ends.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from identity_ops.journal import journal_dir
from identity_ops.pool import PoolSchema
from identity_ops.userstream import PoolUser

DISABLED_AT_ATTRIBUTE = "custom:disabled_at"
STATE_DIR_ENV = "IDENTITY_OPS_STATE_DIR"


def state_dir() -> Path:
    explicit = os.environ.get(STATE_DIR_ENV)
    if explicit:
        return Path(explicit)
    return journal_dir().parent / "state"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class DisabledAtRecord:
    """Write, clear and read the disable time of users of one pool (attribute or ledger)."""

    def __init__(self, cognito: Any, pool_id: str, schema: PoolSchema) -> None:
        self.cognito = cognito
        self.pool_id = pool_id
        spec = schema.attributes.get(DISABLED_AT_ATTRIBUTE)
        self.uses_attribute = spec is not None and spec.mutable and not spec.developer_only
        self.ledger = state_dir() / f"disabled-at-{pool_id}.sqlite"
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def __enter__(self) -> DisabledAtRecord:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _error: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the ledger, if this run opened it."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    @property
    def where(self) -> str:
        if self.uses_attribute:
            return f"the pool attribute {DISABLED_AT_ATTRIBUTE}"
        return f"the local ledger {self.ledger} (the pool has no {DISABLED_AT_ATTRIBUTE} attribute)"

    def mark_disabled(self, username: str) -> None:
        if self.uses_attribute:
            self.cognito.admin_update_user_attributes(
                UserPoolId=self.pool_id,
                Username=username,
                UserAttributes=[{"Name": DISABLED_AT_ATTRIBUTE, "Value": _now()}],
            )
            return
        self._ledger_write("INSERT OR REPLACE INTO disabled VALUES (?, ?)", (username, _now()))

    def clear(self, username: str) -> None:
        if self.uses_attribute:
            self.cognito.admin_delete_user_attributes(
                UserPoolId=self.pool_id,
                Username=username,
                UserAttributeNames=[DISABLED_AT_ATTRIBUTE],
            )
            return
        if self._db is not None or self.ledger.exists():
            self._ledger_write("DELETE FROM disabled WHERE username = ?", (username,))

    def read(self, user: PoolUser) -> str:
        """ISO 8601 time of identity-ops' disable, or ``unknown``."""
        if self.uses_attribute:
            return user.attributes.get(DISABLED_AT_ATTRIBUTE) or "unknown"
        with self._lock:
            if self._db is None and not self.ledger.exists():
                return "unknown"  # reading never creates the ledger
            row = (
                self._connection()
                .execute("SELECT disabled_at FROM disabled WHERE username = ?", (user.username,))
                .fetchone()
            )
        return str(row[0]) if row else "unknown"

    def _ledger_write(self, sql: str, values: tuple[str, ...]) -> None:
        """One committed statement: a disable is on record before the next request is sent."""
        with self._lock:
            db = self._connection()
            with db:
                db.execute(sql, values)

    def _connection(self) -> sqlite3.Connection:
        """The run's one connection (opened on first use; callers hold the lock)."""
        if self._db is None:
            self.ledger.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(str(self.ledger), timeout=30, check_same_thread=False)
            db.execute(
                "CREATE TABLE IF NOT EXISTS disabled (username TEXT PRIMARY KEY, disabled_at TEXT)"
            )
            self._db = db
        return self._db
