"""App clients by kind, with explicit token lifetimes, attributes and flows.

``web``: confidential, secret, authorization-code flow. ``spa``/``mobile``: public, no secret,
SRP and refresh only (code flow with PKCE when they have callbacks). ``machine``: secret,
client-credentials flow with resource-server scopes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import child, type_token
from settings.app_clients import AppClientSettings


@dataclass(frozen=True)
class AppClientsArgs:
    clients: tuple[AppClientSettings, ...]
    user_pool_id: pulumi.Input[str]
    identity_providers: Mapping[str, pulumi.Resource] = field(default_factory=dict)
    """Provider name -> resource; a client that lists a provider depends on it."""
    resource_servers: tuple[pulumi.Resource, ...] = ()
    threat_protection: bool = False
    protect: bool = True
    """Replacing a client changes its id (and secret): Cognito generates both when it creates a
    client, so every app using it must be reconfigured.
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html"""


def _auth_flows(client: AppClientSettings) -> list[str]:
    """SRP only; never password flows. Refresh-token rotation is incompatible with
    ``ALLOW_REFRESH_TOKEN_AUTH`` (apps renew with GetTokensFromRefreshToken instead)."""
    if client.kind == "machine":
        return ["ALLOW_REFRESH_TOKEN_AUTH"]  # never used: client credentials issue no refresh token
    if client.refresh_token_rotation.enabled:
        return ["ALLOW_USER_SRP_AUTH"]
    return ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def client_inputs(client: AppClientSettings, threat_protection: bool) -> dict[str, Any]:
    """The ``aws.cognito.UserPoolClient`` inputs for one client (secure, explicit everywhere)."""
    tokens = client.tokens
    inputs: dict[str, Any] = {
        "name": client.name,
        "generate_secret": client.confidential,
        "explicit_auth_flows": _auth_flows(client),
        "prevent_user_existence_errors": "ENABLED",
        "enable_token_revocation": True,
        "access_token_validity": tokens.access_token_minutes,
        "id_token_validity": tokens.id_token_minutes,
        "refresh_token_validity": tokens.refresh_token_hours,
        "token_validity_units": {
            "access_token": "minutes",
            "id_token": "minutes",
            "refresh_token": "hours",
        },
        "auth_session_validity": client.auth_session_minutes,
        "read_attributes": sorted(client.read_attributes),
        "write_attributes": sorted(client.write_attributes),
        "supported_identity_providers": list(client.identity_providers),
        "enable_propagate_additional_user_context_data": client.kind == "web" and threat_protection,
    }
    if client.kind == "machine":
        inputs |= {
            "allowed_oauth_flows_user_pool_client": True,
            "allowed_oauth_flows": ["client_credentials"],
            "allowed_oauth_scopes": list(client.scopes),
            "supported_identity_providers": None,
        }
    elif client.uses_hosted_ui:
        inputs |= {
            "allowed_oauth_flows_user_pool_client": True,
            "allowed_oauth_flows": ["code"],
            "allowed_oauth_scopes": list(client.scopes),
            "callback_urls": list(client.callback_urls),
            "logout_urls": list(client.logout_urls) or None,
            "default_redirect_uri": client.default_redirect_uri,
        }
    else:
        inputs["allowed_oauth_flows_user_pool_client"] = False
    if client.kind != "machine":
        rotation = client.refresh_token_rotation
        inputs["refresh_token_rotation"] = {
            "feature": "ENABLED" if rotation.enabled else "DISABLED",
            "retry_grace_period_seconds": rotation.grace_period_seconds
            if rotation.enabled
            else None,
        }
    return inputs


class AppClients(pulumi.ComponentResource):
    """Every app client of the pool (configured ones and tenants'), keyed by name."""

    clients: dict[str, aws.cognito.UserPoolClient]
    client_ids: pulumi.Output[dict[str, str]]
    client_secrets: pulumi.Output[dict[str, str]]
    """Secrets of confidential clients only; always a Pulumi secret."""

    def __init__(
        self, name: str, args: AppClientsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("AppClients"), name, None, opts)
        self.clients = {}
        for client in args.clients:
            providers = [
                args.identity_providers[p]
                for p in client.identity_providers
                if p in args.identity_providers
            ]
            depends_on = providers + (list(args.resource_servers) if client.resource_scopes else [])
            self.clients[client.name] = aws.cognito.UserPoolClient(
                f"{name}-{client.name}",
                user_pool_id=args.user_pool_id,
                **client_inputs(client, args.threat_protection),
                opts=pulumi.ResourceOptions.merge(
                    child(self, protect=args.protect, depends_on=depends_on),
                    pulumi.ResourceOptions(additional_secret_outputs=["clientSecret"]),
                ),
            )
        names = list(self.clients)
        self.client_ids = pulumi.Output.all(*(c.id for c in self.clients.values())).apply(
            lambda ids: dict(zip(names, ids, strict=True))
        )
        confidential = [c.name for c in args.clients if c.confidential]
        self.client_secrets = pulumi.Output.secret(
            pulumi.Output.all(*(self.clients[n].client_secret for n in confidential)).apply(
                lambda secrets: dict(zip(confidential, secrets, strict=True))
            )
        )
        self.register_outputs({"clientIds": self.client_ids, "clientSecrets": self.client_secrets})
