"""Adopt: a deployed user pool (read by the audit's inventory, in pulumi-aws wire form) turned back
into the `enterprise-identity:` settings that make the program declare the same pool.

Pure mapping, one function per config section. What AWS never returns (client secrets, IdP client
secrets, private keys, SAML metadata files) becomes a `secure:` placeholder the user must supply;
what the settings model cannot express is listed as `NotExpressible` with the live value, never
dropped in silence; choices adopt has to infer (environment, domain version, ...) are listed for
review. `gate.live.import_file` runs the program on the result and writes the import file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from gate.analyzer import UNKNOWN, Secret
from gate.live import inventory as types
from gate.live.inventory import Inventory, LiveResource
from settings.app_clients import NEVER_WRITABLE, STANDARD_SCOPES, ClientKind, url_problem
from settings.user_pool import STANDARD_ATTRIBUTES

Section = dict[str, Any]
PROGRAM_TAGS: Final = ("stack", "managed-by")  # `__main__.py` adds them to every resource
LOG_GROUP_PREFIX: Final = "/aws/vendedlogs/cognito/"  # components/user_pool.py `_log_delivery`
SECRET_PLACEHOLDER: Final = "v1:REPLACE-ME:set-your-own-with-pulumi-config-set-secret"
ENVIRONMENTS: Final = {
    "prod": "production",
    "production": "production",
    "staging": "staging",
    "stage": "staging",
    "test": "test",
    "dev": "development",
    "development": "development",
}
# Token lifetimes: the settings hold access/ID tokens in minutes and refresh tokens in hours. Units
# the API omits default to hours (access, ID) and days (refresh)
# (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_TokenValidityUnitsType.html).
MINUTES: Final = {"seconds": 1 / 60, "minutes": 1, "hours": 60, "days": 1440}
DEFAULT_UNITS: Final = {"accessToken": "hours", "idToken": "hours", "refreshToken": "days"}
# Provider details Cognito fills in itself (endpoints discovered from `oidc_issuer`, read-only
# flags, the metadata fetched from `MetadataURL`), not settings
# (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_IdentityProviderType.html).
DERIVED_DETAILS: Final = frozenset(
    {
        "authorize_url",
        "token_url",
        "attributes_url",
        "jwks_uri",
        "attributes_url_add_attributes",
        "token_request_method",
        "oidc_issuer_discovered",
        "ActiveEncryptionCertificate",
        "SLORedirectBindingURI",
        "SSORedirectBindingURI",
    }
)
_LAMBDA_TRIGGERS: Final = (
    "preSignUp",
    "postConfirmation",
    "preAuthentication",
    "postAuthentication",
    "userMigration",
    "customMessage",
    "defineAuthChallenge",
    "createAuthChallenge",
    "verifyAuthChallengeResponse",
)


@dataclass(frozen=True)
class NotExpressible:
    """A live value the settings cannot hold: where it is, the value, and what adopt did."""

    where: str
    live: object
    reason: str

    def describe(self) -> str:
        return f"{self.where}: live {_shown(self.live)} - {self.reason}"


@dataclass(frozen=True)
class SecretToSupply:
    """A top-level `secure:` config key holding a placeholder until the user sets it."""

    key: str
    what: str


@dataclass
class Adoption:
    """The `enterprise-identity:` sections for one pool, and what the user must know about them."""

    pool_id: str
    region: str
    sections: dict[str, Any] = field(default_factory=dict)
    secrets: list[SecretToSupply] = field(default_factory=list)
    not_expressible: list[NotExpressible] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    skipped: set[str] = field(default_factory=set)
    """Keys of live resources left out of the settings (and so out of the import)."""

    def refuse(self, where: str, live: object, reason: str) -> None:
        self.not_expressible.append(NotExpressible(where, _plain(live), reason))

    def secret(self, stem: str, suffix: str, what: str) -> str:
        key = _secret_key(stem, suffix)
        self.secrets.append(SecretToSupply(key, what))
        return key


@dataclass(frozen=True)
class AdoptInputs:
    """What adopt needs besides the live resources."""

    stack: str
    name_prefix: str | None = None
    unread: tuple[str, ...] = ()
    """APIs whose reads failed (`cognito-idp:DescribeRiskConfiguration`, ...)."""


def adopt_settings(inventory: Inventory, pool_id: str, inputs: AdoptInputs) -> Adoption:
    """The settings sections that declare the live pool `pool_id` and its parts."""
    adoption = Adoption(pool_id=pool_id, region=inventory.region)
    pool = inventory.resources[f"{types.USER_POOL}::{pool_id}"]
    parts = _Parts(inventory)
    sections = adoption.sections
    sections["deployment"] = _deployment(pool.inputs, inputs, adoption)
    prefix = sections["deployment"]["namePrefix"]
    sections["userPool"] = _user_pool(pool.inputs, parts, inputs.unread, prefix, adoption)
    domain = _domain(parts.of(types.USER_POOL_DOMAIN), adoption)
    if domain:
        sections["domain"] = domain
    sections["groups"] = [_group(group.inputs) for group in parts.of(types.USER_GROUP)]
    sections["resourceServers"] = [_server(s.inputs) for s in parts.of(types.RESOURCE_SERVER)]
    providers = [_provider(p, adoption) for p in parts.of(types.IDENTITY_PROVIDER)]
    sections["identityProviders"] = [p for p in providers if p]
    clients = [_client(c, bool(domain), adoption) for c in parts.of(types.USER_POOL_CLIENT)]
    sections["appClients"] = [c for c in clients if c]
    identity_pool = _identity_pool(parts, adoption)
    if identity_pool:
        sections["identityPool"] = identity_pool
    for name in [key for key, value in sections.items() if value == []]:
        del sections[name]
    _mark_authorization_attributes(sections)
    return adoption


class _Parts:
    """The inventory's resources by type, in the order they were read."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory

    def of(self, type_: str) -> list[LiveResource]:
        return [r for r in self.inventory.resources.values() if r.type == type_]

    def one(self, type_: str) -> LiveResource | None:
        return next(iter(self.of(type_)), None)

    def client_names(self) -> dict[str, str]:
        return {c.id: str(c.inputs.get("name")) for c in self.of(types.USER_POOL_CLIENT)}


