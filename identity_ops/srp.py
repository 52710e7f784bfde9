"""The client side of Cognito's SRP-6a sign-in (USER_SRP_AUTH), so the password never leaves.

Cognito uses the 3072-bit group of RFC 5054 with g = 2, SHA-256, the key derived by HKDF with the
info string "Caldera Derived Key", and signs ``pool-suffix + user id + secret block + timestamp``.
The challenge answer (PASSWORD_CLAIM_SIGNATURE, PASSWORD_CLAIM_SECRET_BLOCK, TIMESTAMP):
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
AWS does not publish the math; tests/ops/test_srp_oracle.py checks it against pycognito's AWSSRP.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N = int(N_HEX, 16)
G = 2
INFO = b"Caldera Derived Key"


def pad_hex(value: int | str) -> str:
    """Hex of a positive number, padded so it never reads as negative (Cognito's convention)."""
    text = value if isinstance(value, str) else format(value, "x")
    if len(text) % 2:
        return "0" + text
    if text[0] in "89abcdefABCDEF":
        return "00" + text
    return text


def hex_hash(hex_text: str) -> str:
    return hashlib.sha256(bytes.fromhex(hex_text)).hexdigest()


K = int(hex_hash("00" + N_HEX + "0" + format(G, "x")), 16)


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    """SECRET_HASH for app clients that have a secret: Base64(HMAC-SHA256(secret, user + client))."""
    digest = hmac.new(
        client_secret.encode(), (username + client_id).encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def cognito_timestamp(now: datetime | None = None) -> str:
    """``Tue Nov 3 08:05:09 UTC 2026``: day of month without zero padding, as Cognito expects."""
    now = now or datetime.now(UTC)
    return f"{now:%a %b} {now.day} {now:%H:%M:%S} UTC {now:%Y}"


def hkdf(ikm: bytes, salt: bytes) -> bytes:
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, INFO + b"\x01", hashlib.sha256).digest()[:16]


@dataclass
class SrpClient:
    """One sign-in attempt: holds the ephemeral secret ``a``."""

    pool_id: str
    a: int = 0

    def __post_init__(self) -> None:
        while not self.a or self.big_a % N == 0:
            self.a = secrets.randbits(1024)

    @property
    def big_a(self) -> int:
        return pow(G, self.a, N)

    @property
    def srp_a(self) -> str:
        return format(self.big_a, "x")

    def password_key(self, user_id: str, password: str, big_b: int, salt_hex: str) -> bytes:
        if big_b % N == 0:
            raise ValueError("invalid SRP_B from the server")
        u = int(hex_hash(pad_hex(self.big_a) + pad_hex(big_b)), 16)
        if u == 0:
            raise ValueError("invalid SRP parameters (u = 0)")
        pool_suffix = self.pool_id.split("_", 1)[1]
        identity = hashlib.sha256(f"{pool_suffix}{user_id}:{password}".encode()).hexdigest()
        x = int(hex_hash(pad_hex(salt_hex) + identity), 16)
        base = (big_b - K * pow(G, x, N)) % N
        s = pow(base, self.a + u * x, N)
        return hkdf(bytes.fromhex(pad_hex(s)), bytes.fromhex(pad_hex(u)))

    def signature(
        self,
        user_id: str,
        password: str,
        big_b: int,
        salt_hex: str,
        secret_block: str,
        timestamp: str,
    ) -> str:
        """PASSWORD_CLAIM_SIGNATURE for the PASSWORD_VERIFIER challenge."""
        key = self.password_key(user_id, password, big_b, salt_hex)
        message = (
            self.pool_id.split("_", 1)[1].encode()
            + user_id.encode()
            + base64.b64decode(secret_block)
            + timestamp.encode()
        )
        return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
