"""The root settings model: one field per config section, plus the rules that span sections."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Annotated

from pydantic import Field

from settings.access import GroupSettings, ResourceServerSettings
from settings.app_clients import (
    STANDARD_SCOPES,
    AppClientSettings,
    with_mapped_write_attributes,
    write_attribute_problems,
)
from settings.base import SettingsModel, duplicates, prefixed, problem
from settings.deployment import CognitoRegion, DeploymentSettings, production_email_problems
from settings.domain import DomainSettings, tier_problems
from settings.errors import ConfigProblem
from settings.identity_pool import (
    IdentityPoolSettings,
    principal_claim_problems,
    with_read_attributes,
)
from settings.identity_providers import IdentityProviderSettings
from settings.monitoring import MAX_RATE_SERIES, MonitoringSettings
from settings.pipelines import PipelinesSettings
from settings.tenants import (
    TENANT_CLAIM,
    TENANT_TAG,
    FunctionsSettings,
    TenantSettings,
    platform_function_problems,
)
from settings.user_pool import UserPoolSettings

# AWS quotas per user pool (Cognito "Quotas in Amazon Cognito", adjustable ones at their defaults).
MAX_APP_CLIENTS = 1000
MAX_IDENTITY_PROVIDERS = 300
MAX_GROUPS = 10000
MAX_RESOURCE_SERVERS = 25
# A weighted success rate reads two metrics per client; an alarm reads at most 10 metrics.
MAX_MONITORED_CLIENTS = MAX_RATE_SERIES
MAX_ROLE_MAPPINGS = 10  # SetIdentityPoolRoles: RoleMappings has at most 10 entries


class StackSettings(SettingsModel):
    """Everything a stack differs in. Each field is one ``enterprise-identity:<section>`` key."""

    stack: str = Field(alias=":stack")
    region: CognitoRegion = Field(alias="aws:region")
    deployment: DeploymentSettings
    user_pool: UserPoolSettings
    domain: DomainSettings | None = None
    groups: tuple[GroupSettings, ...] = ()
    resource_servers: tuple[ResourceServerSettings, ...] = ()
    identity_providers: tuple[IdentityProviderSettings, ...] = ()
    app_clients: tuple[AppClientSettings, ...] = ()
    identity_pool: IdentityPoolSettings | None = None
    monitoring: MonitoringSettings = MonitoringSettings()
    tenants: Annotated[tuple[TenantSettings, ...], Field(max_length=MAX_GROUPS)] = ()
    functions: FunctionsSettings = FunctionsSettings()
    pipelines: PipelinesSettings | None = None

    # Derived views: tenants' SSO providers and clients join the pool-wide lists.

    @cached_property
    def all_identity_providers(self) -> tuple[IdentityProviderSettings, ...]:
        tenant_sso = tuple(t.sso for t in self.tenants if t.sso is not None)
        return self.identity_providers + tenant_sso

    @cached_property
    def tenant_clients(self) -> dict[str, AppClientSettings]:
        """Tenant id -> the app client generated for it."""
        return {
            tenant.id: AppClientSettings.model_validate(
                {
                    "name": tenant.client_name,
                    "kind": tenant.app_client.kind,
                    "callbackUrls": tenant.app_client.callback_urls,
                    "logoutUrls": tenant.app_client.logout_urls,
                    "identityProviders": (tenant.sso.provider_name,)
                    if tenant.sso
                    else ("COGNITO",),
                    "readAttributes": ("email", "email_verified", "name", TENANT_CLAIM),
                }
            )
            for tenant in self.tenants
            if tenant.app_client is not None
        }

    @cached_property
    def all_app_clients(self) -> tuple[AppClientSettings, ...]:
        """Every client as deployed: unset write attributes cover what its providers map, and
        identity-pool clients read every attribute a principal tag is mapped from (tenants'
        clients always; others unless they list readAttributes, which must then name them)."""
        providers = {p.provider_name: p for p in self.all_identity_providers}
        readers = set(self.identity_pool_clients)
        generated = {client.name for client in self.tenant_clients.values()}
        deployed = []
        for client in self.app_clients + tuple(self.tenant_clients.values()):
            client = with_mapped_write_attributes(client, providers)
            implicit = client.name in generated or "read_attributes" not in client.model_fields_set
            if client.name in readers and implicit:
                client = with_read_attributes(client, self.principal_tag_claims)
            deployed.append(client)
        return tuple(deployed)

    @cached_property
    def principal_tag_claims(self) -> frozenset[str]:
        """Pool attributes the identity pool maps principal tags from (tenants: the tenant id)."""
        pool = self.identity_pool
        if pool is None or not pool.enabled:
            return frozenset()
        claims = set(pool.principal_tags.tags.values()) | (
            {TENANT_CLAIM} if self.tenants else set()
        )
        return frozenset(claims & self.user_pool.schema_.attribute_names)

    @cached_property
    def identity_pool_clients(self) -> tuple[str, ...]:
        """App clients whose users can get AWS credentials: every interactive client, never
        machine clients, and tenants' own clients while they all fit. The identity pool takes one
        role mapping per client and at most 10 (SetIdentityPoolRoles); past that, tenant users get
        credentials through the shared clients, where their tenant group's role applies through
        the Token mapping, and `identityPool.clients` can still name up to 10 explicitly."""
        pool = self.identity_pool
        if pool is None or not pool.enabled:
            return ()
        if pool.clients is not None:
            return pool.clients
        interactive = tuple(c.name for c in self.app_clients if c.kind != "machine")
        with_tenants = interactive + tuple(c.name for c in self.tenant_clients.values())
        return with_tenants if len(with_tenants) <= MAX_ROLE_MAPPINGS else interactive

    @cached_property
    def monitored_clients(self) -> tuple[str, ...]:
        if self.monitoring.clients is not None:
            return self.monitoring.clients
        return tuple(c.name for c in self.app_clients if c.kind != "machine")

    @cached_property
    def monitored_federations(self) -> tuple[tuple[str, str], ...]:
        """(client, identity provider) pairs whose federation metrics the alarms watch (a
        tenant's own client, when listed, with its tenant's provider)."""
        clients = {c.name: c for c in self.all_app_clients}
        return tuple(
            (name, provider)
            for name in self.monitored_clients
            if name in clients
            for provider in clients[name].identity_providers
            if provider != "COGNITO"
        )

    @property
    def identity_pool_enabled(self) -> bool:
        return self.identity_pool is not None and self.identity_pool.enabled

    @property
    def functions_enabled(self) -> bool:
        """Whether the platform's own triggers (``functions/``) are deployed."""
        return self.functions.on(self.tenants)

    def cross_checks(self) -> Iterator[ConfigProblem]:
        yield from self._uniqueness()
        yield from production_email_problems(self.deployment, self.user_pool.email.sending_account)
        if self.domain is not None:
            yield from tier_problems(self.domain, self.user_pool.tier)
        providers = {p.provider_name: p for p in self.all_identity_providers}
        for index, configured in enumerate(self.app_clients):
            yield from prefixed(
                ("appClients", index), write_attribute_problems(configured, providers)
            )
        yield from self._quotas()
        yield from self._client_references()
        yield from self._identity_pool_references()
        yield from self._tenant_requirements()
        yield from platform_function_problems(self)
        for index, tenant in enumerate(self.tenants):
            client = self.tenant_clients.get(tenant.id)
            if client is not None:
                for found in client.problems():
                    yield ConfigProblem(
                        ("tenants", index, "appClient", *found.path), found.message, found.value
                    )
        # Tenants' own clients are app clients of the stack too (`tenant-<id>`): they may be
        # watched, like they may be listed in identityPool.clients.
        deployed = {c.name for c in self.all_app_clients}
        unknown = [name for name in self.monitored_clients if name not in deployed]
        for name in unknown:
            yield problem(("monitoring", "clients"), name, "is not an app client of this stack")
        if (
            self.monitoring.enabled
            and self.monitoring.clients is None
            and len(self.monitored_clients) > MAX_MONITORED_CLIENTS
        ):
            yield problem(
                ("monitoring", "clients"),
                None,
                f"must list at most {MAX_MONITORED_CLIENTS} clients to watch (there are more interactive clients)",
            )
        if self.monitoring.enabled and len(self.monitored_federations) > MAX_MONITORED_CLIENTS:
            yield problem(
                ("monitoring", "clients"),
                list(self.monitored_clients),
                f"federate through {len(self.monitored_federations)} client/provider pairs; alarms can watch at most {MAX_MONITORED_CLIENTS}, list fewer clients",
            )

    def _uniqueness(self) -> Iterator[ConfigProblem]:
        checks = (
            ("appClients", (c.name for c in self.all_app_clients), "app client"),
            (
                "identityProviders",
                (p.provider_name for p in self.all_identity_providers),
                "identity provider",
            ),
            (
                "groups",
                [g.name for g in self.groups] + [t.group_name for t in self.tenants],
                "group",
            ),
            ("resourceServers", (r.identifier for r in self.resource_servers), "resource server"),
            ("tenants", (t.id for t in self.tenants), "tenant id"),
        )
        for key, names, what in checks:
            for name in sorted(duplicates(names)):
                yield problem(
                    key,
                    name,
                    f"is used by more than one {what} (tenants' groups, clients and SSO providers count too)",
                )

    def _quotas(self) -> Iterator[ConfigProblem]:
        quotas = (
            ("appClients", len(self.all_app_clients), MAX_APP_CLIENTS, "app clients"),
            (
                "identityProviders",
                len(self.all_identity_providers),
                MAX_IDENTITY_PROVIDERS,
                "identity providers",
            ),
            ("groups", len(self.groups) + len(self.tenants), MAX_GROUPS, "groups"),
            (
                "resourceServers",
                len(self.resource_servers),
                MAX_RESOURCE_SERVERS,
                "resource servers",
            ),
        )
        for key, count, limit, what in quotas:
            if count > limit:
                yield problem(
                    key,
                    count,
                    f"{what} (including tenants') exceed the AWS quota of {limit} per user pool",
                )

    def _client_references(self) -> Iterator[ConfigProblem]:
        providers = {p.provider_name for p in self.all_identity_providers} | {"COGNITO"}
        scopes = frozenset().union(*(r.scope_ids for r in self.resource_servers))
        schema = self.user_pool.schema_
        attributes = schema.attribute_names
        protected = schema.authorization_claims
        for index, client in enumerate(self.app_clients):
            at = ("appClients", index)
            for name in client.identity_providers:
                if name not in providers:
                    yield problem(
                        (*at, "identityProviders"),
                        name,
                        f"is not a configured identity provider; allowed: {', '.join(sorted(providers))}",
                    )
            for scope in client.scopes:
                if scope not in STANDARD_SCOPES and scope not in scopes:
                    yield problem(
                        (*at, "scopes"),
                        scope,
                        "is neither a standard scope nor a scope of a configured resource server",
                    )
            for key, names in (
                ("readAttributes", client.read_attributes),
                ("writeAttributes", client.write_attributes),
            ):
                for name in names:
                    if name not in attributes:
                        yield problem((*at, key), name, "is not an attribute of the pool schema")
            for name in client.write_attributes:
                if name in protected:
                    yield problem(
                        (*at, "writeAttributes"),
                        name,
                        "is an authorization attribute and must never be client-writable",
                    )
            if client.uses_hosted_ui and self.domain is None:
                yield problem(
                    (*at, "callbackUrls"),
                    list(client.callback_urls),
                    "need a domain (set enterprise-identity:domain) for the OAuth endpoints",
                )
        for index, provider in enumerate(self.identity_providers):
            for target in provider.attribute_mapping:
                if target in protected:
                    yield problem(
                        ("identityProviders", index, "attributeMapping"),
                        target,
                        "is an authorization attribute; an identity provider must not set it",
                    )
                elif target not in attributes:
                    yield problem(
                        ("identityProviders", index, "attributeMapping"),
                        target,
                        "is not an attribute of the pool schema",
                    )

    def _identity_pool_references(self) -> Iterator[ConfigProblem]:
        pool = self.identity_pool
        if pool is None or not pool.enabled:
            return
        clients = {c.name: c for c in self.all_app_clients}
        for index, name in enumerate(pool.clients or ()):
            if name not in clients:
                yield problem(
                    ("identityPool", "clients", index), name, "is not an app client of this stack"
                )
            elif clients[name].kind == "machine":
                yield problem(
                    ("identityPool", "clients", index),
                    name,
                    "is a machine client; machine clients cannot get identity-pool credentials",
                )
        federated = set(self.identity_pool_clients)
        for index, client in enumerate(self.app_clients):
            if client.name in federated:
                yield from prefixed(
                    ("appClients", index),
                    principal_claim_problems(client, self.principal_tag_claims),
                )
        if len(federated) > MAX_ROLE_MAPPINGS:
            yield problem(
                ("identityPool", "clients"),
                len(federated),
                f"clients exceed the {MAX_ROLE_MAPPINGS} role mappings an identity pool allows (one per client); list at most {MAX_ROLE_MAPPINGS} in identityPool.clients",
            )
        tag_claim = pool.principal_tags.tags.get(TENANT_TAG)
        if self.tenants and tag_claim not in (None, TENANT_CLAIM):
            yield problem(
                ("identityPool", "principalTags", "tags", TENANT_TAG),
                tag_claim,
                f"must be {TENANT_CLAIM} when tenants are configured (tenant roles deny any other tenant)",
            )
        groups_with_roles = {
            g.name for g in self.groups if g.role is not None or g.role_arn is not None
        }
        writable = {attr for c in self.all_app_clients for attr in c.write_attributes}
        for index, mapping in enumerate(pool.role_mappings):
            at = ("identityPool", "roleMappings", index)
            if mapping.client not in federated:
                yield problem(
                    (*at, "client"), mapping.client, "is not one of the identity pool's clients"
                )
            for rule_index, rule in enumerate(mapping.rules):
                if rule.group is not None and rule.group not in groups_with_roles:
                    yield problem(
                        (*at, "rules", rule_index, "group"),
                        rule.group,
                        "is not a group with a role",
                    )
                if rule.claim in writable:
                    yield problem(
                        (*at, "rules", rule_index, "claim"),
                        rule.claim,
                        "is writable by an app client; users could pick their own role",
                    )

    def _tenant_requirements(self) -> Iterator[ConfigProblem]:
        if not self.tenants:
            return
        tenant_attribute = next(
            (a for a in self.user_pool.schema_.custom_attributes if a.claim == TENANT_CLAIM), None
        )
        if tenant_attribute is None or not tenant_attribute.authorization:
            yield problem(
                ("userPool", "schema", "customAttributes"),
                None,
                "must declare tenant_id with authorization: true and mutable: false when tenants are configured",
            )
        if not self.identity_pool_enabled:
            yield problem(
                "tenants",
                len(self.tenants),
                "need an enabled identityPool (each tenant role is assumed through it)",
            )
