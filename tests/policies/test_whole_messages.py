"""Whole messages: what a reviewer reads when a policy fails, every sentence of it.

The rule tables (`test_*_rules.py`) assert a phrase of one message, enough to show that a rule
fired. A reviewer reads the whole text: which property, the value it has, what that allows and what
to set instead. Each case below breaks one property of the secure reference (as a rule-table row
does) and expects every message the policy reports, in order, word for word. Each text was read
against the rule and the AWS page its module cites: the property path and value it names are the
ones the case set, and the fix it asks for is the one AWS documents. Stack policies are judged on
the stack-rule cases (`test_stack_rules.CASES`), each finding with the resource it is filed under.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy

from cognito_guard import (
    client_permissions,
    clients,
    domain,
    email_delivery,
    identity_pool,
    mfa,
    native_redirects,
    password,
    sign_in_identifiers,
    threat_protection,
    user_pool,
    waf,
)
from cognito_guard import resource_types as rt
from cognito_guard.pack import all_policies
from tests.policies.harness import Spec, changed, run_resource, run_stack
from tests.policies.reference import (
    SECURE_AUTH_ROLE,
    SECURE_IDENTITY_POOL,
    SECURE_IDENTITY_PROVIDER,
    SECURE_MOBILE_CLIENT,
    SECURE_POOL,
    SECURE_RISK,
    SECURE_SPA_CLIENT,
    SECURE_WEB_ACL,
    SECURE_WEB_CLIENT,
    secure_stack,
)
from tests.policies.rules_table import REMOVE, case_id
from tests.policies.test_stack_rules import CASES as STACK_CASES
from tests.policies.test_stack_rules import Case


@dataclass(frozen=True)
class Said:
    """`policy` judges `base` with `path` set to `value` (or removed) and says `messages`."""

    policy: ResourceValidationPolicy
    type: str
    base: Mapping[str, Any]
    path: str
    value: object
    messages: list[str]
    config: Mapping[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return case_id(self.policy, self.path, self.value, self.config)


CASES = [
    Said(
        client_permissions.ADMIN_SCOPE_ON_PUBLIC_CLIENT,
        rt.USER_POOL_CLIENT,
        SECURE_SPA_CLIENT,
        "allowedOauthScopes",
        ["openid", "email", "aws.cognito.signin.user.admin"],
        [
            "`allowedOauthScopes` includes aws.cognito.signin.user.admin on a public client (no secret): its access tokens live on users' devices, and a stolen one can call UpdateUserAttributes, ChangePassword and DeleteUser for that user. Remove the scope and run self-service changes through your back end."
        ],
    ),
    Said(
        client_permissions.EXPLICIT_READ_ATTRIBUTES,
        rt.USER_POOL_CLIENT,
        SECURE_SPA_CLIENT,
        "readAttributes",
        REMOVE,
        [
            "`readAttributes` is not set, so the client reads every standard attribute (address, birthdate, phone_number, ...) and both verified flags, and puts them in its ID tokens. List only the attributes the app needs."
        ],
    ),
    Said(
        clients.PREVENT_USER_EXISTENCE_ERRORS,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "preventUserExistenceErrors",
        "LEGACY",
        [
            "`preventUserExistenceErrors` is LEGACY: sign-in and password-reset errors tell an attacker which usernames exist. Set it to ENABLED."
        ],
    ),
    Said(
        clients.PREVENT_USER_EXISTENCE_ERRORS,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "preventUserExistenceErrors",
        REMOVE,
        [
            "`preventUserExistenceErrors` is not set (LEGACY): sign-in and password-reset errors tell an attacker which usernames exist. Set it to ENABLED."
        ],
    ),
    Said(
        clients.TOKEN_REVOCATION,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "enableTokenRevocation",
        False,
        [
            "`enableTokenRevocation` is false: refresh tokens of signed-out or compromised users keep working until they expire. Set it to true."
        ],
    ),
    Said(
        clients.REFRESH_TOKEN_LIFETIME,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "refreshTokenValidity",
        3650,
        [
            "Refresh tokens live 3650 hours; a stolen one keeps a session alive that long. Set `refreshTokenValidity` (with `tokenValidityUnits.refreshToken`) to at most 30 days."
        ],
    ),
    Said(
        clients.REFRESH_TOKEN_LIFETIME,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "tokenValidityUnits.refreshToken",
        "days",
        [
            "Refresh tokens live 12 days; a stolen one keeps a session alive that long. Set `refreshTokenValidity` (with `tokenValidityUnits.refreshToken`) to at most 1 day."
        ],
        config={"maximumHours": 24},
    ),
    Said(
        clients.REFRESH_TOKEN_LIFETIME,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "refreshTokenValidity",
        REMOVE,
        [
            "Refresh tokens live 30 days (AWS default); a stolen one keeps a session alive that long. Set `refreshTokenValidity` (with `tokenValidityUnits.refreshToken`) to at most 12 hours."
        ],
        config={"maximumHours": 12},
    ),
    Said(
        clients.REFRESH_TOKEN_LIFETIME,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "tokenValidityUnits.refreshToken",
        "fortnights",
        [
            "`tokenValidityUnits.refreshToken` has the malformed value 'fortnights' (expected seconds or minutes or hours or days), so this setting cannot be verified; fix the value."
        ],
    ),
    Said(
        clients.TOKEN_LIFETIMES,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "accessTokenValidity",
        1440,
        [
            "Access tokens live 1 day; they cannot be revoked before they expire. Set `accessTokenValidity` to at most 1 hour."
        ],
    ),
    Said(
        clients.TOKEN_LIFETIMES,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "tokenValidityUnits.idToken",
        "hours",
        [
            "ID tokens live 15 hours; they cannot be revoked before they expire. Set `idTokenValidity` to at most 1 hour."
        ],
    ),
    Said(
        clients.TOKEN_LIFETIMES,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "accessTokenValidity",
        REMOVE,
        [
            "Access tokens live 1 hour; they cannot be revoked before they expire. Set `accessTokenValidity` to at most 15 minutes."
        ],
        config={"maximumAccessTokenMinutes": 15},
    ),
    Said(
        clients.AUTH_SESSION,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "authSessionValidity",
        15,
        [
            "`authSessionValidity` is 15 minutes: one-time codes and challenge sessions stay usable that long. Keep it at 10 minutes or less."
        ],
    ),
    Said(
        clients.NO_IMPLICIT_GRANT,
        rt.USER_POOL_CLIENT,
        SECURE_SPA_CLIENT,
        "allowedOauthFlows",
        ["code", "implicit"],
        [
            "`allowedOauthFlows` includes implicit: tokens are returned in the URL fragment, where browser history, logs and referrers leak them. Use code (with PKCE for public clients)."
        ],
    ),
    Said(
        clients.NO_PASSWORD_FLOWS,
        rt.USER_POOL_CLIENT,
        SECURE_SPA_CLIENT,
        "explicitAuthFlows",
        ["ALLOW_USER_PASSWORD_AUTH"],
        [
            "`explicitAuthFlows` includes ALLOW_USER_PASSWORD_AUTH: the app sends the plaintext password to Cognito, so phishing and logging expose it. Use ALLOW_USER_SRP_AUTH."
        ],
    ),
    Said(
        clients.NO_PASSWORD_FLOWS,
        rt.USER_POOL_CLIENT,
        SECURE_SPA_CLIENT,
        "explicitAuthFlows",
        ["ADMIN_NO_SRP_AUTH"],
        [
            "`explicitAuthFlows` includes ADMIN_NO_SRP_AUTH on a public client (no secret): admin password flows need AWS credentials and belong only to server-side clients."
        ],
    ),
    Said(
        clients.NO_PASSWORD_FLOWS,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "explicitAuthFlows",
        ["ALLOW_USER_SRP_AUTH", "USER_PASSWORD_AUTH"],
        [
            "`explicitAuthFlows` includes USER_PASSWORD_AUTH: the app sends the plaintext password to Cognito, so phishing and logging expose it. Use ALLOW_USER_SRP_AUTH."
        ],
    ),
    Said(
        clients.NO_PASSWORD_FLOWS,
        rt.USER_POOL_CLIENT,
        SECURE_SPA_CLIENT,
        "explicitAuthFlows",
        ["ALLOW_ADMIN_USER_PASSWORD_AUTH"],
        [
            "`explicitAuthFlows` includes ALLOW_ADMIN_USER_PASSWORD_AUTH on a public client (no secret): admin password flows need AWS credentials and belong only to server-side clients."
        ],
    ),
    Said(
        clients.REDIRECT_URLS,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "callbackUrls",
        ["https://*.example.com/callback"],
        [
            "`callbackUrls[0]` 'https://*.example.com/callback' has a wildcard; redirect URLs must be exact https URLs."
        ],
    ),
    Said(
        clients.REDIRECT_URLS,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "callbackUrls",
        ["http://portal.example.com/cb"],
        [
            "`callbackUrls[0]` 'http://portal.example.com/cb' is plain http; redirect URLs must be exact https URLs."
        ],
    ),
    Said(
        clients.REDIRECT_URLS,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "callbackUrls",
        ["http://localhost:3000/cb"],
        [
            "`callbackUrls[0]` 'http://localhost:3000/cb' points to localhost (development only); redirect URLs must be exact https URLs."
        ],
    ),
    Said(
        clients.REDIRECT_URLS,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "logoutUrls",
        ["https://portal.example.com/#done"],
        [
            "`logoutUrls[0]` 'https://portal.example.com/#done' has a fragment; redirect URLs must be exact https URLs."
        ],
    ),
    Said(
        clients.REDIRECT_URLS,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "callbackUrls",
        ["https://acme.github.io/cb"],
        [
            "`callbackUrls[0]` 'https://acme.github.io/cb' is on shared hosting (.github.io) that someone else can claim; redirect URLs must be exact https URLs."
        ],
    ),
    Said(
        clients.REDIRECT_URLS,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "callbackUrls",
        ["https://site.s3-website-eu-west-1.amazonaws.com/"],
        [
            "`callbackUrls[0]` 'https://site.s3-website-eu-west-1.amazonaws.com/' is an S3 website endpoint that anyone can claim once the bucket is gone; redirect URLs must be exact https URLs."
        ],
    ),
    Said(
        clients.REDIRECT_URLS,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "callbackUrls",
        ["javascript:alert(1)"],
        [
            "`callbackUrls[0]` 'javascript:alert(1)' uses the javascript: scheme; redirect URLs must be exact https URLs."
        ],
    ),
    Said(
        clients.REDIRECT_URLS,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "defaultRedirectUri",
        "http://portal.example.com/",
        [
            "`defaultRedirectUri` 'http://portal.example.com/' is plain http; it must be an exact https URL."
        ],
    ),
    Said(
        clients.REDIRECT_URLS,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "callbackUrls",
        ["https://evil.example.net/cb"],
        [
            "`callbackUrls[0]` 'https://evil.example.net/cb' points to evil.example.net, which is not an allowed host; redirect URLs must be exact https URLs."
        ],
        config={"allowedHosts": ["portal.example.com"]},
    ),
    Said(
        clients.REDIRECT_URLS,
        rt.USER_POOL_CLIENT,
        SECURE_MOBILE_CLIENT,
        "callbackUrls",
        ["com.example.field://callback"],
        [
            "`callbackUrls[0]` 'com.example.field://callback' uses the custom scheme com.example.field://; redirect URLs must be exact https URLs.",
            "`logoutUrls[0]` 'com.example.field://signed-out' uses the custom scheme com.example.field://; redirect URLs must be exact https URLs.",
        ],
        config={"allowCustomSchemes": False},
    ),
    Said(
        clients.REFRESH_TOKEN_ROTATION,
        rt.USER_POOL_CLIENT,
        SECURE_SPA_CLIENT,
        "refreshTokenRotation",
        REMOVE,
        [
            "Refresh-token rotation is off on this public (no secret) client: a stolen refresh token can be replayed until it expires. Set `refreshTokenRotation.feature` to ENABLED once the app refreshes with GetTokensFromRefreshToken: with rotation on, REFRESH_TOKEN_AUTH (InitiateAuth) stops working."
        ],
    ),
    Said(
        clients.REFRESH_TOKEN_ROTATION,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "refreshTokenRotation",
        REMOVE,
        [
            "Refresh-token rotation is off on this confidential client: a stolen refresh token can be replayed until it expires. Set `refreshTokenRotation.feature` to ENABLED once the app refreshes with GetTokensFromRefreshToken: with rotation on, REFRESH_TOKEN_AUTH (InitiateAuth) stops working."
        ],
        config={"applyToConfidentialClients": True},
    ),
    Said(
        clients.SECRET_ON_PUBLIC_CLIENT,
        rt.USER_POOL_CLIENT,
        SECURE_MOBILE_CLIENT,
        "generateSecret",
        True,
        [
            "The client has a secret but runs on user devices (it redirects to the app scheme com.example.field://): the secret ships inside the app and protects nothing. Drop `generateSecret` and use PKCE."
        ],
    ),
    Said(
        clients.SECRET_ON_PUBLIC_CLIENT,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "allowedOauthFlows",
        ["implicit"],
        [
            "The client has a secret but runs on user devices (it uses the implicit flow): the secret ships inside the app and protects nothing. Drop `generateSecret` and use PKCE."
        ],
    ),
    Said(
        clients.SECRET_ON_PUBLIC_CLIENT,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "callbackUrls",
        ["http://localhost:8080/cb"],
        [
            "The client has a secret but runs on user devices (it redirects to localhost): the secret ships inside the app and protects nothing. Drop `generateSecret` and use PKCE."
        ],
    ),
    Said(
        clients.EXPLICIT_WRITE_ATTRIBUTES,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "writeAttributes",
        REMOVE,
        [
            "`writeAttributes` is not set, so users of this client can change every standard attribute of their own profile, email and phone_number included (custom attributes stay read-only). List only the attributes users may edit."
        ],
    ),
    Said(
        clients.PROTECTED_ATTRIBUTE_WRITES,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "writeAttributes",
        ["name", "email_verified"],
        [
            "`writeAttributes` includes email_verified: users can mark an address they do not own as verified. Remove it."
        ],
    ),
    Said(
        clients.PROTECTED_ATTRIBUTE_WRITES,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "writeAttributes",
        ["custom:tenant_id"],
        [
            "`writeAttributes` includes the authorization attribute custom:tenant_id: users can change their own privileges. Remove it; set it server-side only."
        ],
    ),
    Said(
        clients.PROTECTED_ATTRIBUTE_WRITES,
        rt.USER_POOL_CLIENT,
        {**SECURE_WEB_CLIENT, "allowedOauthScopes": ["openid", "aws.cognito.signin.user.admin"]},
        "writeAttributes",
        ["custom:isAdmin"],
        [
            "`writeAttributes` includes the authorization attribute custom:isAdmin: users can change their own privileges (and its `aws.cognito.signin.user.admin` scope lets users call UpdateUserAttributes directly). Remove it; set it server-side only."
        ],
    ),
    Said(
        clients.LOCAL_USERS,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "supportedIdentityProviders",
        ["COGNITO", "corporate-saml"],
        [
            "`supportedIdentityProviders` includes COGNITO next to corporate-saml: local user-pool passwords bypass the corporate IdP and its MFA and offboarding. Remove COGNITO."
        ],
    ),
    Said(
        clients.LOCAL_USERS,
        rt.USER_POOL_CLIENT,
        SECURE_WEB_CLIENT,
        "supportedIdentityProviders",
        ["COGNITO"],
        [
            "`supportedIdentityProviders` includes COGNITO: local user-pool passwords bypass the corporate IdP and its MFA and offboarding. Remove COGNITO."
        ],
        config={"requireFederation": True},
    ),
    Said(
        clients.API_AUTHORIZER,
        rt.APIGW_METHOD,
        {"httpMethod": "GET", "authorization": "COGNITO_USER_POOLS", "authorizerId": "abc"},
        "authorization",
        "NONE",
        [
            "API method uses authorization NONE; use a Cognito user pool authorizer (allowed: COGNITO_USER_POOLS)."
        ],
    ),
    Said(
        identity_pool.GUEST_ACCESS,
        rt.IDENTITY_POOL,
        SECURE_IDENTITY_POOL,
        "allowUnauthenticatedIdentities",
        True,
        [
            "`allowUnauthenticatedIdentities` is true: anyone on the internet gets AWS credentials for the guest role. Set it to false (or allow guests explicitly in this policy's config and keep the guest role minimal)."
        ],
    ),
    Said(
        identity_pool.CLASSIC_FLOW,
        rt.IDENTITY_POOL,
        SECURE_IDENTITY_POOL,
        "allowClassicFlow",
        True,
        [
            "`allowClassicFlow` is true: apps can call AssumeRoleWithWebIdentity themselves with any role whose trust policy admits this pool's tokens, so the pool's default roles and role-mapping rules no longer decide which role a user gets. Set it to false and use the enhanced flow (GetCredentialsForIdentity)."
        ],
    ),
    Said(
        identity_pool.SERVER_SIDE_TOKEN_CHECK,
        rt.IDENTITY_POOL,
        SECURE_IDENTITY_POOL,
        "cognitoIdentityProviders.0.serverSideTokenCheck",
        False,
        [
            "`cognitoIdentityProviders[0].serverSideTokenCheck` is not true: ID tokens of users who were globally signed out or deleted still buy AWS credentials until they expire. Set it to true."
        ],
    ),
    Said(
        identity_pool.ROLE_TRUST_CONDITIONS,
        rt.IAM_ROLE,
        SECURE_AUTH_ROLE,
        "assumeRolePolicy",
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"], "Condition": {"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}}]}',
        [
            "The trust policy lets cognito-identity.amazonaws.com assume this role without a condition on `cognito-identity.amazonaws.com:aud`: any identity pool in this AWS account can obtain its credentials (STS refuses pools of other accounts without aud). Pin it to your pool's id with `StringEquals`."
        ],
    ),
    Said(
        identity_pool.ROLE_TRUST_CONDITIONS,
        rt.IAM_ROLE,
        SECURE_AUTH_ROLE,
        "assumeRolePolicy",
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"], "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "eu-west-1:11111111-2222-3333-4444-555555555555"}}}]}',
        [
            "The trust policy does not pin `cognito-identity.amazonaws.com:amr`: guests (unauthenticated identities) of the trusted pool can assume this role. Require `ForAnyValue:StringLike` amr = authenticated (or a provider such as graph.facebook.com, or unauthenticated for a guest role)."
        ],
    ),
    Said(
        identity_pool.ROLE_TRUST_CONDITIONS,
        rt.IAM_ROLE,
        SECURE_AUTH_ROLE,
        "assumeRolePolicy",
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"], "Condition": {"StringLike": {"cognito-identity.amazonaws.com:aud": "eu-west-1:*"}, "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}}]}',
        [
            "The trust policy's `cognito-identity.amazonaws.com:aud` condition ['eu-west-1:*'] uses StringLike wildcards that match other identity pools; name the identity pool id exactly."
        ],
    ),
    Said(
        identity_pool.ROLE_TRUST_CONDITIONS,
        rt.IAM_ROLE,
        SECURE_AUTH_ROLE,
        "assumeRolePolicy",
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"], "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "eu-west-1:11111111-2222-3333-4444-555555555555"}, "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "*"}}}]}',
        [
            "The trust policy's amr condition ['*'] admits both guests and signed-in users; use authenticated (or provider names) for a signed-in role, or exactly unauthenticated for a guest role."
        ],
    ),
    Said(
        identity_pool.ROLE_TRUST_CONDITIONS,
        rt.IAM_ROLE,
        SECURE_AUTH_ROLE,
        "assumeRolePolicy",
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"], "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "eu-west-1:11111111-2222-3333-4444-555555555555"}, "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": ["authenticated", "unauthenticated"]}}}]}',
        [
            "The trust policy's amr condition ['authenticated', 'unauthenticated'] admits both guests and signed-in users; use authenticated (or provider names) for a signed-in role, or exactly unauthenticated for a guest role."
        ],
    ),
    Said(
        identity_pool.ROLE_TRUST_CONDITIONS,
        rt.IAM_ROLE,
        SECURE_AUTH_ROLE,
        "assumeRolePolicy",
        "{not json",
        [
            "`assumeRolePolicy` has the malformed value '{not json' (expected a JSON policy document), so this setting cannot be verified; fix the value."
        ],
    ),
    Said(
        domain.MANAGED_LOGIN_VERSION,
        rt.USER_POOL_DOMAIN,
        {"domain": "acme-workforce", "userPoolId": "eu-west-1_AbCdEf123", "managedLoginVersion": 2},
        "managedLoginVersion",
        1,
        [
            "`managedLoginVersion` is 1 (the classic hosted UI); this profile expects 2 (managed login)."
        ],
    ),
    Said(
        domain.MANAGED_LOGIN_VERSION,
        rt.USER_POOL_DOMAIN,
        {"domain": "acme-workforce", "userPoolId": "eu-west-1_AbCdEf123", "managedLoginVersion": 2},
        "managedLoginVersion",
        REMOVE,
        [
            "`managedLoginVersion` is not set, so the domain's sign-in pages are whatever AWS defaults to instead of the reviewed version 2 (managed login). Set it to 2."
        ],
    ),
    Said(
        domain.MANAGED_LOGIN_VERSION,
        rt.USER_POOL_DOMAIN,
        {"domain": "acme-workforce", "userPoolId": "eu-west-1_AbCdEf123", "managedLoginVersion": 2},
        "managedLoginVersion",
        "two",
        [
            "`managedLoginVersion` has the malformed value 'two' (expected a number), so this setting cannot be verified; fix the value."
        ],
    ),
    Said(
        email_delivery.EMAIL_DELIVERY,
        rt.USER_POOL,
        SECURE_POOL,
        "emailConfiguration.emailSendingAccount",
        "COGNITO_DEFAULT",
        [
            "`emailConfiguration.emailSendingAccount` is COGNITO_DEFAULT: Cognito's built-in sender has a daily quota that AWS calls less than typical production volume, and when it runs out users cannot verify, reset passwords or receive email codes. Use DEVELOPER with a verified SES identity in `sourceArn`."
        ],
    ),
    Said(
        email_delivery.EMAIL_DELIVERY,
        rt.USER_POOL,
        SECURE_POOL,
        "emailConfiguration",
        REMOVE,
        [
            "`emailConfiguration.emailSendingAccount` is not set (COGNITO_DEFAULT): Cognito's built-in sender has a daily quota that AWS calls less than typical production volume, and when it runs out users cannot verify, reset passwords or receive email codes. Use DEVELOPER with a verified SES identity in `sourceArn`."
        ],
    ),
    Said(
        email_delivery.EMAIL_DELIVERY,
        rt.USER_POOL,
        SECURE_POOL,
        "emailConfiguration.sourceArn",
        REMOVE,
        [
            "`emailConfiguration.emailSendingAccount` is DEVELOPER without `sourceArn`: Cognito needs the ARN of a verified SES identity to send from. Set `sourceArn`."
        ],
    ),
    Said(
        email_delivery.EMAIL_DELIVERY,
        rt.USER_POOL,
        SECURE_POOL,
        "emailConfiguration.emailSendingAccount",
        3,
        [
            "`emailConfiguration.emailSendingAccount` has the malformed value 3.0 (expected a string), so this setting cannot be verified; fix the value."
        ],
    ),
    Said(
        native_redirects.NATIVE_REDIRECTS,
        rt.USER_POOL_CLIENT,
        SECURE_MOBILE_CLIENT,
        "callbackUrls",
        ["myapp://callback"],
        [
            "`callbackUrls[0]` 'myapp://callback' uses the custom scheme myapp://, which any app on the device can register and so receive the authorization code; use a reverse-DNS scheme of a domain you control (com.example.app, RFC 8252 s7.1) or a claimed https URL (s7.2)."
        ],
    ),
    Said(
        native_redirects.NATIVE_REDIRECTS,
        rt.USER_POOL_CLIENT,
        SECURE_MOBILE_CLIENT,
        "logoutUrls",
        ["exp://signed-out"],
        [
            "`logoutUrls[0]` 'exp://signed-out' uses the custom scheme exp://, which any app on the device can register and so receive the authorization code; use a reverse-DNS scheme of a domain you control (com.example.app, RFC 8252 s7.1) or a claimed https URL (s7.2)."
        ],
    ),
    Said(
        native_redirects.NATIVE_REDIRECTS,
        rt.USER_POOL_CLIENT,
        SECURE_MOBILE_CLIENT,
        "defaultRedirectUri",
        "fieldapp://cb",
        [
            "`defaultRedirectUri` 'fieldapp://cb' uses the custom scheme fieldapp://, which any app on the device can register and so receive the authorization code; use a reverse-DNS scheme of a domain you control (com.example.app, RFC 8252 s7.1) or a claimed https URL (s7.2)."
        ],
    ),
    Said(
        native_redirects.NATIVE_REDIRECTS,
        rt.USER_POOL_CLIENT,
        SECURE_MOBILE_CLIENT,
        "callbackUrls",
        ["c0m.example://cb"],
        [
            "`callbackUrls[0]` 'c0m.example://cb' uses the custom scheme c0m.example://, which any app on the device can register and so receive the authorization code; use a reverse-DNS scheme of a domain you control (com.example.app, RFC 8252 s7.1) or a claimed https URL (s7.2)."
        ],
    ),
    Said(
        native_redirects.NATIVE_REDIRECTS,
        rt.USER_POOL_CLIENT,
        SECURE_MOBILE_CLIENT,
        "callbackUrls",
        ["com..example://cb"],
        [
            "`callbackUrls[0]` 'com..example://cb' uses the custom scheme com..example://, which any app on the device can register and so receive the authorization code; use a reverse-DNS scheme of a domain you control (com.example.app, RFC 8252 s7.1) or a claimed https URL (s7.2)."
        ],
    ),
    Said(
        native_redirects.NATIVE_REDIRECTS,
        rt.USER_POOL_CLIENT,
        SECURE_SPA_CLIENT,
        "callbackUrls",
        ["http://localhost:3000/callback"],
        [
            "`callbackUrls[0]` 'http://localhost:3000/callback' is a loopback redirect, which Cognito accepts for testing only and this profile does not allow (`allowLoopback`); native apps in production use a reverse-DNS scheme or a claimed https URL."
        ],
    ),
    Said(
        native_redirects.NATIVE_REDIRECTS,
        rt.USER_POOL_CLIENT,
        SECURE_SPA_CLIENT,
        "callbackUrls",
        ["http://127.0.0.1:8080/cb"],
        [
            "`callbackUrls[0]` 'http://127.0.0.1:8080/cb' is a loopback redirect, which Cognito accepts for testing only and this profile does not allow (`allowLoopback`); native apps in production use a reverse-DNS scheme or a claimed https URL."
        ],
    ),
    Said(
        native_redirects.NATIVE_REDIRECTS,
        rt.USER_POOL_CLIENT,
        SECURE_SPA_CLIENT,
        "logoutUrls",
        ["http://[::1]:8080/"],
        [
            "`logoutUrls[0]` 'http://[::1]:8080/' is a loopback redirect, which Cognito accepts for testing only and this profile does not allow (`allowLoopback`); native apps in production use a reverse-DNS scheme or a claimed https URL."
        ],
    ),
    Said(
        sign_in_identifiers.CASE_INSENSITIVE_USERNAMES,
        rt.USER_POOL,
        SECURE_POOL,
        "usernameConfiguration.caseSensitive",
        True,
        [
            "`usernameConfiguration.caseSensitive` is true: Alice@example.com and alice@example.com become two different users, so duplicate accounts can be registered for one person and sign-ins fail on capitalization. Set it to false now: it is immutable, and changing it later replaces the user pool and deletes every user."
        ],
    ),
    Said(
        sign_in_identifiers.CASE_INSENSITIVE_USERNAMES,
        rt.USER_POOL,
        SECURE_POOL,
        "usernameConfiguration",
        REMOVE,
        [
            "`usernameConfiguration.caseSensitive` is not set (AWS default: case-sensitive): Alice@example.com and alice@example.com become two different users, so duplicate accounts can be registered for one person and sign-ins fail on capitalization. Set it to false now: it is immutable, and changing it later replaces the user pool and deletes every user."
        ],
    ),
    Said(
        sign_in_identifiers.CASE_INSENSITIVE_USERNAMES,
        rt.USER_POOL,
        SECURE_POOL,
        "usernameConfiguration.caseSensitive",
        "maybe",
        [
            "`usernameConfiguration.caseSensitive` has the malformed value 'maybe' (expected true or false), so this setting cannot be verified; fix the value."
        ],
    ),
    Said(
        user_pool.DELETION_PROTECTION,
        rt.USER_POOL,
        SECURE_POOL,
        "deletionProtection",
        "INACTIVE",
        [
            "`deletionProtection` is INACTIVE: one mistaken `pulumi destroy` or replacement deletes every user. Set it to ACTIVE."
        ],
    ),
    Said(
        user_pool.DELETION_PROTECTION,
        rt.USER_POOL,
        SECURE_POOL,
        "deletionProtection",
        REMOVE,
        [
            "`deletionProtection` is not set (INACTIVE): one mistaken `pulumi destroy` or replacement deletes every user. Set it to ACTIVE."
        ],
    ),
    Said(
        user_pool.SELF_SIGNUP,
        rt.USER_POOL,
        SECURE_POOL,
        "adminCreateUserConfig.allowAdminCreateUserOnly",
        False,
        [
            "Anyone can sign up to this pool (`adminCreateUserConfig.allowAdminCreateUserOnly` is not true), and every self-registered user can obtain tokens for its clients and identity-pool roles. Set it to true for workforce pools."
        ],
    ),
    Said(
        user_pool.ACCOUNT_RECOVERY,
        rt.USER_POOL,
        SECURE_POOL,
        "accountRecoverySetting",
        REMOVE,
        [
            "`accountRecoverySetting` is not set, so Cognito uses its legacy recovery that prefers SMS when a phone number exists. Set recovery mechanisms with verified_email (or admin_only) first."
        ],
    ),
    Said(
        user_pool.ACCOUNT_RECOVERY,
        rt.USER_POOL,
        SECURE_POOL,
        "accountRecoverySetting.recoveryMechanisms",
        [
            {"name": "verified_phone_number", "priority": 1},
            {"name": "verified_email", "priority": 2},
        ],
        [
            "Account recovery tries SMS first (`verified_phone_number` has the lowest priority); SMS codes can be intercepted through SIM swap. Put verified_email or admin_only first."
        ],
    ),
    Said(
        user_pool.ACCOUNT_RECOVERY,
        rt.USER_POOL,
        SECURE_POOL,
        "accountRecoverySetting.recoveryMechanisms",
        [
            {"name": "verified_email", "priority": 1},
            {"name": "verified_phone_number", "priority": 2},
        ],
        ["Account recovery allows SMS (`verified_phone_number`); remove it."],
        config={"forbidSmsRecovery": True},
    ),
    Said(
        user_pool.VERIFY_BEFORE_UPDATE,
        rt.USER_POOL,
        SECURE_POOL,
        "userAttributeUpdateSettings",
        REMOVE,
        [
            "Users can change `email` and the new, unverified value replaces the verified one at once: add email to `userAttributeUpdateSettings.attributesRequireVerificationBeforeUpdates`."
        ],
    ),
    Said(
        user_pool.VERIFY_BEFORE_UPDATE,
        rt.USER_POOL,
        SECURE_POOL,
        "aliasAttributes",
        ["phone_number"],
        [
            "Users sign in with `phone_number`, which the pool never verifies and users can change at will: add phone_number to `autoVerifiedAttributes` and to `userAttributeUpdateSettings.attributesRequireVerificationBeforeUpdates` (AWS accepts the second only for auto-verified attributes)."
        ],
    ),
    Said(
        user_pool.VERIFY_BEFORE_UPDATE,
        rt.USER_POOL,
        SECURE_POOL,
        "autoVerifiedAttributes",
        REMOVE,
        [
            "`email` requires verification before updates but is not in `autoVerifiedAttributes`, so Cognito sends no code and AWS rejects the setting: add email to `autoVerifiedAttributes`."
        ],
    ),
    Said(
        user_pool.VERIFY_BEFORE_UPDATE,
        rt.USER_POOL,
        {
            **SECURE_POOL,
            "userAttributeUpdateSettings": {"attributesRequireVerificationBeforeUpdates": []},
        },
        "autoVerifiedAttributes",
        REMOVE,
        [
            "Users sign in with `email`, which the pool never verifies and users can change at will: add email to `autoVerifiedAttributes` and to `userAttributeUpdateSettings.attributesRequireVerificationBeforeUpdates` (AWS accepts the second only for auto-verified attributes)."
        ],
    ),
    Said(
        user_pool.AUTHORIZATION_ATTRIBUTES_IMMUTABLE,
        rt.USER_POOL,
        SECURE_POOL,
        "schemas.0.mutable",
        True,
        [
            "`custom:tenant_id` is used for authorization but is mutable (`schemas[0].mutable` true); a user or client that can write it can change their own privileges. Declare it with `mutable: false` (set it once at creation) or `developerOnlyAttribute: true`."
        ],
    ),
    Said(
        user_pool.AUTHORIZATION_ATTRIBUTES_IMMUTABLE,
        rt.USER_POOL,
        SECURE_POOL,
        "schemas.0.mutable",
        REMOVE,
        [
            "`custom:tenant_id` is used for authorization but is mutable (`schemas[0].mutable` not set); a user or client that can write it can change their own privileges. Declare it with `mutable: false` (set it once at creation) or `developerOnlyAttribute: true`."
        ],
    ),
    Said(
        user_pool.AUTHORIZATION_ATTRIBUTES_IMMUTABLE,
        rt.USER_POOL,
        SECURE_POOL,
        "schemas.1.name",
        "role",
        [
            "`custom:role` is used for authorization but is mutable (`schemas[1].mutable` true); a user or client that can write it can change their own privileges. Declare it with `mutable: false` (set it once at creation) or `developerOnlyAttribute: true`."
        ],
    ),
    Said(
        user_pool.IDENTITY_PROVIDER_MAPPING,
        rt.IDENTITY_PROVIDER,
        SECURE_IDENTITY_PROVIDER,
        "attributeMapping.email_verified",
        "email_verified",
        [
            "Identity provider corporate-saml (SAML) maps `email_verified` onto `email_verified`: the pool would trust that provider's claim that an address is verified. Remove the mapping or list the provider type as trusted."
        ],
    ),
    Said(
        user_pool.IDENTITY_PROVIDER_MAPPING,
        rt.IDENTITY_PROVIDER,
        {**SECURE_IDENTITY_PROVIDER, "providerType": "Facebook"},
        "attributeMapping.custom:role",
        "role",
        [
            "Identity provider corporate-saml (Facebook) maps `role` onto the authorization attribute `custom:role`: users control their own Facebook profile, so they would choose their privileges. Remove the mapping."
        ],
    ),
    Said(
        threat_protection.THREAT_PROTECTION,
        rt.USER_POOL,
        SECURE_POOL,
        "userPoolAddOns.advancedSecurityMode",
        "AUDIT",
        [
            "Threat protection for standard sign-in is AUDIT; set `userPoolAddOns.advancedSecurityMode` to ENFORCED so risky and compromised-credential sign-ins are acted on, not only logged."
        ],
    ),
    Said(
        threat_protection.THREAT_PROTECTION,
        rt.USER_POOL,
        SECURE_POOL,
        "userPoolAddOns",
        REMOVE,
        [
            "Threat protection for standard sign-in is not set (OFF); set `userPoolAddOns.advancedSecurityMode` to ENFORCED so risky and compromised-credential sign-ins are acted on, not only logged."
        ],
    ),
    Said(
        threat_protection.CUSTOM_AUTH_PROTECTION,
        rt.USER_POOL,
        {
            **SECURE_POOL,
            "lambdaConfig": {
                "defineAuthChallenge": "arn:aws:lambda:eu-west-1:123456789012:function:pre-token"
            },
        },
        "userPoolAddOns.advancedSecurityAdditionalFlows",
        REMOVE,
        [
            "Threat protection for custom authentication flows is AUDIT (the default); set `userPoolAddOns.advancedSecurityAdditionalFlows.customAuthMode` to ENFORCED."
        ],
    ),
    Said(
        threat_protection.CUSTOM_AUTH_PROTECTION,
        rt.USER_POOL,
        {
            **SECURE_POOL,
            "lambdaConfig": {
                "defineAuthChallenge": "arn:aws:lambda:eu-west-1:123456789012:function:pre-token"
            },
        },
        "userPoolAddOns.advancedSecurityMode",
        "OFF",
        [
            "Threat protection is off (`userPoolAddOns.advancedSecurityMode` OFF), so custom authentication flows are not protected although `customAuthMode` is ENFORCED: set `advancedSecurityMode` to ENFORCED (Plus tier) and `customAuthMode` to ENFORCED."
        ],
    ),
    Said(
        threat_protection.CUSTOM_AUTH_PROTECTION,
        rt.USER_POOL,
        SECURE_POOL,
        "userPoolAddOns.advancedSecurityMode",
        REMOVE,
        [
            "Threat protection is off (`userPoolAddOns.advancedSecurityMode` not set), so custom authentication flows are not protected although `customAuthMode` is ENFORCED: set `advancedSecurityMode` to ENFORCED (Plus tier) and `customAuthMode` to ENFORCED."
        ],
        config={"onlyWhenCustomAuthUsed": False},
    ),
    Said(
        threat_protection.PLUS_TIER,
        rt.USER_POOL,
        SECURE_POOL,
        "userPoolTier",
        REMOVE,
        [
            "The user pool is on the ESSENTIALS feature plan; this profile requires PLUS, which adds threat protection (risk-based actions, compromised-credential checks) and auth-event log export: set `userPoolTier`."
        ],
    ),
    Said(
        threat_protection.PLUS_TIER,
        rt.USER_POOL,
        SECURE_POOL,
        "userPoolTier",
        "LITE",
        [
            "The user pool is on the LITE feature plan; this profile requires ESSENTIALS, which adds password history, access-token customisation and choice-based sign-in: set `userPoolTier`."
        ],
        config={"requiredTier": "ESSENTIALS"},
    ),
    Said(
        threat_protection.PLUS_TIER,
        rt.USER_POOL,
        SECURE_POOL,
        "userPoolTier",
        "BASIC",
        [
            "`userPoolTier` has the malformed value 'BASIC' (expected LITE or ESSENTIALS or PLUS), so this setting cannot be verified; fix the value."
        ],
    ),
    Said(
        threat_protection.TRIGGER_VERSIONS,
        rt.USER_POOL,
        {
            **SECURE_POOL,
            "lambdaConfig": {
                "preTokenGenerationConfig": {
                    "lambdaArn": "arn:aws:lambda:eu-west-1:123456789012:function:pre-token",
                    "lambdaVersion": "V2_0",
                }
            },
        },
        "userPoolTier",
        "LITE",
        [
            "The pre token generation trigger uses event version V2_0 (access-token customisation), which the LITE feature plan cannot run, so AWS rejects the pool: set `userPoolTier` to ESSENTIALS or PLUS, or use V1_0 (ID-token claims only)."
        ],
    ),
    Said(
        threat_protection.TRIGGER_VERSIONS,
        rt.USER_POOL,
        {**SECURE_POOL, "userPoolTier": "LITE"},
        "lambdaConfig.preTokenGenerationConfig",
        {
            "lambdaArn": "arn:aws:lambda:eu-west-1:123456789012:function:pre-token",
            "lambdaVersion": "V9",
        },
        [
            "`lambdaConfig.preTokenGenerationConfig.lambdaVersion` has the malformed value 'V9' (expected V1_0 or V2_0 or V3_0), so this setting cannot be verified; fix the value."
        ],
    ),
    Said(
        threat_protection.PLUS_TIER,
        rt.USER_POOL,
        SECURE_POOL,
        "userPoolTier",
        "LITE",
        [
            "The user pool is on the LITE feature plan; this profile requires PLUS, which adds password history, access-token customisation and choice-based sign-in; threat protection (risk-based actions, compromised-credential checks) and auth-event log export: set `userPoolTier`."
        ],
    ),
    Said(
        threat_protection.PLUS_TIER,
        rt.USER_POOL,
        SECURE_POOL,
        "userPoolTier",
        "ESSENTIALS",
        [
            "Threat protection is on but the pool is on the ESSENTIALS plan; AWS rejects it: set `userPoolTier` to PLUS."
        ],
        config={"requiredTier": "ESSENTIALS"},
    ),
    Said(
        threat_protection.COMPROMISED_CREDENTIALS,
        rt.RISK_CONFIGURATION,
        SECURE_RISK,
        "compromisedCredentialsRiskConfiguration.actions.eventAction",
        "NO_ACTION",
        [
            "Compromised credentials trigger NO_ACTION (`compromisedCredentialsRiskConfiguration.actions.eventAction`): set it to BLOCK so known-breached passwords are refused at sign-up, password change and username-password sign-in (SRP sign-ins send no password and are never checked)."
        ],
    ),
    Said(
        threat_protection.COMPROMISED_CREDENTIALS,
        rt.RISK_CONFIGURATION,
        SECURE_RISK,
        "compromisedCredentialsRiskConfiguration",
        REMOVE,
        [
            "The risk configuration has no `compromisedCredentialsRiskConfiguration`, so known-breached passwords are accepted at sign-up and password change: add it with `actions.eventAction` BLOCK."
        ],
    ),
    Said(
        threat_protection.COMPROMISED_CREDENTIALS,
        rt.RISK_CONFIGURATION,
        SECURE_RISK,
        "compromisedCredentialsRiskConfiguration.eventFilters",
        ["SIGN_UP"],
        [
            "`compromisedCredentialsRiskConfiguration.eventFilters` is ['SIGN_UP']: passwords are not checked at PASSWORD_CHANGE, SIGN_IN; add PASSWORD_CHANGE, SIGN_IN (or drop the filter to check every event)."
        ],
    ),
    Said(
        threat_protection.COMPROMISED_CREDENTIALS,
        rt.RISK_CONFIGURATION,
        SECURE_RISK,
        "compromisedCredentialsRiskConfiguration.eventFilters",
        ["SIGN_IN"],
        [
            "`compromisedCredentialsRiskConfiguration.eventFilters` is ['SIGN_IN']: passwords are not checked at SIGN_UP, PASSWORD_CHANGE; add SIGN_UP, PASSWORD_CHANGE (or drop the filter to check every event)."
        ],
    ),
    Said(
        threat_protection.ACCOUNT_TAKEOVER,
        rt.RISK_CONFIGURATION,
        SECURE_RISK,
        "accountTakeoverRiskConfiguration.actions.highAction.eventAction",
        "MFA_REQUIRED",
        [
            "High-risk sign-ins trigger MFA_REQUIRED (`accountTakeoverRiskConfiguration.actions.highAction.eventAction`); require at least BLOCK."
        ],
    ),
    Said(
        threat_protection.ACCOUNT_TAKEOVER,
        rt.RISK_CONFIGURATION,
        SECURE_RISK,
        "accountTakeoverRiskConfiguration.actions.lowAction",
        REMOVE,
        [
            "Low-risk sign-ins trigger NO_ACTION (`accountTakeoverRiskConfiguration.actions.lowAction.eventAction`); require at least MFA_REQUIRED."
        ],
    ),
    Said(
        threat_protection.ACCOUNT_TAKEOVER,
        rt.RISK_CONFIGURATION,
        SECURE_RISK,
        "accountTakeoverRiskConfiguration",
        REMOVE,
        [
            "The risk configuration has no `accountTakeoverRiskConfiguration`, so risky sign-ins are allowed without challenge: add actions for low, medium and high risk."
        ],
    ),
    Said(
        threat_protection.ACCOUNT_TAKEOVER,
        rt.RISK_CONFIGURATION,
        SECURE_RISK,
        "accountTakeoverRiskConfiguration.actions.lowAction.eventAction",
        "MFA_REQUIRED",
        [
            "Low-risk sign-ins trigger MFA_REQUIRED (`accountTakeoverRiskConfiguration.actions.lowAction.eventAction`); require at least BLOCK."
        ],
        config={"lowRiskMinimumAction": "BLOCK"},
    ),
    Said(
        threat_protection.RISK_EXCEPTIONS,
        rt.RISK_CONFIGURATION,
        SECURE_RISK,
        "riskExceptionConfiguration.skippedIpRangeLists",
        ["0.0.0.0/0"],
        [
            "`riskExceptionConfiguration.skippedIpRangeLists` exempts 0.0.0.0/0 (4,294,967,296 addresses) from threat protection; list only your own egress ranges (/16 or narrower)."
        ],
    ),
    Said(
        threat_protection.RISK_EXCEPTIONS,
        rt.RISK_CONFIGURATION,
        SECURE_RISK,
        "riskExceptionConfiguration.skippedIpRangeLists",
        ["2001:db8::/32"],
        [
            "`riskExceptionConfiguration.skippedIpRangeLists` exempts 2001:db8::/32 (79,228,162,514,264,337,593,543,950,336 addresses) from threat protection; list only your own egress ranges (/48 or narrower)."
        ],
    ),
    Said(
        threat_protection.RISK_EXCEPTIONS,
        rt.RISK_CONFIGURATION,
        SECURE_RISK,
        "riskExceptionConfiguration.skippedIpRangeLists",
        ["not-a-cidr"],
        [
            "`riskExceptionConfiguration.skippedIpRangeLists` has the malformed value 'not-a-cidr' (expected a CIDR range), so this setting cannot be verified; fix the value."
        ],
    ),
    Said(
        password.MINIMUM_LENGTH,
        rt.USER_POOL,
        SECURE_POOL,
        "passwordPolicy.minimumLength",
        12,
        ["`passwordPolicy.minimumLength` is 12; it must be at least 14."],
    ),
    Said(
        password.MINIMUM_LENGTH,
        rt.USER_POOL,
        SECURE_POOL,
        "passwordPolicy",
        REMOVE,
        ["`passwordPolicy.minimumLength` is not set, so AWS uses 8; it must be at least 14."],
    ),
    Said(
        password.MINIMUM_LENGTH,
        rt.USER_POOL,
        SECURE_POOL,
        "mfaConfiguration",
        "OPTIONAL",
        [
            "`passwordPolicy.minimumLength` is 14; it must be at least 15 because MFA is not required (password is the only factor)."
        ],
    ),
    Said(
        password.MINIMUM_LENGTH,
        rt.USER_POOL,
        SECURE_POOL,
        "passwordPolicy.minimumLength",
        "twelve",
        [
            "`passwordPolicy.minimumLength` has the malformed value 'twelve' (expected a number), so this setting cannot be verified; fix the value."
        ],
    ),
    Said(
        password.COMPOSITION,
        rt.USER_POOL,
        SECURE_POOL,
        "passwordPolicy.requireSymbols",
        False,
        ["Passwords need not contain a symbol: set `passwordPolicy.requireSymbols` to true."],
    ),
    Said(
        password.COMPOSITION,
        rt.USER_POOL,
        SECURE_POOL,
        "passwordPolicy.requireLowercase",
        REMOVE,
        [
            "Passwords need not contain a lowercase letter: set `passwordPolicy.requireLowercase` to true."
        ],
    ),
    Said(
        password.COMPOSITION,
        rt.USER_POOL,
        SECURE_POOL,
        "passwordPolicy.requireUppercase",
        True,
        [
            "Composition rules are imposed (requireLowercase, requireUppercase, requireNumbers, requireSymbols); NIST SP 800-63B-4 §3.1.1.2 says verifiers SHALL NOT impose them: rely on length and compromised-credential checks instead."
        ],
        config={"requiredCharacterClasses": [], "forbidCompositionRules": True},
    ),
    Said(
        password.TEMPORARY_PASSWORD,
        rt.USER_POOL,
        SECURE_POOL,
        "passwordPolicy.temporaryPasswordValidityDays",
        30,
        [
            "Temporary passwords stay valid 30 days (`passwordPolicy.temporaryPasswordValidityDays`); allow at most 7."
        ],
    ),
    Said(
        password.TEMPORARY_PASSWORD,
        rt.USER_POOL,
        SECURE_POOL,
        "passwordPolicy.temporaryPasswordValidityDays",
        7,
        [
            "Temporary passwords stay valid 7 days (`passwordPolicy.temporaryPasswordValidityDays`); allow at most 3."
        ],
        config={"maximumDays": 3},
    ),
    Said(
        password.HISTORY,
        rt.USER_POOL,
        SECURE_POOL,
        "passwordPolicy.passwordHistorySize",
        2,
        [
            "`passwordPolicy.passwordHistorySize` is 2; users may reuse recent passwords. Remember at least 4."
        ],
    ),
    Said(
        password.HISTORY,
        rt.USER_POOL,
        SECURE_POOL,
        "userPoolTier",
        "LITE",
        [
            "`passwordPolicy.passwordHistorySize` is 24 on the LITE feature plan, which has no password history (AWS requires Essentials or higher): set `userPoolTier` to ESSENTIALS or PLUS."
        ],
    ),
    Said(
        password.HISTORY,
        rt.USER_POOL,
        {**SECURE_POOL, "userPoolTier": "LITE"},
        "passwordPolicy.passwordHistorySize",
        REMOVE,
        [
            "`passwordPolicy.passwordHistorySize` is not set; users may reuse recent passwords. Remember at least 4 (the pool is on LITE: set `userPoolTier` to ESSENTIALS or higher first)."
        ],
    ),
    Said(
        password.HISTORY,
        rt.USER_POOL,
        SECURE_POOL,
        "passwordPolicy.passwordHistorySize",
        REMOVE,
        [
            "`passwordPolicy.passwordHistorySize` is not set; users may reuse recent passwords. Remember at least 4."
        ],
    ),
    Said(
        mfa.MFA_REQUIRED,
        rt.USER_POOL,
        SECURE_POOL,
        "mfaConfiguration",
        "OFF",
        [
            "`mfaConfiguration` is OFF: MFA is off. Set it to ON with an authenticator app (`softwareTokenMfaConfiguration.enabled: true`)."
        ],
    ),
    Said(
        mfa.MFA_REQUIRED,
        rt.USER_POOL,
        SECURE_POOL,
        "mfaConfiguration",
        REMOVE,
        [
            "`mfaConfiguration` is not set (OFF): MFA is off. Set it to ON with an authenticator app (`softwareTokenMfaConfiguration.enabled: true`)."
        ],
    ),
    Said(
        mfa.MFA_REQUIRED,
        rt.USER_POOL,
        SECURE_POOL,
        "mfaConfiguration",
        "OPTIONAL",
        [
            "`mfaConfiguration` is OPTIONAL: MFA is optional, so most users never enrol. Set it to ON with an authenticator app (`softwareTokenMfaConfiguration.enabled: true`)."
        ],
    ),
    Said(
        mfa.FACTOR_CONFIGURED,
        rt.USER_POOL,
        SECURE_POOL,
        "softwareTokenMfaConfiguration",
        REMOVE,
        [
            "`mfaConfiguration` is ON but no MFA factor is configured: no user can set up a second factor, so nobody can sign in. Enable `softwareTokenMfaConfiguration` (or SMS/email MFA)."
        ],
    ),
    Said(
        mfa.FACTOR_CONFIGURED,
        rt.USER_POOL,
        {**SECURE_POOL, "mfaConfiguration": "OPTIONAL"},
        "softwareTokenMfaConfiguration",
        REMOVE,
        [
            "`mfaConfiguration` is OPTIONAL but no MFA factor is configured: no user can activate a factor, so nobody is ever asked for one. Enable `softwareTokenMfaConfiguration` (or SMS/email MFA)."
        ],
    ),
    Said(
        mfa.RECOVERY_CHANNEL,
        rt.USER_POOL,
        {
            **SECURE_POOL,
            "smsConfiguration": {"snsCallerArn": "arn:aws:iam::1:role/sms", "externalId": "x"},
        },
        "accountRecoverySetting.recoveryMechanisms",
        [{"name": "verified_phone_number", "priority": 1}],
        [
            "Account recovery uses `verified_phone_number` while SMS is also an MFA factor: one phone would both reset the password and pass MFA, so AWS refuses that channel to users with SMS MFA and they cannot reset a forgotten password themselves. Recover through a channel that is not an MFA factor (verified_email, or admin_only)."
        ],
    ),
    Said(
        mfa.RECOVERY_CHANNEL,
        rt.USER_POOL,
        {**SECURE_POOL, "emailMfaConfiguration": {"subject": "code"}},
        "accountRecoverySetting.recoveryMechanisms",
        [{"name": "verified_email", "priority": 1}, {"name": "admin_only", "priority": 2}],
        [
            "Account recovery uses `verified_email` while EMAIL is also an MFA factor: one mailbox would both reset the password and pass MFA, so AWS refuses that channel to users with EMAIL MFA and they recover through admin_only instead. Recover through a channel that is not an MFA factor (admin_only)."
        ],
    ),
    Said(
        mfa.MFA_FACTORS,
        rt.USER_POOL,
        {
            **SECURE_POOL,
            "smsConfiguration": {"snsCallerArn": "arn:aws:iam::1:role/sms", "externalId": "x"},
        },
        "softwareTokenMfaConfiguration",
        REMOVE,
        [
            "The only MFA factors are SMS (one-time codes sent over SMS or email, restricted authenticators under NIST SP 800-63B); also enable an authenticator app (`softwareTokenMfaConfiguration.enabled: true`)."
        ],
    ),
    Said(
        mfa.MFA_FACTORS,
        rt.USER_POOL,
        {**SECURE_POOL, "emailMfaConfiguration": {"subject": "code"}},
        "mfaConfiguration",
        "ON",
        [
            "The pool offers EMAIL as an MFA factor, which this profile does not allow (allowed: SOFTWARE_TOKEN)."
        ],
        config={"allowedFactors": ["SOFTWARE_TOKEN"]},
    ),
    Said(
        mfa.DEVICE_REMEMBERING,
        rt.USER_POOL,
        SECURE_POOL,
        "deviceConfiguration",
        {"challengeRequiredOnNewDevice": True},
        [
            "Every confirmed device is remembered without asking (`deviceConfiguration.deviceOnlyRememberedOnUserPrompt` is not true) and remembered devices skip MFA (`challengeRequiredOnNewDevice` is true), so a shared computer signs in with the password alone. Remember devices only when the user opts in, or set `challengeRequiredOnNewDevice` to false."
        ],
    ),
    Said(
        mfa.DEVICE_REMEMBERING,
        rt.USER_POOL,
        SECURE_POOL,
        "deviceConfiguration.challengeRequiredOnNewDevice",
        True,
        [
            "Remembered devices skip MFA (`deviceConfiguration.challengeRequiredOnNewDevice` is true: they sign in with device authentication instead of the second factor), which this profile does not allow. Set it to false so every sign-in asks for MFA."
        ],
        config={"allowRememberedDevicesToSkipMfa": False},
    ),
    Said(
        mfa.DEVICE_REMEMBERING,
        rt.USER_POOL,
        SECURE_POOL,
        "deviceConfiguration.challengeRequiredOnNewDevice",
        "sometimes",
        [
            "`deviceConfiguration.challengeRequiredOnNewDevice` has the malformed value 'sometimes' (expected true or false), so this setting cannot be verified; fix the value."
        ],
    ),
    Said(
        password.MINIMUM_LENGTH,
        rt.USER_POOL,
        SECURE_POOL,
        "passwordPolicy.minimumLength",
        13,
        ["`passwordPolicy.minimumLength` is 13; it must be at least 14."],
    ),
    Said(
        password.MINIMUM_LENGTH,
        rt.USER_POOL,
        SECURE_POOL,
        "passwordPolicy.minimumLength",
        19,
        ["`passwordPolicy.minimumLength` is 19; it must be at least 20."],
        config={"minimumLength": 20},
    ),
    Said(
        password.HISTORY,
        rt.USER_POOL,
        SECURE_POOL,
        "passwordPolicy.passwordHistorySize",
        3,
        [
            "`passwordPolicy.passwordHistorySize` is 3; users may reuse recent passwords. Remember at least 4."
        ],
    ),
    Said(
        password.HISTORY,
        rt.USER_POOL,
        SECURE_POOL,
        "passwordPolicy.passwordHistorySize",
        23,
        [
            "`passwordPolicy.passwordHistorySize` is 23; users may reuse recent passwords. Remember at least 24."
        ],
        config={"minimumHistory": 24},
    ),
    Said(
        password.TEMPORARY_PASSWORD,
        rt.USER_POOL,
        SECURE_POOL,
        "passwordPolicy.temporaryPasswordValidityDays",
        8,
        [
            "Temporary passwords stay valid 8 days (`passwordPolicy.temporaryPasswordValidityDays`); allow at most 7."
        ],
    ),
    Said(
        password.TEMPORARY_PASSWORD,
        rt.USER_POOL,
        SECURE_POOL,
        "passwordPolicy.temporaryPasswordValidityDays",
        1,
        [
            "Temporary passwords stay valid 1 day (`passwordPolicy.temporaryPasswordValidityDays`); allow at most 0."
        ],
        config={"maximumDays": 0},
    ),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_the_policy_says_exactly_this(case: Said) -> None:
    props = (
        changed(case.base, case.path)
        if case.value is REMOVE
        else changed(case.base, case.path, case.value)
    )
    outcome = run_resource(case.policy, case.type, props, dict(case.config) or None)
    assert outcome.messages == case.messages


# Stack-rule case (policy:label) -> every finding: its message and the name of the resource it is
# filed under, the same at preview and at up.
FINDINGS: dict[str, list[tuple[str, str]]] = {
    "cognito-user-pool-waf-associated:no-association": [
        (
            "User pool pool has no WAF web ACL (no `aws.wafv2.WebAclAssociation` with this pool's ARN): sign-in endpoints face credential stuffing and floods with only Cognito's fixed lockout.",
            "pool",
        )
    ],
    "cognito-user-pool-waf-associated:association-for-another-pool": [
        (
            "User pool pool has no WAF web ACL (no `aws.wafv2.WebAclAssociation` with this pool's ARN): sign-in endpoints face credential stuffing and floods with only Cognito's fixed lockout.",
            "pool",
        )
    ],
    "cognito-user-pool-risk-configuration:no-risk-configuration": [
        (
            "User pool pool has threat protection ENFORCED but no pool-level `aws.cognito.RiskConfiguration`: what happens to risky and compromised-credential sign-ins is left to defaults nobody reviewed. Add one.",
            "pool",
        )
    ],
    "cognito-user-pool-risk-configuration:client-level-only": [
        (
            "User pool pool has threat protection ENFORCED but no pool-level `aws.cognito.RiskConfiguration`: what happens to risky and compromised-credential sign-ins is left to defaults nobody reviewed. Add one.",
            "pool",
        )
    ],
    "cognito-lockout-compensating-controls:no-waf": [
        (
            "User pool pool: Cognito's lockout is fixed (5 failures, at most ~15 minutes), short of PCI DSS 8.3.4 (10 attempts, 30 minutes); the compensating controls are missing: a WAF web ACL with rate limiting.",
            "pool",
        )
    ],
    "cognito-lockout-compensating-controls:high-risk-not-blocked": [
        (
            "User pool pool: Cognito's lockout is fixed (5 failures, at most ~15 minutes), short of PCI DSS 8.3.4 (10 attempts, 30 minutes); the compensating controls are missing: a risk configuration that blocks high-risk sign-ins.",
            "pool",
        )
    ],
    "cognito-identity-pool-role-trust:auth-role-accepts-guests": [
        (
            "The authenticated role authenticated-role accepts amr ['unauthenticated']; its trust policy must admit only authenticated identities (`ForAnyValue:StringLike` on cognito-identity.amazonaws.com:amr = authenticated or provider names).",
            "roles",
        )
    ],
    "cognito-identity-pool-role-trust:auth-role-trusts-another-pool": [
        (
            "The authenticated role authenticated-role trusts identity pools ['eu-west-1:other-pool'] instead of only its own pool eu-west-1:11111111-2222-3333-4444-555555555555 (`StringEquals` on cognito-identity.amazonaws.com:aud).",
            "roles",
        )
    ],
    "cognito-identity-pool-role-trust:role-not-trusting-cognito": [
        (
            "The authenticated role authenticated-role of identity pool attachment roles does not trust cognito-identity.amazonaws.com with sts:AssumeRoleWithWebIdentity, so the identity pool cannot use it.",
            "roles",
        )
    ],
    "cognito-identity-pool-distinct-roles:same-role-for-guests": [
        (
            "Identity pool attachment roles uses role authenticated-role for both signed-in users and guests: guests get every permission of signed-in users. Give guests their own minimal role.",
            "roles",
        )
    ],
    "cognito-identity-pool-guest-role-least-privilege:guest-role-with-wildcards": [
        (
            "The guest role guest-role allows s3:*, dynamodb:GetItem through inline policy guest: anyone on the internet gets these permissions. Allow only rum:PutRumEvents, mobileanalytics:PutEvents, personalize:PutEvents, geo:GetMap*, geo:SearchPlaceIndex*.",
            "roles",
        )
    ],
    "cognito-identity-pool-guest-role-least-privilege:guest-role-with-managed-admin": [
        (
            "The guest role guest-role has managed policy arn:aws:iam::aws:policy/AdministratorAccess; guests must get only the actions they need (rum:PutRumEvents, mobileanalytics:PutEvents, personalize:PutEvents, geo:GetMap*, geo:SearchPlaceIndex*).",
            "roles",
        )
    ],
    "cognito-identity-pool-role-mapping-claims:rule-on-writable-claim": [
        (
            "`roleMappings[0].mappingRules[0]` chooses the IAM role from `custom:department`, which users can write themselves through an app client: they can pick their own role. Map on `cognito:groups` or an immutable, admin-only attribute.",
            "roles",
        )
    ],
    "cognito-identity-pool-role-mapping-claims:rule-on-standard-claim-client-without-write-list": [
        (
            "`roleMappings[0].mappingRules[0]` chooses the IAM role from `locale`, which users can write themselves through an app client: they can pick their own role. Map on `cognito:groups` or an immutable, admin-only attribute.",
            "roles",
        )
    ],
    "cognito-identity-pool-role-mapping-claims:ambiguous-falls-back": [
        (
            "`roleMappings[0]` falls back to the authenticated role when no rule matches (`ambiguousRoleResolution: AuthenticatedRole`); use Deny so unmatched users get no credentials.",
            "roles",
        )
    ],
    "cognito-identity-pool-role-mapping-claims:principal-tag-on-writable-claim": [
        (
            "Principal tag department comes from `custom:department`, which users can write themselves: attribute-based access control would trust a value users choose.",
            "tags",
        )
    ],
    "cognito-client-idp-mapped-attributes-writable:mapped-email-not-writable": [
        (
            "App client portal signs users in through corporate-saml, which maps email, but the client cannot write it: Cognito fails those federated sign-ins when it updates the mapped attributes. Add email to the client's `writeAttributes`.",
            "portal",
        )
    ],
    "cognito-client-idp-mapped-attributes-writable:mapped-custom-attribute-default-writes": [
        (
            "App client portal signs users in through corporate-saml, which maps custom:department, but the client cannot write it (`writeAttributes` is not set, so it writes standard attributes only): Cognito fails those federated sign-ins when it updates the mapped attributes. Add custom:department to the client's `writeAttributes`.",
            "portal",
        ),
        (
            "App client console signs users in through corporate-saml, which maps custom:department, but the client cannot write it: Cognito fails those federated sign-ins when it updates the mapped attributes. Add custom:department to the client's `writeAttributes`.",
            "console",
        ),
        (
            "App client field-app signs users in through corporate-saml, which maps custom:department, but the client cannot write it: Cognito fails those federated sign-ins when it updates the mapped attributes. Add custom:department to the client's `writeAttributes`.",
            "field-app",
        ),
    ],
    "cognito-user-pool-alarms:no-throttle-alarm": [
        (
            "User pool pool has no notifying CloudWatch alarm on SignInThrottles: outages, credential stuffing and throttling go unnoticed.",
            "pool",
        )
    ],
    "cognito-user-pool-alarms:no-threat-alarm": [
        (
            "User pool pool has no notifying CloudWatch alarm on AccountTakeoverRisk: outages, credential stuffing and throttling go unnoticed.",
            "pool",
        )
    ],
    "cognito-user-pool-alarms:alarm-without-actions": [
        (
            "User pool pool has no notifying CloudWatch alarm on SignInSuccesses: outages, credential stuffing and throttling go unnoticed. (alarms without actions: sign-in-success)",
            "pool",
        )
    ],
    "cognito-user-pool-auth-event-logging:no-log-delivery": [
        (
            "User pool pool does not export userAuthEvents logs: there is no audit trail of sign-ins and takeover attempts. Add an `aws.cognito.LogDeliveryConfiguration`.",
            "pool",
        )
    ],
    "cognito-user-pool-auth-event-logging:notifications-only": [
        (
            "User pool pool does not export userAuthEvents logs: there is no audit trail of sign-ins and takeover attempts. Add an `aws.cognito.LogDeliveryConfiguration`.",
            "pool",
        )
    ],
    "cognito-user-pool-auth-event-logging:essentials-pool": [
        (
            "User pool pool does not export userAuthEvents logs: there is no audit trail of sign-ins and takeover attempts. Add an `aws.cognito.LogDeliveryConfiguration` (userAuthEvents needs the Plus tier).",
            "pool",
        )
    ],
}


STACK_PARAMS = [
    pytest.param(
        case, preview, id=f"{case.policy.name}:{case.label}:{'preview' if preview else 'up'}"
    )
    for case in STACK_CASES
    if case.expect is not None
    for preview in case.modes
]


@pytest.mark.parametrize(("case", "preview"), STACK_PARAMS)
def test_the_stack_policy_says_exactly_this(case: Case, preview: bool) -> None:
    specs = case.mutate(secure_stack(preview=preview), preview)
    outcome = run_stack(case.policy, specs, case.config or None)
    names = {spec.urn: spec.name for spec in specs}
    found = [
        (message, names.get(urn or ""))
        for message, urn in zip(outcome.messages, outcome.urns, strict=True)
    ]
    assert found == FINDINGS[f"{case.policy.name}:{case.label}"]


UP_PARAMS = [
    pytest.param(case, id=f"{case.policy.name}:{case.label}")
    for case in STACK_CASES
    if case.expect is not None and False in case.modes
]


def _by_value_only(specs: list[Spec]) -> list[Spec]:
    """The stack as `pulumi up` sees a program that wrote ids and ARNs as literal values: every
    reference known by its value, none through a property dependency."""
    return [Spec(spec.type, spec.name, spec.props, {}) for spec in specs]


@pytest.mark.parametrize("case", UP_PARAMS)
def test_at_up_a_reference_by_value_is_judged_like_a_dependency(case: Case) -> None:
    specs = _by_value_only(case.mutate(secure_stack(), False))
    outcome = run_stack(case.policy, specs, case.config or None)
    names = {spec.urn: spec.name for spec in specs}
    found = [
        (message, names.get(urn or ""))
        for message, urn in zip(outcome.messages, outcome.urns, strict=True)
    ]
    assert found == FINDINGS[f"{case.policy.name}:{case.label}"]


@pytest.mark.parametrize(
    "policy",
    [p for p in all_policies() if isinstance(p, StackValidationPolicy)],
    ids=lambda p: p.name,
)
def test_the_secure_stack_passes_when_every_reference_is_a_value(
    policy: StackValidationPolicy,
) -> None:
    outcome = run_stack(policy, _by_value_only(secure_stack()))
    assert outcome.messages == []
    assert outcome.not_applicable is None


# Web ACL contents in front of a user pool (rate-based rule that blocks, the AWS IP reputation
# group not counted, no ATP rule group, which AWS refuses on a user pool):
# https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-waf.html
RATE, REPUTATION = 0, 1
_ATP = copy.deepcopy(SECURE_WEB_ACL["rules"][REPUTATION])
_ATP["statement"]["managedRuleGroupStatement"]["name"] = "AWSManagedRulesATPRuleSet"
_UNNAMED = {
    **{k: v for k, v in SECURE_WEB_ACL["rules"][RATE].items() if k != "name"},
    "action": {"count": {}},
}
_GROUP = f"rules.{REPUTATION}.statement.managedRuleGroupStatement"
WEB_ACLS: dict[str, dict[str, Any]] = {
    "rate-rule-counts": changed(SECURE_WEB_ACL, f"rules.{RATE}.action", {"count": {}}),
    "rate-rule-captcha": changed(SECURE_WEB_ACL, f"rules.{RATE}.action", {"captcha": {}}),
    "rate-rule-without-action": changed(SECURE_WEB_ACL, f"rules.{RATE}.action", None),
    "reputation-counted": changed(
        SECURE_WEB_ACL, f"rules.{REPUTATION}.overrideAction", {"count": {}}
    ),
    "reputation-override-unset": changed(
        SECURE_WEB_ACL, f"rules.{REPUTATION}.overrideAction", None
    ),
    "reputation-rule-overridden": changed(
        SECURE_WEB_ACL,
        f"{_GROUP}.ruleActionOverrides",
        [
            {"name": "AWSManagedIPReputationList", "actionToUse": {"count": {}}},
            {"name": "AWSManagedReconnaissanceList", "actionToUse": {"count": {}}},
        ],
    ),
    "no-rate-rule": {**SECURE_WEB_ACL, "rules": [SECURE_WEB_ACL["rules"][REPUTATION]]},
    "empty": {**SECURE_WEB_ACL, "rules": []},
    "atp": {**SECURE_WEB_ACL, "rules": [*SECURE_WEB_ACL["rules"], _ATP]},
    "unnamed-counting-rate-rule": {
        **SECURE_WEB_ACL,
        "rules": [_UNNAMED, SECURE_WEB_ACL["rules"][REPUTATION]],
    },
    "rule-json-not-json": {**SECURE_WEB_ACL, "ruleJson": "{not json"},
    "rule-json-not-a-list": {**SECURE_WEB_ACL, "ruleJson": json.dumps({"Name": "rate"})},
    "rules-not-a-list": {**SECURE_WEB_ACL, "rules": "rate-limit-per-ip"},
    "action-not-an-object": changed(SECURE_WEB_ACL, f"rules.{RATE}.action", "block"),
    "nested-part-not-an-object": changed(
        SECURE_WEB_ACL, _GROUP, "AWSManagedRulesAmazonIpReputationList"
    ),
}

WAF_MESSAGES: dict[str, list[str]] = {
    "rate-rule-counts": [
        "Web ACL web-acl in front of user pool pool does not block requests over the rate limit (rule rate-limit-per-ip (count)); give the rate-based rule the action block."
    ],
    "rate-rule-captcha": [
        "Web ACL web-acl in front of user pool pool does not block requests over the rate limit (rule rate-limit-per-ip (captcha)); give the rate-based rule the action block."
    ],
    "rate-rule-without-action": [
        "Web ACL web-acl in front of user pool pool does not block requests over the rate limit (rule rate-limit-per-ip (no action)); give the rate-based rule the action block."
    ],
    "reputation-counted": [
        "Web ACL web-acl in front of user pool pool overrides AWSManagedRulesAmazonIpReputationList (rule aws-ip-reputation) with overrideAction count, so its matches are only counted; set overrideAction to {none: {}}."
    ],
    "reputation-override-unset": [
        "Web ACL web-acl in front of user pool pool overrides AWSManagedRulesAmazonIpReputationList (rule aws-ip-reputation) with overrideAction not set, so its matches are only counted; set overrideAction to {none: {}}."
    ],
    "reputation-rule-overridden": [
        "Web ACL web-acl in front of user pool pool sets AWSManagedIPReputationList, AWSManagedReconnaissanceList of AWSManagedRulesAmazonIpReputationList (rule aws-ip-reputation) to count in `ruleActionOverrides`, so those addresses are not blocked; remove the overrides."
    ],
    "no-rate-rule": [
        "Web ACL web-acl in front of user pool pool has no rate-based rule, so one address can try passwords and flood the sign-in endpoints without limit; add a rateBasedStatement (aggregateKeyType IP) with action block."
    ],
    "empty": [
        "Web ACL web-acl in front of user pool pool has no rate-based rule, so one address can try passwords and flood the sign-in endpoints without limit; add a rateBasedStatement (aggregateKeyType IP) with action block.",
        "Web ACL web-acl in front of user pool pool does not use the AWS managed rule group AWSManagedRulesAmazonIpReputationList; add a managedRuleGroupStatement (vendorName AWS, name AWSManagedRulesAmazonIpReputationList) with overrideAction none.",
    ],
    "atp": [
        "Web ACL web-acl in front of user pool pool uses AWSManagedRulesATPRuleSet, which AWS does not allow in a web ACL associated with a user pool (the association fails); remove it and rely on Cognito threat protection."
    ],
    "unnamed-counting-rate-rule": [
        "Web ACL web-acl in front of user pool pool does not block requests over the rate limit (rule (unnamed) (count)); give the rate-based rule the action block."
    ],
    "rule-json-not-json": [
        "`ruleJson` has the malformed value '{not json' (expected a JSON array of WAF rules), so this setting cannot be verified; fix the value."
    ],
    "rule-json-not-a-list": [
        "`ruleJson` has the malformed value {'name': 'rate'} (expected a list of web ACL rules), so this setting cannot be verified; fix the value."
    ],
    "rules-not-a-list": [
        "`rules` has the malformed value 'rate-limit-per-ip' (expected a list of web ACL rules), so this setting cannot be verified; fix the value."
    ],
    "action-not-an-object": [
        "`rules.rate-limit-per-ip.action` has the malformed value 'block' (expected an object), so this setting cannot be verified; fix the value."
    ],
    "nested-part-not-an-object": [
        "`rules.aws-ip-reputation.statement.managedRuleGroupStatement` has the malformed value 'AWSManagedRulesAmazonIpReputationList' (expected an object), so this setting cannot be verified; fix the value."
    ],
}


def _with_web_acl(acl: Mapping[str, Any]) -> list[Spec]:
    return [
        Spec(s.type, s.name, {**acl, "arn": s.props["arn"]}, s.deps) if s.name == "web-acl" else s
        for s in secure_stack()
    ]


@pytest.mark.parametrize("by_value", [False, True], ids=["dependency", "value"])
@pytest.mark.parametrize("label", list(WEB_ACLS))
def test_the_web_acl_policy_says_exactly_this(label: str, by_value: bool) -> None:
    specs = _with_web_acl(WEB_ACLS[label])
    if by_value:
        specs = _by_value_only(specs)
    outcome = run_stack(waf.WEB_ACL_CONTENTS, specs)
    acl = next(s for s in specs if s.name == "web-acl")
    assert outcome.messages == WAF_MESSAGES[label]
    assert set(outcome.urns) <= {acl.urn}
