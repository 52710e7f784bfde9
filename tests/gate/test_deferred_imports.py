"""SDK parts no gate process uses are loaded only when read (`gate.deferred_imports`).

The mechanism is tested on small packages written for each test; the program host in its own
process, on the real prod program and on a program that does use the deferred parts. (The gate's
own process is tested in `test_real_stacks.py`: it runs the real pack, which mutation runs
cannot switch mutants on in.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from gate import deferred_imports
from gate.analyzer import AnalyzerClient, AnalyzerResource
from gate.pack_process import ENGINE_ADDRESS_PLACEHOLDER, PackProcess, StreamDrain, start_pack
from gate.program_runner import _program_request
from gate.stack import find_project, load_stack
from tests.program_host import run_program_host
from tests.repo import ROOT

from .conftest import run_python

NOT_TRACING = {k: v for k, v in os.environ.items() if k != "TRACEPARENT"}
TRACING = {**os.environ, "TRACEPARENT": "00-" + "1" * 32 + "-" + "2" * 16 + "-01"}


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A package `deferral_probe` (with a submodule `sub`) whose modules append their names to
    `deferral_probe_runs.RUNS` when their code runs; removed from `sys.modules` after the test."""
    root = tmp_path / "deferral_probe"
    root.mkdir()
    (tmp_path / "deferral_probe_runs.py").write_text("RUNS: list[str] = []\n", encoding="utf-8")
    (root / "__init__.py").write_text(
        "import time\nimport deferral_probe_runs\n"
        "time.sleep(0.05)  # long enough for two threads to meet here\n"
        "deferral_probe_runs.RUNS.append(__name__)\nVALUE = 42\n",
        encoding="utf-8",
    )
    (root / "sub.py").write_text(
        "import deferral_probe_runs\ndeferral_probe_runs.RUNS.append(__name__)\nVALUE = 7\n",
        encoding="utf-8",
    )
    (root / "broken.py").write_text("raise ValueError('broken on purpose')\n", encoding="utf-8")
    (root / "circular.py").write_text(
        "import sys\n"
        "try:  # reads itself while its code runs, as a circular import would\n"
        "    sys.modules[__name__].LATER\n"
        "except AttributeError:\n"
        "    SAW_ITSELF_PARTLY_RUN = True\n"
        "LATER = 1\n",
        encoding="utf-8",
    )
    (root / "inner").mkdir()
    for module in ("inner/__init__.py", "inner/leaf.py"):
        (root / module).write_text(
            "import deferral_probe_runs\ndeferral_probe_runs.RUNS.append(__name__)\nVALUE = 3\n",
            encoding="utf-8",
        )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "deferral_probe"
    for name in [n for n in sys.modules if n.startswith("deferral_probe")]:
        del sys.modules[name]


def _runs() -> list[str]:
    import deferral_probe_runs  # type: ignore[import-not-found]

    runs: list[str] = deferral_probe_runs.RUNS
    return runs


def test_a_deferred_module_runs_once_on_its_first_missing_attribute(package: str) -> None:
    assert deferred_imports.defer([package]) == [package]
    module = sys.modules[package]
    import deferral_probe  # type: ignore[import-not-found]

    assert deferral_probe is module
    assert _runs() == []  # imported, found, not run
    assert deferred_imports.is_deferred(package)
    from deferral_probe import VALUE

    assert VALUE == 42
    assert deferral_probe.VALUE == 42
    assert _runs() == ["deferral_probe"]  # once
    assert sys.modules[package] is module
    assert not deferred_imports.is_deferred(package)


def test_a_deferred_child_of_a_deferred_package_runs_on_its_own(package: str) -> None:
    """`from package import child` finds the child without running the package, as importing
    the child would have set it on the package; so for a grandchild of two deferred packages."""
    names = [package, f"{package}.sub", f"{package}.inner", f"{package}.inner.leaf"]
    assert deferred_imports.defer(names) == names
    from deferral_probe import sub
    from deferral_probe.inner import leaf  # type: ignore[import-not-found]

    assert _runs() == []
    assert sub.VALUE == 7
    assert leaf.VALUE == 3
    assert _runs() == ["deferral_probe.sub", "deferral_probe.inner.leaf"]
    assert sys.modules[package].VALUE == 42
    assert _runs() == ["deferral_probe.sub", "deferral_probe.inner.leaf", "deferral_probe"]


