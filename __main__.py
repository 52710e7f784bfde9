"""enterprise-identity: Amazon Cognito for the enterprise, as a Pulumi program.

Loads the stack's settings (every value validated before any resource exists), builds the
components in dependency order and exports the stack outputs under shared names.
"""

import pulumi

from components import exports
from components.app_clients import AppClients, AppClientsArgs
from components.domain import HostedDomain, HostedDomainArgs
from components.functions import PlatformFunctions, PlatformFunctionsArgs
from components.identity_pool import IdentityPool, IdentityPoolArgs
from components.identity_providers import IdentityProviders, IdentityProvidersArgs
from components.monitoring import AuthMonitoring, AuthMonitoringArgs
from components.pipeline_identities import (
    PipelineIdentities,
    PipelineIdentitiesArgs,
    StackName,
    policy_arns_in,
)
from components.role_mappings import RoleMappings, RoleMappingsArgs
from components.tenants import Tenants, TenantsArgs
from components.user_groups import UserGroups, UserGroupsArgs
from components.user_pool import UserPool, UserPoolArgs
from settings import load_settings_from_pulumi, read_secrets
from settings.tenants import TENANT_CLAIM, TENANT_TAG

settings = load_settings_from_pulumi()
secrets = read_secrets(settings)
prefix = settings.deployment.name_prefix
tags = {
    **settings.deployment.tags,
    "stack": settings.stack,
    "managed-by": "pulumi/enterprise-identity",
}
protect = settings.deployment.protect

# The platform's own triggers (tenants' tokens and group membership) exist before the pool that
# names them, and are granted their calls on the pool once it exists.
functions = (
    PlatformFunctions(
        prefix,
        PlatformFunctionsArgs(
            settings.tenants,
            settings.user_pool.logging.retention_days,
            settings.functions.last_sign_in_claim,
            tags,
            protect,
        ),
    )
    if settings.functions_enabled
    else None
)
user_pool = UserPool(
    prefix,
    UserPoolArgs(
        settings.user_pool,
        settings.region,
        settings.resource_servers,
        tags,
        protect,
        functions.triggers if functions else None,
    ),
)
if functions is not None:
    functions.attach(user_pool.pool_arn)
domain = (
    HostedDomain(
        prefix, HostedDomainArgs(settings.domain, user_pool.pool_id, settings.region, tags, protect)
    )
    if settings.domain is not None
    else None
)
providers = IdentityProviders(
    prefix,
    IdentityProvidersArgs(settings.all_identity_providers, user_pool.pool_id, secrets, protect),
)
clients = AppClients(
    prefix,
    AppClientsArgs(
        settings.all_app_clients,
        user_pool.pool_id,
        providers.providers,
        tuple(user_pool.resource_servers.values()),
        settings.user_pool.threat_protection_on,
        protect,
    ),
)
client_ids = {name: client.id for name, client in clients.clients.items()}
identity_pool_client_ids = {name: client_ids[name] for name in settings.identity_pool_clients}

identity_pool = None
if settings.identity_pool is not None and settings.identity_pool_enabled:
    identity_pool = IdentityPool(
        prefix,
        IdentityPoolArgs(
            settings.identity_pool,
            user_pool.provider_name,
            identity_pool_client_ids,
            tags,
            protect,
            {TENANT_TAG: TENANT_CLAIM} if settings.tenants else {},
        ),
    )
groups = UserGroups(
    prefix,
    UserGroupsArgs(
        settings.groups,
        user_pool.pool_id,
        identity_pool.identity_pool_id if identity_pool else None,
        tags,
        protect,
    ),
)
tenants = (
    Tenants(
        prefix,
        TenantsArgs(
            settings.tenants, user_pool.pool_id, identity_pool.identity_pool_id, tags, protect
        ),
    )
    if identity_pool is not None and settings.tenants
    else None
)
if identity_pool is not None and settings.identity_pool is not None:
    RoleMappings(
        prefix,
        RoleMappingsArgs(
            identity_pool.identity_pool_id,
            user_pool.provider_name,
            identity_pool.authenticated_role_arn,
            identity_pool.guest_role_arn,
            identity_pool_client_ids,
            settings.identity_pool.role_mappings,
            groups.role_arns,
            settings.identity_pool.allow_guest_access,
            protect,
        ),
    )
monitoring = (
    AuthMonitoring(
        prefix,
        AuthMonitoringArgs(
            settings.monitoring,
            settings.region,
            user_pool.pool_id,
            user_pool.pool_arn,
            {name: client_ids[name] for name in settings.monitored_clients},
            settings.monitored_federations,
            settings.user_pool.admin_create_user.allow_admin_create_user_only,
            settings.user_pool.threat_protection_on,
            f"{prefix}-identity",
            tags,
        ),
    )
    if settings.monitoring.enabled
    else None
)

# Opt-in: the GitHub OIDC trust and the roles the CI workflows assume (see .github/).
pipelines = (
    PipelineIdentities(
        prefix,
        PipelineIdentitiesArgs(
            settings=settings.pipelines,
            name_prefix=prefix,
            pool_arn=user_pool.pool_arn,
            managed_policy_arns=policy_arns_in(settings.model_dump()),
            tags=tags,
            stack=StackName(pulumi.get_project(), settings.stack),
        ),
    )
    if settings.pipelines is not None
    else None
)

pulumi.export(exports.USER_POOL_ID, user_pool.pool_id)
pulumi.export(exports.USER_POOL_ARN, user_pool.pool_arn)
pulumi.export(exports.ISSUER_URL, user_pool.issuer_url)
pulumi.export(exports.JWKS_URL, user_pool.jwks_url)
pulumi.export(exports.HOSTED_UI_URL, domain.base_url if domain else None)
pulumi.export(exports.CLIENT_IDS, clients.client_ids)
pulumi.export(exports.CLIENT_SECRETS, pulumi.Output.secret(clients.client_secrets))
pulumi.export(exports.IDENTITY_POOL_ID, identity_pool.identity_pool_id if identity_pool else None)
pulumi.export(
    exports.ROLE_ARNS,
    {
        "authenticated": identity_pool.authenticated_role_arn if identity_pool else None,
        "guest": identity_pool.guest_role_arn if identity_pool else None,
        "groups": groups.role_arns,
        "tenants": tenants.role_arns if tenants else {},
    },
)
pulumi.export(exports.DASHBOARD_NAME, monitoring.dashboard_name if monitoring else None)
pulumi.export(exports.ALARM_ARNS, monitoring.alarm_arns if monitoring else {})
pulumi.export(exports.ALARM_TOPIC_ARN, monitoring.topic_arn if monitoring else None)
pulumi.export(
    exports.PIPELINE_ROLE_ARNS,
    {
        "deploy": pipelines.deploy_role_arn,
        "preview": pipelines.preview_role_arn,
        "operator": pipelines.operator_role_arn,
        "planner": pipelines.planner_role_arn,
    }
    if pipelines
    else None,
)
