"""Verify Cognito JWTs against the pool's JWKS (issuer, audience/client, token use, expiry).

The JWKS is fetched from an explicit URL, never derived from the token's ``iss``: against an
emulator the issuer still names the real AWS host. Default URL: the real
``https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json``, or
``<endpoint-url>/<pool>/.well-known/jwks.json`` when an endpoint URL is given.
The checks are the ones AWS lists (signature by a JWKS key, ``iss``, ``aud`` of ID tokens,
``client_id`` of access tokens, ``token_use``, ``exp``):
https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt


def issuer_for(region: str, pool_id: str) -> str:
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


def jwks_url_for(region: str, pool_id: str, endpoint_url: str | None) -> str:
    base = endpoint_url.rstrip("/") + f"/{pool_id}" if endpoint_url else issuer_for(region, pool_id)
    return f"{base}/.well-known/jwks.json"


@dataclass(frozen=True)
class TokenCheck:
    """The verified claims of one token, or why it failed."""

    kind: str  # id | access
    ok: bool
    detail: str
    lifetime_seconds: int | None = None
    claims: dict[str, Any] | None = None


def verify_token(
    token: str, kind: str, *, jwks: jwt.PyJWKClient, issuer: str, client_id: str, leeway: int = 60
) -> TokenCheck:
    """Signature (RS256 from the JWKS), ``iss``, ``exp``, ``token_use`` and ``aud``/``client_id``."""
    try:
        key = jwks.get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            issuer=issuer,
            audience=client_id if kind == "id" else None,
            leeway=leeway,
            options={"require": ["exp", "iat", "iss", "token_use"], "verify_aud": kind == "id"},
        )
    except (jwt.PyJWTError, jwt.PyJWKClientError) as error:
        return TokenCheck(kind, False, f"{type(error).__name__}: {error}")
    if claims.get("token_use") != kind:
        return TokenCheck(
            kind, False, f"token_use is {claims.get('token_use')!r}, expected {kind!r}"
        )
    if kind == "access" and claims.get("client_id") != client_id:
        return TokenCheck(
            kind, False, f"client_id is {claims.get('client_id')!r}, expected {client_id!r}"
        )
    lifetime = int(claims["exp"]) - int(claims["iat"])
    return TokenCheck(
        kind, True, "signature, issuer, audience, token_use and expiry verified", lifetime, claims
    )
