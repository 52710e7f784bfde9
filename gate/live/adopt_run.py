"""`python -m gate adopt`: read one deployed user pool (read-only, the audit's reader and
inventory), write the stack file that declares it and the `pulumi import --file` document that
hands its resources to the program, and say what the user must supply or decide.

Order: read -> settings sections (`gate.live.adopt`) -> `Pulumi.<stack>.yaml` with `secure:`
placeholders -> validated through `settings/` exactly as the program loads it -> the program run
offline on it (up mode) -> logical names matched to the live resources -> import file
(`gate.live.import_file`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from gate.errors import GateError
from gate.live import inventory as types
from gate.live.adopt import SECRET_PLACEHOLDER, AdoptInputs, Adoption, adopt_settings
from gate.live.import_file import (
    Change,
    Matching,
    adoptable,
    changes,
    import_document,
    match_plan,
)
from gate.live.inventory import read_inventory
from gate.live.reader import LiveReader
from gate.plan import Plan
from gate.stack import StackConfig, find_project, load_stack

PROJECT_NAMESPACE: Final = "enterprise-identity"
SECTION_ORDER: Final = (
    "deployment",
    "userPool",
    "domain",
    "groups",
    "resourceServers",
    "identityProviders",
    "appClients",
    "identityPool",
)


class AdoptError(GateError):
    """Adopt cannot finish: a file it would overwrite, or a generated config that does not load."""


@dataclass(frozen=True)
class AdoptOptions:
    """Which pool to read, as which stack, and where to write."""

    region: str
    pool_id: str
    stack: str
    profile: str | None = None
    endpoint_url: str | None = None
    max_attempts: int = 5
    project_dir: Path = Path()
    out_config: Path | None = None
    """Default: `Pulumi.<stack>.yaml` in the project."""
    out_import: Path | None = None
    """Default: `import-<stack>.json` in the project."""
    name_prefix: str | None = None
    force: bool = False


@dataclass(frozen=True)
class AdoptResult:
    adoption: Adoption
    config_file: Path
    import_file: Path
    plan: Plan
    matching: Matching
    changes: tuple[Change, ...]
    document: dict[str, Any]
    not_read: tuple[str, ...]


def run_adopt(options: AdoptOptions) -> AdoptResult:
    """Reads the pool, writes both files, and returns what the report shows."""
    project = find_project(options.project_dir)
    config_file = options.out_config or project.root / f"Pulumi.{options.stack}.yaml"
    import_path = options.out_import or project.root / f"import-{options.stack}.json"
    for path, flag in ((config_file, "--out-config"), (import_path, "--out-import")):
        if path.exists() and not options.force:
            raise AdoptError(f"{path} exists; choose another file with {flag} or pass --force")
    reader = LiveReader(
        region=options.region,
        profile=options.profile,
        endpoint_url=options.endpoint_url,
        max_attempts=options.max_attempts,
    )
    inventory = read_inventory(reader, reader.account(), [options.pool_id])
    not_read = tuple(f"{n.api} ({n.resource}): {n.reason}" for n in reader.not_judged)
    if not inventory.has(f"{types.USER_POOL}::{options.pool_id}"):
        raise AdoptError(f"--pool-id {options.pool_id}: cannot read it ({'; '.join(not_read)})")
    adoption = adopt_settings(
        inventory,
        options.pool_id,
        AdoptInputs(options.stack, options.name_prefix, tuple(n.api for n in reader.not_judged)),
    )
    _write(config_file, render_config(adoption, options.stack))
    config = load_stack(project, options.stack, config_file)
    validate(config)
    plan = _plan(config)
    matching = match_plan(plan, adoptable(inventory, adoption.skipped))
    document = import_document(plan, matching.matches, options.pool_id)
    _write(import_path, json.dumps(document, indent=2) + "\n")
    return AdoptResult(
        adoption,
        config_file,
        import_path,
        plan,
        matching,
        tuple(changes(matching.matches)),
        document,
        not_read,
    )


def validate(config: StackConfig) -> None:
    """The generated file through `settings/`, as the program loads it; any problem is a bug or
    a combination adopt cannot express, named with the file's line."""
    from settings.errors import StackConfigError
    from settings.loader import config_source, load_stack_settings

    try:
        load_stack_settings(
            config.stack,
            config.values,
            config.secret_keys,
            config_source(config.stack, config.stack_file),
        )
    except StackConfigError as error:
        problems = "; ".join(error.problems)
        raise AdoptError(
            f"the generated {config.stack_file} does not load ({problems}); edit it and run "
            f"`python -m gate preview --stack {config.stack} --config-file {config.stack_file}`"
        ) from None


