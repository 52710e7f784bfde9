"""Prints how long the offline gate takes for dev, prod and a generated 200-tenant stack, next to
the floor (`python -c "import pulumi_aws"` in the same run) and to its parts (the program alone,
the policy pack's start-up alone), so a regression shows where it comes from.

A shared machine's speed drifts by a third within minutes, so each gate run is paired with a
floor run just before it, and the ratio shown is the median of those pairs' ratios: a ratio of
medians taken minutes apart moved from 3.1x to 4.2x between two benches of the same tree.

Goals (issue 4): prod under 3 s on a 2-core machine; 200 tenants under 10 s.
Run: `make bench` (or `.venv/bin/python bench/gate_timing.py [--runs N]`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
TENANTS = 200
GOALS = {"prod": 3.0, f"prod-{TENANTS}-tenants": 10.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median shown)")
    runs = parser.parse_args().runs
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    python = sys.executable
    print(
        f'gate timing on {os.cpu_count()} cores, median of {runs} runs; a gate\'s "x floor" is '
        "the median ratio to a floor run just before each of its runs\n"
    )

    def floor_run() -> float:
        return _run([python, "-c", "import pulumi_aws"], env)

    floor = _median(runs, floor_run)
    modules = _sdk_modules_of_prod()
    sdk_import = _sdk_import_command(modules)
    sdk_floor = _median(runs, lambda: _run([python, "-c", sdk_import], env))
    rows: list[tuple[str, float, str]] = [
        ("python -c pass", _median(runs, lambda: _run([python, "-c", "pass"], env)), ""),
        ('floor: python -c "import pulumi_aws"', floor, ""),
        (
            "SDK floor: the SDK modules prod loads",
            sdk_floor,
            f"{sdk_floor / floor:4.1f}x floor  (pulumi mocks + {len(modules)} pulumi_aws modules "
            f"of {', '.join(sorted({m.split('.')[1] for m in modules if m.count('.') > 1}))})",
        ),
        ("program alone (prod, preview)", _median(runs, _program_only), ""),
        ("policy pack start-up + GetAnalyzerInfo", _median(runs, _pack_startup), ""),
        _pack_judging_row(runs),
    ]
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        big = _tenant_stack(Path(scratch), TENANTS)
        cases = {
            "dev": ["--stack", "dev"],
            "prod": ["--stack", "prod"],
            f"prod-{TENANTS}-tenants": ["--stack", "prod", "--config-file", str(big)],
        }
        for name, args in cases.items():
            summary: dict[str, Any] = {}

            def gate(args: list[str] = args, summary: dict[str, Any] = summary) -> float:
                started = time.perf_counter()
                done = subprocess.run(
                    [python, "-m", "gate", "preview", *args, "--format", "json"],
                    cwd=REPO,
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                elapsed = time.perf_counter() - started
                if done.returncode == 2:
                    raise RuntimeError(done.stderr.strip())
                summary.update(json.loads(done.stdout)["summary"])
                return elapsed

            try:
                seconds, ratio = _paired(runs, gate, floor_run)
            except RuntimeError as error:
                print(f"gate {name}: cannot be evaluated: {error}")
                failures += 1
                continue
            goal = GOALS.get(name)
            verdict = (
                f"goal < {goal:.0f} s: {'met' if seconds < goal else 'MISSED'}" if goal else ""
            )
            note = (
                f"{summary['resources']:>4} resources  {ratio:4.1f}x floor  "
                f"{seconds / sdk_floor:4.1f}x SDK floor  {verdict}"
            )
            rows.append((f"gate {name}", seconds, note))
    width = max(len(label) for label, _, _ in rows)
    for label, seconds, note in rows:
        print(f"{label:<{width}}  {seconds:6.2f} s  {note}")
    return 1 if failures else 0


def _run(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def _median(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def _paired(
    runs: int, measure: Callable[[], float], reference: Callable[[], float]
) -> tuple[float, float]:
    """The median of `measure`, and the median ratio of each run of it to a `reference` run
    made just before it."""
    pairs = [(reference(), measure()) for _ in range(runs)]
    return (
        statistics.median(seconds for _, seconds in pairs),
        statistics.median(seconds / before for before, seconds in pairs),
    )


def _program_only() -> float:
    """The prod program in the program host, started exactly as the gate starts it."""
    from gate.program_runner import plan_of
    from gate.stack import find_project, load_stack

    config = load_stack(find_project(REPO), "prod")
    started = time.perf_counter()
    plan_of(config, "preview")
    return time.perf_counter() - started


LOADED_PROVIDER_MODULES = """
import io, json, sys
from gate import program_host
program_host.main(sys.stdin, io.StringIO())
print(json.dumps(sorted(
    name for name, module in sys.modules.items()
    if name.startswith("pulumi_aws.") and type(module).__name__ != "_LazyModule"
)), file=sys.__stdout__)
"""


def _sdk_modules_of_prod() -> list[str]:
    """The pulumi_aws modules whose code the prod program runs in the program host (which loads
    a service package's members one module at a time: `gate.provider_packages`): what any
    program declaring the same resources must load, so the floor under the gate."""
    from gate.program_runner import _program_request
    from gate.stack import find_project, load_stack

    request = _program_request(load_stack(find_project(REPO), "prod"), "preview")
    done = subprocess.run(
        [sys.executable, "-P", "-c", LOADED_PROVIDER_MODULES],
        input=json.dumps(request),
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
    )
    modules: list[str] = json.loads(done.stdout.splitlines()[-1])
    return modules


def _sdk_import_command(modules: list[str]) -> str:
    """Python that loads exactly those modules, as the program host loads them, with the SDK's
    mock runtime the program host runs on."""
    return (
        "import importlib\n"
        "from gate import provider_packages\n"
        "provider_packages.install()\n"
        "import pulumi.runtime.mocks, pulumi_aws\n"
        f"for name in {modules!r}: importlib.import_module(name)"
    )


def _pack_startup() -> float:
    from gate.analyzer import AnalyzerClient

    started = time.perf_counter()
    with AnalyzerClient.start(
        REPO / "policies", project="enterprise-identity", stack="prod"
    ) as client:
        client.info()
        return time.perf_counter() - started


def _pack_judging_row(runs: int) -> tuple[str, float, str]:
    """The pack alone judging prod's plan as the gate has it judged (`Remediate` then `Analyze`
    per resource, then `AnalyzeStack`), started and configured beforehand: its share of a run."""
    from gate.analysis import analyze_plan
    from gate.analyzer import AnalyzerClient
    from gate.policy_config import load_policy_config
    from gate.program_runner import plan_of
    from gate.stack import find_project, load_stack

    plan = plan_of(load_stack(find_project(REPO), "prod"), "preview")

    def judge() -> float:
        with AnalyzerClient.start(
            REPO / "policies", project="enterprise-identity", stack="prod"
        ) as client:
            client.configure(
                load_policy_config(REPO / "policies" / "config" / "prod.json", client.info())
            )
            started = time.perf_counter()
            analyze_plan(client, plan, plan.mode)
            return time.perf_counter() - started

    seconds = _median(runs, judge)
    return (
        "policy pack judging prod",
        seconds,
        f"{len(plan.resources):>4} resources  {seconds / len(plan.resources) * 1000:.1f} ms each",
    )


def _tenant_stack(folder: Path, count: int) -> Path:
    """prod's own settings with its tenant list grown to `count` (every 4th with SSO + client)."""
    document = yaml.safe_load((REPO / "Pulumi.prod.yaml").read_text(encoding="utf-8"))
    tenants = document["config"].setdefault("enterprise-identity:tenants", [])
    for index in range(len(tenants), count):
        tenant: dict[str, Any] = {"id": f"tenant{index:03d}", "displayName": f"Tenant {index}"}
        if index % 4 == 0:
            tenant["sso"] = {
                "type": "SAML",
                "name": f"t{index:03d}-saml",
                "metadataUrl": f"https://login.t{index:03d}.example/metadata.xml",
                "attributeMapping": {"email": "email"},
            }
            tenant["appClient"] = {
                "kind": "web",
                "callbackUrls": [f"https://t{index:03d}.example.com/oauth2/callback"],
            }
        tenants.append(tenant)
    path = folder / "Pulumi.prod.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


if __name__ == "__main__":
    raise SystemExit(main())
