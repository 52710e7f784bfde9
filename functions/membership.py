"""Post confirmation and post authentication trigger: tenant group membership and last sign-in.

A federated user's first sign-in runs post confirmation, every later one post authentication,
so one function on both triggers puts each user with a tenant into the tenant's group
(AdminAddUserToGroup succeeds for a member too, so repeating it is harmless) and, when the stack
asks for it, stamps the sign-in time into a custom attribute that
``identity-ops users disable-inactive`` reads without the Plus tier's auth events.

A trigger that raises fails the sign-in. The first sign-in must leave the user in their group,
so post confirmation raises; on later sign-ins the user is already a member, so a failed call
(throttling, a group deleted by hand) is logged and the sign-in goes on.
https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-confirmation.html
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-authentication.html
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminAddUserToGroup.html
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from functions.aws import cognito
from functions.directory import (
    LAST_SIGN_IN_VARIABLE,
    MalformedEventError,
    federated_providers,
    load_directory,
    string_at,
    user_attributes,
)

POST_AUTHENTICATION = "PostAuthentication_Authentication"
CONFIRM_SIGN_UP = "PostConfirmation_ConfirmSignUp"
CONFIRM_FORGOT_PASSWORD = "PostConfirmation_ConfirmForgotPassword"
SOURCES = frozenset({POST_AUTHENTICATION, CONFIRM_SIGN_UP, CONFIRM_FORGOT_PASSWORD})
log = logging.getLogger(__name__)


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:  # noqa: ARG001 - Lambda's signature
    """Both triggers expect the event back unchanged (an empty ``response``)."""
    source = string_at(event, "triggerSource")
    if source not in SOURCES:
        raise MalformedEventError(f"unexpected triggerSource {source!r}")
    pool_id = string_at(event, "userPoolId")
    username = string_at(event, "userName")
    attributes = user_attributes(event)
    directory = load_directory()
    tenant = directory.tenant_of(attributes)
    strict = source != POST_AUTHENTICATION
    if tenant is not None:
        group = directory.groups[tenant]
        _call(
            strict,
            f"add {username} to {group}",
            lambda: cognito().admin_add_user_to_group(
                UserPoolId=pool_id, Username=username, GroupName=group
            ),
        )
    attribute = os.environ.get(LAST_SIGN_IN_VARIABLE)
    if attribute and is_sign_in(source, attributes):
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        _call(
            strict,
            f"stamp {attribute} of {username}",
            lambda: cognito().admin_update_user_attributes(
                UserPoolId=pool_id,
                Username=username,
                UserAttributes=[{"Name": attribute, "Value": stamp}],
            ),
        )
    return event


def _call(strict: bool, what: str, call: Callable[[], object]) -> None:
    """Run a Cognito call; outside ``strict`` a failure is logged instead of failing the sign-in."""
    try:
        call()
    except (ClientError, BotoCoreError) as error:
        if strict:
            raise
        log.warning("could not %s: %s", what, error)


def is_sign_in(source: str, attributes: dict[str, str]) -> bool:
    """Post authentication is a sign-in; confirming a sign-up is one only for a federated user
    (their first sign-in); confirming a password reset is not."""
    if source == POST_AUTHENTICATION:
        return True
    return source == CONFIRM_SIGN_UP and bool(federated_providers(attributes))
