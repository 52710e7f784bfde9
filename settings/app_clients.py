"""App clients by kind: ``web`` (confidential), ``spa`` and ``mobile`` (public), ``machine`` (M2M)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from settings.base import ClientName, SettingsModel, aws_range, problem
from settings.errors import ConfigProblem

ClientKind = Literal["web", "spa", "mobile", "machine"]
STANDARD_SCOPES = frozenset(
    {"openid", "email", "profile", "phone", "aws.cognito.signin.user.admin"}
)
_URL = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*)://(?P<host>[^/?#:]*)[^#*\s]*")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})


class TokenValidity(SettingsModel):
    """Token lifetimes: access and ID tokens 5 minutes to 1 day, refresh tokens 1 hour to 10 years."""

    access_token_minutes: Annotated[int, aws_range(5, 1440, "minutes")] = 15
    id_token_minutes: Annotated[int, aws_range(5, 1440, "minutes")] = 15
    refresh_token_hours: Annotated[int, aws_range(1, 87600, "hours")] = 12


class RefreshTokenRotation(SettingsModel):
    enabled: bool = True
    grace_period_seconds: Annotated[int, aws_range(0, 60, "seconds")] = 10


class AppClientSettings(SettingsModel):
    """One app client; the kind decides secret, OAuth flows and auth flows."""

    name: ClientName
    kind: ClientKind
    callback_urls: Annotated[tuple[str, ...], Field(max_length=100)] = ()
    logout_urls: Annotated[tuple[str, ...], Field(max_length=100)] = ()
    default_redirect_uri: str | None = None
    identity_providers: tuple[str, ...] = ("COGNITO",)
    scopes: tuple[str, ...] = ("openid", "email", "profile")
    read_attributes: tuple[str, ...] = ("email", "email_verified", "name")
    write_attributes: tuple[str, ...] = ("name",)
    tokens: TokenValidity = TokenValidity()
    auth_session_minutes: Annotated[int, aws_range(3, 15, "minutes")] = 3
    refresh_token_rotation: RefreshTokenRotation = RefreshTokenRotation()

    @property
    def confidential(self) -> bool:
        return self.kind in ("web", "machine")

    @property
    def uses_hosted_ui(self) -> bool:
        return self.kind != "machine" and bool(self.callback_urls)

    @property
    def resource_scopes(self) -> tuple[str, ...]:
        return tuple(scope for scope in self.scopes if scope not in STANDARD_SCOPES)

    def cross_checks(self) -> Iterator[ConfigProblem]:
        yield from self._url_rules()
        if self.kind == "machine":
            if (
                not self.scopes
                or not self.resource_scopes
                or len(self.resource_scopes) != len(self.scopes)
            ):
                yield problem(
                    "scopes",
                    list(self.scopes),
                    "of a machine client must be resource-server scopes only (identifier/scope), at least one",
                )
            if self.callback_urls or self.logout_urls:
                yield problem(
                    "callbackUrls",
                    list(self.callback_urls),
                    "are not used by machine clients (client credentials); remove them",
                )
        elif self.kind == "web" and not self.callback_urls:
            yield problem(
                "callbackUrls", [], "are required for a web client (authorization-code flow)"
            )
        elif self.callback_urls and "openid" not in self.scopes:
            yield problem(
                "scopes", list(self.scopes), "must include openid for the authorization-code flow"
            )
        if (
            self.default_redirect_uri is not None
            and self.default_redirect_uri not in self.callback_urls
        ):
            yield problem(
                "defaultRedirectUri", self.default_redirect_uri, "must be one of callbackUrls"
            )
        for forbidden in ("email_verified", "phone_number_verified"):
            if forbidden in self.write_attributes:
                yield problem(
                    "writeAttributes",
                    forbidden,
                    "must never be client-writable (users could verify their own contact)",
                )
        if not self.write_attributes:
            yield problem(
                "writeAttributes",
                [],
                "must list at least one attribute (an empty list lets the client write every standard attribute)",
            )

    def _url_rules(self) -> Iterator[ConfigProblem]:
        for key, urls in (("callbackUrls", self.callback_urls), ("logoutUrls", self.logout_urls)):
            for index, url in enumerate(urls):
                reason = url_problem(url, self.kind)
                if reason:
                    yield problem((key, index), url, reason)


def url_problem(url: str, kind: ClientKind) -> str | None:
    """Why a callback/logout URL is unsafe, or None. https only; mobile apps may use a custom scheme."""
    match = _URL.fullmatch(url)
    if match is None or "*" in url or "#" in url:
        return "is not an absolute URL without wildcards or fragments"
    scheme, host = match["scheme"], match["host"]
    if scheme == "https" and host:
        return None
    if scheme == "http":
        if host in _LOCAL_HOSTS:
            return "uses http://; use https://localhost (http callbacks are refused even for localhost)"
        return "uses http://; callback URLs must use https://"
    if kind == "mobile" and scheme not in {"https", "http", "javascript", "file", "data"}:
        return None
    return "must use https:// (mobile clients may also use a custom app scheme such as myapp://)"