# --- deployment -----------------------------------------------------------------------------


def _deployment(pool: Mapping[str, Any], inputs: AdoptInputs, adoption: Adoption) -> Section:
    tags = dict(pool.get("tags") or {})
    environment = ENVIRONMENTS.get(str(tags.get("environment", "")).lower())
    if environment is None:
        sender = (pool.get("emailConfiguration") or {}).get("emailSendingAccount")
        environment = "production" if sender == "DEVELOPER" else "development"
        adoption.review.append(
            f"deployment.environment: {environment} was inferred (the pool has no `environment` "
            "tag); production requires SES email"
        )
    return {
        "environment": environment,
        "namePrefix": inputs.name_prefix or name_prefix_for(inputs.stack),
        "protect": True,
        "tags": {k: str(v) for k, v in tags.items() if k not in PROGRAM_TAGS},
    }


def name_prefix_for(stack: str) -> str:
    """`ei-<stack>` in the characters `deployment.namePrefix` allows (at most 20)."""
    cleaned = re.sub(r"[^a-z0-9-]+", "-", stack.lower()).strip("-") or "stack"
    return f"ei-{cleaned}"[:20].rstrip("-")


# --- user pool ------------------------------------------------------------------------------


def _user_pool(
    pool: Mapping[str, Any],
    parts: _Parts,
    unread: tuple[str, ...],
    prefix: str,
    adoption: Adoption,
) -> Section:
    tier = str(pool.get("userPoolTier") or "ESSENTIALS")
    if "userPoolTier" not in pool:
        adoption.review.append("userPool.tier: not returned by AWS; ESSENTIALS assumed")
    section: Section = {
        "name": pool.get("name"),
        "tier": tier,
        "deletionProtection": pool.get("deletionProtection") == "ACTIVE",
        "signIn": _sign_in(pool),
        "autoVerifiedAttributes": list(pool.get("autoVerifiedAttributes") or []),
        "attributesRequireVerificationBeforeUpdate": list(
            (pool.get("userAttributeUpdateSettings") or {}).get(
                "attributesRequireVerificationBeforeUpdates"
            )
            or []
        ),
        "passwordPolicy": _password_policy(pool.get("passwordPolicy") or {}),
        "mfa": _mfa(pool, adoption),
        "threatProtection": _threat_protection(pool, parts, tier, unread, adoption),
        "accountRecovery": _account_recovery(pool, adoption),
        "adminCreateUser": _admin_create_user(pool.get("adminCreateUserConfig") or {}),
        "deviceTracking": _device_tracking(pool, adoption),
        "email": _email(pool.get("emailConfiguration") or {}),
        "schema": _schema(pool.get("schemas") or [], adoption),
        "triggers": _triggers(pool.get("lambdaConfig") or {}),
        "logging": _logging(parts.one(types.LOG_DELIVERY), unread, prefix, adoption),
        "waf": _waf(parts, adoption),
    }
    return {key: value for key, value in section.items() if value is not None}


def _sign_in(pool: Mapping[str, Any]) -> Section:
    """A pool without `UsernameConfiguration` is case-sensitive
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UsernameConfigurationType.html)."""
    return {
        "usernameAttributes": list(pool.get("usernameAttributes") or []),
        "aliasAttributes": list(pool.get("aliasAttributes") or []),
        "caseSensitive": bool((pool.get("usernameConfiguration") or {}).get("caseSensitive", True)),
    }