def test_deferring_a_child_does_not_run_its_parent(package: str) -> None:
    """The child's spec is found through the parent's path, not by importing the parent."""
    assert deferred_imports.defer([f"{package}.sub"]) == [f"{package}.sub"]
    assert _runs() == []
    assert package not in sys.modules


def test_modules_already_imported_or_missing_are_left_alone(package: str) -> None:
    """...and the others in the list are still deferred."""
    import deferral_probe

    left_alone = [
        package,  # imported already
        "deferral_probe_absent",
        f"{package}.absent",
        "deferral_probe_absent.child",  # of a missing package
        "deferral_probe_runs.child",  # of a module that is not a package
    ]
    assert deferred_imports.defer([*left_alone, f"{package}.sub"]) == [f"{package}.sub"]
    assert sys.modules[package] is deferral_probe
    assert not {"deferral_probe_absent", "deferral_probe_absent.child"} & set(sys.modules)
    assert _runs() == ["deferral_probe"]


def test_a_module_that_fails_fails_as_an_import_would(package: str) -> None:
    """Its error reaches the reader, and it is not left half-run in `sys.modules`."""
    deferred_imports.defer([f"{package}.broken"])
    module = sys.modules[f"{package}.broken"]
    with pytest.raises(ValueError, match="broken on purpose"):
        module.anything  # noqa: B018 (the read is the test)
    assert f"{package}.broken" not in sys.modules
    with pytest.raises(ValueError, match="broken on purpose"):
        import deferral_probe.broken  # type: ignore[import-not-found]  # noqa: F401


