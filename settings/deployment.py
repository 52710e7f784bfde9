"""Stack-wide options: where the stack runs (region, environment), naming, tags and protection."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from typing import Annotated, Literal

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from settings.base import SettingsModel, problem
from settings.errors import ConfigProblem

Environment = Literal["development", "test", "staging", "production"]

# Cognito's built-in email sender allows "only a limited number of emails each day for your user
# pool. For typical production environments, the default email limit is below the required
# delivery volume" - production sends through Amazon SES (EmailSendingAccount DEVELOPER).
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_EmailConfigurationType.html
EMAIL_CONFIGURATION_PAGE = (
    "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/"
    "API_EmailConfigurationType.html"
)


ENDPOINT_DATA = "endpoints.json"
"""botocore's copy of AWS's endpoint data (botocore/data/endpoints.json)."""


@cache
def cognito_regions() -> frozenset[str]:
    """Every region, in every partition, where the Cognito user pools API (`cognito-idp`) exists.

    From the endpoint data botocore ships (the list AWS publishes at
    https://docs.aws.amazon.com/general/latest/gr/cognito.html, "Amazon Cognito user pools"):
    the service's endpoints that are regions of their partition, which is what botocore's
    `Session.get_available_regions("cognito-idp", partition)` answers (botocore/regions.py,
    `EndpointResolver.get_available_endpoints`). Read directly: importing botocore's session to
    ask costs every program run about 0.1 s.
    """
    data = json.loads(files("botocore").joinpath("data", ENDPOINT_DATA).read_bytes())
    return frozenset(
        endpoint
        for partition in data["partitions"]
        for endpoint in partition["services"].get("cognito-idp", {}).get("endpoints", {})
        if endpoint in partition["regions"]
    )


def cognito_region(value: str) -> str:
    """A region where a user pool can exist; a near miss gets a "did you mean"."""
    regions = cognito_regions()
    if value in regions:
        return value
    close = difflib.get_close_matches(value, sorted(regions), n=1, cutoff=0.75)
    hint = (
        f"; did you mean {close[0]}?"
        if close
        else f"; Cognito regions: {', '.join(sorted(regions))}"
    )
    raise PydanticCustomError(
        "aws_region",
        "is not a region where Amazon Cognito user pools exist (botocore endpoint data){hint}",
        {"hint": hint},
    )


CognitoRegion = Annotated[str, AfterValidator(cognito_region)]


class DeploymentSettings(SettingsModel):
    """``environment`` says what the stack is for; production raises the bar (see below)."""

    environment: Environment
    name_prefix: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,19}$")]
    protect: bool = True
    tags: dict[str, str] = Field(default_factory=dict)

    @property
    def production(self) -> bool:
        return self.environment == "production"


def production_email_problems(
    deployment: DeploymentSettings, sending_account: str
) -> Iterator[ConfigProblem]:
    """A production stack must not send invitations and codes through Cognito's default sender."""
    if deployment.production and sending_account == "COGNITO_DEFAULT":
        yield problem(
            ("userPool", "email", "sendingAccount"),
            sending_account,
            "is not allowed when deployment.environment is production: Cognito's built-in sender "
            "has a daily quota that AWS calls below production volume; set sendingAccount "
            f"DEVELOPER with a verified SES identity (sourceArn, fromAddress) - {EMAIL_CONFIGURATION_PAGE}",
        )
