"""``auth smoke``: SRP sign-in with SECRET_HASH, TOTP, JWKS verification; secrets stay hidden.

What moto can and cannot show (measured, see shared/research/ops-anchors.md):
- moto checks SECRET_HASH on the SRP path, issues PASSWORD_VERIFIER and SOFTWARE_TOKEN_MFA
  challenges and serves a JWKS that verifies its tokens: tested here end to end;
- moto accepts *any* password signature, so the SRP math is tested separately: against a
  server-side SRP verifier written in this file (``test_srp_signature_matches_a_server_side_verifier``,
  which shares the product's helpers) and against an independent client, pycognito's AWSSRP, in
  ``test_srp_oracle.py``;
- without MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP moto accepts any TOTP code, and with it moto uses
  a fixed 60-bit secret that pyotp refuses; so the TOTP test proves the challenge is answered with a
  pyotp code, not that moto checked it;
- moto always issues 3600-second tokens, so the lifetime check is tested with a client configured
  for one hour.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

import pyotp
import pytest

from identity_ops import srp
from tests.ops.conftest import invoke

PASSWORD = "Sm0ke-Test-Passw0rd!"


def _client_and_user(cognito: Any, pool_id: str, *, secret: bool = True) -> tuple[str, str | None]:
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="smoke",
        GenerateSecret=secret,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AccessTokenValidity=60,
        IdTokenValidity=60,
        TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes"},
    )["UserPoolClient"]
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username="smoke",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "smoke@example.com"}],
    )
    cognito.admin_set_user_password(
        UserPoolId=pool_id, Username="smoke", Password=PASSWORD, Permanent=True
    )
    return str(client["ClientId"]), client.get("ClientSecret")


def _smoke(pool_id: str, client_id: str, *extra: str) -> Any:
    return invoke(
        "auth",
        "smoke",
        "--pool-id",
        pool_id,
        "--client-id",
        client_id,
        "--username",
        "smoke",
        *extra,
    )


def test_smoke_signs_in_with_secret_hash_and_verifies_tokens(
    cognito: Any, pool_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client_id, client_secret = _client_and_user(cognito, pool_id)
    assert client_secret
    monkeypatch.setenv("SMOKE_PASSWORD", PASSWORD)
    result = _smoke(pool_id, client_id, "-o", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    checks = {c["check"]: c for c in report["checks"]}
    assert checks["sign-in (SRP)"]["detail"].endswith("with SECRET_HASH")
    assert checks["id token"]["ok"]
    assert checks["access token"]["ok"]
    assert report["lifetimes_seconds"]["access"] == {"actual": 3600, "configured": 3600}
    # no secret of any kind in the output
    assert PASSWORD not in result.output
    assert client_secret not in result.output
    assert "eyJ" not in result.output  # no JWT


def test_wrong_secret_hash_fails_clearly(
    cognito: Any, pool_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client_id, _ = _client_and_user(cognito, pool_id)
    monkeypatch.setenv("SMOKE_PASSWORD", PASSWORD)
    monkeypatch.setenv("WRONG_SECRET", "not-the-client-secret")
    result = _smoke(pool_id, client_id, "--client-secret-env", "WRONG_SECRET")
    assert result.exit_code == 4
    assert "NotAuthorizedException" in result.output
    assert "not-the-client-secret" not in result.output


def test_totp_challenge_is_answered(
    cognito: Any, pool_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client_id, _ = _client_and_user(cognito, pool_id, secret=False)
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="OPTIONAL",
    )
    token = cognito.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "smoke", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["AccessToken"]
    cognito.associate_software_token(AccessToken=token)
    cognito.verify_software_token(AccessToken=token, UserCode="123456")
    cognito.admin_set_user_mfa_preference(
        UserPoolId=pool_id,
        Username="smoke",
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    totp_secret = pyotp.random_base32()
    monkeypatch.setenv("SMOKE_PASSWORD", PASSWORD)
    monkeypatch.setenv("SMOKE_TOTP", totp_secret)
    missing = _smoke(pool_id, client_id)
    assert missing.exit_code == 4
    assert "no --totp-secret-env" in missing.output
    result = _smoke(pool_id, client_id, "--totp-secret-env", "SMOKE_TOTP", "-o", "json")
    assert result.exit_code == 0, result.output
    checks = {c["check"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["MFA (TOTP)"]["ok"]
    assert totp_secret not in result.output


def test_srp_signature_matches_a_server_side_verifier() -> None:
    """The server side of SRP-6a, written from the protocol, must accept our client's proof."""
    pool_id, user_id, password = "eu-west-1_AbCdEf123", "alice", "Correct-Horse-9"
    salt_hex = secrets.token_hex(16)
    pool_suffix = pool_id.split("_", 1)[1]
    x = int(
        srp.hex_hash(
            srp.pad_hex(salt_hex)
            + hashlib.sha256(f"{pool_suffix}{user_id}:{password}".encode()).hexdigest()
        ),
        16,
    )
    verifier = pow(srp.G, x, srp.N)
    b = secrets.randbits(1024)
    big_b = (srp.K * verifier + pow(srp.G, b, srp.N)) % srp.N
    client = srp.SrpClient(pool_id)
    secret_block = "c2VjcmV0LWJsb2Nr"
    timestamp = srp.cognito_timestamp()
    signature = client.signature(user_id, password, big_b, salt_hex, secret_block, timestamp)

    u = int(srp.hex_hash(srp.pad_hex(client.big_a) + srp.pad_hex(big_b)), 16)
    shared = pow(client.big_a * pow(verifier, u, srp.N), b, srp.N)
    key = srp.hkdf(bytes.fromhex(srp.pad_hex(shared)), bytes.fromhex(srp.pad_hex(u)))
    import base64
    import hmac

    message = (
        pool_suffix.encode()
        + user_id.encode()
        + base64.b64decode(secret_block)
        + timestamp.encode()
    )
    expected = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
    assert signature == expected
    wrong = client.signature(user_id, "wrong-password", big_b, salt_hex, secret_block, timestamp)
    assert wrong != expected


def test_secret_hash_and_timestamp_format() -> None:
    from datetime import UTC, datetime

    assert (
        srp.secret_hash("user", "client", "secret")
        == "wvW87lzZoI+qQCVGmWVBJLlucdJ65huAVP1z+0MgA6E="
    )
    assert (
        srp.cognito_timestamp(datetime(2026, 3, 5, 8, 4, 9, tzinfo=UTC))
        == "Thu Mar 5 08:04:09 UTC 2026"
    )
