"""Entry point the Pulumi CLI runs (`python -m pulumi.policy <engine> .` in this folder)."""

from pulumi_policy import EnforcementLevel, PolicyPack

from cognito_guard import PACK_NAME
from cognito_guard.pack import PACK_DESCRIPTION, all_policies

PolicyPack(
    name=PACK_NAME,
    policies=all_policies(),
    enforcement_level=EnforcementLevel.MANDATORY,
    description=PACK_DESCRIPTION,
    display_name="Cognito Guard",
    provider="aws",
    tags=["aws", "cognito", "identity", "security"],
)