def _password_policy(policy: Mapping[str, Any]) -> Section:
    """(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_PasswordPolicyType.html)."""
    names = {
        "minimumLength": 8,
        "requireLowercase": False,
        "requireUppercase": False,
        "requireNumbers": False,
        "requireSymbols": False,
        "temporaryPasswordValidityDays": 7,
        "passwordHistorySize": 0,
    }
    return {name: _number(policy.get(name, default)) for name, default in names.items()}


def _mfa(pool: Mapping[str, Any], adoption: Adoption) -> Section:
    """GetUserPoolMfaConfig: the state and each factor
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUserPoolMfaConfig.html)."""
    totp = pool.get("softwareTokenMfaConfiguration")
    if totp is UNKNOWN:
        adoption.review.append("userPool.mfa: GetUserPoolMfaConfig was not read; factors assumed")
        totp = {}
    section: Section = {
        "mode": pool.get("mfaConfiguration") or "OFF",
        "totp": bool((totp or {}).get("enabled")),
    }
    if pool.get("smsAuthenticationMessage") is not None:
        section["sms"] = {
            "enabled": True,
            "authenticationMessage": pool["smsAuthenticationMessage"],
        }
        sns = (pool.get("smsConfiguration") or {}).get("snsRegion")
        if sns:
            section["sms"]["snsRegion"] = sns
        adoption.refuse(
            "userPool.smsConfiguration.snsCallerArn",
            (pool.get("smsConfiguration") or {}).get("snsCallerArn"),
            "the program sends SMS through its own IAM role; `pulumi up` switches the pool to it",
        )
    email = pool.get("emailMfaConfiguration")
    if isinstance(email, Mapping) and email:
        section["email"] = {"enabled": True, **_present(email, {"subject": "subject"})}
        if email.get("message"):
            section["email"]["message"] = email["message"]
    return section


def _threat_protection(
    pool: Mapping[str, Any], parts: _Parts, tier: str, unread: tuple[str, ...], adoption: Adoption
) -> Section:
    """User pool add-ons plus the pool-level risk configuration; `customAuthMode` defaults to AUDIT
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolAddOnsType.html,
    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RiskConfigurationType.html)."""
    add_ons = pool.get("userPoolAddOns") or {}
    mode = str(add_ons.get("advancedSecurityMode") or "OFF")
    section: Section = {"mode": mode if tier == "PLUS" else "OFF"}
    if section["mode"] == "OFF":
        return section
    flows = add_ons.get("advancedSecurityAdditionalFlows") or {}
    section["customAuthMode"] = flows.get("customAuthMode") or "AUDIT"
    risk = parts.one(types.RISK_CONFIGURATION)
    if risk is None:
        if "cognito-idp:DescribeRiskConfiguration" in unread:
            adoption.review.append(
                "userPool.threatProtection: DescribeRiskConfiguration was not read; the settings' "
                "default risk actions are assumed"
            )
        return section
    section.update(_risk(risk.inputs, adoption))
    return section


def _risk(risk: Mapping[str, Any], adoption: Adoption) -> Section:
    section: Section = {}
    compromised = risk.get("compromisedCredentialsRiskConfiguration") or {}
    if compromised:
        section["compromisedCredentials"] = {
            "action": (compromised.get("actions") or {}).get("eventAction", "BLOCK"),
            "events": list(
                compromised.get("eventFilters") or ["SIGN_IN", "PASSWORD_CHANGE", "SIGN_UP"]
            ),
        }
    takeover = risk.get("accountTakeoverRiskConfiguration") or {}
    actions = takeover.get("actions") or {}
    if actions:
        section["accountTakeover"] = {
            level: {
                "action": (actions.get(f"{level}Action") or {}).get("eventAction", "NO_ACTION"),
                "notify": bool((actions.get(f"{level}Action") or {}).get("notify")),
            }
            for level in ("low", "medium", "high")
        }
    notify = takeover.get("notifyConfiguration") or {}
    if notify.get("sourceArn"):
        section["notification"] = {
            "sourceArn": notify["sourceArn"],
            **_present(notify, {"from": "fromAddress", "replyTo": "replyToAddress"}),
        }
        templates = {k: v for k, v in notify.items() if k.endswith("Email")}
        if templates:
            adoption.refuse(
                "userPool.threatProtection.notification (email templates)",
                templates,
                "the settings hold no notification templates; `pulumi up` resets them to AWS's",
            )
    exceptions = risk.get("riskExceptionConfiguration") or {}
    if exceptions.get("blockedIpRangeLists"):
        section["blockedIpRanges"] = list(exceptions["blockedIpRangeLists"])
    if exceptions.get("skippedIpRangeLists"):
        section["skippedIpRanges"] = list(exceptions["skippedIpRangeLists"])
    return section


