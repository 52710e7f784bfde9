"""What an app client's tokens let a signed-in user read and change about their own account.

Two grants are easy to leave wider than intended because AWS fills them in when they are absent:

- the `aws.cognito.signin.user.admin` OAuth scope, which turns the access token into a key for the
  user's own self-service API calls (UpdateUserAttributes, ChangePassword, DeleteUser, ...);
- an unset `readAttributes`, which lets the client read every standard attribute and both
  verification flags.

AWS pages:
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html
(AllowedOAuthScopes, ReadAttributes)
https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
(the access token authorizes the user's self-service operations)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from cognito_guard import resource_types as rt
from cognito_guard.clients import ADMIN_SCOPE, is_confidential
from cognito_guard.framework import (
    Area,
    Config,
    Resource,
    policy_meta,
    resource_policy,
)

MACHINE_FLOWS: Final = frozenset({"client_credentials"})
NO_USER_SIGN_IN_FLOWS: Final = frozenset({"ALLOW_REFRESH_TOKEN_AUTH"})


def check_admin_scope_on_public_client(client: Resource, _config: Config) -> Iterator[str]:
    """A public client's tokens live on the user's device, so the admin scope travels with them.

    AWS (UserPoolClientType AllowedOAuthScopes): the scope "authorizes user profile self-service
    operations"; GetUser, UpdateUserAttributes, ChangePassword and DeleteUser accept an access
    token only if it carries it. A token stolen from a browser or phone (XSS, a malicious
    extension, a debug log) then changes the victim's email or password. Confidential clients keep
    their tokens on a server and are left alone.
    """
    if is_confidential(client):
        return
    if ADMIN_SCOPE in (client.props.strings("allowedOauthScopes") or []):
        yield (
            f"`allowedOauthScopes` includes {ADMIN_SCOPE} on a public client (no secret): its "
            "access tokens live on users' devices, and a stolen one can call UpdateUserAttributes, "
            "ChangePassword and DeleteUser for that user. Remove the scope and run self-service "
            "changes through your back end."
        )


def _signs_in_no_users(client: Resource) -> bool:
    """Client-credentials clients act as themselves: no user, so no attributes to read.

    Only when `explicitAuthFlows` is set: unset means ALLOW_USER_SRP_AUTH and ALLOW_CUSTOM_AUTH
    (AWS, UserPoolClientType ExplicitAuthFlows), which sign users in.
    """
    oauth_flows = client.props.strings("allowedOauthFlows")
    auth_flows = client.props.strings("explicitAuthFlows")
    return (
        bool(oauth_flows)
        and set(oauth_flows or ()) <= MACHINE_FLOWS
        and auth_flows is not None
        and set(auth_flows) <= NO_USER_SIGN_IN_FLOWS
    )


def check_explicit_read_attributes(client: Resource, _config: Config) -> Iterator[str]:
    """An unset `readAttributes` is the widest standard grant, not "none".

    AWS (UserPoolClientType ReadAttributes): "When you don't specify the ReadAttributes for your
    app client, your app can read the values of email_verified, phone_number_verified, and the
    standard attributes of your user pool." Every standard attribute (address, birthdate,
    phone_number, ...) then reaches the client's ID token and its GetUser calls.
    """
    if _signs_in_no_users(client):
        return
    if client.props.strings("readAttributes") is None:
        yield (
            "`readAttributes` is not set, so the client reads every standard attribute (address, "
            "birthdate, phone_number, ...) and both verified flags, and puts them in its ID "
            "tokens. List only the attributes the app needs."
        )


ADMIN_SCOPE_ON_PUBLIC_CLIENT = resource_policy(
    policy_meta(
        Area.CLIENTS,
        "cognito-client-no-admin-scope-on-public-client",
        "No self-service admin scope on public clients",
        "Public app clients must not request the aws.cognito.signin.user.admin scope.",
        "medium",
        "Remove aws.cognito.signin.user.admin from `allowedOauthScopes` of clients without a "
        "secret; let a back end call the self-service APIs.",
    ),
    rt.APP_CLIENTS,
    check_admin_scope_on_public_client,
)

EXPLICIT_READ_ATTRIBUTES = resource_policy(
    policy_meta(
        Area.CLIENTS,
        "cognito-client-explicit-read-attributes",
        "Explicit readable attributes",
        "App clients that sign users in must list the attributes they may read.",
        "low",
        "Set `readAttributes` to the attributes the app needs (for example email, "
        "email_verified, name).",
    ),
    rt.APP_CLIENTS,
    check_explicit_read_attributes,
)

POLICIES = [ADMIN_SCOPE_ON_PUBLIC_CLIENT, EXPLICIT_READ_ATTRIBUTES]
