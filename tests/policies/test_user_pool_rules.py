"""User-pool, threat-protection, password and MFA rules: each way to break them, defaults, config."""

from __future__ import annotations

import pytest
from cognito_guard import mfa, password, threat_protection, user_pool
from cognito_guard import resource_types as rt

from tests.policies.reference import SECURE_IDENTITY_PROVIDER, SECURE_POOL, SECURE_RISK
from tests.policies.rules_table import REMOVE, Row, check_row

P, R, I = rt.USER_POOL, rt.RISK_CONFIGURATION, rt.IDENTITY_PROVIDER
POOL, RISK, IDP = SECURE_POOL, SECURE_RISK, SECURE_IDENTITY_PROVIDER

ROWS = [
    # deletion protection
    Row(user_pool.DELETION_PROTECTION, P, POOL, "deletionProtection", "INACTIVE", "`deletionProtection` is INACTIVE"),
    Row(user_pool.DELETION_PROTECTION, P, POOL, "deletionProtection", REMOVE, "not set (INACTIVE)"),
    # self sign-up
    Row(user_pool.SELF_SIGNUP, P, POOL, "adminCreateUserConfig.allowAdminCreateUserOnly", False, "Anyone can sign up"),
    Row(user_pool.SELF_SIGNUP, P, POOL, "adminCreateUserConfig", REMOVE, "Anyone can sign up"),
    Row(user_pool.SELF_SIGNUP, P, POOL, "adminCreateUserConfig", REMOVE, None, {"allowSelfSignup": True}),
    # account recovery
    Row(user_pool.ACCOUNT_RECOVERY, P, POOL, "accountRecoverySetting", REMOVE, "legacy recovery"),
    Row(user_pool.ACCOUNT_RECOVERY, P, POOL, "accountRecoverySetting.recoveryMechanisms",
        [{"name": "verified_phone_number", "priority": 1}, {"name": "verified_email", "priority": 2}], "tries SMS first"),
    Row(user_pool.ACCOUNT_RECOVERY, P, POOL, "accountRecoverySetting.recoveryMechanisms",
        [{"name": "verified_email", "priority": 1}, {"name": "verified_phone_number", "priority": 2}], None),
    Row(user_pool.ACCOUNT_RECOVERY, P, POOL, "accountRecoverySetting.recoveryMechanisms",
        [{"name": "verified_email", "priority": 1}, {"name": "verified_phone_number", "priority": 2}],
        "allows SMS", {"forbidSmsRecovery": True}),
    # verification before attribute updates
    Row(user_pool.VERIFY_BEFORE_UPDATE, P, POOL, "userAttributeUpdateSettings", REMOVE, "change `email`"),
    Row(user_pool.VERIFY_BEFORE_UPDATE, P, POOL, "aliasAttributes", ["phone_number"], "change `phone_number`"),
    Row(user_pool.VERIFY_BEFORE_UPDATE, P, POOL, "userAttributeUpdateSettings.attributesRequireVerificationBeforeUpdates", [], "change `email`"),
    Row(user_pool.VERIFY_BEFORE_UPDATE, P, POOL, "usernameAttributes", ["phone_number"], "change `phone_number`"),
    # authorization attributes
    Row(user_pool.AUTHORIZATION_ATTRIBUTES_IMMUTABLE, P, POOL, "schemas.0.mutable", True, "`custom:tenant_id` is used for authorization"),
    Row(user_pool.AUTHORIZATION_ATTRIBUTES_IMMUTABLE, P, POOL, "schemas.0.mutable", REMOVE, "not set"),
    Row(user_pool.AUTHORIZATION_ATTRIBUTES_IMMUTABLE, P, POOL, "schemas.1.name", "role", "`custom:role`"),
    Row(user_pool.AUTHORIZATION_ATTRIBUTES_IMMUTABLE, P, POOL, "schemas.1.name", "role", None,
        {"authorizationAttributes": ["custom:tenant_id"]}),
    # identity provider attribute trust
    Row(user_pool.IDENTITY_PROVIDER_MAPPING, I, IDP, "attributeMapping.email_verified", "email_verified", "trust that provider's claim"),
    Row(user_pool.IDENTITY_PROVIDER_MAPPING, I, {**IDP, "providerType": "Facebook"}, "attributeMapping.custom:role", "role",
        "choose their privileges"),
    Row(user_pool.IDENTITY_PROVIDER_MAPPING, I, IDP, "attributeMapping.custom:role", "groups", None),
    Row(user_pool.IDENTITY_PROVIDER_MAPPING, I, {**IDP, "providerType": "Google"}, "attributeMapping.email_verified",
        "email_verified", None),
    # threat protection
    Row(threat_protection.THREAT_PROTECTION, P, POOL, "userPoolAddOns.advancedSecurityMode", "AUDIT", "is AUDIT"),
    Row(threat_protection.THREAT_PROTECTION, P, POOL, "userPoolAddOns", REMOVE, "not set (OFF)"),
    Row(threat_protection.THREAT_PROTECTION, P, POOL, "userPoolAddOns.advancedSecurityMode", "AUDIT", None, {"requiredMode": "AUDIT"}),
    Row(threat_protection.CUSTOM_AUTH_PROTECTION, P, {**POOL, "lambdaConfig": {"defineAuthChallenge": "arn:aws:lambda:x"}},
        "userPoolAddOns.advancedSecurityAdditionalFlows", REMOVE, "AUDIT (the default)"),
    Row(threat_protection.CUSTOM_AUTH_PROTECTION, P, POOL, "userPoolAddOns.advancedSecurityAdditionalFlows", REMOVE, None),
    Row(threat_protection.CUSTOM_AUTH_PROTECTION, P, POOL, "userPoolAddOns.advancedSecurityAdditionalFlows", REMOVE,
        "customAuthMode", {"onlyWhenCustomAuthUsed": False}),
    Row(threat_protection.PLUS_TIER, P, POOL, "userPoolTier", REMOVE, "ESSENTIALS feature plan"),
    Row(threat_protection.PLUS_TIER, P, POOL, "userPoolTier", "LITE", "LITE feature plan"),
    Row(threat_protection.PLUS_TIER, P, POOL, "userPoolTier", "ESSENTIALS", "AWS rejects it", {"requiredTier": "ESSENTIALS"}),
    Row(threat_protection.COMPROMISED_CREDENTIALS, R, RISK, "compromisedCredentialsRiskConfiguration.actions.eventAction",
        "NO_ACTION", "trigger NO_ACTION"),
    Row(threat_protection.COMPROMISED_CREDENTIALS, R, RISK, "compromisedCredentialsRiskConfiguration", REMOVE,
        "no `compromisedCredentialsRiskConfiguration`"),
    Row(threat_protection.COMPROMISED_CREDENTIALS, R, RISK, "compromisedCredentialsRiskConfiguration.eventFilters",
        ["SIGN_UP"], "add SIGN_IN"),
    Row(threat_protection.COMPROMISED_CREDENTIALS, R, RISK, "compromisedCredentialsRiskConfiguration.eventFilters", REMOVE, None),
    Row(threat_protection.ACCOUNT_TAKEOVER, R, RISK, "accountTakeoverRiskConfiguration.actions.highAction.eventAction",
        "MFA_REQUIRED", "High-risk sign-ins trigger MFA_REQUIRED"),
    Row(threat_protection.ACCOUNT_TAKEOVER, R, RISK, "accountTakeoverRiskConfiguration.actions.lowAction", REMOVE,
        "Low-risk sign-ins trigger NO_ACTION"),
    Row(threat_protection.ACCOUNT_TAKEOVER, R, RISK, "accountTakeoverRiskConfiguration", REMOVE, "risky sign-ins are allowed"),
    Row(threat_protection.ACCOUNT_TAKEOVER, R, RISK, "accountTakeoverRiskConfiguration.actions.lowAction.eventAction",
        "MFA_REQUIRED", "require at least BLOCK", {"lowRiskMinimumAction": "BLOCK"}),
    Row(threat_protection.RISK_EXCEPTIONS, R, RISK, "riskExceptionConfiguration.skippedIpRangeLists", ["0.0.0.0/0"], "exempts 0.0.0.0/0"),
    Row(threat_protection.RISK_EXCEPTIONS, R, RISK, "riskExceptionConfiguration.skippedIpRangeLists", ["2001:db8::/32"], "/48 or narrower"),
    Row(threat_protection.RISK_EXCEPTIONS, R, RISK, "riskExceptionConfiguration.skippedIpRangeLists", ["10.0.0.0/8"], None,
        {"minimumIpv4PrefixLength": 8}),
    Row(threat_protection.RISK_EXCEPTIONS, R, RISK, "riskExceptionConfiguration.skippedIpRangeLists", ["not-a-cidr"], "malformed"),
    # password
    Row(password.MINIMUM_LENGTH, P, POOL, "passwordPolicy.minimumLength", 12, "is 12; it must be at least 14"),
    Row(password.MINIMUM_LENGTH, P, POOL, "passwordPolicy", REMOVE, "AWS uses 8"),
    Row(password.MINIMUM_LENGTH, P, POOL, "mfaConfiguration", "OPTIONAL", "at least 15 because MFA is not required"),
    Row(password.MINIMUM_LENGTH, P, POOL, "passwordPolicy.minimumLength", 12, None, {"minimumLength": 12, "minimumLengthWithoutMfa": 12}),
    Row(password.MINIMUM_LENGTH, P, POOL, "passwordPolicy.minimumLength", "twelve", "malformed"),
    Row(password.COMPOSITION, P, POOL, "passwordPolicy.requireSymbols", False, "contain a symbol"),
    Row(password.COMPOSITION, P, POOL, "passwordPolicy.requireLowercase", REMOVE, "contain a lowercase letter"),
    Row(password.COMPOSITION, P, POOL, "passwordPolicy", REMOVE, None),
    Row(password.COMPOSITION, P, POOL, "passwordPolicy.requireSymbols", False, None,
        {"requiredCharacterClasses": ["numbers", "letters"]}),
    Row(password.COMPOSITION, P, POOL, "passwordPolicy.requireUppercase", True, "SHALL NOT",
        {"requiredCharacterClasses": [], "forbidCompositionRules": True}),
    Row(password.TEMPORARY_PASSWORD, P, POOL, "passwordPolicy.temporaryPasswordValidityDays", 30, "valid 30 days"),
    Row(password.TEMPORARY_PASSWORD, P, POOL, "passwordPolicy.temporaryPasswordValidityDays", REMOVE, None),
    Row(password.TEMPORARY_PASSWORD, P, POOL, "passwordPolicy.temporaryPasswordValidityDays", 7, "at most 3", {"maximumDays": 3}),
    Row(password.HISTORY, P, POOL, "passwordPolicy.passwordHistorySize", 2, "is 2"),
    Row(password.HISTORY, P, POOL, "passwordPolicy.passwordHistorySize", REMOVE, "not set"),
    Row(password.HISTORY, P, POOL, "passwordPolicy.passwordHistorySize", 2, None, {"minimumHistory": 2}),
    # MFA
    Row(mfa.MFA_REQUIRED, P, POOL, "mfaConfiguration", "OFF", "MFA is off"),
    Row(mfa.MFA_REQUIRED, P, POOL, "mfaConfiguration", REMOVE, "not set (OFF)"),
    Row(mfa.MFA_REQUIRED, P, POOL, "mfaConfiguration", "OPTIONAL", "most users never enrol"),
    Row(mfa.MFA_REQUIRED, P, POOL, "mfaConfiguration", "OPTIONAL", None, {"allowOptional": True}),
    Row(mfa.MFA_REQUIRED, P, POOL, "softwareTokenMfaConfiguration", REMOVE, "no factor is configured"),
    Row(mfa.MFA_REQUIRED, P, {**POOL, "signInPolicy": {"allowedFirstAuthFactors": ["WEB_AUTHN", "EMAIL_OTP"]}},
        "mfaConfiguration", "OFF", None),
    Row(mfa.MFA_FACTORS, P, {**POOL, "smsConfiguration": {"snsCallerArn": "arn:aws:iam::1:role/sms", "externalId": "x"}},
        "softwareTokenMfaConfiguration", REMOVE, "only MFA factors are SMS"),
    Row(mfa.MFA_FACTORS, P, {**POOL, "emailMfaConfiguration": {"subject": "code"}}, "mfaConfiguration", "ON",
        "offers EMAIL", {"allowedFactors": ["SOFTWARE_TOKEN"]}),
    Row(mfa.MFA_FACTORS, P, {**POOL, "emailMfaConfiguration": {"subject": "code"}}, "mfaConfiguration", "ON", None),
    Row(mfa.DEVICE_REMEMBERING, P, POOL, "deviceConfiguration.challengeRequiredOnNewDevice", False, "New devices are not challenged"),
    Row(mfa.DEVICE_REMEMBERING, P, POOL, "deviceConfiguration.deviceOnlyRememberedOnUserPrompt", REMOVE, "remembered without asking"),
    Row(mfa.DEVICE_REMEMBERING, P, POOL, "deviceConfiguration", REMOVE, None),
]


@pytest.mark.parametrize("row", [pytest.param(r, id=r.id) for r in ROWS])
def test_rule_verdict(row: Row) -> None:
    check_row(row)
