"""Adopt, the user pool: the live pool (DescribeUserPool + GetUserPoolMfaConfig), its risk
configuration, log export, web ACL and domain as the `userPool` and `domain` settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from gate.analyzer import UNKNOWN
from gate.live import inventory as types
from gate.live.adoption import Adoption, Parts, Section, number, present
from gate.live.inventory import LiveResource
from settings.user_pool import LOG_GROUP_PREFIX, STANDARD_ATTRIBUTES, Triggers

# Attributes AWS keeps in every schema and fixes itself (the user's `sub`, federated `identities`).
AWS_MANAGED_ATTRIBUTES: Final = frozenset({"sub", "identities"})
# The triggers the settings hold by ARN, named as the settings and the wire's `lambdaConfig` both
# name them (settings/user_pool.py Triggers), less what `_triggers` reads apart: the objects of
# pre token generation (with its version) and the custom senders, and their KMS key (`kmsKeyId`).
_READ_APART: Final = frozenset(
    {
        "preTokenGeneration",
        "preTokenGenerationVersion",
        "customEmailSender",
        "customSmsSender",
        "kmsKeyArn",
    }
)
_LAMBDA_TRIGGERS: Final = tuple(
    str(field.alias)
    for field in Triggers.model_fields.values()
    if str(field.alias) not in _READ_APART
)


# --- user pool ------------------------------------------------------------------------------


def user_pool_section(
    pool: Mapping[str, Any],
    parts: Parts,
    unread: tuple[str, ...],
    prefix: str,
    adoption: Adoption,
) -> Section:
    """The `userPool` section; `prefix` names the log group the program would export to. A pool
    created without a tier is ESSENTIALS
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPool.html)."""
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
    return {name: number(policy.get(name, default)) for name, default in names.items()}


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
        section["email"] = {"enabled": True, **present(email, {"subject": "subject"})}
        if email.get("message"):
            section["email"]["message"] = email["message"]
    return section


def _threat_protection(
    pool: Mapping[str, Any], parts: Parts, tier: str, unread: tuple[str, ...], adoption: Adoption
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
    """Compromised-credentials checks without an event filter apply to all events
    (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompromisedCredentialsRiskConfigurationType.html)."""
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
            **present(notify, {"from": "fromAddress", "replyTo": "replyToAddress"}),
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
        str(m.get("name")) for m in sorted(mechanisms, key=lambda m: number(m.get("priority", 0)))
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
    invitation = present(
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
        **present(
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
        if name in AWS_MANAGED_ATTRIBUTES:
            continue
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
        entry["minLength"] = number(constraints.get("minLength", 0))
        entry["maxLength"] = number(constraints.get("maxLength", 2048))
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


def _waf(parts: Parts, adoption: Adoption) -> Section:
    acl = parts.one(types.WEB_ACL)
    if acl is None:
        adoption.review.append(
            "userPool.waf: the pool has no web ACL, so the config says `off`; `managed` adds one"
        )
        return {"mode": "off"}
    return {"mode": "existing", "webAclArn": acl.outputs.get("arn")}


# --- domain ---------------------------------------------------------------------------------


def domain_section(domains: list[LiveResource], adoption: Adoption) -> Section | None:
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
        section["managedLoginVersion"] = int(number(inputs["managedLoginVersion"]))
    else:
        adoption.review.append(
            "domain.managedLoginVersion: not returned; 2 (managed login) assumed"
        )
    return section
