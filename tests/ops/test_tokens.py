"""Token verification against tokens this test signs, served as a real JWKS over HTTP.

moto signs every token with one key and always the same claims, so it cannot show that a token
with the wrong issuer, audience, client, use or key is refused. Here the test is the issuer: it
makes RSA keys, serves their public halves as a JWKS from a local HTTP server (as
``/.well-known/jwks.json`` is served for a user pool) and signs tokens with Cognito's claims.
The checks AWS asks for (signature from the pool's JWKS, ``iss``, ``aud`` of ID tokens and
``client_id`` of access tokens, ``token_use``, ``exp``):
https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from identity_ops.tokens import TokenCheck, issuer_for, verify_token

REGION = "eu-west-1"
POOL_ID = "eu-west-1_TeSt12345"
CLIENT_ID = "4fg8h1m2n3o4p5q6r7s8t9u0v1"
ISSUER = issuer_for(REGION, POOL_ID)


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: rsa.RSAPrivateKey

    def jwk(self) -> dict[str, Any]:
        public: dict[str, Any] = RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return {**public, "kid": self.kid, "alg": "RS256", "use": "sig"}


def _new_key(kid: str) -> SigningKey:
    return SigningKey(kid, rsa.generate_private_key(public_exponent=65537, key_size=2048))


POOL_KEY = _new_key("pool-key-1")
OTHER_KEY = _new_key("not-in-the-jwks")


@pytest.fixture(scope="module")
def jwks_url() -> Iterator[str]:
    """A local HTTP server answering the pool's JWKS (one key: ``POOL_KEY``)."""
    body = json.dumps({"keys": [POOL_KEY.jwk()]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != f"/{POOL_ID}/.well-known/jwks.json":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/{POOL_ID}/.well-known/jwks.json"
    finally:
        server.shutdown()
        server.server_close()


def _claims(kind: str, **overrides: Any) -> dict[str, Any]:
    """Claims shaped like Cognito's: ID tokens carry ``aud``, access tokens ``client_id``."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": "5b7e6c1a-0000-4000-8000-000000000001",
        "iss": ISSUER,
        "token_use": kind,
        "auth_time": now,
        "iat": now,
        "exp": now + 3600,
    }
    if kind == "id":
        claims.update({"aud": CLIENT_ID, "email": "alice@example.com"})
    else:
        claims.update({"client_id": CLIENT_ID, "scope": "aws.cognito.signin.user.admin"})
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def _sign(claims: dict[str, Any], key: SigningKey = POOL_KEY, kid: str | None = None) -> str:
    return jwt.encode(claims, key.private, algorithm="RS256", headers={"kid": kid or key.kid})


def _verify(url: str, token: str, kind: str) -> TokenCheck:
    return verify_token(token, kind, jwks=jwt.PyJWKClient(url), issuer=ISSUER, client_id=CLIENT_ID)


@pytest.mark.parametrize("kind", ["id", "access"])
def test_a_token_the_pool_signed_is_accepted_with_its_lifetime(jwks_url: str, kind: str) -> None:
    check = _verify(jwks_url, _sign(_claims(kind)), kind)
    assert check.ok, check.detail
    assert check.lifetime_seconds == 3600
    assert check.claims is not None
    assert check.claims["token_use"] == kind


def _expired(seconds_ago: int) -> dict[str, Any]:
    now = int(time.time())
    return {"iat": now - 3600 - seconds_ago, "exp": now - seconds_ago}


REFUSED = [
    ("id", _claims("id", iss=issuer_for("us-east-1", POOL_ID)), "Issuer"),
    ("access", _claims("access", iss=issuer_for(REGION, "eu-west-1_OtHeRpOoL")), "Issuer"),
    ("id", _claims("id", aud="some-other-client"), "Audience"),
    ("id", _claims("id", aud=None), "aud"),
    ("access", _claims("access", client_id="some-other-client"), "client_id is"),
    ("access", _claims("access", client_id=None), "client_id is None"),
    ("id", _claims("access", aud=CLIENT_ID), "token_use is 'access'"),
    ("access", _claims("id"), "token_use is 'id'"),
    ("id", _claims("id", token_use=None), "token_use"),
    ("id", _claims("id", **_expired(120)), "Expired"),
    ("access", _claims("access", **_expired(120)), "Expired"),
    ("access", _claims("access", exp=None), "exp"),
]


@pytest.mark.parametrize(
    ("kind", "claims", "reason"),
    REFUSED,
    ids=[
        "id-other-region-issuer",
        "access-other-pool-issuer",
        "id-other-audience",
        "id-no-audience",
        "access-other-client",
        "access-no-client",
        "access-token-as-id",
        "id-token-as-access",
        "no-token-use",
        "id-expired",
        "access-expired",
        "access-no-expiry",
    ],
)
def test_a_token_with_a_wrong_claim_is_refused_and_says_why(
    jwks_url: str, kind: str, claims: dict[str, Any], reason: str
) -> None:
    check = _verify(jwks_url, _sign(claims), kind)
    assert not check.ok
    assert reason in check.detail
    assert check.claims is None


def test_expiry_allows_the_leeway_and_no_more(jwks_url: str) -> None:
    # leeway 60 s (clock skew between the issuer and this machine): 30 s late passes, 120 s fails
    assert _verify(jwks_url, _sign(_claims("access", **_expired(30))), "access").ok
    assert not _verify(jwks_url, _sign(_claims("access", **_expired(120))), "access").ok


def test_a_token_signed_by_another_key_is_refused(jwks_url: str) -> None:
    forged_same_kid = _sign(_claims("id"), OTHER_KEY, kid=POOL_KEY.kid)
    check = _verify(jwks_url, forged_same_kid, "id")
    assert not check.ok
    assert "Signature" in check.detail

    unknown_kid = _sign(_claims("id"), OTHER_KEY)
    check = _verify(jwks_url, unknown_kid, "id")
    assert not check.ok
    assert OTHER_KEY.kid in check.detail


def test_a_token_not_signed_with_rs256_is_refused(jwks_url: str) -> None:
    unsigned = jwt.encode(_claims("id"), key="", algorithm="none", headers={"kid": POOL_KEY.kid})
    assert not _verify(jwks_url, unsigned, "id").ok
    symmetric = jwt.encode(
        _claims("id"),
        "a-shared-secret-of-32-bytes-long!",
        algorithm="HS256",
        headers={"kid": POOL_KEY.kid},
    )
    assert not _verify(jwks_url, symmetric, "id").ok
