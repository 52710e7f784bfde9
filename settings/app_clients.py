"""App clients by kind: ``web`` (confidential), ``spa`` and ``mobile`` (public), ``machine`` (M2M)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Annotated, Literal

from pydantic import Field

from settings.base import ClientName, SettingsModel, aws_range, problem
from settings.errors import ConfigProblem
from settings.identity_providers import ProviderBase

ClientKind = Literal["web", "spa", "mobile", "machine"]
STANDARD_SCOPES = frozenset(
    {"openid", "email", "profile", "phone", "aws.cognito.signin.user.admin"}
)
_URL = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*)://(?P<host>[^/?#:]*)[^#*\s]*")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})
NEVER_WRITABLE = ("email_verified", "phone_number_verified")  # users could verify any contact


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
    # Unset: what every kind writes ("name"), plus every attribute its identity providers map
    # (see with_mapped_write_attributes); set: exactly this list, which must cover the mappings.
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
            for key, urls in self._url_lists():
                if urls:
                    yield problem(
                        key,
                        list(urls),
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
        for forbidden in NEVER_WRITABLE:
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

    def _url_lists(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Each URL list with its stack key."""
        return (("callbackUrls", self.callback_urls), ("logoutUrls", self.logout_urls))

    def _url_rules(self) -> Iterator[ConfigProblem]:
        for key, urls in self._url_lists():
            for index, url in enumerate(urls):
                reason = url_problem(url, self.kind)
                if reason:
                    yield problem((key, index), url, reason)


def url_problem(url: str, kind: ClientKind) -> str | None:
    """Why a callback/logout URL is unsafe, or None. https only; mobile apps may use a custom scheme.

    CreateUserPoolClient CallbackURLs: an absolute URI without a fragment, HTTPS except
    http://localhost for testing (refused here too: secure by default); app callbacks such as
    myapp://example are allowed:
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html#CognitoUserPools-CreateUserPoolClient-request-CallbackURLs
    """
    match = _URL.fullmatch(url)
    if match is None or "*" in url or "#" in url:
        return "is not an absolute URL without wildcards or fragments"
    scheme, host = match["scheme"], match["host"]
    if scheme == "https":
        return None if host else "is not an absolute URL without wildcards or fragments"
    if scheme == "http":
        if host in _LOCAL_HOSTS:
            return "uses http://; use https://localhost (http callbacks are refused even for localhost)"
        return "uses http://; callback URLs must use https://"
    if kind == "mobile" and scheme not in {"https", "http", "javascript", "file", "data"}:
        return None
    return "must use https:// (mobile clients may also use a custom app scheme such as myapp://)"


# "If your app client allows users to sign in through an IdP, this array must include all
# attributes that you have mapped to IdP attributes. [...] If your app client does not have write
# access to a mapped attribute, Amazon Cognito throws an error when it tries to update the
# attribute." (UserPoolClientType, WriteAttributes)
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html
WRITE_ATTRIBUTES_PAGE = (
    "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/"
    "API_UserPoolClientType.html"
)


def mapped_attributes(
    client: AppClientSettings, providers: Mapping[str, ProviderBase]
) -> dict[str, tuple[str, ...]]:
    """Pool attribute -> the client's identity providers that map an IdP attribute to it."""
    mapped: dict[str, list[str]] = {}
    for name in client.identity_providers:
        provider = providers.get(name)
        if provider is not None:
            for attribute in provider.attribute_mapping:
                mapped.setdefault(attribute, []).append(name)
    return {attribute: tuple(names) for attribute, names in sorted(mapped.items())}


def with_mapped_write_attributes(
    client: AppClientSettings, providers: Mapping[str, ProviderBase]
) -> AppClientSettings:
    """The client as deployed: when ``writeAttributes`` is unset, the kind's default plus every
    attribute the client's identity providers map, so federated sign-in can update them."""
    if "write_attributes" in client.model_fields_set:
        return client
    needed = set(client.write_attributes) | set(mapped_attributes(client, providers))
    if needed == set(client.write_attributes):
        return client
    return client.model_copy(update={"write_attributes": tuple(sorted(needed))})


def write_attribute_problems(
    client: AppClientSettings, providers: Mapping[str, ProviderBase]
) -> Iterator[ConfigProblem]:
    """An explicit ``writeAttributes`` list must include every attribute its providers map; an
    unset one would include them, so a provider must not map a verified flag."""
    if "write_attributes" not in client.model_fields_set:
        yield from _mapped_verified_flags(client, providers)
        return
    for attribute, names in mapped_attributes(client, providers).items():
        if attribute in client.write_attributes:
            continue
        for name in names:
            yield problem(
                "writeAttributes",
                list(client.write_attributes),
                f"of app client {client.name} must include {attribute}, which identity provider "
                f"{name} maps; otherwise Cognito fails to update {attribute} when a user signs in "
                f"through {name} ({WRITE_ATTRIBUTES_PAGE}); add it or remove writeAttributes to "
                "get the mapped attributes by default",
            )


def _mapped_verified_flags(
    client: AppClientSettings, providers: Mapping[str, ProviderBase]
) -> Iterator[ConfigProblem]:
    mapped = mapped_attributes(client, providers)
    for attribute in NEVER_WRITABLE:
        for name in mapped.get(attribute, ()):
            yield problem(
                "identityProviders",
                name,
                f"maps {attribute}, so app client {client.name} would have to write it (mapped "
                f"attributes must be writable, {WRITE_ATTRIBUTES_PAGE}) and its users could mark "
                f"contacts they do not own as verified; remove {attribute} from {name}'s "
                "attributeMapping",
            )
