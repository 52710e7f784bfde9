"""The hosted UI / managed login domain: a Cognito prefix or a custom domain."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from settings.base import SettingsModel, problem
from settings.errors import ConfigProblem

_PREFIX = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_HOSTNAME = re.compile(r"(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_RESERVED_WORDS = ("aws", "amazon", "cognito")


class CustomDomain(SettingsModel):
    """A custom domain; its ACM certificate is created in us-east-1 (a CloudFront requirement)."""

    domain_name: str
    hosted_zone_id: str | None = None

    def cross_checks(self) -> Iterator[ConfigProblem]:
        if not _HOSTNAME.fullmatch(self.domain_name):
            yield problem(
                "domainName",
                self.domain_name,
                "is not a lower-case DNS name such as auth.example.com",
            )


class DomainSettings(SettingsModel):
    """Exactly one of ``prefix`` and ``customDomain``."""

    prefix: str | None = None
    custom_domain: CustomDomain | None = None
    managed_login_version: Literal[1, 2] = 2

    def cross_checks(self) -> Iterator[ConfigProblem]:
        if (self.prefix is None) == (self.custom_domain is None):
            yield problem("prefix", self.prefix, "set exactly one of prefix and customDomain")
        if self.prefix is not None:
            if not _PREFIX.fullmatch(self.prefix):
                yield problem(
                    "prefix",
                    self.prefix,
                    "must be 1-63 lower-case letters, digits or hyphens, not starting or ending with a hyphen",
                )
            elif any(word in self.prefix for word in _RESERVED_WORDS):
                yield problem(
                    "prefix", self.prefix, "must not contain aws, amazon or cognito (AWS rule)"
                )


def tier_problems(domain: DomainSettings, tier: str) -> Iterator[ConfigProblem]:
    """Managed login (version 2, with the branding editor) needs the Essentials or Plus plan;
    on Lite "the classic hosted UI is your only option".
    https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-managed-login.html
    https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-sign-in-feature-plans.html
    """
    if tier == "LITE" and domain.managed_login_version == 2:
        yield problem(
            ("domain", "managedLoginVersion"),
            2,
            "is managed login, which needs userPool.tier ESSENTIALS or PLUS; use 1 (classic hosted UI) on LITE",
        )
