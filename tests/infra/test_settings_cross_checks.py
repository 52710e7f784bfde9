"""Every cross-check of the stack settings, met with a broken ``Pulumi.prod.yaml``, line by line.

Each case edits the real prod stack file at one place (or two, where two rules fire together) and
loads it as the program does; the whole list of error lines is compared, so the key path, the
value as shown, the wording and the order are all pinned. Rules with a number get the case at the
limit (accepted) and one past it (refused); rules that decide something are checked on the
settings object they produce. The AWS rules behind the checks:
- attribute read/write permissions of app clients, and what unset lists mean:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html
- callback URLs (https, or a custom scheme for native apps; http only for localhost testing):
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html
- SMS MFA message 6-140 characters with {####} (SmsMfaConfigType, botocore's cognito-idp model);
  email MFA message 6-20000 with {####}:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_EmailMfaConfigType.html
- invitation templates ({username} and {####}; SMS at most 140 characters):
  https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-message-customizations.html
- account recovery (priorities 1 and 2; admin_only prevents self-service recovery):
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RecoveryOptionType.html
- feature plans (threat protection and auth-event export: Plus; password history, email MFA,
  access-token customisation: Essentials and Plus):
  https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-sign-in-feature-plans.html
- user pool quotas (app clients, identity providers, groups, resource servers):
  https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html
- identity pool role mappings (at most 10) and their rules (at most 25):
  https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_SetIdentityPoolRoles.html
  https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_RulesConfigurationType.html
- principal tags come from ID-token claims:
  https://docs.aws.amazon.com/cognito/latest/developerguide/attributes-for-access-control.html
- a CloudWatch alarm reads at most 10 metrics:
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html
- production email goes through SES:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_EmailConfigurationType.html
"""

from __future__ import annotations

from typing import Any

import pytest

from settings import StackConfigError, load_stack_settings
from tests.infra.harness import (
    NAMESPACE,
    PROD_FILE,
    Edit,
    edited_settings,
    error_lines,
    run_program,
    stack_document,
    to_raw,
)

P = NAMESPACE
F = PROD_FILE
FP = F + P


def _node(document: dict[str, Any], section: str, path: tuple[str | int, ...]) -> Any:
    node: Any = document[P + section]
    for part in path:
        node = node.setdefault(part, {}) if isinstance(part, str) else node[part]
    return node


def update(section: str, *path: str | int, **values: Any) -> Edit:
    """Set ``values`` in the mapping at ``section`` / ``path`` (created when missing)."""
    return lambda document: _node(document, section, path).update(values)


def drop(section: str, *path: str | int) -> Edit:
    """Remove the key at ``section`` / ``path``."""
    return lambda document: _node(document, section, path[:-1]).pop(path[-1])


def append(section: str, *entries: Any, path: tuple[str | int, ...] = ()) -> Edit:
    """Add ``entries`` to the list at ``section`` / ``path``."""
    return lambda document: _node(document, section, path).extend(entries)


def both(*edits: Edit) -> Edit:
    def edit(document: dict[str, Any]) -> None:
        for one in edits:
            one(document)

    return edit


def as_is(document: dict[str, Any]) -> None:
    """The real stack file, unchanged."""
    del document  # nothing to change


def without_tenants(document: dict[str, Any]) -> None:
    del document[P + "tenants"]


def staging(document: dict[str, Any]) -> None:
    """Not production, so Cognito's default email sender is allowed."""
    document[P + "deployment"]["environment"] = "staging"


WAF_ACL = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/edge/1a2b3c"
LAMBDA = "arn:aws:lambda:eu-west-1:123456789012:function:sender"
ROLE = "arn:aws:iam::123456789012:role/staff"
MACHINE_SCOPE = "https://api.example.com/reports.read"
NOT_ABSOLUTE = "is not an absolute URL without wildcards or fragments"
HTTPS_ONLY = "must use https:// (mobile clients may also use a custom app scheme such as myapp://)"
NEVER_WRITABLE = "must never be client-writable (users could verify their own contact)"
MACHINE_SCOPES = (
    "of a machine client must be resource-server scopes only (identifier/scope), at least one"
)
STANDARD = (
    "address, birthdate, email, email_verified, family_name, gender, given_name, locale, "
    "middle_name, name, nickname, phone_number, phone_number_verified, picture, "
    "preferred_username, profile, updated_at, website, zoneinfo"
)
SHARED_NAME = "(tenants' groups, clients and SSO providers count too)"
ALARM_TOPIC = "arn:aws:sns:eu-west-1:123456789012:identity-alarms"
USES_TOPIC = (
    "applies only to the topic the stack creates; subscribe to the existing alarmTopicArn where "
    "that topic is managed, or remove alarmTopicArn"
)
PRINCIPAL_CLAIM = (
    "is missing from app client portal's readAttributes, but the identity pool maps a principal "
    "tag from it: its ID tokens would lack the claim, the session the tag and every policy that "
    "checks the tag would deny; add it or remove readAttributes"
)
WRITE_PAGE = (
    "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/"
    "API_UserPoolClientType.html"
)
PRODUCTION_EMAIL = (
    "is not allowed when deployment.environment is production: Cognito's built-in sender has a "
    "daily quota that AWS calls below production volume; set sendingAccount DEVELOPER with a "
    "verified SES identity (sourceArn, fromAddress) - https://docs.aws.amazon.com/"
    "cognito-user-identity-pools/latest/APIReference/API_EmailConfigurationType.html"
)


def _must_include(attribute: str, provider: str) -> str:
    return (
        f'{FP}appClients[0].writeAttributes: ["given_name"] of app client portal must include '
        f"{attribute}, which identity provider {provider} maps; otherwise Cognito fails to update "
        f"{attribute} when a user signs in through {provider} ({WRITE_PAGE}); add it or remove "
        "writeAttributes to get the mapped attributes by default"
    )


def _maps_flag(flag: str) -> str:
    return (
        f'{FP}appClients[0].identityProviders: "entra" maps {flag}, so app client portal would '
        f"have to write it (mapped attributes must be writable, {WRITE_PAGE}) and its users could "
        f"mark contacts they do not own as verified; remove {flag} from entra's attributeMapping"
    )


def _scopes(*names: str) -> list[dict[str, str]]:
    return [{"name": name, "description": name} for name in names]


def _rule(group: str) -> dict[str, str]:
    return {"claim": "cognito:groups", "matchType": "Contains", "value": group, "group": group}


def _spas(count: int, **extra: Any) -> Edit:
    return append(
        "appClients", *({"name": f"spa{i}", "kind": "spa", **extra} for i in range(count))
    )


def _saml(index: int) -> dict[str, str]:
    return {"type": "SAML", "name": f"idp{index:03}", "metadataUrl": "https://idp.example.com/m"}


