"""Several profiles: one target per account, each with its own URNs and verdicts; a second
profile for an account already read adds nothing. moto keeps accounts apart by the
`x-moto-account-id` header, which a botocore hook sets from the request's access key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest

from gate.live import inventory as types
from tests.audit.conftest import REGION, Emulator, audit, findings
from tests.audit.test_findings import answer_moto_gaps

ACCOUNTS = {"AKIDACCOUNTA": "111111111111", "AKIDACCOUNTB": "222222222222"}
PROFILES = {"team-a": "AKIDACCOUNTA", "team-b": "AKIDACCOUNTB", "team-a-admin": "AKIDACCOUNTA"}


def _route_by_access_key(request_signer: Any, request: Any, **_: Any) -> None:
    key = request_signer._credentials.access_key  # the emulator's account switch, test-only
    if key in ACCOUNTS:
        request.headers["x-moto-account-id"] = ACCOUNTS[key]


@pytest.fixture
def profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: Emulator) -> Emulator:
    """Three profiles for two accounts, and every client routed to its profile's account."""
    credentials = "".join(
        f"[{name}]\naws_access_key_id = {key}\naws_secret_access_key = secret\n"
        for name, key in PROFILES.items()
    )
    (tmp_path / "credentials").write_text(credentials, encoding="utf-8")
    (tmp_path / "config").write_text("", encoding="utf-8")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    original = emulator.install

    def install(client: Any) -> None:
        client.meta.events.register("before-sign", _route_by_access_key)
        original(client)

    monkeypatch.setattr(emulator, "install", install)
    return emulator


def _pool_in(profile: str, aws_env: str) -> str:
    client = boto3.Session(profile_name=profile).client(
        "cognito-idp", region_name=REGION, endpoint_url=aws_env
    )
    client.meta.events.register("before-sign", _route_by_access_key)
    return str(client.create_user_pool(PoolName=profile)["UserPool"]["Id"])


def test_each_account_is_audited_once(profiles: Emulator, aws_env: str) -> None:
    pool_a = _pool_in("team-a", aws_env)
    pool_b = _pool_in("team-b", aws_env)
    answer_moto_gaps(profiles)

    result = audit(profiles=("team-a", "team-b", "team-a-admin"))

    assert result.plan.stack == f"111111111111-{REGION}+222222222222-{REGION}"
    pools = {r.urn for r in result.plan.resources if r.type == types.USER_POOL}
    urn_a = f"urn:pulumi:live::111111111111-{REGION}::{types.USER_POOL}::{pool_a}"
    urn_b = f"urn:pulumi:live::222222222222-{REGION}::{types.USER_POOL}::{pool_b}"
    assert pools == {urn_a, urn_b}
    found = findings(result)
    assert ("cognito-user-pool-mfa-required", urn_a) in found
    assert ("cognito-user-pool-mfa-required", urn_b) in found


def test_each_profile_builds_one_session_for_its_check_and_its_reads(
    profiles: Emulator, aws_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pool_in("team-a", aws_env)
    answer_moto_gaps(profiles)
    built: list[str | None] = []
    session = boto3.Session

    def counting_session(*args: Any, **kwargs: Any) -> Any:
        built.append(kwargs.get("profile_name"))
        return session(*args, **kwargs)

    monkeypatch.setattr(boto3, "Session", counting_session)
    result = audit(profiles=("team-a", "team-b"))

    assert result.plan.stack == f"111111111111-{REGION}+222222222222-{REGION}"
    assert sorted(map(str, built)) == ["team-a", "team-b"]  # none built only to check a profile
