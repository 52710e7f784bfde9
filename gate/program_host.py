"""The child process that runs the real Pulumi program under the SDK's mock runtime.

It plays the Python language host: project root as working directory, `PULUMI_CONFIG`-style config
with secret keys, the program run by `run_in_stack` (so the root `pulumi:pulumi:Stack` exists and
exports become its outputs), and a `RecordingMonitor` standing in for the engine. It reads one JSON
request on stdin and writes JSON lines on stdout: `{"registration": ...}` for each resource the
moment the program registers it (so the gate can have the pack judge it while the program goes
on, as the engine does), then one `{"result": ...}` with the stack's outputs or the program's
error. Whatever the program itself prints goes to stderr so it cannot corrupt them.

Run as `python -m gate.program_host` (see `gate.program_runner`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import runpy
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from gate.host_process import CONFIG_FILE_VARIABLE
from gate.short_lived import collect_less_often, exit_now

if TYPE_CHECKING:
    from gate.recording import Registration


def main(stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    """Imports the SDK, then reads the request, runs the program and writes its lines; 0 when
    the program completed. A host started early (`gate.host_process`) does its imports while the
    gate is still reading its options; if no request comes (stdin closes empty), it just ends."""
    collect_less_often()
    _import_runtime()
    text = stdin.read()
    if not text.strip():
        return 0
    request = json.loads(text)
    sys.stdout = sys.stderr  # the program's prints must not mix with the JSON lines

    def write(line: dict[str, Any]) -> None:
        stdout.write(json.dumps(line) + "\n")
        stdout.flush()

    result = run_program(request, lambda record: write({"registration": record}))
    write({"result": result})
    return 0 if "error" not in result else 3


def _import_runtime() -> None:
    """What every run needs before the program: the SDK, its mock runtime, the recorder; not
    the SDK parts the mock runtime never uses (`gate.deferred_imports`), nor the members of a
    provider's service packages that the program never reads (`gate.provider_packages`)."""
    from gate import provider_packages
    from gate.deferred_imports import defer, unused_by_program_host

    defer(unused_by_program_host())
    provider_packages.install()
    import pulumi.runtime.mocks
    import pulumi.runtime.stack  # noqa: F401

    import gate.fake_cloud
    import gate.recording  # noqa: F401


def run_program(
    request: dict[str, Any], on_registration: Callable[[Registration], None] | None = None
) -> dict[str, Any]:
    """Runs the program described by `request`, handing each registration record to
    `on_registration` as it is made; returns the stack's outputs or the program's error."""
    import pulumi
    from pulumi.runtime import mocks, settings
    from pulumi.runtime.config import set_all_config
    from pulumi.runtime.stack import run_in_stack

    from gate.fake_cloud import FakeCloud
    from gate.recording import GateMocks, RecordingMonitor

    preview = bool(request["preview"])
    cloud = FakeCloud(region=request.get("region") or "us-east-1")
    monitor = RecordingMonitor(GateMocks(cloud, preview), on_registration)
    settings.configure(
        mocks.MockSettings(  # type: ignore[no-untyped-call]
            monitor=monitor,
            monitor_features=set(monitor.GetDeploymentInfo(None).supportedFeatures),  # type: ignore[no-untyped-call]
            engine=mocks.MockEngine(None),
            project=request["project"],
            stack=request["stack"],
            dry_run=preview,
            organization=request.get("organization") or "organization",
            callbacks=None,
        )
    )
    os.environ["PULUMI_CONFIG"] = json.dumps(request["config"])
    if request.get("configFile"):
        # The program may name the file it was configured from in its errors; the Pulumi CLI
        # never tells it, the gate does (the file given with --config-file, or the stack's own).
        os.environ[CONFIG_FILE_VARIABLE] = str(request["configFile"])
    os.environ["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(request["secretKeys"])
    set_all_config(dict(request["config"]), list(request["secretKeys"]))

    program = Path(request["program"]).resolve()
    os.chdir(program.parent)
    sys.path.insert(0, str(program.parent))
    sys.argv = [str(program)]

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # The SDK sends each registration to the monitor through `run_in_executor`. One worker thread
    # keeps them in submission order (a deterministic record) and gives the mock monitor's
    # `_sync_await` a loop of its own: run on the loop's thread, it re-enters the program's loop
    # and nests one registration inside the next until the stack overflows (~70 resources).
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="monitor")
    loop.set_default_executor(executor)
    try:
        loop.run_until_complete(run_in_stack(lambda: _run_path(program)))
    except pulumi.RunError as error:
        return {"error": {"kind": "config", "message": str(error)}}
    except Exception as error:
        return {"error": _program_error(error, program.parent)}
    finally:
        executor.shutdown(wait=True)
    return {"stackOutputs": monitor.stack_outputs}


def _run_path(program: Path) -> None:
    """Runs the program as the language host does: as `__main__`, from its own folder."""
    runpy.run_path(str(program), run_name="__main__")


def _program_error(error: BaseException, project_root: Path) -> dict[str, Any]:
    """The exception and the innermost frame of the project's own code (not the SDK's)."""
    from gate.fake_cloud import UnansweredInvokeError

    frames = traceback.extract_tb(error.__traceback__)
    if isinstance(error, UnansweredInvokeError) and error.call_site:
        frames = traceback.StackSummary.from_list([*error.call_site, *frames])
    own = [frame for frame in frames if project_file(frame.filename, project_root)]
    where = own[-1] if own else (frames[-1] if frames else None)
    location = None
    if where is not None:
        path = project_file(where.filename, project_root) or where.filename
        location = f"{path}:{where.lineno} in {where.name}"
    message = (
        str(error)
        if isinstance(error, UnansweredInvokeError)
        else f"{type(error).__name__}: {error}"
    )
    return {
        "kind": "program",
        "message": message,
        "location": location,
        "traceback": "".join(traceback.format_exception(error)),
    }


def project_file(filename: str, project_root: Path) -> str | None:
    """The path relative to the project, for the project's own files (not a venv inside it)."""
    path = Path(filename).resolve()
    if not path.is_relative_to(project_root):
        return None
    relative = path.relative_to(project_root)
    if (
        relative.parts and relative.parts[0] in (".venv", "venv")
    ) or "site-packages" in relative.parts:
        return None
    return relative.as_posix()


if __name__ == "__main__":
    exit_now(main())
