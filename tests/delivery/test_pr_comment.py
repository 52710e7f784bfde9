"""The pull-request workflow's comment scripts, run with node as `actions/github-script` runs them:
each step's `script` inside an async function with `github`, `context` and a `require` that
resolves relative paths from the workspace, against a fake GitHub that records the calls.

A pull request must carry one gate comment and one cloud-preview comment per stack, updated on
every push, never one per push and never a person's comment overwritten.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.delivery.repo import jobs, steps_using, workflow
from tests.repo import ROOT

NODE = shutil.which("node")
GATE_MARKER = "<!-- enterprise-identity:policy-gate -->"
PREVIEW_MARKER = "<!-- enterprise-identity:cloud-preview:dev -->"
RUN = "https://github.com/acme/identity/actions/runs/42"

# What github-script hands a script, and a GitHub that keeps the PR's comments in memory.
HARNESS = """
const path = require('path');
const { createRequire } = require('module');
const workspace = process.cwd();
const state = JSON.parse(process.env.FAKE_STATE);
const calls = [];
const github = {
  paginate: async (method, params) => method(params),
  rest: { issues: {
    listComments: (params) => { calls.push(['list', params.issue_number]); return state.comments; },
    updateComment: async (params) => { calls.push(['update', params.comment_id, params.body]); },
    createComment: async (params) => { calls.push(['create', params.issue_number, params.body]); },
  } },
};
const context = {
  serverUrl: 'https://github.com', runId: 42, sha: 'abcdef1234567890',
  repo: { owner: 'acme', repo: 'identity' }, payload: { pull_request: { number: 7 } },
};
const workspaceRequire = createRequire(path.join(workspace, 'noop.js'));
const wrappedRequire = (id) => workspaceRequire(id.startsWith('.') ? path.resolve(workspace, id) : id);
(async (require) => {
SCRIPT
})(wrappedRequire).then(() => console.log(JSON.stringify(calls)));
"""


def _script(job: str, index: int = 0) -> str:
    step = steps_using(jobs(workflow("pull-request.yml"))[job], "actions/github-script")[index]
    script = step["with"]["script"]
    assert isinstance(script, str)
    return script


def _run(
    script: str, workspace: Path, comments: list[dict[str, Any]], env: dict[str, str]
) -> list[list[Any]]:
    """Runs `script` in `workspace` (the repository's `.github/scripts` copied in, as the job's
    sparse checkout has them); the calls it made to GitHub."""
    assert NODE is not None
    shutil.copytree(ROOT / ".github" / "scripts", workspace / ".github" / "scripts")
    done = subprocess.run(
        [NODE, "-e", HARNESS.replace("SCRIPT", script)],
        cwd=workspace,
        env={"FAKE_STATE": json.dumps({"comments": comments}), "PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    calls: list[list[Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    return calls


pytestmark = pytest.mark.skipif(NODE is None, reason="node runs the workflow's scripts")


def test_the_gate_comment_is_created_once_then_updated(tmp_path: Path) -> None:
    reports = tmp_path / "gate-report"
    reports.mkdir()
    (reports / "prod.md").write_text("#### prod: 2 mandatory violations\n", encoding="utf-8")
    (reports / "dev.md").write_text("#### dev: passed\n", encoding="utf-8")
    env = {"GATE_RESULT": "failure"}

    first_workspace = tmp_path / "first"
    shutil.copytree(reports, first_workspace / "gate-report")
    calls = _run(_script("comment"), first_workspace, [], env)
    assert calls[0] == ["list", 7]
    [(verb, issue, body)] = [tuple(call) for call in calls[1:]]
    assert (verb, issue) == ("create", 7)
    assert body.startswith(f"{GATE_MARKER}\n## Policy gate\n\n:x: at least one stack is blocked")
    assert f"([run]({RUN}), commit abcdef1)" in body
    # one collapsed section per stack, in name order, each with its report
    assert body.index("<summary><b>dev</b></summary>") < body.index(
        "<summary><b>prod</b></summary>"
    )
    assert "#### prod: 2 mandatory violations" in body
    assert "<details open>" not in body  # two stacks: both collapsed

    later = tmp_path / "later"
    shutil.copytree(reports, later / "gate-report")
    person = {"id": 1, "user": {"type": "User"}, "body": f"{GATE_MARKER} quoted by a person"}
    bot = {"id": 2, "user": {"type": "Bot"}, "body": body}
    calls = _run(_script("comment"), later, [person, bot], env)
    assert [call[:2] for call in calls[1:]] == [["update", 2]]


def test_a_gate_comment_without_reports_says_so_and_a_long_one_is_cut(tmp_path: Path) -> None:
    calls = _run(_script("comment"), tmp_path / "none", [], {"GATE_RESULT": "success"})
    body = calls[1][2]
    assert body.startswith(
        f"{GATE_MARKER}\n## Policy gate\n\n:white_check_mark: every stack passes"
    )
    assert body.endswith("\nNo report was produced: open the run for the log.\n")

    long = tmp_path / "long"
    (long / "gate-report").mkdir(parents=True)
    (long / "gate-report" / "prod.md").write_text("x" * 70_000, encoding="utf-8")
    body = _run(_script("comment"), long, [], {"GATE_RESULT": "failure"})[1][2]
    # GitHub refuses bodies over 65,536 characters
    assert len(body) < 65_536
    assert body.endswith(f"… truncated: the full reports are in the run's artifacts ({RUN}).\n")


def test_the_cloud_preview_comment_is_one_per_stack(tmp_path: Path) -> None:
    workspace = tmp_path / "preview"
    (workspace / "cloud-preview").mkdir(parents=True)
    (workspace / "cloud-preview" / "dev.md").write_text(
        "### `dev`: 3 to create\n", encoding="utf-8"
    )
    other_stack = {
        "id": 5,
        "user": {"type": "Bot"},
        "body": "<!-- enterprise-identity:cloud-preview:test -->",
    }
    calls = _run(_script("preview"), workspace, [other_stack], {"STACK": "dev"})
    [(verb, issue, body)] = [tuple(call) for call in calls[1:]]
    assert (verb, issue) == ("create", 7)
    assert body == (
        f"{PREVIEW_MARKER}\n## Cloud preview (dev)\n\nCommit abcdef1, [run]({RUN}).\n\n"
        "### `dev`: 3 to create\n"
    )

    stopped = tmp_path / "stopped"
    stopped.mkdir()
    mine = {"id": 9, "user": {"type": "Bot"}, "body": f"{PREVIEW_MARKER}\nold"}
    calls = _run(_script("preview"), stopped, [other_stack, mine], {"STACK": "dev"})
    [(verb, comment_id, body)] = [tuple(call) for call in calls[1:]]
    assert (verb, comment_id) == ("update", 9)
    assert body.endswith(
        "### `dev`: the preview job stopped before `pulumi preview` ran: open the run for the log.\n"
    )
