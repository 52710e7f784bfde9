"""Both command lines behave the same way for people: `--version`, one-line usage errors, NO_COLOR.

Each test runs the real console entry point in a child process, as a person or a CI step does.
The colour test gives the gate a real terminal (a pseudo-terminal), since colour is only ever
written to one.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest

from cli_conventions import version
from gate.short_lived import exit_code
from tests.gate.conftest import FIXTURE_PACK, FIXTURE_PROJECT, run_python
from tests.repo import ROOT

ANSI_ESCAPE = "\x1b["
MODULES = {"identity-gate": "gate", "identity-ops": "identity_ops"}
"""Each command's `python -m` module (what its console script runs)."""


def _run(program: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_python(["-m", MODULES[program], *args], dict(os.environ))


@pytest.mark.parametrize("program", sorted(MODULES))
def test_version_prints_the_package_version(program: str) -> None:
    result = _run(program, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{program} {version()}"
    assert version() != "0+unknown"  # the editable install is what `make setup` makes


@pytest.mark.parametrize(
    ("program", "args", "expected"),
    [
        (
            "identity-gate",
            ["preview", "--bogus"],
            "error: identity-gate preview: No such option: --bogus",
        ),
        ("identity-gate", ["preview"], "error: identity-gate preview: Missing option '--stack'"),
        ("identity-gate", ["nosuch"], "error: identity-gate: No such command 'nosuch'"),
        (
            "identity-ops",
            ["users", "import", "--nope"],
            "error: identity-ops users import: No such option: --nope",
        ),
        ("identity-ops", ["nosuch"], "error: identity-ops: No such command 'nosuch'"),
    ],
)
def test_usage_errors_are_one_error_line_and_exit_2(
    program: str, args: list[str], expected: str
) -> None:
    result = _run(program, *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # no usage box, no traceback
    assert lines[0].startswith(expected)


def _gate_on_a_terminal(env: dict[str, str]) -> str:
    """The gate's table report on the fixture stack, written to a pseudo-terminal."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            MODULES["identity-gate"],
            "preview",
            "--stack",
            "ok",
            "--cwd",
            str(FIXTURE_PROJECT),
            "--policy-pack",
            str(FIXTURE_PACK),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=terminal,
        stderr=subprocess.DEVNULL,
    )
    os.close(terminal)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closes when the child exits
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=600)
    os.close(controller)
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_the_gate_colours_a_terminal_unless_no_color_is_set() -> None:
    coloured = _gate_on_a_terminal({"NO_COLOR": ""})  # set but empty: no-color.org says colour
    plain = _gate_on_a_terminal({"NO_COLOR": "1"})
    assert ANSI_ESCAPE in coloured
    assert "PASSED" in plain or "FAILED" in plain
    assert ANSI_ESCAPE not in plain


def test_the_ops_console_honours_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    from identity_ops.cli.common import make_consoles

    monkeypatch.setenv("NO_COLOR", "1")
    out, err = make_consoles()
    assert out.no_color
    assert err.no_color


def test_version_of_a_tree_that_was_never_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    def missing(_name: str) -> str:
        raise metadata.PackageNotFoundError(_name)

    monkeypatch.setattr(metadata, "version", missing)
    assert version() == "0+unknown"


@pytest.mark.parametrize(
    ("code", "status", "printed"),
    [(None, 0, ""), (0, 0, ""), (1, 1, ""), (2, 2, ""), ("error: broken", 1, "error: broken\n")],
)
def test_the_gate_ends_with_the_status_sys_exit_would_give(
    code: object, status: int, printed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`gate.launch` ends the process with `os._exit` (no teardown); the status it passes is the
    one `sys.exit(code)` would have ended with, a message included."""
    assert exit_code(SystemExit(code)) == status
    assert capsys.readouterr().err == printed