def _machine(index: int) -> dict[str, Any]:
    return {"name": f"job{index}", "kind": "machine", "scopes": [MACHINE_SCOPE]}


# --- access: groups and resource servers ---------------------------------------------------------

ACCESS: list[tuple[str, Edit, list[str]]] = [
    ("group-role-and-role-arn", update("groups", 0, roleArn="arn:aws:iam::123456789012:role/admins"),
     [f'{FP}groups[0].roleArn: "arn:aws:iam::123456789012:role/admins" cannot be combined with '
      "role; use one"]),
    ("scopes-listed-twice", update("resourceServers", 0, scopes=_scopes("reports.read", "b", "a", "b", "a")),
     [f'{FP}resourceServers[0].scopes: "a" is listed twice',
      f'{FP}resourceServers[0].scopes: "b" is listed twice']),
    ("rule-group-without-role", update("identityPool", "roleMappings", 0, "rules", 1, group="staff", value="staff"),
     [f'{FP}identityPool.roleMappings[0].rules[1].group: "staff" is not a group with a role']),
    ("scope-of-no-resource-server", update("appClients", 3, scopes=["https://api.example.com/reports.delete"]),
     [f'{FP}appClients[3].scopes: "https://api.example.com/reports.delete" is neither a standard '
      "scope nor a scope of a configured resource server"]),
]  # fmt: skip

# --- monitoring: who the alarms notify ----------------------------------------------------------

MONITORING: list[tuple[str, Edit, list[str]]] = [
    ("subscribers-repeat", update("monitoring", "subscribers",
                                  emails=["b@example.com", "a@example.com", "b@example.com", "a@example.com"],
                                  httpsEndpoints=["https://hooks.example.com/x", "https://hooks.example.com/x"]),
     [f'{FP}monitoring.subscribers.emails: "a@example.com" is listed more than once',
      f'{FP}monitoring.subscribers.emails: "b@example.com" is listed more than once',
      f'{FP}monitoring.subscribers.httpsEndpoints: "https://hooks.example.com/x" is listed more '
      "than once"]),
    ("existing-topic-with-emails", update("monitoring", alarmTopicArn=ALARM_TOPIC),
     [f"{FP}monitoring.subscribers: {USES_TOPIC}"]),
    ("existing-topic-with-endpoints", update("monitoring", alarmTopicArn=ALARM_TOPIC,
                                             subscribers={"httpsEndpoints": ["https://hooks.example.com/x"]}),
     [f"{FP}monitoring.subscribers: {USES_TOPIC}"]),
    ("six-clients-to-watch", update("monitoring", clients=["portal"] * 6),
     [f'{FP}monitoring.clients: ["portal", "portal", "portal", "portal", "portal", "portal"] has '
      "too many items; at most 5 are allowed"]),
]  # fmt: skip

# --- identity pool: role mappings and principal tags --------------------------------------------

RULES_26 = [_rule("admins")] * 26

IDENTITY_POOL: list[tuple[str, Edit, list[str]]] = [
    ("rule-group-and-role-arn", update("identityPool", "roleMappings", 0, "rules", 0, roleArn=ROLE),
     [f'{FP}identityPool.roleMappings[0].rules[0].group: "admins" set exactly one of group and roleArn']),
    ("rule-neither-group-nor-role-arn", drop("identityPool", "roleMappings", 0, "rules", 1, "group"),
     [f"{FP}identityPool.roleMappings[0].rules[1].group: set exactly one of group and roleArn"]),
    ("token-mapping-with-rules", update("identityPool", "roleMappings", 0, type="Token"),
     [f"{FP}identityPool.roleMappings[0].rules: 2 are only used when type is Rules"]),
    ("rules-mapping-without-rules", update("identityPool", "roleMappings", 2, type="Rules"),
     [f"{FP}identityPool.roleMappings[2].rules: [] are required when type is Rules (at most 25)"]),
    ("26-rules", update("identityPool", "roleMappings", 0, rules=RULES_26),
     [f'{FP}identityPool.roleMappings[0].rules: [{{"claim": "cognito:groups", "group": "admins", '
      '"matchType": "Contains", "val... has too many items; at most 25 are allowed']),
    ("guest-role-without-guest-access", update("identityPool", guestRole={}),
     [f"{FP}identityPool.guestRole: is only used when allowGuestAccess is true (guest access is off)"]),
    ("second-and-third-mapping-of-a-client", append("identityPool", {"client": "console"}, {"client": "console"},
                                                    path=("roleMappings",)),
     [f'{FP}identityPool.roleMappings[3].client: "console" has a second role mapping; one per client',
      f'{FP}identityPool.roleMappings[4].client: "console" has a second role mapping; one per client']),
    ("read-attributes-miss-principal-claims", update("appClients", 0, readAttributes=["email", "name"]),
     [f'{FP}appClients[0].readAttributes: "custom:department" {PRINCIPAL_CLAIM}',
      f'{FP}appClients[0].readAttributes: "custom:tenant_id" {PRINCIPAL_CLAIM}']),
    ("mapping-for-a-client-outside-the-pool", append("identityPool", {"client": "reporting-job"},
                                                     path=("roleMappings",)),
     [f'{FP}identityPool.roleMappings[3].client: "reporting-job" is not one of the identity pool\'s '
      "clients"]),
    ("pool-client-unknown", update("identityPool", clients=["portal", "console", "field-app", "ghost"]),
     [f'{FP}identityPool.clients[3]: "ghost" is not an app client of this stack']),
    ("pool-client-machine", update("identityPool", clients=["portal", "console", "field-app", "reporting-job"]),
     [f'{FP}identityPool.clients[3]: "reporting-job" is a machine client; machine clients cannot '
      "get identity-pool credentials"]),
    ("rule-on-a-writable-claim", update("identityPool", "roleMappings", 0, "rules", 0, claim="email"),
     [f'{FP}identityPool.roleMappings[0].rules[0].claim: "email" is writable by an app client; '
      "users could pick their own role"]),
    ("tenant-tag-from-another-claim", update("identityPool", "principalTags", "tags", tenant_id="custom:department"),
     [f'{FP}identityPool.principalTags.tags.tenant_id: "custom:department" must be '
      "custom:tenant_id when tenants are configured (tenant roles deny any other tenant)"]),
    ("11-identity-pool-clients", both(_spas(8), update("monitoring", clients=["portal"])),
     [f"{FP}identityPool.clients: 11 clients exceed the 10 role mappings an identity pool allows "
      "(one per client); list at most 10 in identityPool.clients"]),
]  # fmt: skip

# --- app clients: URLs, flows, scopes and attributes --------------------------------------------

