"""Entry point the Pulumi CLI runs (`python -m pulumi.policy <engine> .` in this folder)."""

import pulumi_policy.policy
from pulumi_policy import EnforcementLevel, PolicyPack

from cognito_guard import PACK_NAME, conversion_cache
from cognito_guard.pack import PACK_DESCRIPTION, all_policies

conversion_cache.install(pulumi_policy.policy)  # properties built once per request, not per policy
PolicyPack(
    name=PACK_NAME,
    policies=all_policies(),
    enforcement_level=EnforcementLevel.MANDATORY,
    description=PACK_DESCRIPTION,
    display_name="Cognito Guard",
    provider="aws",
    tags=["aws", "cognito", "identity", "security"],
)
