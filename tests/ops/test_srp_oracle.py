"""identity_ops.srp against an independent implementation of Cognito's SRP-6a: pycognito's AWSSRP.

moto accepts any PASSWORD_CLAIM_SIGNATURE, and a verifier written with the product's own helpers
shares their mistakes, so neither can catch a wrong multiplier ``k``, HKDF info string or padding
rule. pycognito (pinned, test-only) was written separately against real Cognito; on the same fixed
``a``, salt, ``B``, secret block and timestamp both must produce the same SRP_A and signature.
What the client sends in the PASSWORD_VERIFIER challenge (PASSWORD_CLAIM_SIGNATURE,
PASSWORD_CLAIM_SECRET_BLOCK, TIMESTAMP):
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
"""

from __future__ import annotations

import base64
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from pycognito.aws_srp import AWSSRP  # type: ignore[import-untyped]
from pycognito.aws_srp import pad_hex as aws_pad_hex

from identity_ops import srp


@dataclass(frozen=True)
class SrpCase:
    """Fixed inputs of one sign-in: what the client holds and what the server sent."""

    pool_id: str
    user_id: str
    password: str
    a: int
    salt_hex: str
    big_b: int
    secret_block: str


def _case(seed: int, pool_id: str, user_id: str, password: str, salt_hex: str) -> SrpCase:
    rng = random.Random(seed)
    secret_block = base64.b64encode(rng.randbytes(64)).decode()
    return SrpCase(
        pool_id,
        user_id,
        password,
        a=rng.getrandbits(1024),
        salt_hex=salt_hex,
        big_b=rng.randrange(2, srp.N),
        secret_block=secret_block,
    )


CASES = [
    _case(1, "eu-west-1_AbCdEf123", "alice", "Correct-Horse-9", "3c1f0e5d7a9b2c4e6f8a0b1c2d3e4f50"),
    # a salt whose first nibble is >= 8: padded with "00" so it does not read as negative
    _case(2, "us-east-1_Zz9Yy8Xx7", "7f3a-uuid-like-id", "pässwörd ünïcode", "ff00aa11bb22cc33"),
    # an odd number of hex digits: padded with one "0"
    _case(3, "ap-southeast-2_Q1w2E3r4T", "bob@example.com", "x", "abc"),
    _case(4, "eu-central-1_000000000", "carol", "Spaces in it 1!", "0123456789"),
]


def _independent(case: SrpCase) -> AWSSRP:
    """pycognito's client with the same ephemeral secret ``a`` (it never calls AWS here)."""
    oracle = AWSSRP(
        username=case.user_id,
        password=case.password,
        pool_id=case.pool_id,
        client_id="test-client",
        client=object(),
    )
    oracle.small_a_value = case.a
    oracle.large_a_value = oracle.calculate_a()
    return oracle


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.pool_id)
def test_srp_a_and_signature_match_an_independent_implementation(case: SrpCase) -> None:
    oracle = _independent(case)
    answer = oracle.process_challenge(
        {
            "USER_ID_FOR_SRP": case.user_id,
            "SALT": case.salt_hex,
            "SRP_B": format(case.big_b, "x"),
            "SECRET_BLOCK": case.secret_block,
        },
        {"USERNAME": case.user_id},
    )
    client = srp.SrpClient(case.pool_id, a=case.a)

    assert client.srp_a == oracle.get_auth_params()["SRP_A"]
    signature = client.signature(
        case.user_id,
        case.password,
        case.big_b,
        case.salt_hex,
        case.secret_block,
        answer["TIMESTAMP"],
    )
    assert signature == answer["PASSWORD_CLAIM_SIGNATURE"]


def test_a_wrong_password_gives_a_different_signature() -> None:
    case = CASES[0]
    client = srp.SrpClient(case.pool_id, a=case.a)
    timestamp = "Thu Mar 5 08:04:09 UTC 2026"
    args = (case.big_b, case.salt_hex, case.secret_block, timestamp)
    right = client.signature(case.user_id, case.password, *args)
    assert client.signature(case.user_id, case.password + "!", *args) != right


def test_secret_hash_matches_the_independent_implementation() -> None:
    for username, client_id, secret in [
        ("alice", "3n4b5urk1ft4fl3mg5e62d9ado", "s3cr3t"),
        ("bob@example.com", "client", "ünïcode-secret"),
    ]:
        assert srp.secret_hash(username, client_id, secret) == AWSSRP.get_secret_hash(
            username, client_id, secret
        )


def test_timestamps_match_the_independent_implementation_every_day_of_a_year() -> None:
    start = datetime(2026, 1, 1, 0, 0, 5, tzinfo=UTC)
    for day in range(366):
        moment = start + timedelta(days=day, hours=day % 24, minutes=day % 60)
        assert srp.cognito_timestamp(moment) == AWSSRP.get_cognito_formatted_timestamp(moment)


def test_padding_matches_the_independent_implementation() -> None:
    rng = random.Random(5)
    values = [
        1,
        0x7F,
        0x80,
        0xFF,
        0x100,
        0x8000,
        srp.N - 1,
        *(rng.getrandbits(3072) for _ in range(50)),
    ]
    for value in values:
        assert srp.pad_hex(value) == aws_pad_hex(value), hex(value)
        assert srp.pad_hex(format(value, "x")) == aws_pad_hex(format(value, "x")), hex(value)


@pytest.mark.parametrize("big_b", [0, srp.N, 2 * srp.N], ids=["zero", "N", "2N"])
def test_a_server_value_b_that_is_zero_modulo_n_is_refused(big_b: int) -> None:
    """SRP-6a's safety check: with B % N == 0 the shared key no longer depends on the password."""
    case = CASES[0]
    client = srp.SrpClient(case.pool_id, a=case.a)
    with pytest.raises(ValueError, match="invalid SRP_B"):
        client.signature(
            case.user_id, case.password, big_b, case.salt_hex, case.secret_block, "now"
        )


def test_each_sign_in_draws_a_fresh_nonzero_secret() -> None:
    first, second = srp.SrpClient("eu-west-1_AbCdEf123"), srp.SrpClient("eu-west-1_AbCdEf123")
    assert first.a != 0
    assert first.a != second.a
    assert 1 < first.big_a < srp.N
    assert first.srp_a != second.srp_a


def test_the_timestamp_is_in_utc_whatever_the_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: never the same hour as UTC
    time.tzset()
    try:
        before = srp.cognito_timestamp(datetime.now(UTC))
        stamp = srp.cognito_timestamp()
        after = srp.cognito_timestamp(datetime.now(UTC))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert stamp in {before, after}
