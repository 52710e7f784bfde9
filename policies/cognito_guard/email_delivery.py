"""How a user pool sends its email: Cognito's built-in sender or your Amazon SES identity.

Verification codes, password-reset codes, invitations and email MFA codes all travel by email.
AWS (EmailConfigurationType EmailSendingAccount): with COGNITO_DEFAULT "Amazon Cognito allows only a
limited number of emails each day for your user pool. For typical production environments, the
default email limit is less than the required delivery volume"; DEVELOPER sends through your SES
identity given in SourceArn. Once the quota is spent, users cannot verify, recover or sign in with
email codes until the next day. A custom email sender trigger replaces Cognito's sending altogether
(https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-email-sender.html).

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_EmailConfigurationType.html
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from cognito_guard import resource_types as rt
from cognito_guard.framework import Area, Config, Resource, policy_meta, resource_policy

DEFAULT_SENDER: Final = "COGNITO_DEFAULT"
SES_SENDER: Final = "DEVELOPER"


def _custom_sender(pool: Resource) -> bool:
    return pool.props.text("lambdaConfig", "customEmailSender", "lambdaArn") is not None


def check_email_sending_account(pool: Resource, _config: Config) -> Iterator[str]:
    if _custom_sender(pool):
        return
    account = pool.props.text("emailConfiguration", "emailSendingAccount", default=DEFAULT_SENDER)
    if account != SES_SENDER:
        shown = (
            account
            if pool.props.has("emailConfiguration", "emailSendingAccount")
            else f"not set ({DEFAULT_SENDER})"
        )
        yield (
            f"`emailConfiguration.emailSendingAccount` is {shown}: Cognito's built-in sender has "
            "a daily quota that AWS calls less than typical production volume, and when it runs "
            "out users cannot verify, reset passwords or receive email codes. Use DEVELOPER with "
            "a verified SES identity in `sourceArn`."
        )
    elif pool.props.text("emailConfiguration", "sourceArn") is None:
        yield (
            "`emailConfiguration.emailSendingAccount` is DEVELOPER without `sourceArn`: Cognito "
            "needs the ARN of a verified SES identity to send from. Set `sourceArn`."
        )


EMAIL_DELIVERY = resource_policy(
    policy_meta(
        Area.USER_POOL,
        "cognito-user-pool-email-via-ses",
        "Email through Amazon SES",
        "User pools must send email through their own SES identity, not Cognito's capped default.",
        "medium",
        "Set `emailConfiguration.emailSendingAccount` to DEVELOPER with `sourceArn` naming a "
        "verified SES identity (or attach a custom email sender trigger).",
    ),
    [rt.USER_POOL],
    check_email_sending_account,
)

POLICIES = [EMAIL_DELIVERY]
