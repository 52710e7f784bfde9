"""``auth smoke``: sign a test user in through the real protocol and verify what comes back.

SRP (USER_SRP_AUTH, with SECRET_HASH when the app client has a secret), a TOTP answer from the
given secret (pyotp), then the ID and access tokens verified against the pool's JWKS, and their
lifetimes compared with the app client's configuration. Passwords, the client secret, the TOTP
secret and the tokens are registered as secrets and never printed.
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt
import pyotp
from botocore.exceptions import ClientError

from identity_ops.aws import AwsClients
from identity_ops.errors import UsageError
from identity_ops.executor import error_code, error_message
from identity_ops.redaction import remember
from identity_ops.srp import SrpClient, cognito_timestamp, secret_hash
from identity_ops.tokens import TokenCheck, issuer_for, jwks_url_for, verify_token

UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
DEFAULT_UNITS = {"AccessToken": "hours", "IdToken": "hours"}


@dataclass(frozen=True)
class SmokeOptions:
    client_id: str
    username: str
    password: str
    totp_secret: str | None = None
    client_secret: str | None = None
    jwks_url: str | None = None


@dataclass
class SmokeReport:
    pool_id: str
    client_id: str
    username: str
    checks: list[tuple[str, bool, str]] = field(default_factory=list)
    lifetimes: dict[str, dict[str, int | None]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(ok for _, ok, _ in self.checks)

    def check(self, name: str, ok: bool, detail: str) -> bool:
        self.checks.append((name, ok, detail))
        return ok

    def to_dict(self) -> dict[str, Any]:
        return {
            "pool_id": self.pool_id,
            "client_id": self.client_id,
            "username": self.username,
            "ok": self.ok,
            "checks": [{"check": n, "ok": ok, "detail": d} for n, ok, d in self.checks],
            "lifetimes_seconds": self.lifetimes,
        }


def check_totp_secret(secret: str, source: str) -> None:
    """Refuse a TOTP secret pyotp cannot use, before anything is sent.

    Cognito hands the secret out as ``SecretCode`` of AssociateSoftwareToken, a base32 string
    (letters A-Z and digits 2-7), at least 16 characters
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AssociateSoftwareToken.html);
    pyotp also requires at least 112 bits once decoded (NIST SP 800-63B).
    ``source`` names where the secret came from; the secret itself is never shown.
    """
    try:
        pyotp.TOTP(secret.replace(" ", ""))
    except binascii.Error:
        raise UsageError(
            f"{source}: not a base32 TOTP secret (letters A-Z and digits 2-7, as "
            "AssociateSoftwareToken returns it)"
        ) from None
    except ValueError as error:
        raise UsageError(f"{source}: not a usable TOTP secret ({error})") from None


def run_smoke(clients: AwsClients, pool_id: str, options: SmokeOptions) -> SmokeReport:
    remember(options.password, options.totp_secret, options.client_secret)
    if options.totp_secret:
        check_totp_secret(options.totp_secret, "the TOTP secret")
    cognito = clients.cognito()
    report = SmokeReport(pool_id, options.client_id, options.username)
    client = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=options.client_id)[
        "UserPoolClient"
    ]
    client_secret = options.client_secret or client.get("ClientSecret")
    remember(client_secret)
    try:
        tokens = _sign_in(cognito, pool_id, options, client_secret, report)
    except ClientError as error:
        report.check("sign-in", False, f"{error_code(error)}: {error_message(error)}")
        return report
    if tokens is None:
        return report
    remember(*(str(v) for k, v in tokens.items() if k.endswith("Token")))
    region = clients.region
    url = options.jwks_url or jwks_url_for(region, pool_id, clients.settings.effective_endpoint)
    jwks = jwt.PyJWKClient(url, cache_keys=True, timeout=10)
    issuer = issuer_for(region, pool_id)
    for kind, key in (("id", "IdToken"), ("access", "AccessToken")):
        result = verify_token(
            tokens[key], kind, jwks=jwks, issuer=issuer, client_id=options.client_id
        )
        report.check(f"{kind} token", result.ok, result.detail)
        _lifetime(report, client, kind, key, result)
    return report


def _sign_in(
    cognito: Any,
    pool_id: str,
    options: SmokeOptions,
    client_secret: str | None,
    report: SmokeReport,
) -> dict[str, Any] | None:
    srp = SrpClient(pool_id)
    parameters = {"USERNAME": options.username, "SRP_A": srp.srp_a}
    if client_secret:
        parameters["SECRET_HASH"] = secret_hash(options.username, options.client_id, client_secret)
    start = cognito.initiate_auth(
        AuthFlow="USER_SRP_AUTH", ClientId=options.client_id, AuthParameters=parameters
    )
    if start.get("ChallengeName") != "PASSWORD_VERIFIER":
        report.check(
            "sign-in (SRP)", False, f"expected PASSWORD_VERIFIER, got {start.get('ChallengeName')}"
        )
        return None
    challenge = start["ChallengeParameters"]
    # the proof is signed with USER_ID_FOR_SRP; the answer names the user as Cognito's USERNAME
    # (the real username even when the user signed in with an alias)
    user_id = challenge.get("USER_ID_FOR_SRP", options.username)
    username = challenge.get("USERNAME", user_id)
    timestamp = cognito_timestamp()
    responses = {
        "USERNAME": username,
        "TIMESTAMP": timestamp,
        "PASSWORD_CLAIM_SECRET_BLOCK": challenge["SECRET_BLOCK"],
        "PASSWORD_CLAIM_SIGNATURE": srp.signature(
            user_id,
            options.password,
            int(challenge["SRP_B"], 16),
            challenge["SALT"],
            challenge["SECRET_BLOCK"],
            timestamp,
        ),
    }
    if client_secret:
        responses["SECRET_HASH"] = secret_hash(username, options.client_id, client_secret)
    answer = cognito.respond_to_auth_challenge(
        ClientId=options.client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses
    )
    report.check(
        "sign-in (SRP)",
        True,
        "password verifier accepted" + (" with SECRET_HASH" if client_secret else ""),
    )
    return _answer_challenges(cognito, options, client_secret, username, answer, report)


def _answer_challenges(
    cognito: Any,
    options: SmokeOptions,
    client_secret: str | None,
    user_id: str,
    answer: dict[str, Any],
    report: SmokeReport,
) -> dict[str, Any] | None:
    challenge = answer.get("ChallengeName")
    if challenge is None:
        report.check("MFA", True, "not challenged (the pool or user does not require MFA)")
        return dict(answer["AuthenticationResult"])
    if challenge != "SOFTWARE_TOKEN_MFA":
        hint = {
            "NEW_PASSWORD_REQUIRED": "the smoke user must have a permanent password",
            "MFA_SETUP": "the smoke user has not enrolled a TOTP device",
            "SMS_MFA": "the smoke user must use TOTP, not SMS",
        }.get(str(challenge), "unsupported challenge")
        report.check("MFA", False, f"{challenge}: {hint}")
        return None
    if not options.totp_secret:
        report.check("MFA (TOTP)", False, "challenged for TOTP but no --totp-secret-env was given")
        return None
    responses = {
        "USERNAME": user_id,
        "SOFTWARE_TOKEN_MFA_CODE": pyotp.TOTP(options.totp_secret.replace(" ", "")).now(),
    }
    if client_secret:
        responses["SECRET_HASH"] = secret_hash(user_id, options.client_id, client_secret)
    final = cognito.respond_to_auth_challenge(
        ClientId=options.client_id,
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=answer["Session"],
        ChallengeResponses=responses,
    )
    if "AuthenticationResult" not in final:
        report.check("MFA (TOTP)", False, f"unexpected challenge {final.get('ChallengeName')}")
        return None
    report.check("MFA (TOTP)", True, "TOTP code accepted")
    return dict(final["AuthenticationResult"])


def _lifetime(
    report: SmokeReport, client: Mapping[str, Any], kind: str, key: str, result: TokenCheck
) -> None:
    units = (client.get("TokenValidityUnits") or {}).get(key, DEFAULT_UNITS[key])
    configured_value = client.get(f"{key.removesuffix('Token')}TokenValidity")
    configured = int(configured_value) * UNIT_SECONDS[units] if configured_value else 3600
    report.lifetimes[kind] = {"actual": result.lifetime_seconds, "configured": configured}
    if result.lifetime_seconds is not None:
        report.check(
            f"{kind} token lifetime",
            result.lifetime_seconds == configured,
            f"{result.lifetime_seconds}s issued, {configured}s configured on the app client",
        )
