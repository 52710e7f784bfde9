"""Fixtures for the live audit: the identity-ops suite's moto server (one per session, reset per
test), boto3 clients on it, and a botocore hook that answers the APIs moto lacks the way AWS's
API reference documents them, and records every operation the audit sends."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders

import identity_ops.aws
from gate.live.run import AuditOptions, run_audit
from gate.result import GateResult
from tests.ops.conftest import REGION, aws_env, moto_server
from tests.repo import ROOT

__all__ = ["REGION", "aws_env", "moto_server"]

PROD_PROFILE = ROOT / "policies" / "config" / "prod.json"

Answer = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass
class Emulator:
    """Answers for operations moto does not implement, plus a record of what the audit sent.

    An answer returns the parsed response; one with an `Error` key is sent back as HTTP 400,
    which botocore raises as a ClientError, exactly as for a real AWS error response."""

    answers: dict[tuple[str, str], Answer] = field(default_factory=dict)
    sent: set[tuple[str, str]] = field(default_factory=set)

    def answer(self, service: str, operation: str, answer: Answer) -> None:
        self.answers[(service, operation)] = answer

    def deny(self, service: str, operation: str) -> None:
        action = f"{service}:{operation}"

        def denied(_: dict[str, Any]) -> dict[str, Any]:
            return {
                "Error": {
                    "Code": "AccessDeniedException",
                    "Message": f"User: arn:aws:iam::123456789012:user/auditor is not authorized "
                    f"to perform: {action}",
                }
            }

        self.answer(service, operation, denied)

    def install(self, client: Any) -> None:
        service = client.meta.service_model.service_name
        events = client.meta.events
        events.register(
            f"before-call.{client.meta.service_model.service_id.hyphenize()}", self._hook(service)
        )

    def _hook(self, service: str) -> Callable[..., Any]:
        def before_call(model: Any, params: dict[str, Any], **_: Any) -> Any:
            self.sent.add((service, model.name))
            answer = self.answers.get((service, model.name))
            if answer is None:
                return None
            body = params.get("body") or b"{}"
            parsed = answer(json.loads(body) if body else {})
            status = 400 if "Error" in parsed else 200
            parsed.setdefault("ResponseMetadata", {"HTTPStatusCode": status})
            return AWSResponse(params.get("url", ""), status, cast("HTTPHeaders", {}), None), parsed

        return before_call


@pytest.fixture
def emulator(aws_env: str, monkeypatch: pytest.MonkeyPatch) -> Emulator:  # noqa: ARG001 - env + reset
    """Every client the audit builds gets the emulator's hook after the project's own hooks."""
    emulator = Emulator()
    original = identity_ops.aws.install_hooks

    def install_hooks(client: Any, limiter: Any) -> None:
        original(client, limiter)
        emulator.install(client)

    monkeypatch.setattr(identity_ops.aws, "install_hooks", install_hooks)
    return emulator


@pytest.fixture
def aws(aws_env: str) -> Callable[[str], Any]:
    """`aws("cognito-idp")`: a boto3 client on the moto server."""
    # Any service by name: the typed overloads of boto3.client need a literal service name.
    return lambda service: boto3.client(
        cast(Any, service), region_name=REGION, endpoint_url=aws_env
    )


def audit(profile: Path = PROD_PROFILE, **options: Any) -> GateResult:
    """One audit run of the emulator's account, as `python -m gate audit` runs it."""
    return run_audit(
        AuditOptions(
            region=REGION,
            policy_pack_config=profile,
            project_dir=ROOT,
            max_attempts=1,
            **options,
        )
    )


def findings(result: GateResult) -> set[tuple[str, str]]:
    """(policy, URN) of every finding."""
    return {(f.policy_name, f.urn) for f in result.analysis.findings}


def live_urn(result: GateResult, type_: str, resource_id: str) -> str:
    return f"urn:pulumi:live::{result.plan.stack}::{type_}::{resource_id}"