def _plan(config: StackConfig) -> Plan:
    """The program's up-mode plan of the generated stack (names, parents, inputs)."""
    from gate.program_runner import plan_of

    return plan_of(config, "up")


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise AdoptError(f"cannot write {path}: {error.strerror}") from None


# --- the stack file -------------------------------------------------------------------------


def render_config(adoption: Adoption, stack: str) -> str:
    """`Pulumi.<stack>.yaml`: the sections, then one `secure:` placeholder per secret to supply,
    each with the command that sets it; what to supply or review is repeated as comments."""
    header = [
        f"# Stack {stack!r}: adopted from user pool {adoption.pool_id} ({adoption.region}) by "
        "`python -m gate adopt`.",
        "# Import the resources with the import file before the first `pulumi up`.",
        *_comment_block(
            "Supply before `pulumi up`:",
            [_set_command(s.key, stack, s.what) for s in adoption.secrets],
        ),
        *_comment_block(
            "Not expressible in the settings:", [n.describe() for n in adoption.not_expressible]
        ),
        *_comment_block("Review (inferred, not read):", adoption.review),
    ]
    config: dict[str, Any] = {"aws:region": adoption.region}
    for name in SECTION_ORDER:
        if name in adoption.sections:
            config[f"{PROJECT_NAMESPACE}:{name}"] = adoption.sections[name]
    body = yaml.safe_dump(
        {"config": config}, sort_keys=False, default_flow_style=False, allow_unicode=True, width=100
    )
    secrets = [
        line
        for secret in adoption.secrets
        for line in (
            f"  # {_set_command(secret.key, stack, secret.what)}",
            f"  {PROJECT_NAMESPACE}:{secret.key}:",
            f"    secure: {SECRET_PLACEHOLDER}",
        )
    ]
    return "\n".join([*header, body.rstrip("\n"), *secrets]) + "\n"


def _comment_block(title: str, lines: list[str]) -> list[str]:
    if not lines:
        return []
    return [f"# {title}", *(f"#   - {line}" for line in lines)]


def _set_command(key: str, stack: str, what: str) -> str:
    return f"{PROJECT_NAMESPACE}:{key}: {what} (`pulumi config set --secret {key} <value> --stack {stack}`)"


# --- the report -----------------------------------------------------------------------------


def render_report(result: AdoptResult, stack: str) -> str:
    """What adopt wrote, what the user must supply, what it could not express, and the commands."""
    adoption = result.adoption
    entries = [e for e in result.document["resources"] if not e.get("component")]
    sections = [
        [
            f"Adopted user pool {adoption.pool_id} ({adoption.region}) as stack {stack}.",
            f"  config: {result.config_file}",
            f"  import: {result.import_file} ({len(entries)} resources)",
        ],
        _listed(
            "Supply before `pulumi up`",
            [_set_command(s.key, stack, s.what) for s in adoption.secrets],
        ),
        _listed(
            "Not expressible (live value kept in this list)",
            [n.describe() for n in adoption.not_expressible],
        ),
        _listed("Review", adoption.review),
        _listed("Not read", list(result.not_read)),
        _listed(
            "`pulumi up` after the import would change", [c.describe() for c in result.changes]
        ),
        _listed(
            "`pulumi up` would create (Cognito resources not deployed)",
            [f"{r.type} {r.name}" for r in result.matching.created],
        ),
        _listed(
            "Not matched to the program (left unmanaged)",
            [r.label for r in result.matching.unmatched_live],
        ),
        [
            "Next:",
            f"  pulumi stack init {stack}   # if the stack does not exist yet",
            *(
                f"  pulumi config set --secret {s.key} <value> --stack {stack}"
                for s in adoption.secrets
            ),
            f"  pulumi import --file {result.import_file} --stack {stack} --generate-code=false",
            f"  pulumi preview --stack {stack}   # expect no replacements",
        ],
    ]
    return "\n".join(line for section in sections for line in section) + "\n"


def _listed(title: str, lines: list[str]) -> list[str]:
    return [f"{title}:", *(f"  - {line}" for line in lines)] if lines else []