APP_CLIENTS: list[tuple[str, Edit, list[str]]] = [
    ("callback-without-scheme", update("appClients", 0, callbackUrls=["portal.example.com/cb"]),
     [f'{FP}appClients[0].callbackUrls[0]: "portal.example.com/cb" {NOT_ABSOLUTE}']),
    ("logout-with-fragment", update("appClients", 0, logoutUrls=["https://portal.example.com/", "https://portal.example.com/out#top"]),
     [f'{FP}appClients[0].logoutUrls[1]: "https://portal.example.com/out#top" {NOT_ABSOLUTE}']),
    ("https-without-host", update("appClients", 0, callbackUrls=["https:///cb"]),
     [f'{FP}appClients[0].callbackUrls[0]: "https:///cb" {NOT_ABSOLUTE}']),
    ("http-on-localhost", update("appClients", 1, callbackUrls=["http://localhost:3000/cb"],
                                 logoutUrls=["https://console.example.com/", "http://127.0.0.1/out"]),
     [f'{FP}appClients[1].callbackUrls[0]: "http://localhost:3000/cb" uses http://; use '
      "https://localhost (http callbacks are refused even for localhost)",
      f'{FP}appClients[1].logoutUrls[1]: "http://127.0.0.1/out" uses http://; use '
      "https://localhost (http callbacks are refused even for localhost)"]),
    ("mobile-http", update("appClients", 2, callbackUrls=["http://field.example.com/cb"]),
     [f'{FP}appClients[2].callbackUrls[0]: "http://field.example.com/cb" uses http://; callback '
      "URLs must use https://"]),
    ("web-custom-scheme", update("appClients", 0, callbackUrls=["myapp://cb"]),
     [f'{FP}appClients[0].callbackUrls[0]: "myapp://cb" {HTTPS_ONLY}']),
    ("mobile-javascript-and-file-schemes", update("appClients", 2, callbackUrls=["javascript://x", "file://x", "data://x"]),
     [f'{FP}appClients[2].callbackUrls[0]: "javascript://x" {HTTPS_ONLY}',
      f'{FP}appClients[2].callbackUrls[1]: "file://x" {HTTPS_ONLY}',
      f'{FP}appClients[2].callbackUrls[2]: "data://x" {HTTPS_ONLY}']),
    ("machine-without-scopes", update("appClients", 3, scopes=[]),
     [f"{FP}appClients[3].scopes: [] {MACHINE_SCOPES}"]),
    ("machine-standard-scope-only", update("appClients", 3, scopes=["openid"]),
     [f'{FP}appClients[3].scopes: ["openid"] {MACHINE_SCOPES}']),
    ("machine-standard-and-resource-scope", update("appClients", 3, scopes=["openid", MACHINE_SCOPE]),
     [f'{FP}appClients[3].scopes: ["openid", "{MACHINE_SCOPE}"] {MACHINE_SCOPES}']),
    ("machine-with-urls", update("appClients", 3, callbackUrls=["https://job.example.com/cb"],
                                 logoutUrls=["https://job.example.com/out"]),
     [f'{FP}appClients[3].callbackUrls: ["https://job.example.com/cb"] are not used by machine '
      "clients (client credentials); remove them",
      f'{FP}appClients[3].logoutUrls: ["https://job.example.com/out"] are not used by machine '
      "clients (client credentials); remove them"]),
    ("machine-with-logout-urls-only", update("appClients", 3, logoutUrls=["https://job.example.com/out"]),
     [f'{FP}appClients[3].logoutUrls: ["https://job.example.com/out"] are not used by machine '
      "clients (client credentials); remove them"]),
    ("web-without-callbacks", drop("appClients", 0, "callbackUrls"),
     [f"{FP}appClients[0].callbackUrls: [] are required for a web client (authorization-code flow)"]),
    ("spa-callbacks-without-openid", update("appClients", 1, scopes=["email"]),
     [f'{FP}appClients[1].scopes: ["email"] must include openid for the authorization-code flow']),
    ("web-callbacks-without-openid", update("appClients", 0, scopes=["email", "profile"]),
     [f'{FP}appClients[0].scopes: ["email", "profile"] must include openid for the '
      "authorization-code flow"]),
    ("default-redirect-elsewhere", update("appClients", 0, defaultRedirectUri="https://portal.example.com/other"),
     [f'{FP}appClients[0].defaultRedirectUri: "https://portal.example.com/other" must be one of '
      "callbackUrls"]),
    ("verified-flags-writable", update("appClients", 0, writeAttributes=["email", "name", "phone_number_verified", "email_verified"]),
     [f'{FP}appClients[0].writeAttributes: "email_verified" {NEVER_WRITABLE}',
      f'{FP}appClients[0].writeAttributes: "phone_number_verified" {NEVER_WRITABLE}']),
    ("write-attributes-empty", update("appClients", 3, writeAttributes=[]),
     [f"{FP}appClients[3].writeAttributes: [] must list at least one attribute (an empty list lets "
      "the client write every standard attribute)"]),
    ("write-attributes-miss-two-mapped-from-two-providers", update("appClients", 0, writeAttributes=["given_name"]),
     [_must_include("email", "corporate-saml"), _must_include("email", "entra"),
      _must_include("name", "corporate-saml"), _must_include("name", "entra")]),
    ("provider-maps-both-verified-flags", update("identityProviders", 1, "attributeMapping",
                                                 phone_number_verified="phone_verified", email_verified="email_verified"),
     [_maps_flag("email_verified"), _maps_flag("phone_number_verified")]),
    ("unknown-provider-on-client", update("appClients", 1, identityProviders=["corporate-saml", "okta"]),
     [f'{FP}appClients[1].identityProviders: "okta" is not a configured identity provider; '
      "allowed: COGNITO, contoso-saml, corporate-saml, entra"]),
    ("attributes-outside-the-schema", update("appClients", 3, readAttributes=["email", "custom:shoe"],
                                             writeAttributes=["custom:shoe"]),
     [f'{FP}appClients[3].readAttributes: "custom:shoe" is not an attribute of the pool schema',
      f'{FP}appClients[3].writeAttributes: "custom:shoe" is not an attribute of the pool schema']),
    ("hosted-ui-without-domain", lambda d: d.pop(P + "domain"),
     [f'{FP}appClients[0].callbackUrls: ["https://portal.example.com/oauth2/callback"] need a domain '
      "(set enterprise-identity:domain) for the OAuth endpoints",
      f'{FP}appClients[1].callbackUrls: ["https://console.example.com/callback"] need a domain '
      "(set enterprise-identity:domain) for the OAuth endpoints",
      f'{FP}appClients[2].callbackUrls: ["com.example.field://callback"] need a domain '
      "(set enterprise-identity:domain) for the OAuth endpoints"]),
    ("provider-maps-an-authorization-attribute", update("identityProviders", 1, "attributeMapping",
                                                        **{"custom:tenant_id": "tid", "custom:shoe": "shoe"}),
     [f'{FP}identityProviders[1].attributeMapping: "custom:shoe" is not an attribute of the pool '
      "schema",
      f'{FP}identityProviders[1].attributeMapping: "custom:tenant_id" is an authorization '
      "attribute; an identity provider must not set it"]),
    ("tenant-client-over-http", update("tenants", 1, "appClient", callbackUrls=["http://contoso.example.com/cb"]),
     [f'{FP}tenants[1].appClient.callbackUrls[0]: "http://contoso.example.com/cb" uses http://; '
      "callback URLs must use https://"]),
]  # fmt: skip

