"""Stack-wide options: resource naming, tags and Pulumi protection."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from settings.base import SettingsModel


class DeploymentSettings(SettingsModel):
    name_prefix: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,19}$")]
    protect: bool = True
    tags: dict[str, str] = Field(default_factory=dict)
