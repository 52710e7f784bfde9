"""Federated identity providers (SAML, OIDC, Google, Facebook, Apple, Amazon) of the user pool.

Secret provider details (client secrets, Apple's private key, private SAML metadata) arrive as
Pulumi secret Outputs and keep the whole ``providerDetails`` map secret in state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.base import child, type_token
from settings.identity_providers import (
    AmazonProvider,
    AppleProvider,
    FacebookProvider,
    GoogleProvider,
    IdentityProviderSettings,
    OidcProvider,
    SamlProvider,
)

Details = dict[str, pulumi.Input[str]]


@dataclass(frozen=True)
class IdentityProvidersArgs:
    providers: tuple[IdentityProviderSettings, ...]
    user_pool_id: pulumi.Input[str]
    secrets: Mapping[str, pulumi.Output[str]] = field(default_factory=dict)
    protect: bool = True
    """Deleting a provider ends sign-in through it for every federated user it created; a
    replacement starts from a new provider.
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteIdentityProvider.html"""


def _flag(value: bool) -> str:
    return "true" if value else "false"


def provider_details(
    provider: IdentityProviderSettings, secrets: Mapping[str, pulumi.Output[str]]
) -> Details:
    """The ``providerDetails`` map Cognito expects for each provider type."""
    if isinstance(provider, SamlProvider):
        details: Details = {
            "IDPSignout": _flag(provider.sign_out),
            "IDPInit": _flag(provider.idp_initiated),
            "EncryptedResponses": _flag(provider.encrypted_responses),
        }
        if provider.metadata_url is not None:
            details["MetadataURL"] = provider.metadata_url
        if provider.metadata_file_key is not None:
            details["MetadataFile"] = secrets[provider.metadata_file_key]
        if provider.request_signing_algorithm is not None:
            details["RequestSigningAlgorithm"] = provider.request_signing_algorithm
        return details
    if isinstance(provider, AppleProvider):
        return {
            "client_id": provider.client_id,
            "team_id": provider.team_id,
            "key_id": provider.key_id,
            "private_key": secrets[provider.private_key_key],
            "authorize_scopes": " ".join(provider.scopes),
        }
    details = {
        "client_id": provider.client_id,
        "client_secret": secrets[provider.client_secret_key],
    }
    if isinstance(provider, OidcProvider):
        details |= {
            "oidc_issuer": provider.issuer,
            "attributes_request_method": provider.attributes_request_method,
            "authorize_scopes": " ".join(provider.scopes),
        }
    elif isinstance(provider, FacebookProvider):
        details["authorize_scopes"] = ",".join(provider.scopes)
        if provider.api_version is not None:
            details["api_version"] = provider.api_version
    elif isinstance(provider, GoogleProvider | AmazonProvider):
        details["authorize_scopes"] = " ".join(provider.scopes)
    return details


def _provider_type(provider: IdentityProviderSettings) -> str:
    return provider.type


class IdentityProviders(pulumi.ComponentResource):
    """One ``aws.cognito.IdentityProvider`` per configured (or tenant SSO) provider."""

    providers: dict[str, aws.cognito.IdentityProvider]
    provider_names: pulumi.Output[list[str]]

    def __init__(
        self, name: str, args: IdentityProvidersArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("IdentityProviders"), name, None, opts)
        self.providers = {}
        for provider in args.providers:
            details = provider_details(provider, args.secrets)
            secret = any(isinstance(value, pulumi.Output) for value in details.values())
            self.providers[provider.provider_name] = aws.cognito.IdentityProvider(
                f"{name}-{provider.provider_name}",
                user_pool_id=args.user_pool_id,
                provider_name=provider.provider_name,
                provider_type=_provider_type(provider),
                provider_details=pulumi.Output.secret(details) if secret else details,
                attribute_mapping=dict(provider.attribute_mapping),
                idp_identifiers=list(provider.identifiers) or None,
                opts=pulumi.ResourceOptions.merge(
                    child(self, protect=args.protect),
                    pulumi.ResourceOptions(
                        additional_secret_outputs=["providerDetails"] if secret else None
                    ),
                ),
            )
        self.provider_names = pulumi.Output.all(
            *(resource.provider_name for resource in self.providers.values())
        ).apply(list)
        self.register_outputs({"providerNames": self.provider_names})