def test_threads_reading_at_once_run_the_module_once(package: str) -> None:
    deferred_imports.defer([package])
    module = sys.modules[package]
    seen: list[object] = []
    readers = [threading.Thread(target=lambda: seen.append(module.VALUE)) for _ in range(4)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(timeout=30)
    assert seen == [42] * 4
    assert _runs() == ["deferral_probe"]


def test_a_module_reading_itself_while_it_runs_sees_itself_partly_run(package: str) -> None:
    """As in a circular import: its code runs once, and its own missing names are missing."""
    deferred_imports.defer([f"{package}.circular"])
    module = sys.modules[f"{package}.circular"]
    assert module.LATER == 1
    assert module.SAW_ITSELF_PARTLY_RUN is True


def test_a_missing_attribute_is_still_an_attribute_error(package: str) -> None:
    deferred_imports.defer([package])
    with pytest.raises(AttributeError, match="has no attribute 'MISSING'"):
        sys.modules[package].MISSING  # noqa: B018
    assert _runs() == ["deferral_probe"]


# --- the gate's processes ------------------------------------------------------------------

HOST_THEN_REPORT = """
import io, json, sys
from gate import program_host
from gate.deferred_imports import is_deferred
names = json.loads(sys.argv[1])
out = io.StringIO()
code = program_host.main(sys.stdin, out)
print(json.dumps({"code": code, "lines": len(out.getvalue().splitlines()),
                  "deferred": [name for name in names if is_deferred(name)]}), file=sys.__stdout__)
"""


def _host_on_prod(environ: dict[str, str]) -> dict[str, object]:
    request = _program_request(load_stack(find_project(ROOT), "prod"), "preview")
    names = deferred_imports.unused_by_program_host(NOT_TRACING)
    done = run_python(
        ["-P", "-c", HOST_THEN_REPORT, json.dumps(names)], environ, json.dumps(request)
    )
    report: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return report


def test_the_prod_program_runs_without_any_deferred_sdk_part() -> None:
    """The whole prod program under the mock runtime never reads gRPC, the automation API,
    dynamic providers or tracing: the host's import saving is real, not undone later."""
    report = _host_on_prod(NOT_TRACING)
    assert report["code"] == 0
    assert report["lines"] == 69  # 68 registrations and the result
    assert report["deferred"] == [
        "pulumi.automation",
        "pulumi.dynamic",
        "pulumi.runtime._instrumentation",
        "grpc",
        "grpc.aio",
    ]


def test_with_tracing_asked_for_the_sdk_sets_tracing_up() -> None:
    """`TRACEPARENT` (set by the Pulumi CLI when it traces) keeps the SDK's tracing module."""
    assert deferred_imports.SDK_TRACING not in deferred_imports.unused_by_program_host(TRACING)
    assert deferred_imports.SDK_TRACING not in deferred_imports.unused_by_gate(TRACING)
    report = _host_on_prod(TRACING)
    assert report["code"] == 0
    assert report["deferred"] == ["pulumi.automation", "pulumi.dynamic", "grpc", "grpc.aio"]


def test_a_program_that_uses_deferred_parts_gets_them(tmp_path: Path) -> None:
    (tmp_path / "__main__.py").write_text(
        "import grpc\nimport pulumi\nimport pulumi.automation as auto\n"
        "from pulumi.dynamic import ResourceProvider\n\n"
        'pulumi.export("status", grpc.StatusCode.OK.name)\n'
        'pulumi.export("workspace", auto.LocalWorkspace.__name__)\n'
        'pulumi.export("provider", ResourceProvider.__name__)\n',
        encoding="utf-8",
    )
    result = run_program_host(tmp_path / "__main__.py", preview=True)
    assert result["stackOutputs"] == {
        "status": "OK",
        "workspace": "LocalWorkspace",
        "provider": "ResourceProvider",
    }


PROBE_PACK = """
import json, sys

import gate  # the pack's own module of that name, not the gate's
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

NAMES = json.loads(open("names.json", encoding="utf-8").read())


def probe(args, report_violation):
    report_violation(json.dumps({
        "deferred": [n for n in NAMES if type(sys.modules.get(n)).__name__ == "DeferredModule"],
        "path": sys.path,
        "argv": sys.argv,
        "gate": gate.OWN,
    }))


def use(args, report_violation):
    import pulumi.automation, pulumi.dynamic

    report_violation(f"{pulumi.automation.LocalWorkspace.__name__} "
                     f"{pulumi.dynamic.ResourceProvider.__name__}")


PolicyPack(name="probe", enforcement_level=EnforcementLevel.ADVISORY, policies=[
    ResourceValidationPolicy(name="a-probe", description="What the pack process has.",
                             validate=probe),
    ResourceValidationPolicy(name="b-use", description="Uses two deferred parts.", validate=use),
])
"""


def test_the_pack_runs_as_under_the_cli_with_what_no_pack_uses_deferred(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pack the gate starts (`gate.pack_entry`) judges with the automation API, dynamic
    providers, tracing and gRPC's asyncio API not run, in the same process as the CLI's
    `python -m pulumi.policy` gives it (`sys.path`, `sys.argv`, its own `gate` module, not the
    gate's); and a policy that uses deferred parts gets them."""
    monkeypatch.delenv("TRACEPARENT", raising=False)
    names = deferred_imports.unused_by_pack(NOT_TRACING)
    assert names == [
        "pulumi.automation",
        "pulumi.dynamic",
        "pulumi.runtime._instrumentation",
        "grpc.aio",
    ]
    (tmp_path / "names.json").write_text(json.dumps(names), encoding="utf-8")
    (tmp_path / "gate.py").write_text("OWN = 'the pack'\n", encoding="utf-8")
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: python\n", encoding="utf-8")
    (tmp_path / "__main__.py").write_text(PROBE_PACK, encoding="utf-8")
    under_cli = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", ENGINE_ADDRESS_PLACEHOLDER, "."],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert under_cli.stderr is not None
    cli_pack = PackProcess(tmp_path, under_cli, StreamDrain(under_cli.stderr))
    (cli_probe, _), (probe, use) = (_probe(pack) for pack in (cli_pack, start_pack(tmp_path)))
    assert cli_probe["deferred"] == []
    assert probe == {**cli_probe, "deferred": names}
    assert probe["gate"] == "the pack"
    assert use == "LocalWorkspace ResourceProvider"


def _probe(pack: PackProcess) -> tuple[dict[str, object], str]:
    """What the probe pack reports on its first resource, and what its second policy says."""
    resource = AnalyzerResource(
        urn="urn:pulumi:test::probe::aws:sns/topic:Topic::alarms",
        type="aws:sns/topic:Topic",
        name="alarms",
        properties={},
    )
    with AnalyzerClient.connect(pack) as client:
        probe, use = client.analyze(resource)
    report: dict[str, object] = json.loads(probe.message.partition("\n")[2])
    return report, use.message.partition("\n")[2]


def test_with_tracing_asked_for_the_pack_keeps_tracing() -> None:
    assert deferred_imports.SDK_TRACING not in deferred_imports.unused_by_pack(TRACING)
