"""Errors a user can cause, each carrying the message the gate prints instead of a traceback.

Every one of them means "the stack cannot be evaluated" and maps to exit code 2; a policy
violation is not an error (it is a result) and never raises.
"""

from __future__ import annotations


class GateError(Exception):
    """The stack, its config, its program or the policy pack could not be evaluated."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StackNotFoundError(GateError):
    """No `Pulumi.<stack>.yaml` exists for the requested stack."""


class StackFileError(GateError):
    """A project or stack file is unreadable, is not valid YAML or has the wrong shape."""


class ProgramError(GateError):
    """The Pulumi program stopped: a config error it raised, or a bug in the program."""


class PolicyPackError(GateError):
    """The policy pack did not start, rejected its config or failed while analysing."""