def _account_recovery(pool: Mapping[str, Any], adoption: Adoption) -> list[str]:
    """Recovery mechanisms in priority order; the settings refuse SMS first (hijackable)."""
    mechanisms = (pool.get("accountRecoverySetting") or {}).get("recoveryMechanisms") or []
    ordered = [
        str(m.get("name")) for m in sorted(mechanisms, key=lambda m: _number(m.get("priority", 0)))
    ]
    if ordered and ordered[0] != "verified_phone_number":
        return ordered
    adoption.refuse(
        "userPool.accountRecovery",
        ordered or None,
        "the settings need verified_email first (SMS recovery is hijackable); the config sets "
        "[verified_email], which `pulumi up` applies",
    )
    return ["verified_email"]


def _admin_create_user(config: Mapping[str, Any]) -> Section:
    template = config.get("inviteMessageTemplate") or {}
    section: Section = {"allowAdminCreateUserOnly": bool(config.get("allowAdminCreateUserOnly"))}
    invitation = _present(
        template,
        {
            "emailSubject": "emailSubject",
            "emailMessage": "emailMessage",
            "smsMessage": "smsMessage",
        },
    )
    if invitation:
        section["invitation"] = invitation
    return section


def _device_tracking(pool: Mapping[str, Any], adoption: Adoption) -> Section:
    device = pool.get("deviceConfiguration")
    if not device:
        adoption.refuse(
            "userPool.deviceConfiguration",
            None,
            "the pool does not remember devices and the settings always configure device "
            "tracking; the config asks for a device challenge and the user's consent",
        )
        return {"challengeRequiredOnNewDevice": True, "deviceOnlyRememberedOnUserPrompt": True}
    return {
        "challengeRequiredOnNewDevice": bool(device.get("challengeRequiredOnNewDevice")),
        "deviceOnlyRememberedOnUserPrompt": bool(device.get("deviceOnlyRememberedOnUserPrompt")),
    }


def _email(config: Mapping[str, Any]) -> Section:
    """(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_EmailConfigurationType.html)."""
    return {
        "sendingAccount": config.get("emailSendingAccount") or "COGNITO_DEFAULT",
        **_present(
            config,
            {
                "sourceArn": "sourceArn",
                "fromEmailAddress": "fromAddress",
                "replyToEmailAddress": "replyToAddress",
                "configurationSet": "configurationSet",
            },
        ),
    }


def _schema(attributes: list[Mapping[str, Any]], adoption: Adoption) -> Section:
    """DescribeUserPool lists every standard attribute; only those that differ from AWS's default
    (optional, mutable) are settings. Custom ones keep their type, mutability and length
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SchemaAttributeType.html)."""
    standard = []
    custom = []
    for attribute in attributes:
        name = str(attribute.get("name"))
        if name.startswith("dev:") or attribute.get("developerOnlyAttribute"):
            adoption.refuse(
                f"userPool.schema[{name}]",
                dict(attribute),
                "developer-only attributes are not settings",
            )
        elif name in STANDARD_ATTRIBUTES:
            if attribute.get("required") or attribute.get("mutable") is False:
                standard.append(
                    {
                        "name": name,
                        "required": bool(attribute.get("required")),
                        "mutable": attribute.get("mutable", True) is not False,
                    }
                )
        else:
            custom.append(_custom_attribute(name, attribute))
    return {"standardAttributes": standard, "customAttributes": custom}


def _custom_attribute(name: str, attribute: Mapping[str, Any]) -> Section:
    entry: Section = {
        "name": name,
        "type": attribute.get("attributeDataType") or "String",
        "mutable": attribute.get("mutable", True) is not False,
    }
    constraints = attribute.get("stringAttributeConstraints") or {}
    if entry["type"] == "String":
        entry["minLength"] = _number(constraints.get("minLength", 0))
        entry["maxLength"] = _number(constraints.get("maxLength", 2048))
    return entry


def _triggers(config: Mapping[str, Any]) -> Section | None:
    """Lambda triggers by ARN (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_LambdaConfigType.html)."""
    section: Section = {name: config[name] for name in _LAMBDA_TRIGGERS if config.get(name)}
    token = config.get("preTokenGenerationConfig") or {}
    if token.get("lambdaArn"):
        section["preTokenGeneration"] = token["lambdaArn"]
        section["preTokenGenerationVersion"] = token.get("lambdaVersion") or "V1_0"
    elif config.get("preTokenGeneration"):
        section["preTokenGeneration"] = config["preTokenGeneration"]
        section["preTokenGenerationVersion"] = "V1_0"
    for sender in ("customEmailSender", "customSmsSender"):
        if (config.get(sender) or {}).get("lambdaArn"):
            section[sender] = config[sender]["lambdaArn"]
    if config.get("kmsKeyId"):
        section["kmsKeyArn"] = config["kmsKeyId"]
    return section or None


