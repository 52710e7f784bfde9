"""Federated identity providers: SAML, OIDC and the social providers.

Secrets (client secrets, Apple private keys, private SAML metadata) are never in these models:
each provider names the top-level ``secure:`` config key that holds its secret.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from settings.base import HttpsUrl, ProviderName, SecretKeyName, SettingsModel, problem
from settings.errors import ConfigProblem

RESERVED_PROVIDER_NAMES = frozenset(
    {"COGNITO", "Cognito", "Google", "Facebook", "SignInWithApple", "LoginWithAmazon"}
)
Identifier = Annotated[str, Field(min_length=1, max_length=40)]


class ProviderBase(SettingsModel):
    attribute_mapping: dict[str, str] = Field(default_factory=lambda: {"email": "email"})
    identifiers: Annotated[tuple[Identifier, ...], Field(max_length=50)] = ()

    @property
    def provider_name(self) -> str:
        raise NotImplementedError

    def secret_keys(self) -> dict[str, str]:
        """Field alias -> name of the ``secure:`` config key it refers to."""
        return {}


class NamedProvider(ProviderBase):
    name: ProviderName

    @property
    def provider_name(self) -> str:
        return self.name

    def cross_checks(self) -> Iterator[ConfigProblem]:
        if self.name in RESERVED_PROVIDER_NAMES:
            yield problem(
                "name",
                self.name,
                f"is reserved; avoid {', '.join(sorted(RESERVED_PROVIDER_NAMES))}",
            )


class SamlProvider(NamedProvider):
    """SAML 2.0: metadata from an https URL, or a private metadata document in a secret."""

    type: Literal["SAML"]
    metadata_url: HttpsUrl | None = None
    metadata_file_key: SecretKeyName | None = None
    sign_out: bool = False
    idp_initiated: bool = False
    encrypted_responses: bool = False
    request_signing_algorithm: Literal["rsa-sha256"] | None = None

    def cross_checks(self) -> Iterator[ConfigProblem]:
        yield from super().cross_checks()
        if (self.metadata_url is None) == (self.metadata_file_key is None):
            yield problem(
                "metadataUrl",
                self.metadata_url,
                "set exactly one of metadataUrl and metadataFileKey",
            )

    def secret_keys(self) -> dict[str, str]:
        return {"metadataFileKey": self.metadata_file_key} if self.metadata_file_key else {}


class OidcProvider(NamedProvider):
    type: Literal["OIDC"]
    client_id: Annotated[str, Field(min_length=1)]
    client_secret_key: SecretKeyName
    issuer: HttpsUrl
    scopes: tuple[str, ...] = ("openid", "email", "profile")
    attributes_request_method: Literal["GET", "POST"] = "GET"

    def cross_checks(self) -> Iterator[ConfigProblem]:
        yield from super().cross_checks()
        if "openid" not in self.scopes:
            yield problem("scopes", list(self.scopes), "must include openid")

    def secret_keys(self) -> dict[str, str]:
        return {"clientSecretKey": self.client_secret_key}


class SocialProvider(ProviderBase):
    client_id: Annotated[str, Field(min_length=1)]

    @property
    def provider_name(self) -> str:
        return str(getattr(self, "type"))  # noqa: B009 - every subclass declares `type`


class GoogleProvider(SocialProvider):
    type: Literal["Google"]
    client_secret_key: SecretKeyName
    scopes: tuple[str, ...] = ("openid", "email", "profile")

    def secret_keys(self) -> dict[str, str]:
        return {"clientSecretKey": self.client_secret_key}


class FacebookProvider(SocialProvider):
    type: Literal["Facebook"]
    client_secret_key: SecretKeyName
    scopes: tuple[str, ...] = ("public_profile", "email")
    api_version: Annotated[str, Field(pattern=r"^v\d+\.\d+$")] | None = None

    def secret_keys(self) -> dict[str, str]:
        return {"clientSecretKey": self.client_secret_key}


class AppleProvider(SocialProvider):
    type: Literal["SignInWithApple"]
    team_id: Annotated[str, Field(pattern=r"^[A-Z0-9]{10}$")]
    key_id: Annotated[str, Field(pattern=r"^[A-Z0-9]{10}$")]
    private_key_key: SecretKeyName
    scopes: tuple[str, ...] = ("email", "name")

    def secret_keys(self) -> dict[str, str]:
        return {"privateKeyKey": self.private_key_key}


class AmazonProvider(SocialProvider):
    type: Literal["LoginWithAmazon"]
    client_secret_key: SecretKeyName
    scopes: tuple[str, ...] = ("profile",)

    def secret_keys(self) -> dict[str, str]:
        return {"clientSecretKey": self.client_secret_key}


IdentityProviderSettings = Annotated[
    SamlProvider
    | OidcProvider
    | GoogleProvider
    | FacebookProvider
    | AppleProvider
    | AmazonProvider,
    Field(discriminator="type"),
]
EnterpriseProviderSettings = Annotated[SamlProvider | OidcProvider, Field(discriminator="type")]
