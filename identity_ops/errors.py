"""Errors that end a command with a readable message instead of a traceback.

Every failure a person can fix (a bad file, a bad row, a bad flag, an unknown pool) is raised as an
``OpsError`` subclass carrying its exit code; the CLI prints the message and exits with that code.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, documented in the README."""

    OK = 0
    ROWS_FAILED = 1  # the job ran, but some rows/users failed (see the report / failed-rows file)
    USAGE = 2  # bad flag, bad file, invalid rows: nothing was sent
    AWS = 3  # the service refused the job as a whole (unknown pool, access denied, unreachable)
    CHECK_FAILED = 4  # a health check or auth smoke test found a problem
    INTERRUPTED = 130  # Ctrl-C: the journal is saved, re-run the same command to resume


class OpsError(Exception):
    """A failure the user can fix; ``str(error)`` is the whole message shown to them."""

    exit_code: ExitCode = ExitCode.USAGE


class UsageError(OpsError):
    """Bad flags, bad files or bad rows: nothing was sent to AWS."""

    exit_code = ExitCode.USAGE


class AwsError(OpsError):
    """AWS (or the emulator) refused the job as a whole."""

    exit_code = ExitCode.AWS


class CheckFailedError(OpsError):
    """A check (health, smoke) ran and found a problem."""

    exit_code = ExitCode.CHECK_FAILED