def _logging(
    delivery: LiveResource | None, unread: tuple[str, ...], prefix: str, adoption: Adoption
) -> Section:
    """Log export (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_LogConfigurationType.html):
    the program exports to a CloudWatch log group of its own, `/aws/vendedlogs/cognito/<prefix>`;
    an export anywhere else is listed."""
    if delivery is None:
        if "cognito-idp:GetLogDeliveryConfiguration" in unread:
            adoption.review.append(
                "userPool.logging: GetLogDeliveryConfiguration was not read; export is off in the "
                "config"
            )
        return {"enabled": False}
    configurations = delivery.inputs.get("logConfigurations") or []
    sources = {str(c.get("eventSource")) for c in configurations}
    own = f":log-group:{LOG_GROUP_PREFIX}{prefix}"
    for configuration in configurations:
        targets = {k: v for k, v in configuration.items() if k.endswith("Configuration")}
        group = str((targets.get("cloudWatchLogsConfiguration") or {}).get("logGroupArn", ""))
        if len(targets) == 1 and group.removesuffix(":*").endswith(own):
            continue
        adoption.refuse(
            f"userPool.logging ({configuration.get('eventSource')})",
            targets,
            f"the program exports to its own log group {LOG_GROUP_PREFIX}{prefix}; "
            "`pulumi up` points the export there (the old destination is left as it is)",
        )
    return {"enabled": True, "authEvents": "userAuthEvents" in sources}


def _waf(parts: _Parts, adoption: Adoption) -> Section:
    acl = parts.one(types.WEB_ACL)
    if acl is None:
        adoption.review.append(
            "userPool.waf: the pool has no web ACL, so the config says `off`; `managed` adds one"
        )
        return {"mode": "off"}
    return {"mode": "existing", "webAclArn": acl.outputs.get("arn")}


# --- domain, groups, resource servers -------------------------------------------------------


def _domain(domains: list[LiveResource], adoption: Adoption) -> Section | None:
    """One domain per stack: the Cognito prefix domain first, else the custom domain."""
    ordered = sorted(domains, key=lambda d: "certificateArn" in d.inputs)
    if not ordered:
        return None
    chosen, others = ordered[0], ordered[1:]
    for other in others:
        adoption.refuse(f"domain {other.id}", other.id, "a stack holds one domain; left unmanaged")
        adoption.skipped.add(other.key)
    inputs = chosen.inputs
    section: Section = (
        {"customDomain": {"domainName": inputs["domain"]}}
        if inputs.get("certificateArn")
        else {"prefix": inputs["domain"]}
    )
    if inputs.get("certificateArn"):
        adoption.refuse(
            "domain.certificateArn",
            inputs["certificateArn"],
            "the program issues its own ACM certificate in us-east-1 for a custom domain",
        )
    if inputs.get("managedLoginVersion") is not None:
        section["managedLoginVersion"] = int(_number(inputs["managedLoginVersion"]))
    else:
        adoption.review.append(
            "domain.managedLoginVersion: not returned; 2 (managed login) assumed"
        )
    return section


def _group(group: Mapping[str, Any]) -> Section:
    section: Section = {"name": group.get("name")}
    section.update(_present(group, {"description": "description", "roleArn": "roleArn"}))
    if group.get("precedence") is not None:
        section["precedence"] = int(_number(group["precedence"]))
    return section


def _server(server: Mapping[str, Any]) -> Section:
    return {
        "identifier": server.get("identifier"),
        "name": server.get("name"),
        "scopes": [
            {"name": s.get("scopeName"), "description": s.get("scopeDescription")}
            for s in server.get("scopes") or []
        ],
    }


# --- identity providers ---------------------------------------------------------------------


def _provider(resource: LiveResource, adoption: Adoption) -> Section | None:
    inputs = resource.inputs
    name = str(inputs.get("providerName"))
    kind = str(inputs.get("providerType"))
    details = dict(_plain(inputs.get("providerDetails")) or {})
    mapping = dict(inputs.get("attributeMapping") or {})
    if "username" in mapping:
        adoption.refuse(
            f"identityProviders[{name}].attributeMapping.username",
            mapping.pop("username"),
            "the settings map IdP claims to pool attributes only; Cognito keeps its own username "
            "mapping",
        )
    section: Section = {"type": kind, "attributeMapping": mapping}
    if kind not in ("Google", "Facebook", "SignInWithApple", "LoginWithAmazon"):
        section["name"] = name
    if inputs.get("idpIdentifiers"):
        section["identifiers"] = list(inputs["idpIdentifiers"])
    builder = _PROVIDER_BUILDERS.get(kind)
    if builder is None:
        adoption.refuse(f"identityProviders[{name}]", kind, "unknown provider type; left unmanaged")
        adoption.skipped.add(resource.key)
        return None
    used = builder(name, details, section, adoption)
    extra = {k: v for k, v in details.items() if k not in used and k not in DERIVED_DETAILS}
    if extra:
        adoption.refuse(
            f"identityProviders[{name}].providerDetails",
            extra,
            "the settings have no place for these details; `pulumi up` removes them",
        )
    return section


