"""Fixtures: each stack's program run once per test session (per xdist worker), on its real file."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from tests.infra.harness import ProgramRun, run_program, stack_document, to_raw

STACKS = ("dev", "prod")


@pytest.fixture(scope="session")
def stack_runs() -> dict[str, ProgramRun]:
    """The real ``Pulumi.dev.yaml`` and ``Pulumi.prod.yaml`` programs, run under mocks."""
    runs = {}
    for stack in STACKS:
        raw, secret_keys = to_raw(stack_document(stack))
        runs[stack] = run_program(stack, raw, secret_keys)
    return runs


@pytest.fixture(params=STACKS)
def stack(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def run(stack: str, stack_runs: dict[str, ProgramRun]) -> ProgramRun:
    return stack_runs[stack]


@pytest.fixture
def run_variant() -> Callable[[str, Callable[[dict[str, Any]], None]], ProgramRun]:
    """Run the program on a copy of a real stack file changed by ``edit`` (a YAML-level edit)."""

    def build(stack: str, edit: Callable[[dict[str, Any]], None]) -> ProgramRun:
        document = copy.deepcopy(stack_document(stack))
        edit(document)
        raw, secret_keys = to_raw(document)
        return run_program(stack, raw, secret_keys)

    return build
