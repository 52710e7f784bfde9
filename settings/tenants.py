"""SaaS tenants: each gets a group, an IAM role bound to its tenant claim, optional SSO and client.

A tenant's role reaches its users through the tenant group (``cognito:preferred_role``, resolved
by the identity pool's Token mappings) and denies every session whose ``tenant_id`` principal
tag, taken from the immutable ``custom:tenant_id`` claim, is another tenant's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from settings.base import IamPolicyArn, SettingsModel, aws_range, problem
from settings.errors import ConfigProblem
from settings.identity_providers import EnterpriseProviderSettings

TENANT_CLAIM = "custom:tenant_id"
TENANT_TAG = "tenant_id"  # the session (principal) tag the identity pool sets from TENANT_CLAIM


class TenantClient(SettingsModel):
    kind: Literal["web", "spa"] = "web"
    callback_urls: Annotated[tuple[str, ...], Field(min_length=1, max_length=100)]
    logout_urls: tuple[str, ...] = ()


class TenantSettings(SettingsModel):
    """One tenant; ``id`` is the value of its users' immutable ``custom:tenant_id``."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,22}$")]
    display_name: Annotated[str, Field(max_length=128)] = ""
    precedence: Annotated[int, aws_range(0, 2**31 - 1)] = 100
    managed_policy_arns: tuple[IamPolicyArn, ...] = ()
    sso: EnterpriseProviderSettings | None = None
    app_client: TenantClient | None = None

    def cross_checks(self) -> Iterator[ConfigProblem]:
        if self.sso is not None and self.app_client is None:
            yield problem(
                "sso",
                self.sso.provider_name,
                "needs an appClient for the tenant to sign in through",
            )

    @property
    def group_name(self) -> str:
        return f"tenant-{self.id}"

    @property
    def client_name(self) -> str:
        return f"tenant-{self.id}"
