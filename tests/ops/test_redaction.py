"""What reports and JSON output mask: secrets under secret-named keys, nothing else."""

from __future__ import annotations

from identity_ops.redaction import MASK, redact


def test_text_under_secret_named_keys_is_masked_at_any_depth() -> None:
    report = {
        "TemporaryPassword": "Xy7!temporary",
        "result": {"AuthenticationResult": {"AccessToken": "eyJraWQiOi", "ExpiresIn": 3600}},
        "clients": [{"name": "portal", "client_secret": "s3cr3t-value"}],
    }
    masked = redact(report)
    assert masked["TemporaryPassword"] == MASK
    assert masked["result"]["AuthenticationResult"] == {"AccessToken": MASK, "ExpiresIn": 3600}
    assert masked["clients"] == [{"name": "portal", "client_secret": MASK}]
    assert report["TemporaryPassword"] == "Xy7!temporary"  # a copy: the input is untouched


def test_counts_under_secret_sounding_status_names_are_kept() -> None:
    """`report analytics` counts users by status; FORCE_CHANGE_PASSWORD is a status, not a secret."""
    stats = {"by_status": {"CONFIRMED": 2, "FORCE_CHANGE_PASSWORD": 3}, "refresh_token_days": 30}
    assert redact(stats) == stats