# --- user pool: factors, threat protection, messages, schema, email, tiers ----------------------

SMS_141 = "{####}" + "x" * 135
USER_POOL: list[tuple[str, Edit, list[str]]] = [
    ("sms-message-without-code", update("userPool", "mfa", "sms", authenticationMessage="Your code"),
     [f'{FP}userPool.mfa.sms.authenticationMessage: "Your code" must contain {{####}} and be at '
      "most 140 characters"]),
    ("sms-message-of-141", update("userPool", "mfa", "sms", authenticationMessage=SMS_141),
     [f'{FP}userPool.mfa.sms.authenticationMessage: "{{####}}{"x" * 70}... must contain {{####}} '
      "and be at most 140 characters"]),
    ("email-message-without-code", update("userPool", "mfa", "email", message="Your code"),
     [f'{FP}userPool.mfa.email.message: "Your code" must contain {{####}} (the code) and be at '
      "most 20000 characters"]),
    ("email-message-of-20001", update("userPool", "mfa", "email", message="{####}" + "x" * 19995),
     [f'{FP}userPool.mfa.email.message: "{{####}}{"x" * 70}... must contain {{####}} (the code) '
      "and be at most 20000 characters"]),
    ("mfa-on-without-factor", update("userPool", "mfa", totp=False),
     [f'{FP}userPool.mfa.mode: "ON" needs at least one factor: totp, sms.enabled or email.enabled']),
    ("mfa-optional-without-factor", update("userPool", "mfa", mode="OPTIONAL", totp=False),
     [f'{FP}userPool.mfa.mode: "OPTIONAL" needs at least one factor: totp, sms.enabled or '
      "email.enabled"]),
    ("ip-ranges", update("userPool", "threatProtection", blockedIpRanges=["203.0.113.0/24", "not-a-cidr"],
                         skippedIpRanges=["10.0.0.0/7", "bogus", "10.0.0.0/8"]),
     [f'{FP}userPool.threatProtection.blockedIpRanges[1]: "not-a-cidr" is not a CIDR range such as '
      "203.0.113.0/24",
      f'{FP}userPool.threatProtection.skippedIpRanges[0]: "10.0.0.0/7" is too broad to skip threat '
      "protection for (/8 or narrower)",
      f'{FP}userPool.threatProtection.skippedIpRanges[1]: "bogus" is not a CIDR range such as '
      "203.0.113.0/24"]),
    ("notify-without-sender", update("userPool", "threatProtection", "accountTakeover", "low", notify=True),
     [f"{FP}userPool.threatProtection.accountTakeover.low.notify: true needs "
      "threatProtection.notification.sourceArn (an SES identity)"]),
    ("notify-on-medium-and-high-without-sender", update(
        "userPool", "threatProtection",
        accountTakeover={"medium": {"action": "MFA_REQUIRED", "notify": True},
                         "high": {"action": "BLOCK", "notify": True}}),
     [f"{FP}userPool.threatProtection.accountTakeover.medium.notify: true needs "
      "threatProtection.notification.sourceArn (an SES identity)",
      f"{FP}userPool.threatProtection.accountTakeover.high.notify: true needs "
      "threatProtection.notification.sourceArn (an SES identity)"]),
    ("username-and-alias-attributes", update("userPool", signIn={"aliasAttributes": ["preferred_username"]}),
     [f'{FP}userPool.signIn.aliasAttributes: ["preferred_username"] cannot be combined with '
      "usernameAttributes; choose one"]),
    ("invitations-without-placeholders", update("userPool", "adminCreateUser", "invitation",
                                                emailMessage="Hi {username}", smsMessage="Code {####}"),
     [f'{FP}userPool.adminCreateUser.invitation.emailMessage: "Hi {{username}}" must contain both '
      "{username} and {####}",
      f'{FP}userPool.adminCreateUser.invitation.smsMessage: "Code {{####}}" must contain both '
      "{username} and {####}"]),
    ("invitation-sms-of-141", update("userPool", "adminCreateUser", "invitation",
                                     smsMessage="{username}{####}" + "x" * 125),
     [f'{FP}userPool.adminCreateUser.invitation.smsMessage: "{{username}}{{####}}{"x" * 60}... is '
      "longer than the AWS maximum 140 characters"]),
    ("ses-without-source", drop("userPool", "email", "sourceArn"),
     [f"{FP}userPool.email.sourceArn: is required when sendingAccount is DEVELOPER (an SES "
      "identity ARN)"]),
    ("configuration-set-on-default-sender", update("userPool", email={"configurationSet": "identity"}),
     [f'{FP}userPool.email.sendingAccount: "COGNITO_DEFAULT" {PRODUCTION_EMAIL}',
      f'{FP}userPool.email.configurationSet: "identity" is an SES configuration set and needs '
      "sendingAccount DEVELOPER"]),
    ("unknown-standard-attribute", append("userPool", {"name": "shoe_size"}, path=("schema", "standardAttributes")),
     [f'{FP}userPool.schema.standardAttributes[2].name: "shoe_size" is not a standard attribute; '
      f"allowed: {STANDARD}"]),
    ("attributes-listed-twice", both(
        append("userPool", {"name": "name"}, {"name": "email"}, path=("schema", "standardAttributes")),
        append("userPool", {"name": "department"}, path=("schema", "customAttributes"))),
     [f'{FP}userPool.schema.standardAttributes: "email" is listed twice',
      f'{FP}userPool.schema.standardAttributes: "name" is listed twice',
      f'{FP}userPool.schema.customAttributes: "department" is listed twice']),
    ("custom-min-above-max", update("userPool", "schema", "customAttributes", 1, minLength=129),
     [f"{FP}userPool.schema.customAttributes[1].minLength: 129 is above maxLength 128"]),
    ("mutable-authorization-attribute", update("userPool", "schema", "customAttributes", 0, mutable=True),
     [f"{FP}userPool.schema.customAttributes[0].mutable: true must be false for an authorization "
      "attribute (set only when the user is created)"]),
    ("custom-email-sender-without-key", update("userPool", triggers={"customEmailSender": LAMBDA}),
     [f"{FP}userPool.triggers.kmsKeyArn: is required when customEmailSender or customSmsSender is set"]),
    ("custom-sms-sender-without-key", update("userPool", triggers={"customSmsSender": LAMBDA}),
     [f"{FP}userPool.triggers.kmsKeyArn: is required when customEmailSender or customSmsSender is set"]),
    ("waf-existing-without-acl", update("userPool", "waf", mode="existing"),
     [f"{FP}userPool.waf.webAclArn: is required when mode is existing"]),
    ("waf-off-with-acl", update("userPool", "waf", mode="off", webAclArn=WAF_ACL),
     [f'{FP}userPool.waf.webAclArn: "{WAF_ACL}" is only used with mode existing (mode is off)']),
    ("no-account-recovery", update("userPool", accountRecovery=[]),
     [f"{FP}userPool.accountRecovery: [] needs at least one mechanism, verified_email first"]),
    ("phone-recovery-first-twice", update("userPool", accountRecovery=["verified_phone_number", "verified_phone_number"]),
     [f'{FP}userPool.accountRecovery: ["verified_phone_number", "verified_phone_number"] must not '
      "start with verified_phone_number (SMS recovery is hijackable); put verified_email first",
      f'{FP}userPool.accountRecovery: ["verified_phone_number", "verified_phone_number"] lists a '
      "mechanism twice"]),
    ("admin-only-with-email", update("userPool", accountRecovery=["verified_email", "admin_only"]),
     [f'{FP}userPool.accountRecovery: ["verified_email", "admin_only"] admin_only cannot be '
      "combined with other mechanisms"]),
    ("admin-only-twice", update("userPool", accountRecovery=["admin_only", "admin_only"]),
     [f'{FP}userPool.accountRecovery: ["admin_only", "admin_only"] admin_only cannot be combined '
      "with other mechanisms",
      f'{FP}userPool.accountRecovery: ["admin_only", "admin_only"] lists a mechanism twice']),
    ("email-recovery-twice", update("userPool", accountRecovery=["verified_email", "verified_email"]),
     [f'{FP}userPool.accountRecovery: ["verified_email", "verified_email"] lists a mechanism twice']),
    ("email-mfa-on-default-sender-one-recovery", both(staging, update("userPool", email={}),
                                                      update("userPool", "mfa", "email", enabled=True)),
     [f"{FP}userPool.mfa.email.enabled: true needs email.sendingAccount DEVELOPER (SES)",
      f"{FP}userPool.mfa.email.enabled: true needs at least two accountRecovery mechanisms (AWS rule)"]),
    ("verify-before-update-not-auto-verified", update("userPool", autoVerifiedAttributes=[]),
     [f'{FP}userPool.attributesRequireVerificationBeforeUpdate: "email" must also be in '
      "autoVerifiedAttributes"]),
    ("phone-auto-verified-without-sms", update("userPool", autoVerifiedAttributes=["email", "phone_number"]),
     [f'{FP}userPool.autoVerifiedAttributes: "phone_number" needs mfa.sms.enabled (the pool needs '
      "an SMS role to send codes)"]),
    ("threat-protection-on-essentials", update("userPool", tier="ESSENTIALS"),
     [f'{FP}userPool.threatProtection.mode: "ENFORCED" needs tier PLUS (tier is ESSENTIALS)',
      f"{FP}userPool.logging.authEvents: true needs tier PLUS and threat protection AUDIT or "
      "ENFORCED; set it to false"]),
    ("auth-events-with-threat-protection-off", update("userPool", "threatProtection", mode="OFF"),
     [f"{FP}userPool.logging.authEvents: true needs tier PLUS and threat protection AUDIT or "
      "ENFORCED; set it to false"]),
    ("lite-features", both(without_tenants, update("domain", managedLoginVersion=1),
                           update("userPool", tier="LITE", threatProtection={"mode": "OFF"},
                                  logging={"authEvents": False},
                                  triggers={"preTokenGeneration": LAMBDA}),
                           update("userPool", "mfa", "email", enabled=True),
                           update("userPool", accountRecovery=["verified_email", "verified_phone_number"])),
     [f"{FP}userPool.passwordPolicy.passwordHistorySize: 24 needs tier ESSENTIALS or PLUS; set 0 on LITE",
      f"{FP}userPool.mfa.email.enabled: true needs tier ESSENTIALS or PLUS",
      f'{FP}userPool.triggers.preTokenGenerationVersion: "V2_0" needs tier ESSENTIALS or PLUS '
      "(access-token customisation); use V1_0 on LITE"]),
]  # fmt: skip