def _saml(name: str, details: dict[str, Any], section: Section, adoption: Adoption) -> set[str]:
    if details.get("MetadataURL"):
        section["metadataUrl"] = details["MetadataURL"]
    else:
        section["metadataFileKey"] = adoption.secret(
            name, "MetadataFile", f"the SAML metadata document of identity provider {name}"
        )
    section["signOut"] = _flag(details.get("IDPSignout"))
    section["idpInitiated"] = _flag(details.get("IDPInit"))
    section["encryptedResponses"] = _flag(details.get("EncryptedResponses"))
    if details.get("RequestSigningAlgorithm"):
        section["requestSigningAlgorithm"] = details["RequestSigningAlgorithm"]
    return {
        "MetadataURL",
        "MetadataFile",
        "IDPSignout",
        "IDPInit",
        "EncryptedResponses",
        "RequestSigningAlgorithm",
    }


def _oidc(name: str, details: dict[str, Any], section: Section, adoption: Adoption) -> set[str]:
    section["clientId"] = details.get("client_id")
    section["clientSecretKey"] = adoption.secret(
        name, "ClientSecret", f"the client secret of OIDC identity provider {name}"
    )
    section["issuer"] = details.get("oidc_issuer")
    section["scopes"] = str(details.get("authorize_scopes") or "openid").split()
    section["attributesRequestMethod"] = details.get("attributes_request_method") or "GET"
    return {
        "client_id",
        "client_secret",
        "oidc_issuer",
        "authorize_scopes",
        "attributes_request_method",
    }


def _social(name: str, details: dict[str, Any], section: Section, adoption: Adoption) -> set[str]:
    section["clientId"] = details.get("client_id")
    separator = "," if name == "Facebook" else " "
    section["scopes"] = [
        s for s in str(details.get("authorize_scopes") or "").split(separator) if s
    ]
    if name == "SignInWithApple":
        section["teamId"] = details.get("team_id")
        section["keyId"] = details.get("key_id")
        section["privateKeyKey"] = adoption.secret(
            name, "PrivateKey", "the Sign in with Apple private key"
        )
        return {"client_id", "team_id", "key_id", "private_key", "authorize_scopes"}
    section["clientSecretKey"] = adoption.secret(
        name, "ClientSecret", f"the client secret of identity provider {name}"
    )
    if name == "Facebook" and details.get("api_version"):
        section["apiVersion"] = details["api_version"]
    return {"client_id", "client_secret", "authorize_scopes", "api_version"}


_PROVIDER_BUILDERS: Final = {
    "SAML": _saml,
    "OIDC": _oidc,
    "Google": _social,
    "Facebook": _social,
    "SignInWithApple": _social,
    "LoginWithAmazon": _social,
}


# --- app clients ----------------------------------------------------------------------------


def _client(resource: LiveResource, has_domain: bool, adoption: Adoption) -> Section | None:
    """A client whose shape fits a kind; any other is listed and left unmanaged (the settings
    also need a domain for a client with callbacks)."""
    client = resource.inputs
    name = str(client.get("name"))
    kind, reason = _client_kind(client)
    if kind in ("web", "spa", "mobile") and client.get("callbackUrls") and not has_domain:
        kind, reason = None, "the settings give callback URLs only to a pool with a domain"
    if kind is None:
        adoption.refuse(f"appClients[{name}]", _client_shape(client), f"{reason}; left unmanaged")
        adoption.skipped.add(resource.key)
        return None
    section: Section = {"name": name, "kind": kind}
    oauth = bool(client.get("allowedOauthFlowsUserPoolClient"))
    if kind != "machine" and oauth:
        section["callbackUrls"] = list(client.get("callbackUrls") or [])
        section["logoutUrls"] = list(client.get("logoutUrls") or [])
        if client.get("defaultRedirectUri"):
            section["defaultRedirectUri"] = client["defaultRedirectUri"]
    if oauth:
        section["scopes"] = list(client.get("allowedOauthScopes") or [])
    if kind != "machine":
        section["identityProviders"] = list(client.get("supportedIdentityProviders") or [])
    section.update(_attributes(name, client, adoption))
    section["tokens"] = _tokens(name, client, adoption)
    if client.get("authSessionValidity") is not None:
        section["authSessionMinutes"] = int(_number(client["authSessionValidity"]))
    rotation = client.get("refreshTokenRotation") or {}
    if kind != "machine":
        section["refreshTokenRotation"] = {
            "enabled": rotation.get("feature") == "ENABLED",
            **(
                {"gracePeriodSeconds": int(_number(rotation["retryGracePeriodSeconds"]))}
                if rotation.get("retryGracePeriodSeconds") is not None
                else {}
            ),
        }
    return section


