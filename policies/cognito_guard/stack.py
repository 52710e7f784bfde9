"""Stack policies: rules that need several resources (WAF, risk configuration, identity roles).

They run on `pulumi preview` (with unknown ids, correlated through property dependencies) and on
`pulumi up` (with the final outputs, correlated through ids and ARNs); what preview cannot decide is
left to `up` instead of being guessed.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from typing import Any, Final

from cognito_guard import resource_types as rt
from cognito_guard.attributes import STANDARD_MUTABLE_ATTRIBUTES, qualified
from cognito_guard.framework import (
    Area,
    Config,
    Controls,
    Finding,
    Resource,
    Stack,
    boolean,
    points_to,
    policy_meta,
    stack_policy,
    string_list,
)
from cognito_guard.graph import sources_for
from cognito_guard.iam import (
    Statement,
    amr_values,
    audiences,
    cognito_trust_statements,
    parse_document,
    trusted_states,
)
from cognito_guard.props import Deferred, Malformed, is_unknown
from cognito_guard.threat_protection import security_mode

ROLE_KEYS: Final = ("authenticated", "unauthenticated")
GUEST_ACTIONS: Final = (
    "rum:PutRumEvents",
    "mobileanalytics:PutEvents",
    "personalize:PutEvents",
    "geo:GetMap*",
    "geo:SearchPlaceIndex*",
)
AWS_MANAGED_PREFIX: Final = "arn:aws:iam::aws:policy/"


# --- WAF, risk configuration, compensating controls -----------------------------------------


def _waf_associations(stack: Stack, pool: Resource) -> list[Resource]:
    return sources_for(stack, pool, [rt.WAF_ASSOCIATION], "resourceArn")


def _pool_risk_configurations(stack: Stack, pool: Resource) -> list[Resource]:
    risks = sources_for(stack, pool, [rt.RISK_CONFIGURATION], "userPoolId")
    return [r for r in risks if not r.props.has("clientId")]


def check_waf(stack: Stack, _config: Config) -> Iterator[Finding]:
    def rule(pool: Resource) -> Iterator[str]:
        if not _waf_associations(stack, pool):
            yield (
                f"User pool {pool.name} has no WAF web ACL (no `aws.wafv2.WebAclAssociation` "
                "with this pool's ARN): sign-in endpoints face credential stuffing and floods "
                "with only Cognito's fixed lockout."
            )

    yield from stack.judge_each(stack.of_type(rt.USER_POOL), rule)


def check_risk_configuration(stack: Stack, _config: Config) -> Iterator[Finding]:
    def rule(pool: Resource) -> Iterator[str]:
        mode = security_mode(pool)
        if mode != "OFF" and not _pool_risk_configurations(stack, pool):
            yield (
                f"User pool {pool.name} has threat protection {mode} but no pool-level "
                "`aws.cognito.RiskConfiguration`: what happens to risky and compromised-"
                "credential sign-ins is left to defaults nobody reviewed. Add one."
            )

    yield from stack.judge_each(stack.of_type(rt.USER_POOL), rule)


def check_compensating_controls(stack: Stack, _config: Config) -> Iterator[Finding]:
    def rule(pool: Resource) -> Iterator[str]:
        missing = []
        if security_mode(pool) != "ENFORCED":
            missing.append("threat protection ENFORCED")
        risks = _pool_risk_configurations(stack, pool)
        if not any(
            r.props.text("accountTakeoverRiskConfiguration", "actions", "highAction", "eventAction")
            == "BLOCK"
            for r in risks
        ):
            missing.append("a risk configuration that blocks high-risk sign-ins")
        if not _waf_associations(stack, pool):
            missing.append("a WAF web ACL with rate limiting")
        if missing:
            yield (
                f"User pool {pool.name}: Cognito's lockout is fixed (5 failures, at most ~15 "
                "minutes), short of PCI DSS 8.3.4 (10 attempts, 30 minutes); the compensating "
                f"controls are missing: {', '.join(missing)}."
            )

    yield from stack.judge_each(stack.of_type(rt.USER_POOL), rule)


# --- identity-pool roles -------------------------------------------------------------------


def _role_by_value(stack: Stack, value: object) -> Resource | None:
    """The Role whose (known) ARN is `value`: an identity pool's `Roles` map takes role ARNs only
    (https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_SetIdentityPoolRoles.html)."""
    for role in stack.of_type(rt.IAM_ROLE):
        if value == role.props.get("arn"):
            return role
    return None


def attached_roles(stack: Stack, attachment: Resource) -> dict[str, Resource]:
    """The Role resources behind `roles.authenticated` / `roles.unauthenticated`."""
    roles = attachment.props.get("roles")
    if is_unknown(roles):
        raise Deferred(("roles",))
    if not isinstance(roles, dict):
        return {}
    resolved: dict[str, Resource] = {}
    pending = []
    for key in ROLE_KEYS:
        value = roles.get(key)
        if value is None:
            continue
        role = None if is_unknown(value) else _role_by_value(stack, value)
        if role is not None:
            resolved[key] = role
        else:
            pending.append(key)
    if pending:
        depended = [
            r
            for urn in attachment.property_dependencies.get("roles", ())
            if (r := stack.by_urn(urn)) is not None and r.type == rt.IAM_ROLE
        ]
        unmatched = [r for r in depended if r not in resolved.values()]
        if len(unmatched) == 1:
            resolved.update(dict.fromkeys(pending, unmatched[0]))
        else:
            resolved.update(_by_trusted_state(unmatched, pending))
            if any(k not in resolved and is_unknown(roles.get(k)) for k in pending):
                raise Deferred(("roles",))
    return resolved


def _by_trusted_state(roles: list[Resource], keys: list[str]) -> dict[str, Resource]:
    """Tell roles apart by the one `amr` their (known) trust policy pins; the rest by elimination."""
    found: dict[str, Resource] = {}
    undecided = []
    for role in roles:
        document = role.props.get("assumeRolePolicy")
        states: list[str] = []
        if isinstance(document, str | dict) and not is_unknown(document):
            try:
                parsed = parse_document(document, ("assumeRolePolicy",))
            except Malformed:
                parsed = []
            states = sorted(
                {s for st in cognito_trust_statements(parsed) for s in trusted_states(st) or ()}
            )
        if len(states) == 1 and states[0] in keys and states[0] not in found:
            found[states[0]] = role
        else:
            undecided.append(role)
    left = [k for k in keys if k not in found]
    if len(left) == 1 and len(undecided) == 1:
        found[left[0]] = undecided[0]
    return found


def _identity_pool(stack: Stack, attachment: Resource) -> Resource | None:
    value = attachment.props.get("identityPoolId")
    for pool in stack.of_type(rt.IDENTITY_POOL):
        if points_to(attachment, pool, ["identityPoolId"], [value]):
            return pool
    return None


def _trust_statements(role: Resource) -> list[Statement]:
    document = role.props.known("assumeRolePolicy")
    return list(cognito_trust_statements(parse_document(document, ("assumeRolePolicy",))))


def check_role_trust(stack: Stack, _config: Config) -> Iterator[Finding]:
    def rule(attachment: Resource) -> Iterator[str]:
        pool = _identity_pool(stack, attachment)
        pool_id = pool.props.get("id") if pool is not None else None
        for key, role in attached_roles(stack, attachment).items():
            statements = _trust_statements(role)
            if not statements:
                yield (
                    f"The {key} role {role.name} of identity pool attachment {attachment.name} "
                    "does not trust cognito-identity.amazonaws.com with "
                    "sts:AssumeRoleWithWebIdentity, so the identity pool cannot use it."
                )
                continue
            for statement in statements:
                if trusted_states(statement) != frozenset({key}):
                    shown = amr_values(statement) or "of any value"
                    yield (
                        f"The {key} role {role.name} accepts amr {shown}; its trust policy must "
                        f"admit only {key} identities (`ForAnyValue:StringLike` on "
                        f"cognito-identity.amazonaws.com:amr = {key}"
                        f"{' or provider names' if key == 'authenticated' else ''})."
                    )
                pools = audiences(statement) or []
                if isinstance(pool_id, str) and not is_unknown(pool_id) and pools != [pool_id]:
                    yield (
                        f"The {key} role {role.name} trusts identity pools {pools or 'of any id'} "
                        f"instead of only its own pool {pool_id} "
                        "(`StringEquals` on cognito-identity.amazonaws.com:aud)."
                    )

    yield from stack.judge_each(stack.of_type(rt.ROLE_ATTACHMENT), rule)


def check_distinct_roles(stack: Stack, _config: Config) -> Iterator[Finding]:
    def rule(attachment: Resource) -> Iterator[str]:
        roles = attached_roles(stack, attachment)
        if len(roles) == len(ROLE_KEYS) and roles["authenticated"] is roles["unauthenticated"]:
            yield (
                f"Identity pool attachment {attachment.name} uses role "
                f"{roles['authenticated'].name} for both signed-in users and guests: guests get "
                "every permission of signed-in users. Give guests their own minimal role."
            )
        raw = attachment.props.get("roles")
        if (
            isinstance(raw, dict)
            and isinstance(raw.get("authenticated"), str)
            and not is_unknown(raw["authenticated"])
            and raw.get("authenticated") == raw.get("unauthenticated")
            and len(roles) < len(ROLE_KEYS)
        ):
            yield (
                f"Identity pool attachment {attachment.name} maps the same role ARN to "
                "`roles.authenticated` and `roles.unauthenticated`; give guests their own role."
            )

    yield from stack.judge_each(stack.of_type(rt.ROLE_ATTACHMENT), rule)


def _permission_documents(stack: Stack, role: Resource) -> Iterator[tuple[str, Any]]:
    """(where, document or managed-policy ARN) for every permission attached to `role`."""
    for index, inline in enumerate(role.props.records("inlinePolicies")):
        if inline.get("policy") is not None:
            yield f"inline policy {inline.get('name') or index}", inline["policy"]
    for arn in role.props.strings("managedPolicyArns") or []:
        yield "managed policy", arn
    for attached in sources_for(stack, role, [rt.IAM_ROLE_POLICY], "role"):
        yield f"role policy {attached.name}", attached.props.known("policy")
    for attachment in sources_for(stack, role, [rt.IAM_ROLE_POLICY_ATTACHMENT], "role"):
        arn = attachment.props.known("policyArn")
        managed = [
            p
            for p in stack.of_type(rt.IAM_POLICY)
            if points_to(attachment, p, ["policyArn"], [arn])
        ]
        if managed:
            yield f"policy {managed[0].name}", managed[0].props.known("policy")
        else:
            yield "managed policy", arn


def check_guest_role(stack: Stack, config: Config) -> Iterator[Finding]:
    allowed = list(config["allowedGuestActions"])

    def rule(attachment: Resource) -> Iterator[str]:
        role = attached_roles(stack, attachment).get("unauthenticated")
        if role is None:
            return
        for where, document in _permission_documents(stack, role):
            if isinstance(document, str) and document.startswith("arn:"):
                if (
                    document.startswith(AWS_MANAGED_PREFIX)
                    or document not in config["allowedManagedPolicies"]
                ):
                    yield (
                        f"The guest role {role.name} has {where} {document}; guests must get only "
                        f"the actions they need ({', '.join(allowed)})."
                    )
                continue
            for statement in parse_document(document, (where,)):
                if statement.effect != "Allow":
                    continue
                extra = [
                    a
                    for a in statement.actions
                    if not any(fnmatch.fnmatchcase(a.lower(), p.lower()) for p in allowed)
                ]
                if extra:
                    yield (
                        f"The guest role {role.name} allows {', '.join(extra)} through {where}: "
                        "anyone on the internet gets these permissions. Allow only "
                        f"{', '.join(allowed)}."
                    )

    yield from stack.judge_each(stack.of_type(rt.ROLE_ATTACHMENT), rule)


def client_writes(client: Resource) -> set[str]:
    """The attributes an app client lets its users write.

    Without `writeAttributes` a client writes the pool's standard attributes only, never custom
    ones (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html).
    """
    listed = client.props.strings("writeAttributes")
    return set(listed) if listed is not None else set(STANDARD_MUTABLE_ATTRIBUTES)


def _writable_claims(stack: Stack, source: Resource, prop: str) -> set[str]:
    """Attributes that users of the clients `source.prop` refers to can write themselves."""
    clients = [
        c
        for urn in source.property_dependencies.get(prop, ())
        if (c := stack.by_urn(urn)) is not None and c.type in rt.APP_CLIENTS
    ] or stack.of_type(*rt.APP_CLIENTS)
    # An immutable attribute cannot change once the user exists, but whoever creates the user
    # sets it: in a pool that lets users sign up, a client that writes it lets each user choose
    # its value at SignUp. It is out of users' reach only where admins alone create users, which
    # is what the remediation asks for ("an immutable, admin-only attribute"):
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SchemaAttributeType.html
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUserConfigType.html
    immutable = {
        qualified(name)
        for pool in stack.of_type(rt.USER_POOL)
        if pool.props.flag("adminCreateUserConfig", "allowAdminCreateUserOnly", default=False)
        for attribute in pool.props.records("schemas")
        if isinstance(name := attribute.get("name"), str) and attribute.get("mutable") is False
    }
    writable: set[str] = set()
    for client in clients:
        writable |= client_writes(client)
    return writable - immutable


def check_mapping_claims(stack: Stack, config: Config) -> Iterator[Finding]:
    def rule(attachment: Resource) -> Iterator[str]:
        writable = _writable_claims(stack, attachment, "roleMappings")
        for index, mapping in enumerate(attachment.props.records("roleMappings")):
            if (
                mapping.get("type") == "Rules"
                and config["requireDenyOnAmbiguous"]
                and (mapping.get("ambiguousRoleResolution") == "AuthenticatedRole")
            ):
                yield (
                    f"`roleMappings[{index}]` falls back to the authenticated role when no rule "
                    "matches (`ambiguousRoleResolution: AuthenticatedRole`); use Deny so unmatched "
                    "users get no credentials."
                )
            rules = mapping.get("mappingRules") or []
            if not isinstance(rules, list):
                raise Malformed(("roleMappings", index, "mappingRules"), rules, "a list of rules")
            for rule_index, mapping_rule in enumerate(rules):
                claim = mapping_rule.get("claim") if isinstance(mapping_rule, dict) else None
                if isinstance(claim, str) and claim in writable:
                    yield (
                        f"`roleMappings[{index}].mappingRules[{rule_index}]` chooses the IAM role "
                        f"from `{claim}`, which users can write themselves through an app client: "
                        "they can pick their own role. Map on `cognito:groups` or an immutable, "
                        "admin-only attribute."
                    )

    def tags(principal_tag: Resource) -> Iterator[str]:
        writable = _writable_claims(stack, principal_tag, "identityProviderName")
        mapped = principal_tag.props.known("principalTags") or {}
        for tag, claim in sorted(mapped.items()) if isinstance(mapped, dict) else []:
            if claim in writable:
                yield (
                    f"Principal tag {tag} comes from `{claim}`, which users can write themselves: "
                    "attribute-based access control would trust a value users choose."
                )

    yield from stack.judge_each(stack.of_type(rt.ROLE_ATTACHMENT), rule)
    yield from stack.judge_each(stack.of_type(rt.IDENTITY_POOL_PRINCIPAL_TAG), tags)


# --- app clients and the identity providers they offer -------------------------------------

MAPPING_ONLY_KEYS: Final = ("username",)
"""`attributeMapping` keys that name the user, not an attribute a client writes."""


def _same_pool(client: Resource, provider: Resource) -> bool:
    """Whether a client and an identity provider belong to the same user pool, where that is known."""
    client_pools = set(client.property_dependencies.get("userPoolId", ()))
    provider_pools = set(provider.property_dependencies.get("userPoolId", ()))
    if client_pools and provider_pools:
        return bool(client_pools & provider_pools)
    client_pool, provider_pool = client.props.get("userPoolId"), provider.props.get("userPoolId")
    if isinstance(client_pool, str) and isinstance(provider_pool, str):
        return is_unknown(client_pool) or is_unknown(provider_pool) or client_pool == provider_pool
    return True


def _providers_named(stack: Stack, client: Resource, name: str) -> list[Resource]:
    return [
        provider
        for provider in stack.of_type(rt.IDENTITY_PROVIDER)
        if provider.props.text("providerName", default=provider.name) == name
        and _same_pool(client, provider)
    ]


def _mapped_attributes(provider: Resource) -> set[str]:
    mapping = provider.props.known("attributeMapping") or {}
    if not isinstance(mapping, dict):
        raise Malformed(("attributeMapping",), mapping, "a map of user-pool attribute to claim")
    return {attribute for attribute in mapping if attribute not in MAPPING_ONLY_KEYS}


def check_idp_mapped_attributes_writable(stack: Stack, _config: Config) -> Iterator[Finding]:
    # "If your app client allows users to sign in through an IdP, this array must include all
    # attributes that you have mapped to IdP attributes ... Amazon Cognito throws an error when it
    # tries to update the attribute":
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html
    # Each provider's mapped attributes, read once. One whose `attributeMapping` is not a map is
    # reported (an unknown one waits) once, on the provider, and left out: no client can be
    # checked against it, and each client's row would not say which provider.
    mapped: dict[str, set[str]] = {}

    def read_mapping(provider: Resource) -> Iterator[str]:
        mapped[provider.urn] = _mapped_attributes(provider)
        return iter(())

    yield from stack.judge_each(stack.of_type(rt.IDENTITY_PROVIDER), read_mapping)

    def rule(client: Resource) -> Iterator[str]:
        writable = client_writes(client)
        default = (
            ""
            if client.props.has("writeAttributes")
            else " (`writeAttributes` is not set, so it writes standard attributes only)"
        )
        for name in client.props.strings("supportedIdentityProviders") or []:
            for provider in _providers_named(stack, client, name):
                if provider.urn not in mapped:
                    continue
                missing = sorted(mapped[provider.urn] - writable)
                if missing:
                    yield (
                        f"App client {client.name} signs users in through {name}, which maps "
                        f"{', '.join(missing)}, but the client cannot write "
                        f"{'it' if len(missing) == 1 else 'them'}{default}: Cognito fails those "
                        "federated sign-ins when it updates the mapped attributes. Add "
                        f"{', '.join(missing)} to the client's `writeAttributes`."
                    )

    yield from stack.judge_each(stack.of_type(*rt.APP_CLIENTS), rule)


WAF_ASSOCIATED = stack_policy(
    policy_meta(
        Area.STACK,
        "cognito-user-pool-waf-associated",
        "WAF in front of the user pool",
        "User pools must be protected by an AWS WAF web ACL.",
        "medium",
        "Create an `aws.wafv2.WebAcl` (REGIONAL) with rate-based and AWS managed IP-reputation "
        "rules and associate it with the pool's ARN through `aws.wafv2.WebAclAssociation`.",
        controls=Controls(
            prowler="cognito_user_pool_waf_acl_attached",
            others=("cloudsploit:cognitoHasWafEnabled",),
        ),
    ),
    check_waf,
)

RISK_CONFIGURATION = stack_policy(
    policy_meta(
        Area.STACK,
        "cognito-user-pool-risk-configuration",
        "Risk configuration present",
        "User pools with threat protection must declare their risk actions.",
        "medium",
        "Add an `aws.cognito.RiskConfiguration` for the pool (no `clientId`) with compromised-"
        "credential and account-takeover actions.",
        controls=Controls(
            prowler="cognito_user_pool_blocks_compromised_credentials_sign_in_attempts",
            pci_dss="8.3.9",
        ),
    ),
    check_risk_configuration,
)

COMPENSATING_CONTROLS = stack_policy(
    policy_meta(
        Area.STACK,
        "cognito-lockout-compensating-controls",
        "Lockout compensating controls",
        "User pools in PCI scope must compensate for Cognito's fixed lockout.",
        "low",
        "Enforce threat protection, block high-risk sign-ins in the risk configuration, and put a "
        "rate-limiting WAF web ACL in front of the pool; document them as the compensating "
        "control for PCI DSS 8.3.4.",
        level="advisory",
        controls=Controls(pci_dss="8.3.4", nist_800_63b="3.2.2", asvs="6.3.1"),
    ),
    check_compensating_controls,
)

ROLE_TRUST = stack_policy(
    policy_meta(
        Area.STACK,
        "cognito-identity-pool-role-trust",
        "Roles trust their own pool",
        "Identity-pool roles must trust only their own pool, with the matching amr.",
        "critical",
        "In each attached role's trust policy set `StringEquals` "
        "cognito-identity.amazonaws.com:aud to this identity pool's id and `ForAnyValue:"
        "StringLike` cognito-identity.amazonaws.com:amr to authenticated (or unauthenticated "
        "for the guest role).",
    ),
    check_role_trust,
)

DISTINCT_ROLES = stack_policy(
    policy_meta(
        Area.STACK,
        "cognito-identity-pool-distinct-roles",
        "Separate guest role",
        "Identity pools must not give guests the signed-in users' role.",
        "critical",
        "Create a separate, minimal IAM role for `roles.unauthenticated` (or drop guest access).",
    ),
    check_distinct_roles,
)

GUEST_ROLE = stack_policy(
    policy_meta(
        Area.STACK,
        "cognito-identity-pool-guest-role-least-privilege",
        "Minimal guest role",
        "Identity-pool guest roles must grant only a small allow-list of actions.",
        "critical",
        "Reduce the unauthenticated role's policies to the allowed actions (RUM, analytics) on "
        "specific resources; no wildcards, no AWS managed policies.",
        controls=Controls(prowler="cognito_identity_pool_guest_access_disabled (message)"),
        config={
            "allowedGuestActions": string_list(
                GUEST_ACTIONS, "Actions guests may be allowed (IAM wildcards)."
            ),
            "allowedManagedPolicies": string_list(
                [], "Customer managed policy ARNs reviewed for guests."
            ),
        },
    ),
    check_guest_role,
)

MAPPING_CLAIMS = stack_policy(
    policy_meta(
        Area.STACK,
        "cognito-identity-pool-role-mapping-claims",
        "Role mappings on trusted claims",
        "Identity-pool role mappings and principal tags must not use claims users can write.",
        "critical",
        "Base rules-based role mappings and principal tags on `cognito:groups` or immutable, "
        "admin-only attributes, remove those attributes from every client's `writeAttributes`, "
        "and set `ambiguousRoleResolution` to Deny.",
        config={
            "requireDenyOnAmbiguous": boolean(
                True, "Rules mappings must deny when no rule matches."
            )
        },
    ),
    check_mapping_claims,
)

IDP_MAPPED_ATTRIBUTES_WRITABLE = stack_policy(
    policy_meta(
        Area.STACK,
        "cognito-client-idp-mapped-attributes-writable",
        "Federated attributes writable",
        "App clients must be able to write every attribute their identity providers map.",
        "medium",
        "Add every attribute that an identity provider listed in the client's "
        "`supportedIdentityProviders` maps (its `attributeMapping` keys) to the client's "
        "`writeAttributes`; without it Cognito rejects those users' federated sign-ins.",
    ),
    check_idp_mapped_attributes_writable,
)

POLICIES = [
    WAF_ASSOCIATED,
    RISK_CONFIGURATION,
    COMPENSATING_CONTROLS,
    ROLE_TRUST,
    DISTINCT_ROLES,
    GUEST_ROLE,
    MAPPING_CLAIMS,
    IDP_MAPPED_ATTRIBUTES_WRITABLE,
]