# --- the whole stack: names shared across sections, quotas, monitoring, tenants ------------------

STACK: list[tuple[str, Edit, list[str]]] = [
    ("provider-name-twice", update("identityProviders", 1, name="corporate-saml"),
     [f'{FP}identityProviders: "corporate-saml" is used by more than one identity provider {SHARED_NAME}',
      f'{FP}appClients[0].identityProviders: "entra" is not a configured identity provider; '
      "allowed: COGNITO, contoso-saml, corporate-saml"]),
    ("tenant-sso-name-taken", update("tenants", 1, "sso", name="entra"),
     [f'{FP}identityProviders: "entra" is used by more than one identity provider {SHARED_NAME}']),
    ("group-named-like-a-tenant-group", update("groups", 2, name="tenant-northwind"),
     [f'{FP}groups: "tenant-northwind" is used by more than one group {SHARED_NAME}']),
    ("client-named-like-a-tenant-client", update("appClients", 3, name="tenant-contoso"),
     [f'{FP}appClients: "tenant-contoso" is used by more than one app client {SHARED_NAME}']),
    ("resource-server-twice", lambda d: d[P + "resourceServers"].append(dict(d[P + "resourceServers"][0])),
     [f'{FP}resourceServers: "https://api.example.com" is used by more than one resource server {SHARED_NAME}']),
    ("tenant-id-twice", update("tenants", 1, id="northwind"),
     [f'{FP}groups: "tenant-northwind" is used by more than one group {SHARED_NAME}',
      f'{FP}tenants: "northwind" is used by more than one tenant id {SHARED_NAME}']),
    ("26-resource-servers", append("resourceServers", *({"identifier": f"api{i}", "name": f"api{i}"} for i in range(25))),
     [f"{FP}resourceServers: 26 resource servers (including tenants') exceed the AWS quota of 25 per user pool"]),
    ("1001-app-clients", append("appClients", *(_machine(i) for i in range(996))),
     [f"{FP}appClients: 1001 app clients (including tenants') exceed the AWS quota of 1000 per user pool"]),
    ("301-identity-providers", append("identityProviders", *(_saml(i) for i in range(298))),
     [f"{FP}identityProviders: 301 identity providers (including tenants') exceed the AWS quota "
      "of 300 per user pool"]),
    ("10001-groups", append("groups", *({"name": f"g{i}"} for i in range(9996))),
     [f"{FP}groups: 10001 groups (including tenants') exceed the AWS quota of 10000 per user pool"]),
    ("monitored-client-unknown", update("monitoring", clients=["portal", "ghost", "tenant-contoso"]),
     [f'{FP}monitoring.clients: "ghost" is not an app client of this stack']),
    ("six-interactive-clients-unlisted", _spas(3),
     [f"{FP}monitoring.clients: must list at most 5 clients to watch (there are more interactive "
      "clients)"]),
    ("six-federated-pairs", _spas(1, identityProviders=["corporate-saml", "entra"]),
     [f'{FP}monitoring.clients: ["portal", "console", "field-app", "spa0"] federate through 6 '
      "client/provider pairs; alarms can watch at most 5, list fewer clients"]),
    ("tenant-attribute-not-for-authorization", update("userPool", "schema", "customAttributes", 0, authorization=False),
     [f"{FP}userPool.schema.customAttributes: must declare tenant_id with authorization: true and "
      "mutable: false when tenants are configured"]),
    ("tenant-attribute-missing", lambda d: d[P + "userPool"]["schema"]["customAttributes"].pop(0),
     [f"{FP}userPool.schema.customAttributes: must declare tenant_id with authorization: true and "
      "mutable: false when tenants are configured"]),
    ("authorization-attribute-writable", update("appClients", 0, writeAttributes=["email", "name", "custom:tenant_id"]),
     [f'{FP}appClients[0].writeAttributes: "custom:tenant_id" is an authorization attribute and '
      "must never be client-writable"]),
    ("tenants-without-identity-pool", update("identityPool", enabled=False),
     [f"{FP}tenants: 2 need an enabled identityPool (each tenant role is assumed through it)"]),
]  # fmt: skip

