"""How a resource name is matched to a config label: whole words only."""

from __future__ import annotations

import pytest

from gate.locate import _contains_words


@pytest.mark.parametrize(
    ("name", "label", "expected"),
    [
        ("ei-prod-contoso-group", "contoso", True),
        ("contoso", "contoso", True),
        ("ei-prod-contosox", "contoso", False),
        ("xcontoso-group", "contoso", False),
        ("contoso2-contoso", "contoso", True),  # the second occurrence is the whole word
        ("ei-prod-t001-saml", "t001-saml", True),
        ("ei-prod-t001-samlx", "t001-saml", False),
        ("ei-prod-pool", "prod-pool", True),
        ("ei_prod.pool", "prod", True),
    ],
)
def test_a_label_matches_only_as_whole_words(name: str, label: str, expected: bool) -> None:
    assert _contains_words(name, label) is expected
