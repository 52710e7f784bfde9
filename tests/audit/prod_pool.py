"""The prod stack's user pool and app clients created with boto3 from the settings the program
reads (`Pulumi.prod.yaml` through `settings/`), turned into API calls by the program's own input
functions: the "live" twin of what the gate plans for prod."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from components.app_clients import client_inputs
from components.user_pool import _pool_inputs
from gate.stack import find_project, load_stack
from settings.loader import load_stack_settings
from settings.stack import StackSettings
from tests.repo import ROOT

# Provider argument -> API member where the API's spelling is not the argument in PascalCase
# (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPool.html,
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html).
API_NAMES: Final = {
    "schemas": "Schema",
    "from_email_address": "From",
    "sms_message": "SMSMessage",
    "attributes_require_verification_before_updates": "AttributesRequireVerificationBeforeUpdate",
    "kms_key_id": "KMSKeyID",
    "custom_sms_sender": "CustomSMSSender",
    "callback_urls": "CallbackURLs",
    "logout_urls": "LogoutURLs",
    "default_redirect_uri": "DefaultRedirectURI",
    "allowed_oauth_flows": "AllowedOAuthFlows",
    "allowed_oauth_scopes": "AllowedOAuthScopes",
    "allowed_oauth_flows_user_pool_client": "AllowedOAuthFlowsUserPoolClient",
}
MFA_ARGUMENTS: Final = ("software_token_mfa_configuration", "email_mfa_configuration")


def api_request(value: Any, names: Mapping[str, str] = API_NAMES) -> Any:
    """Provider arguments (snake_case) as API members (PascalCase); unset (None) ones dropped."""
    if isinstance(value, Mapping):
        return {
            names.get(k) or "".join(w.capitalize() for w in k.split("_")): api_request(v, names)
            for k, v in value.items()
            if v is not None
        }
    if isinstance(value, list):
        return [api_request(v, names) for v in value]
    return value


def prod_settings() -> StackSettings:
    config = load_stack(find_project(ROOT), "prod")
    return load_stack_settings("prod", config.values, config.secret_keys)


def stack_tags(settings: StackSettings) -> dict[str, str]:
    """The tags `__main__.py` puts on every resource of the stack."""
    return {
        **settings.deployment.tags,
        "stack": settings.stack,
        "managed-by": "pulumi/enterprise-identity",
    }


def create_prod_pool(idp: Any, settings: StackSettings) -> str:
    """CreateUserPool + SetUserPoolMfaConfig + CreateUserPoolClient from the program's inputs, as
    the provider sends them (MFA factors go through SetUserPoolMfaConfig)."""
    inputs = _pool_inputs(settings.user_pool, None, "ei-prod")
    mfa = {key: inputs.pop(key) for key in MFA_ARGUMENTS if key in inputs}
    request = api_request(inputs)
    request["PoolName"] = request.pop("Name")
    request["Policies"] = {"PasswordPolicy": request.pop("PasswordPolicy")}
    request["UserPoolTags"] = stack_tags(settings)
    pool_id = str(idp.create_user_pool(**request)["UserPool"]["Id"])
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration=inputs["mfa_configuration"], **api_request(mfa)
    )
    threat = settings.user_pool.threat_protection_on
    for client in settings.all_app_clients:  # as deployed: tenants' and IdP-mapped attributes
        idp.create_user_pool_client(UserPoolId=pool_id, **client_request(client, threat))
    return pool_id


def client_request(client: Any, threat_protection: bool) -> dict[str, Any]:
    request = api_request(client_inputs(client, threat_protection))
    assert isinstance(request, dict)
    request["ClientName"] = request.pop("Name")
    return request