# --- where the stack runs, and how values and keys are shown ------------------------------------

REGION = "is not a region where Amazon Cognito user pools exist (botocore endpoint data)"

DEPLOYMENT_AND_MESSAGES: list[tuple[str, Edit, list[str]]] = [
    ("region-near-miss", lambda d: d.update({"aws:region": "eu-qqst-1"}),
     [f'{F}aws:region: "eu-qqst-1" {REGION}; did you mean eu-west-1?']),
    ("production-on-default-sender", drop("userPool", "email"),
     [f'{FP}userPool.email.sendingAccount: "COGNITO_DEFAULT" {PRODUCTION_EMAIL}']),
    ("unknown-section", lambda d: d.update({P + "userpool": {"name": "x"}}),
     [f"{FP}userpool: is not a known setting; sections are appClients, deployment, domain, "
      "functions, groups, identityPool, identityProviders, monitoring, pipelines, resourceServers, "
      "tenants, userPool, and other top-level keys must be secure: values referenced by a *Key "
      "setting"]),
    ("namespace-in-capitals", lambda d: d.update({"ENTERPRISE-IDENTITY:userPool": {"name": "x"}}),
     [f"{F}ENTERPRISE-IDENTITY:userPool: is not read: ENTERPRISE-IDENTITY is not this project's "
      "namespace; did you mean `enterprise-identity:userPool`?"]),
    ("key-with-a-space", update("userPool", "passwordPolicy", **{"min length": 14}),
     [f'{FP}userPool.passwordPolicy."min length": 14 is not a known setting here; check the '
      "spelling against the README config reference"]),
    ("wrong-type-inside-a-provider", update("identityProviders", 0, signOut="yes"),
     [f'{FP}identityProviders[0].signOut: "yes" input should be a valid boolean']),
    ("unknown-provider-type", update("identityProviders", 0, type="LDAP"),
     [f'{FP}identityProviders[0].type: "LDAP" is not a known type; allowed: "SAML", "OIDC", '
      '"Google", "Facebook", "SignInWithApple", "LoginWithAmazon"']),
    ("missing-setting", drop("userPool", "name"), [f"{FP}userPool.name: is required"]),
    ("choice-not-allowed", update("userPool", "mfa", mode="SOMETIMES"),
     [f'{FP}userPool.mfa.mode: "SOMETIMES" is not allowed; allowed: "OFF", "OPTIONAL" or "ON"']),
    ("tenant-sso-secret-not-set", update("tenants", 1, sso={"type": "OIDC", "name": "contoso-oidc", "clientId": "c",
                                                         "clientSecretKey": "contosoSecret",
                                                         "issuer": "https://login.contoso.example"}),
     [f'{FP}tenants[1].sso.clientSecretKey: "contosoSecret" names config key {P}contosoSecret, which '
      "is not set; set it with `pulumi config set --secret contosoSecret <value> --stack prod`"]),
    # a namespace 80 % like the project's (difflib ratio) is a typo; 78.8 % is someone else's
    ("namespace-80-percent-alike", lambda d: d.update({"enterprise-idezz:userPool": {"name": "x"}}),
     [f"{F}enterprise-idezz:userPool: is not read: enterprise-idezz is not this project's namespace; did "
      "you mean `enterprise-identity:userPool`?"]),
    ("list-value-shown-as-a-list", update("userPool", usernameAttributes=["email"]),
     [f'{FP}userPool.usernameAttributes: ["email"] is not a known setting here; check the '
      "spelling against the README config reference"]),
]  # fmt: skip

CASES = (
    ACCESS + MONITORING + IDENTITY_POOL + APP_CLIENTS + USER_POOL + STACK + DEPLOYMENT_AND_MESSAGES
)


