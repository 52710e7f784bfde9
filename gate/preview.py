"""One gate run, end to end: load the stack, start the program (once per phase) and the policy
pack side by side, configure the pack from the stack's policy config, judge each resource as the
program registers it, and return the `GateResult` the reports format."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gate.cores import share_cores
from gate.errors import PolicyPackError
from gate.pack_process import PackProcess, PackStack, PackStartError, start_pack
from gate.program_runner import ProgramRun, start_program
from gate.stack import StackConfig, find_project, load_stack

if TYPE_CHECKING:
    from gate.result import GateResult

MODES = ("preview", "up")
PACK_STARTUP_TIMEOUT_SECONDS = 300.0  # generous: a loaded CI runner can be very slow to import


@dataclass(frozen=True)
class GateOptions:
    """What to evaluate and against which pack and policy config."""

    stack: str
    mode: str = "preview"
    project_dir: Path = Path()
    config_file: Path | None = None
    policy_pack: Path | None = None
    policy_pack_config: Path | None = None
    verbose: bool = False
    report_formats: tuple[str, ...] = ()
    """The formats the caller will render the result in; their writers load during the run."""


def run_gate(options: GateOptions) -> GateResult:
    """Evaluates the stack; raises a `GateError` when it cannot be evaluated."""
    started = time.perf_counter()
    project = find_project(options.project_dir)
    config = load_stack(project, options.stack, options.config_file)
    pack_dir = (options.policy_pack or project.root / "policies").resolve()
    if not (pack_dir / "PulumiPolicy.yaml").is_file():
        raise PolicyPackError(f"no policy pack in {pack_dir} (PulumiPolicy.yaml is missing)")
    policy_config_file = options.policy_pack_config or _default_policy_config(
        pack_dir, options.stack
    )
    phases = ["preview"] if options.mode == "preview" else ["preview", "up"]
    runs = [start_program(config, phase) for phase in phases]
    if len(runs) > 1:  # two programs at once need both cores (`gate.cores`)
        share_cores(run.process.pid for run in runs)
    pack = start_pack(
        pack_dir,
        stack=PackStack(
            project.name, options.stack, dry_run=options.mode == "preview", config=config.values
        ),
    )
    try:
        _wait_until_serving(pack)
        return _evaluate(options, config, runs, pack, policy_config_file, started)
    finally:
        pack.stop(wait=False)  # stopped already unless the run failed before connecting to it
        _stop(runs)


def _wait_until_serving(pack: PackProcess) -> None:
    """Waits, without using the CPU, until the pack serves: while the program host and the pack
    both import the SDK, the gate's own imports would take CPU from the program."""
    try:
        pack.port(PACK_STARTUP_TIMEOUT_SECONDS)
    except PackStartError as error:
        raise PolicyPackError(f"the policy pack in {pack.pack_dir} failed: {error}") from None


def _evaluate(
    options: GateOptions,
    config: StackConfig,
    runs: list[ProgramRun],
    pack: PackProcess,
    policy_config_file: Path | None,
    started: float,
) -> GateResult:
    """Connects to the pack, judges each run's resources as they come, and gathers the result."""
    # Imported only now, once the pack serves: they load the SDK's protocol, gRPC and jsonschema
    # (~0.15 s of CPU), while the program is busy on one core and the other is free.
    from gate.analysis import (
        Finding,
        PhaseAnalysis,
        analyze_plan,
        judge_resources,
        merge_phases,
    )
    from gate.analyzer import AnalyzerClient, AnalyzerError
    from gate.api_check import check_as_they_come, with_api_model_findings
    from gate.locate import locate_resources
    from gate.policy_config import PolicyConfigError, load_policy_config, reconcile_policy_config
    from gate.result import GateResult

    try:
        # The pack is killed once it has answered, not waited for (`PackProcess.stop`).
        with AnalyzerClient.connect(
            pack, startup_timeout=PACK_STARTUP_TIMEOUT_SECONDS, wait_for_exit=False
        ) as client:
            info = client.info()
            try:
                policy_config = (
                    load_policy_config(policy_config_file, info)
                    if policy_config_file
                    else reconcile_policy_config({}, info)
                )
            except PolicyConfigError as error:
                raise PolicyPackError(f"invalid policy config: {error}") from None
            client.configure(policy_config)
            _prepare_while_the_program_runs(options.report_formats)
            analyses: list[PhaseAnalysis] = []
            plans = []
            for run in runs:
                # Both checks run on each resource as the program registers it (the pack on the
                # other core), so little is left to do once the program ends.
                checked: dict[str, list[Finding]] = {}
                judged = judge_resources(
                    client, check_as_they_come(run.resources(), run.mode, checked), run.mode
                )
                plan = run.plan(options.verbose)
                plans.append(plan)
                analysis = analyze_plan(client, plan, plan.mode, judged)
                analyses.append(with_api_model_findings(analysis, plan, checked))
    except AnalyzerError as error:
        raise PolicyPackError(f"the policy pack in {pack.pack_dir} failed: {error}") from None
    analysis = analyses[0] if len(analyses) == 1 else merge_phases(analyses[0], analyses[1])
    plan = plans[-1]
    return GateResult(
        stack_config=config,
        plan=plan,
        analysis=analysis,
        info=info,
        policy_config_file=policy_config_file,
        elapsed_seconds=time.perf_counter() - started,
        locations=locate_resources(plan, config),
    )


def _prepare_while_the_program_runs(report_formats: tuple[str, ...]) -> None:
    """Reads the API models and imports the report writers on a daemon thread. Until its first
    registration the program keeps one core busy and the other is idle (the pack serves, the
    gate waits), so this work costs the run nothing there, where it would otherwise wait for
    the first resource's check and for the report at the end."""
    from gate.api_check import load_api_models
    from gate.reports import load_writers

    def prepare() -> None:
        # Only a head start: the run loads whatever this did not, and reports what fails there.
        with contextlib.suppress(Exception):
            load_api_models()
            load_writers(report_formats)

    threading.Thread(target=prepare, name="prepare", daemon=True).start()


def _default_policy_config(pack_dir: Path, stack: str) -> Path | None:
    """`policies/config/<stack>.json` when the pack ships one for the stack."""
    candidate = pack_dir / "config" / f"{stack}.json"
    return candidate if candidate.is_file() else None


def _stop(runs: list[ProgramRun]) -> None:
    """Ends program runs still going (after an error elsewhere); they are our own children."""
    for run in runs:
        run.stop()
