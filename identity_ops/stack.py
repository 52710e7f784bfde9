"""Find the user pool id (and other outputs) in a stack's saved ``pulumi stack output --json``.

Path convention: ``--stack NAME`` reads ``$IDENTITY_OPS_STACK_DIR/NAME.json`` (default directory
``stack-outputs`` under the current directory), written by
``pulumi stack output --json --stack NAME > stack-outputs/NAME.json``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from identity_ops.errors import UsageError

STACK_DIR_ENV = "IDENTITY_OPS_STACK_DIR"
DEFAULT_STACK_DIR = Path("stack-outputs")

#: Output keys that hold the pool id, in order of preference. ``userPoolId`` is the key the
#: Pulumi program exports (components/exports.py USER_POOL_ID).
POOL_ID_KEYS = ("userPoolId", "user_pool_id", "poolId")
#: Other outputs of the Pulumi program (components/exports.py) that identity-ops reads.
CLIENT_IDS_KEY = "clientIds"  # app client name -> client id
JWKS_URL_KEY = "jwksUrl"
ALARM_ARNS_KEY = "alarmArns"  # alarm name -> ARN


def stack_outputs_path(stack: str) -> Path:
    """Where the saved outputs of ``stack`` are expected."""
    directory = Path(os.environ.get(STACK_DIR_ENV) or DEFAULT_STACK_DIR)
    return directory / f"{stack}.json"


def load_stack_outputs(stack: str) -> dict[str, Any]:
    """Read and parse a stack's saved outputs, or explain how to produce them."""
    path = stack_outputs_path(stack)
    hint = f"save them with: pulumi stack output --json --stack {stack} > {path}"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"--stack {stack}: no saved outputs at {path}; {hint}") from None
    except OSError as error:
        raise UsageError(f"--stack {stack}: cannot read {path}: {error.strerror}") from None
    try:
        outputs = json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(
            f"--stack {stack}: {path} line {error.lineno} is not JSON ({error.msg}); {hint}"
        ) from None
    if not isinstance(outputs, dict):
        raise UsageError(f"--stack {stack}: {path} must hold a JSON object of outputs")
    return outputs


def pool_id_from_outputs(stack: str, outputs: dict[str, Any]) -> str:
    """The pool id among a stack's outputs."""
    for key in POOL_ID_KEYS:
        value = outputs.get(key)
        if isinstance(value, str) and value:
            return value
    keys = ", ".join(sorted(outputs)) or "none"
    raise UsageError(
        f"--stack {stack}: {stack_outputs_path(stack)} has no pool id under "
        f"{' / '.join(POOL_ID_KEYS)} (keys found: {keys})"
    )


def resolve_pool_id(pool_id: str | None, stack: str | None) -> str:
    """The pool id from ``--pool-id`` or ``--stack``; exactly one must be given."""
    if pool_id and stack:
        raise UsageError("give either --pool-id or --stack, not both")
    if pool_id:
        return pool_id
    if stack:
        return pool_id_from_outputs(stack, load_stack_outputs(stack))
    raise UsageError("which pool? give --pool-id POOL_ID or --stack NAME")


def stack_value(stack: str, outputs: dict[str, Any], path: str) -> Any:
    """The output at a dotted ``path`` (``clientIds.web``), or a readable error."""
    value: Any = outputs
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            raise UsageError(f"--stack {stack}: no output {path!r} in {stack_outputs_path(stack)}")
        value = value[part]
    return value


def alarm_names(outputs: dict[str, Any]) -> list[str]:
    """Alarm names from the ``alarmArns`` output (a map or a list of ARNs)."""
    arns = outputs.get(ALARM_ARNS_KEY) or []
    values = arns.values() if isinstance(arns, dict) else arns
    return sorted(str(arn).rsplit(":alarm:", 1)[-1] for arn in values if arn)