def _client_kind(client: Mapping[str, Any]) -> tuple[ClientKind | None, str]:
    """The settings' kind for a live client's flows and secret, or None and why none fits."""
    flows = sorted(client.get("allowedOauthFlows") or [])
    oauth = bool(client.get("allowedOauthFlowsUserPoolClient")) and bool(flows)
    secret = bool(client.get("generateSecret"))
    scopes = list(client.get("allowedOauthScopes") or [])
    urls = list(client.get("callbackUrls") or []) + list(client.get("logoutUrls") or [])
    passwords = {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH"}
    if passwords & set(client.get("explicitAuthFlows") or []):
        return None, "its auth flows include password or custom sign-in, which no kind allows"
    if oauth and flows == ["client_credentials"]:
        if not secret or any(s in STANDARD_SCOPES for s in scopes) or not scopes:
            return (
                None,
                "a client-credentials client needs a secret and resource-server scopes only",
            )
        return "machine", ""
    if oauth and flows != ["code"]:
        return None, f"OAuth flows {flows} fit no kind (web/spa/mobile use the code flow only)"
    if secret and not (oauth and client.get("callbackUrls")):
        return None, "a client with a secret and no authorization-code callbacks fits no kind"
    kind: ClientKind = "web" if secret else _public_kind(urls)
    bad = [url for url in urls if url_problem(url, kind)]
    if bad:
        return (
            None,
            f"callback/logout URLs {bad} are refused by the settings ({url_problem(bad[0], kind)})",
        )
    return kind, ""


def _public_kind(urls: Iterable[str]) -> ClientKind:
    """A public client with a custom-scheme callback is a mobile app; otherwise a SPA."""
    custom = any(not url.startswith(("https://", "http://")) for url in urls)
    return "mobile" if custom else "spa"


def _client_shape(client: Mapping[str, Any]) -> Section:
    names = (
        "allowedOauthFlows",
        "explicitAuthFlows",
        "generateSecret",
        "callbackUrls",
        "allowedOauthScopes",
    )
    return {name: client.get(name) for name in names if client.get(name) is not None}


def _attributes(name: str, client: Mapping[str, Any], adoption: Adoption) -> Section:
    """Read/write attributes; an unset list reads (or writes) every attribute, which the
    settings never allow (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html)."""
    section: Section = {}
    for key in ("readAttributes", "writeAttributes"):
        values = [str(v) for v in client.get(key) or []]
        if key == "writeAttributes":
            refused = [v for v in values if v in NEVER_WRITABLE]
            if refused:
                adoption.refuse(
                    f"appClients[{name}].writeAttributes",
                    refused,
                    "verified flags are never client-writable in the settings; `pulumi up` removes them",
                )
                values = [v for v in values if v not in NEVER_WRITABLE]
        if values:
            section[key] = values
        else:
            adoption.refuse(
                f"appClients[{name}].{key}",
                None,
                "unset means every attribute; the config uses the settings' default list",
            )
    return section


# Token -> its settings key, minutes per settings unit, the settings' range and default
# (settings/app_clients.py TokenValidity), and AWS's default value when the API omits it.
_TOKENS: Final = (
    ("accessToken", "accessTokenMinutes", 1, (5, 1440), 15, 60),
    ("idToken", "idTokenMinutes", 1, (5, 1440), 15, 60),
    ("refreshToken", "refreshTokenHours", 60, (1, 87600), 12, 30),
)


def _tokens(name: str, client: Mapping[str, Any], adoption: Adoption) -> Section:
    """Lifetimes in the settings' units; one that is not whole or out of the settings' range is
    listed (rounded, or the settings' default)."""
    units = {**DEFAULT_UNITS, **(client.get("tokenValidityUnits") or {})}
    tokens: Section = {}
    for token, key, per, (low, high), fallback, aws_default in _TOKENS:
        value = _number(client.get(f"{token}Validity", aws_default))
        converted = value * MINUTES.get(str(units[token]), 1) / per
        unit = "hours" if per == 60 else "minutes"
        where, live = f"appClients[{name}].{token}Validity", f"{value} {units[token]}"
        if not low <= converted <= high:
            adoption.refuse(where, live, f"outside {low}-{high} {unit}; the config uses {fallback}")
            converted = fallback
        elif converted != int(converted):
            adoption.refuse(where, live, f"not a whole number of {unit}; rounded")
        tokens[key] = round(converted)
    return tokens


# --- identity pool --------------------------------------------------------------------------


def _identity_pool(parts: _Parts, adoption: Adoption) -> Section | None:
    """The identity pool that trusts the user pool (a stack declares one)."""
    pools = parts.of(types.IDENTITY_POOL)
    if not pools:
        return None
    chosen = pools[0]
    for other in pools[1:]:
        adoption.refuse(
            f"identityPool {other.id}",
            other.inputs.get("identityPoolName"),
            "a stack holds one identity pool; left unmanaged",
        )
        adoption.skipped.add(other.key)
    inputs = chosen.inputs
    names = parts.client_names()
    section: Section = {
        "name": inputs.get("identityPoolName"),
        "allowGuestAccess": bool(inputs.get("allowUnauthenticatedIdentities")),
    }
    for key in (
        "allowClassicFlow",
        "developerProviderName",
        "supportedLoginProviders",
        "openidConnectProviderArns",
        "samlProviderArns",
    ):
        if inputs.get(key):
            adoption.refuse(
                f"identityPool.{key}",
                inputs[key],
                "the program trusts only this user pool's clients (classic flow off); `pulumi up` removes it",
            )
    providers = [
        p for p in inputs.get("cognitoIdentityProviders") or [] if str(p.get("clientId")) in names
    ]
    section["clients"] = [names[str(p["clientId"])] for p in providers]
    checks = {bool(p.get("serverSideTokenCheck")) for p in providers}
    section["serverSideTokenCheck"] = all(checks) if checks else True
    if len(checks) > 1:
        adoption.refuse(
            "identityPool.serverSideTokenCheck",
            sorted(checks),
            "mixed per client; the config turns it on for all",
        )
    attachment = next((a for a in parts.of(types.ROLE_ATTACHMENT) if a.id == chosen.id), None)
    if attachment is not None:
        section["roleMappings"] = _role_mappings(attachment.inputs, names, parts, adoption)
        roles = attachment.inputs.get("roles") or {}
        if roles:
            adoption.refuse(
                "identityPool roles",
                dict(roles),
                "the program creates its own authenticated (and guest) roles, trusted by this "
                "identity pool only; `pulumi up` attaches them",
            )
    tags = next(
        (t for t in parts.of(types.PRINCIPAL_TAG) if t.inputs.get("identityPoolId") == chosen.id),
        None,
    )
    if tags is not None:
        section["principalTags"] = {
            "tags": dict(tags.inputs.get("principalTags") or {}),
            "useDefaults": bool(tags.inputs.get("useDefaults")),
        }
    if section["allowGuestAccess"]:
        section["guestRole"] = {}
    return {k: v for k, v in section.items() if v != []}


def _role_mappings(
    attachment: Mapping[str, Any], names: Mapping[str, str], parts: _Parts, adoption: Adoption
) -> list[Section]:
    """SetIdentityPoolRoles keys each mapping by `<provider name>:<client id>`
    (https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_SetIdentityPoolRoles.html)."""
    group_roles = {
        str(g.inputs["roleArn"]): str(g.inputs.get("name"))
        for g in parts.of(types.USER_GROUP)
        if g.inputs.get("roleArn")
    }
    mappings = []
    for mapping in attachment.get("roleMappings") or []:
        provider = str(mapping.get("identityProvider"))
        client_id = provider.rsplit(":", 1)[-1]
        if client_id not in names:
            adoption.refuse(
                "identityPool.roleMappings",
                provider,
                "not a client of this user pool; `pulumi up` removes it",
            )
            continue
        entry: Section = {
            "client": names[client_id],
            "type": mapping.get("type") or "Token",
            "ambiguousRoleResolution": mapping.get("ambiguousRoleResolution") or "Deny",
        }
        rules = []
        for rule in mapping.get("mappingRules") or []:
            role = str(rule.get("roleArn"))
            target = {"group": group_roles[role]} if role in group_roles else {"roleArn": role}
            rules.append(
                {
                    "claim": rule.get("claim"),
                    "matchType": rule.get("matchType"),
                    "value": rule.get("value"),
                    **target,
                }
            )
        if rules:
            entry["rules"] = rules
        mappings.append(entry)
    return mappings


def _mark_authorization_attributes(sections: Mapping[str, Any]) -> None:
    """An immutable custom attribute that no client writes and no IdP maps is an authorization
    attribute (the settings then keep it that way)."""
    written = {a for c in sections.get("appClients", []) for a in c.get("writeAttributes", [])}
    mapped = {
        a for p in sections.get("identityProviders", []) for a in p.get("attributeMapping", {})
    }
    for attribute in sections["userPool"]["schema"]["customAttributes"]:
        claim = f"custom:{attribute['name']}"
        if not attribute["mutable"] and claim not in written | mapped:
            attribute["authorization"] = True


# --- helpers --------------------------------------------------------------------------------


def _present(source: Mapping[str, Any], names: Mapping[str, str]) -> Section:
    return {
        target: source[name] for name, target in names.items() if source.get(name) not in (None, "")
    }


def _number(value: Any) -> Any:
    """Wire numbers are floats (and some AWS fields numeric strings); whole ones become ints."""
    if isinstance(value, bool):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return int(number) if number.is_integer() else number


def _flag(value: Any) -> bool:
    return str(value).lower() == "true"


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Secret) else value


def _secret_key(stem: str, suffix: str) -> str:
    """`corporate-saml` + `MetadataFile` -> `corporateSamlMetadataFile` (a valid config key)."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", stem) if w]
    camel = "".join(w[:1].upper() + w[1:] for w in words)
    camel = camel[:1].lower() + camel[1:]
    if not camel or not camel[0].isalpha():
        camel = f"idp{camel[:1].upper()}{camel[1:]}"
    return f"{camel}{suffix}"[:64]


def _shown(value: object) -> str:
    return "not set" if value is None else repr(value)