@pytest.mark.parametrize(("edit", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_broken_rule_reads_exactly(edit: Edit, lines: list[str]) -> None:
    assert error_lines(edit) == lines


# --- the same rules, at the limit or on the other side of their condition: accepted -------------

ACCEPTED: list[tuple[str, Edit]] = [
    ("group-with-role-arn-only", both(update("groups", 2, roleArn=ROLE),
                                      update("identityPool", "roleMappings", 0, "rules", 1, group="staff"))),
    ("25-rules", update("identityPool", "roleMappings", 0, rules=[_rule("admins")] * 25)),
    ("rule-with-role-arn-only", lambda d: d[P + "identityPool"]["roleMappings"][0]["rules"][1].update(group=None, roleArn=ROLE)),
    ("guest-role-with-guest-access", update("identityPool", allowGuestAccess=True, guestRole={})),
    ("existing-topic-without-subscribers", update("monitoring", alarmTopicArn=ALARM_TOPIC, subscribers={})),
    ("five-clients-to-watch", both(_spas(2), update("monitoring", clients=["portal", "console", "field-app", "spa0", "spa1"]))),
    ("five-interactive-clients-unlisted", _spas(2)),
    ("six-interactive-clients-without-alarms", both(_spas(3, identityProviders=["corporate-saml", "entra"]),
                                                    update("monitoring", enabled=False))),
    ("five-federated-pairs", _spas(1, identityProviders=["entra"])),
    ("machine-client-reads-what-it-lists", update("appClients", 3, readAttributes=["email"])),
    ("mobile-custom-scheme-and-https", update("appClients", 2, callbackUrls=["myapp://cb", "https://field.example.com/cb"])),
    ("spa-without-callbacks-or-openid", lambda d: d[P + "appClients"][1].update(scopes=["email"], callbackUrls=[], logoutUrls=[])),
    ("default-redirect-among-callbacks", update("appClients", 0, defaultRedirectUri="https://portal.example.com/oauth2/callback")),
    ("sms-message-of-140", update("userPool", "mfa", "sms", authenticationMessage="{####}" + "x" * 134)),
    ("email-message-of-20000", update("userPool", "mfa", "email", message="{####}" + "x" * 19994)),
    ("invitation-sms-of-140", update("userPool", "adminCreateUser", "invitation", smsMessage="{username}{####}" + "x" * 124)),
    ("mfa-off-without-factor", update("userPool", "mfa", mode="OFF", totp=False)),
    ("mfa-on-with-email-only", both(update("userPool", "mfa", totp=False), update("userPool", "mfa", "email", enabled=True),
                                    update("userPool", accountRecovery=["verified_email", "verified_phone_number"]))),
    ("mfa-on-with-sms-only", both(update("userPool", "mfa", totp=False), update("userPool", "mfa", "sms", enabled=True))),
    ("blocking-everything-and-skipping-a-slash-8", update("userPool", "threatProtection", blockedIpRanges=["0.0.0.0/0"],
                                                          skippedIpRanges=["10.0.0.1/8", "2001:db8::/32"])),
    ("notify-with-sender", update("userPool", "threatProtection",
                                  notification={"sourceArn": "arn:aws:ses:eu-west-1:123456789012:identity/example.com"},
                                  accountTakeover={"high": {"action": "BLOCK", "notify": True}})),
    ("alias-attributes-alone", update("userPool", signIn={"usernameAttributes": [], "aliasAttributes": ["email"]})),
    ("custom-min-equal-to-max", update("userPool", "schema", "customAttributes", 1, minLength=128)),
    ("custom-sender-with-key", update("userPool", triggers={"customSmsSender": LAMBDA,
                                                            "kmsKeyArn": "arn:aws:kms:eu-west-1:123456789012:key/1"})),
    ("email-mfa-with-ses-and-two-recovery-mechanisms", both(update("userPool", "mfa", "email", enabled=True),
                                                            update("userPool", accountRecovery=["verified_email", "verified_phone_number"]))),
    ("phone-auto-verified-with-sms", both(update("userPool", autoVerifiedAttributes=["email", "phone_number"]),
                                          update("userPool", "mfa", "sms", enabled=True))),
    ("auth-events-off-without-threat-protection", update("userPool", threatProtection={"mode": "OFF"}, logging={"authEvents": False})),
    ("logging-off-on-essentials", update("userPool", tier="ESSENTIALS", threatProtection={"mode": "OFF"}, logging={"enabled": False})),
    ("lite-with-v1-triggers", both(without_tenants, update("domain", managedLoginVersion=1),
                                   update("userPool", tier="LITE", threatProtection={"mode": "OFF"},
                                          logging={"authEvents": False},
                                          triggers={"preTokenGeneration": LAMBDA, "preTokenGenerationVersion": "V1_0"}),
                                   update("userPool", "passwordPolicy", passwordHistorySize=0))),
    *((f"{environment}-on-default-sender", both(update("deployment", environment=environment),
                                                 drop("userPool", "email")))
      for environment in ("development", "test", "staging")),
    ("1000-app-clients", append("appClients", *(_machine(i) for i in range(995)))),
    ("300-identity-providers", append("identityProviders", *(_saml(i) for i in range(297)))),
    ("10000-groups", append("groups", *({"name": f"g{i}"} for i in range(9995)))),
    ("25-resource-servers", append("resourceServers", *({"identifier": f"api{i}", "name": f"api{i}"} for i in range(24)))),
    ("tenant-tag-unset", lambda d: d[P + "identityPool"]["principalTags"]["tags"].pop("tenant_id")),
    ("namespace-too-far-to-be-a-typo", lambda d: d.update({"enterprise-idz:userPool": {"name": "x"}})),
    ("region-of-another-partition", lambda d: d.update({"aws:region": "us-gov-west-1"})),
]  # fmt: skip


@pytest.mark.parametrize("edit", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_the_rule_accepts_its_valid_side(edit: Edit) -> None:
    edited_settings(edit)


def test_a_far_region_lists_every_cognito_region_botocore_knows() -> None:
    import botocore.session

    session = botocore.session.get_session()
    regions = sorted(
        region
        for partition in session.get_available_partitions()
        for region in session.get_available_regions("cognito-idp", partition_name=partition)
    )
    lines = error_lines(lambda d: d.update({"aws:region": "eu-w1"}))
    assert lines == [f'{F}aws:region: "eu-w1" {REGION}; Cognito regions: {", ".join(regions)}']


# --- rules that decide something: the settings the program reads --------------------------------


def _deployed(edit: Edit) -> dict[str, Any]:
    settings = edited_settings(edit)
    return {client.name: client for client in settings.all_app_clients}


def test_identity_pool_clients_read_the_principal_tag_claims_unless_they_list_their_own() -> None:
    deployed = _deployed(
        update("appClients", 1, readAttributes=["email", "custom:department", "custom:tenant_id"])
    )
    implicit = ("custom:department", "custom:tenant_id", "email", "email_verified", "name")
    assert deployed["portal"].read_attributes == implicit
    assert deployed["field-app"].read_attributes == implicit
    assert deployed["tenant-contoso"].read_attributes == implicit
    assert deployed["console"].read_attributes == ("email", "custom:department", "custom:tenant_id")
    assert deployed["reporting-job"].read_attributes == ("email", "email_verified", "name")


def test_the_program_registers_the_read_attributes_the_settings_decide() -> None:
    """What Cognito receives: implicit lists gain the principal-tag claims, explicit ones stay."""
    explicit = update(
        "appClients", 1, readAttributes=["email", "custom:tenant_id", "custom:department"]
    )
    document = stack_document("prod")
    explicit(document)
    run = run_program("prod", *to_raw(document))
    registered = {
        client.inputs["name"]: client.inputs["readAttributes"]
        for client in run.of_type("aws:cognito/userPoolClient:UserPoolClient")
    }
    implicit = ["custom:department", "custom:tenant_id", "email", "email_verified", "name"]
    assert registered == {
        "portal": implicit,
        "console": ["custom:department", "custom:tenant_id", "email"],
        "field-app": implicit,
        "tenant-contoso": implicit,
        "reporting-job": ["email", "email_verified", "name"],
    }


def test_tenants_add_their_claim_and_only_pool_attributes_become_read_attributes() -> None:
    """`sub` is in every ID token (not an attribute a client is granted); the tenant claim is
    read whenever tenants exist, mapped explicitly or not."""
    deployed = _deployed(
        update(
            "identityPool", "principalTags", tags={"department": "custom:department", "user": "sub"}
        )
    )
    assert deployed["portal"].read_attributes == (
        "custom:department", "custom:tenant_id", "email", "email_verified", "name",
    )  # fmt: skip


def test_a_disabled_identity_pool_maps_no_claims_and_has_no_clients() -> None:
    settings = edited_settings(both(without_tenants, update("identityPool", enabled=False)))
    assert settings.identity_pool_clients == ()
    assert settings.principal_tag_claims == frozenset()
    assert not settings.identity_pool_enabled
    portal = {c.name: c for c in settings.all_app_clients}["portal"]
    assert portal.read_attributes == ("email", "email_verified", "name")


def test_explicit_write_attributes_are_deployed_as_listed() -> None:
    deployed = _deployed(update("appClients", 0, writeAttributes=["name", "email", "given_name"]))
    assert deployed["portal"].write_attributes == ("name", "email", "given_name")
    assert deployed["console"].write_attributes == ("email", "name")


def test_tenant_clients_join_the_identity_pool_while_ten_clients_fit() -> None:
    ten = edited_settings(both(_spas(6), update("monitoring", clients=["portal"])))
    assert ten.identity_pool_clients == (
        "portal", "console", "field-app", *(f"spa{i}" for i in range(6)), "tenant-contoso",
    )  # fmt: skip
    eleven = edited_settings(both(_spas(7), update("monitoring", clients=["portal"])))
    assert eleven.identity_pool_clients == (
        "portal", "console", "field-app", *(f"spa{i}" for i in range(7)),
    )  # fmt: skip


def test_listed_identity_pool_clients_are_the_clients() -> None:
    settings = edited_settings(
        both(
            update("identityPool", clients=["portal", "tenant-contoso"]),
            lambda d: d[P + "identityPool"].update(
                roleMappings=d[P + "identityPool"]["roleMappings"][:1]
            ),
        )
    )
    assert settings.identity_pool_clients == ("portal", "tenant-contoso")


def test_monitoring_watches_interactive_clients_and_their_federations() -> None:
    settings = edited_settings(as_is)
    assert settings.monitored_clients == ("portal", "console", "field-app")
    assert settings.monitored_federations == (
        ("portal", "corporate-saml"), ("portal", "entra"),
        ("console", "corporate-saml"), ("field-app", "corporate-saml"),
    )  # fmt: skip
    listed = edited_settings(update("monitoring", clients=["console"]))
    assert listed.monitored_clients == ("console",)
    assert listed.monitored_federations == (("console", "corporate-saml"),)
    # a tenant's own client is an app client of the stack: it can be watched, with its tenant's
    # SSO provider
    tenant = edited_settings(update("monitoring", clients=["tenant-contoso"]))
    assert tenant.monitored_federations == (("tenant-contoso", "contoso-saml"),)


def test_the_existing_alarm_topic_leaves_subscribers_unconfigured() -> None:
    monitoring = edited_settings(
        update("monitoring", alarmTopicArn=ALARM_TOPIC, subscribers={})
    ).monitoring
    assert monitoring.alarm_topic_arn == ALARM_TOPIC
    assert not monitoring.subscribers.configured
    endpoints = edited_settings(
        update("monitoring", subscribers={"httpsEndpoints": ["https://hooks.example.com/x"]})
    )
    assert endpoints.monitoring.subscribers.configured


def test_client_kinds_decide_secret_hosted_ui_and_resource_scopes() -> None:
    clients = {c.name: c for c in edited_settings(as_is).app_clients}
    assert [(c.confidential, c.uses_hosted_ui) for c in clients.values()] == [
        (True, True), (False, True), (False, True), (True, False),
    ]  # fmt: skip
    assert clients["reporting-job"].resource_scopes == (MACHINE_SCOPE,)
    assert clients["portal"].resource_scopes == ()


def test_resource_server_scope_ids_join_identifier_and_name() -> None:
    (server,) = edited_settings(as_is).resource_servers
    assert server.scope_ids == frozenset(
        {"https://api.example.com/reports.read", "https://api.example.com/reports.write"}
    )


def test_threat_protection_is_on_only_with_plus_and_a_mode() -> None:
    def pool(edit: Edit) -> Any:
        return edited_settings(edit).user_pool

    assert pool(as_is).threat_protection_on
    audit = update("userPool", "threatProtection", mode="AUDIT")
    assert pool(audit).threat_protection_on
    off = update("userPool", threatProtection={"mode": "OFF"}, logging={"authEvents": False})
    assert not pool(off).threat_protection_on


def test_triggers_name_only_the_functions_that_are_set() -> None:
    triggers = edited_settings(
        update("userPool", triggers={"customSmsSender": LAMBDA, "defineAuthChallenge": LAMBDA,
                                     "kmsKeyArn": "arn:aws:kms:eu-west-1:123456789012:key/1"})
    ).user_pool.triggers  # fmt: skip
    assert triggers.functions() == {"customSmsSender": LAMBDA, "defineAuthChallenge": LAMBDA}
    assert triggers.uses_custom_auth
    assert not edited_settings(as_is).user_pool.triggers.uses_custom_auth


def test_production_is_the_production_environment() -> None:
    assert edited_settings(as_is).deployment.production
    assert not edited_settings(both(staging, drop("userPool", "email"))).deployment.production


def test_a_secure_value_inside_a_section_is_named_at_the_section() -> None:
    """Without the file's positions (the pure loader), the whole section is named."""
    document = stack_document("prod")
    document[P + "identityProviders"][1]["clientId"] = {"secure": "v1:Y2xpZW50"}
    raw, secret_keys = to_raw(document)
    with pytest.raises(StackConfigError) as caught:
        load_stack_settings("prod", raw, secret_keys)
    assert str(caught.value).splitlines() == [
        f"{FP}identityProviders: holds a `secure:` value, but this setting is not a secret, so the "
        "program would use the value as plain text; put the secret in its own top-level `secure:` "
        "key and name that key in a *Key setting (for example clientSecretKey)"
    ]


def test_a_tenant_client_listed_for_monitoring_gets_its_federation_alarms() -> None:
    """`monitoring.clients` may name a tenant's own client: the program watches its sign-ins
    through its tenant's provider (before, the settings refused it as unknown)."""
    watch_tenant = update("monitoring", clients=["tenant-contoso"])
    document = stack_document("prod")
    watch_tenant(document)
    run = run_program("prod", *to_raw(document))
    federation = next(
        alarm
        for alarm in run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
        if "federation-success" in alarm.name
    )
    dimensions = [
        query["metric"]["dimensions"]
        for query in federation.inputs["metricQueries"]
        if query.get("metric")
    ]
    assert {d.get("IdentityProvider") for d in dimensions} == {"contoso-saml"}
