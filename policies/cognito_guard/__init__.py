"""cognito-guard: CrossGuard rules that block insecure Amazon Cognito settings before deployment.

Rules live in one module per area (`user_pool`, `password`, `mfa`, `clients`, `identity_pool`,
`monitoring`, `stack`) and are importable without starting the policy server; `pack.all_policies()`
lists them in catalog order and `policies/__main__.py` serves them.
"""

PACK_NAME = "cognito-guard"
