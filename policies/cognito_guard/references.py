"""What each policy rests on: the AWS pages that define the behaviour it judges, and the peer checks
(Security Hub, Prowler, cdk-nag, Checkov, KICS, ...) that test the same thing.

One table keyed by policy name, so rule modules stay about judging. `framework.Meta.sdk_kwargs`
sends it over the engine's protocol: the first AWS page as the policy's `url`, every page as an
`aws-doc:<url>` tag and every peer check as a `<catalog>:<id>` tag (the vocabulary `Controls`
already used for `securityhub:` and `prowler:`). The gate, the catalog and the coverage table read
those fields; `PEER_CHECKS` lists every peer check of the research catalog that must be covered.

Adding a policy: add its entry here, with at least one AWS page you found in AWS's documentation
(a URL constant below, or a new one), then run `python -m cognito_guard.catalog --write`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

__all__ = [
    "AWS_DOC_TAG",
    "CATALOGS",
    "PEER_CHECKS",
    "REFERENCES",
    "PeerCheck",
    "References",
    "covering",
    "policy_tags",
    "policy_url",
]

AWS_DOC_TAG: Final = "aws-doc"
"""Tag prefix of an AWS documentation page: `aws-doc:https://docs.aws.amazon.com/...`."""

SECURITY_HUB: Final = "securityhub"
PROWLER: Final = "prowler"
CDK_NAG: Final = "cdk-nag"
CHECKOV: Final = "checkov"
KICS: Final = "kics"
CFN_NAG: Final = "cfn_nag"
CLOUDSPLOIT: Final = "cloudsploit"
GUARD: Final = "guard"
DATADOG: Final = "datadog"

CATALOGS: Final[Mapping[str, str]] = MappingProxyType(
    {
        SECURITY_HUB: "AWS Security Hub CSPM",
        PROWLER: "Prowler",
        CDK_NAG: "cdk-nag (AwsSolutions)",
        CHECKOV: "Checkov",
        KICS: "KICS",
        CFN_NAG: "cfn_nag",
        CLOUDSPLOIT: "CloudSploit",
        GUARD: "CloudFormation Guard registry",
        DATADOG: "Datadog CSM",
    }
)
"""Peer catalogs by tag prefix. The gate keeps the same prefixes (`gate.analyzer.PEER_CATALOGS`)."""


@dataclass(frozen=True)
class PeerCheck:
    """One check of another tool or service, as its owner spells the id."""

    catalog: str
    id: str
    note: str = ""
    """How the coverage differs, when it does (e.g. "stricter: ON only")."""

    def __post_init__(self) -> None:
        if self.catalog not in CATALOGS:
            raise ValueError(
                f"references.py: unknown peer catalog {self.catalog!r}; allowed: {sorted(CATALOGS)}"
            )

    @property
    def tag(self) -> str:
        """`<catalog>:<id>`, e.g. `securityhub:Cognito.3` or `prowler:cognito_user_pool_mfa_enabled`."""
        return f"{self.catalog}:{self.id}"


@dataclass(frozen=True)
class References:
    """The AWS pages a policy rests on (primary first) and the peer checks it covers."""

    aws: tuple[str, ...]
    peers: tuple[PeerCheck, ...] = ()

    def __post_init__(self) -> None:
        for url in self.aws:
            if not url.startswith("https://docs.aws.amazon.com/"):
                raise ValueError(f"references.py: {url!r} is not an AWS documentation page")

    @property
    def primary(self) -> str:
        """The page a reviewer opens first (the policy's `url`, SARIF `helpUri`)."""
        return self.aws[0] if self.aws else ""

    def tags(self) -> list[str]:
        """`aws-doc:<url>` per page, then `<catalog>:<id>` per peer check."""
        return [f"{AWS_DOC_TAG}:{url}" for url in self.aws] + [peer.tag for peer in self.peers]


def _sh(control: str, note: str = "") -> PeerCheck:
    return PeerCheck(SECURITY_HUB, control, note)


def _prowler(check: str, note: str = "") -> PeerCheck:
    return PeerCheck(PROWLER, check, note)


def _cdk_nag(rule: str, note: str = "") -> PeerCheck:
    return PeerCheck(CDK_NAG, f"AwsSolutions-{rule}", note)


# --- AWS pages ----------------------------------------------------------------------------------
# Each page below was found in AWS's documentation (docs corpus, December 2026). The API
# reference's UserPoolClientType page is cited by shared/research/aws-semantics.md; for the client
# fields it documents, the AWS SDK reference pages generated from the same API model are cited too.

_DG: Final = "https://docs.aws.amazon.com/cognito/latest/developerguide/"
_API: Final = "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/"
_KOTLIN: Final = (
    "https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/cognitoidentityprovider/"
    "aws.sdk.kotlin.services.cognitoidentityprovider.model/"
)

DELETION_PROTECTION: Final = f"{_DG}user-pool-settings-deletion-protection.html"
ADMIN_CREATE_USER: Final = f"{_DG}user-pool-settings-admin-create-user-policy.html"
RECOVERY_OPTION: Final = f"{_API}API_RecoveryOptionType.html"
ATTRIBUTE_UPDATE: Final = f"{_API}API_UserAttributeUpdateSettingsType.html"
SCHEMA_ATTRIBUTE: Final = f"{_API}API_SchemaAttributeType.html"
ATTRIBUTE_MAPPING: Final = f"{_DG}cognito-user-pools-specifying-attribute-mapping.html"
THREAT_PROTECTION: Final = f"{_DG}cognito-user-pool-settings-threat-protection.html"
ADD_ONS: Final = f"{_API}API_UserPoolAddOnsType.html"
ADDITIONAL_FLOWS: Final = f"{_API}API_AdvancedSecurityAdditionalFlowsType.html"
FEATURE_PLANS: Final = f"{_DG}cognito-sign-in-feature-plans.html"
COMPROMISED_CREDENTIALS: Final = f"{_DG}cognito-user-pool-settings-compromised-credentials.html"
COMPROMISED_CREDENTIALS_API: Final = f"{_API}API_CompromisedCredentialsRiskConfigurationType.html"
ADAPTIVE_AUTH: Final = f"{_DG}cognito-user-pool-settings-adaptive-authentication.html"
ACCOUNT_TAKEOVER_ACTION: Final = f"{_API}API_AccountTakeoverActionType.html"
RISK_EXCEPTIONS: Final = f"{_API}API_RiskExceptionConfigurationType.html"
PASSWORD_POLICY: Final = f"{_API}API_PasswordPolicyType.html"
MFA: Final = f"{_DG}user-pool-settings-mfa.html"
DEVICE_CONFIGURATION: Final = f"{_API}API_DeviceConfigurationType.html"
USER_EXISTENCE_ERRORS: Final = f"{_DG}cognito-user-pool-managing-errors.html"
TOKEN_REVOCATION: Final = f"{_DG}token-revocation.html"
REFRESH_TOKEN: Final = f"{_DG}amazon-cognito-user-pools-using-the-refresh-token.html"
REFRESH_TOKEN_VALIDITY: Final = f"{_KOTLIN}-user-pool-client-type/refresh-token-validity.html"
REFRESH_TOKEN_ROTATION: Final = f"{_API}API_RefreshTokenRotationType.html"
APP_CLIENTS: Final = f"{_DG}user-pool-settings-client-apps.html"
CLIENT: Final = f"{_API}API_UserPoolClientType.html"
EXPLICIT_AUTH_FLOWS: Final = f"{_KOTLIN}-user-pool-client-type/explicit-auth-flows.html"
CALLBACK_URLS: Final = f"{_KOTLIN}-create-user-pool-client-request/callback-urls.html"
APIGW_COGNITO_AUTHORIZER: Final = "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html"
IDENTITY_POOL_BEST_PRACTICES: Final = f"{_DG}identity-pools-security-best-practices.html"
IDENTITY_POOL_AUTH_FLOW: Final = f"{_DG}authentication-flow.html"
ROLE_TRUST: Final = f"{_DG}role-trust-and-permissions.html"
IAM_ROLES: Final = f"{_DG}iam-roles.html"
ROLE_BASED_ACCESS: Final = f"{_DG}role-based-access-control.html"
SERVER_SIDE_TOKEN_CHECK: Final = "https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_CognitoIdentityProvider.html"
OIDC_ROLE: Final = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html"
)
WAF: Final = f"{_DG}user-pool-waf.html"
METRICS: Final = f"{_DG}metrics-for-cognito-user-pools.html"
LOG_CONFIGURATION: Final = f"{_API}API_LogConfigurationType.html"


REFERENCES: Final[Mapping[str, References]] = MappingProxyType(
    {
        # user-pool
        "cognito-user-pool-deletion-protection": References(
            (DELETION_PROTECTION,),
            (_sh("Cognito.6"), _prowler("cognito_user_pool_deletion_protection_enabled")),
        ),
        "cognito-user-pool-self-signup-disabled": References(
            (ADMIN_CREATE_USER,),
            (_prowler("cognito_user_pool_self_registration_disabled"),),
        ),
        "cognito-user-pool-account-recovery": References(
            (RECOVERY_OPTION,),
            (
                _prowler(
                    "cognito_user_pool_account_recovery_sms_not_preferred",
                    "proposed on a Prowler branch (commit 162976a7), not released",
                ),
            ),
        ),
        "cognito-user-pool-verify-attribute-updates": References((ATTRIBUTE_UPDATE,)),
        "cognito-user-pool-authz-attributes-immutable": References((SCHEMA_ATTRIBUTE,)),
        "cognito-identity-provider-attribute-trust": References(
            (ATTRIBUTE_MAPPING, SCHEMA_ATTRIBUTE)
        ),
        "cognito-user-pool-threat-protection": References(
            (THREAT_PROTECTION, ADD_ONS),
            (
                _sh("Cognito.1"),
                _prowler("cognito_user_pool_advanced_security_enabled"),
                _cdk_nag("COG3", "retired by cdk-nag (replaced by COG8)"),
            ),
        ),
        "cognito-user-pool-custom-auth-threat-protection": References(
            (ADDITIONAL_FLOWS, THREAT_PROTECTION), (_sh("Cognito.4"),)
        ),
        "cognito-user-pool-plus-tier": References((FEATURE_PLANS,), (_cdk_nag("COG8"),)),
        "cognito-risk-block-compromised-credentials": References(
            (COMPROMISED_CREDENTIALS, COMPROMISED_CREDENTIALS_API),
            (_prowler("cognito_user_pool_blocks_compromised_credentials_sign_in_attempts"),),
        ),
        "cognito-risk-account-takeover-actions": References(
            (ADAPTIVE_AUTH, ACCOUNT_TAKEOVER_ACTION),
            (
                _prowler(
                    "cognito_user_pool_blocks_potential_malicious_sign_in_attempts",
                    "Prowler wants BLOCK at every level; the default here is MFA for low/medium",
                ),
            ),
        ),
        "cognito-risk-exceptions-narrow": References((RISK_EXCEPTIONS, ADAPTIVE_AUTH)),
        # password
        "cognito-password-min-length": References(
            (PASSWORD_POLICY,),
            (
                _sh("Cognito.3", "length part"),
                _prowler("cognito_user_pool_password_policy_minimum_length_14"),
                _cdk_nag("COG1", "length part"),
            ),
        ),
        "cognito-password-composition": References(
            (PASSWORD_POLICY,),
            (
                _sh("Cognito.3", "character classes"),
                _prowler("cognito_user_pool_password_policy_lowercase"),
                _prowler("cognito_user_pool_password_policy_uppercase"),
                _prowler("cognito_user_pool_password_policy_number"),
                _prowler("cognito_user_pool_password_policy_symbol"),
                _cdk_nag("COG1", "character classes"),
            ),
        ),
        "cognito-temp-password-validity": References(
            (PASSWORD_POLICY,),
            (
                _sh("Cognito.3", "temporary password part"),
                _prowler("cognito_user_pool_temporary_password_expiration"),
            ),
        ),
        "cognito-password-history": References((PASSWORD_POLICY,)),
        # mfa
        "cognito-user-pool-mfa-required": References(
            (MFA,),
            (
                _sh("Cognito.5"),
                _prowler("cognito_user_pool_mfa_enabled"),
                _cdk_nag("COG2"),
                PeerCheck(
                    KICS, "ec28bf61-a474-4dbe-b414-6dd3a067d6f0", "Terraform; accepts OPTIONAL"
                ),
                PeerCheck(KICS, "74a18d1a-cf02-4a31-8791-ed0967ad7fdc", "CloudFormation"),
                PeerCheck(CLOUDSPLOIT, "cognitoMFAEnabled"),
                PeerCheck(CFN_NAG, "F78", "accepts OPTIONAL"),
                PeerCheck(GUARD, "COGNITO_USER_POOL_MFA_CONFIGURATION_RULE", "accepts OPTIONAL"),
            ),
        ),
        "cognito-mfa-factors": References((MFA,)),
        "cognito-user-pool-device-remembering": References((DEVICE_CONFIGURATION, MFA)),
        # clients-oauth
        "cognito-client-prevent-user-existence-errors": References(
            (USER_EXISTENCE_ERRORS,),
            (_prowler("cognito_user_pool_client_prevent_user_existence_errors"),),
        ),
        "cognito-client-token-revocation": References(
            (TOKEN_REVOCATION,),
            (_prowler("cognito_user_pool_client_token_revocation_enabled"),),
        ),
        "cognito-client-refresh-token-lifetime": References(
            (REFRESH_TOKEN, REFRESH_TOKEN_VALIDITY)
        ),
        "cognito-client-token-lifetimes": References((APP_CLIENTS, CLIENT)),
        "cognito-client-auth-session-validity": References((APP_CLIENTS, CLIENT)),
        "cognito-client-no-implicit-grant": References((APP_CLIENTS, CLIENT)),
        "cognito-client-no-password-auth-flows": References((EXPLICIT_AUTH_FLOWS, APP_CLIENTS)),
        "cognito-client-redirect-urls": References((CALLBACK_URLS, APP_CLIENTS)),
        "cognito-client-refresh-token-rotation": References(
            (REFRESH_TOKEN_ROTATION, REFRESH_TOKEN)
        ),
        "cognito-client-no-secret-on-public-client": References((APP_CLIENTS,)),
        "cognito-client-explicit-write-attributes": References((APP_CLIENTS, CLIENT)),
        "cognito-client-protected-attribute-writes": References(
            (SCHEMA_ATTRIBUTE, APP_CLIENTS, CLIENT)
        ),
        "cognito-client-sso-only": References((APP_CLIENTS, CLIENT)),
        "cognito-apigw-cognito-authorizer": References(
            (APIGW_COGNITO_AUTHORIZER,), (_cdk_nag("COG4"),)
        ),
        # identity-pool-iam
        "cognito-identity-pool-no-guest-access": References(
            (IDENTITY_POOL_BEST_PRACTICES, IAM_ROLES),
            (
                _sh("Cognito.2"),
                _prowler("cognito_identity_pool_guest_access_disabled"),
                PeerCheck(CHECKOV, "CKV_AWS_366"),
                _cdk_nag("COG7"),
                PeerCheck(CFN_NAG, "W57"),
                PeerCheck(GUARD, "COGNITO_ALLOW_UNAUTHENTICATED_IDENTITIES_RULE"),
            ),
        ),
        "cognito-identity-pool-classic-flow-disabled": References(
            (IDENTITY_POOL_AUTH_FLOW,), (PeerCheck(DATADOG, "def-000-k8u"),)
        ),
        "cognito-identity-pool-server-side-token-check": References((SERVER_SIDE_TOKEN_CHECK,)),
        "cognito-identity-role-trust-conditions": References(
            (ROLE_TRUST, IDENTITY_POOL_BEST_PRACTICES)
        ),
        "cognito-pipeline-github-oidc-trust": References(
            (OIDC_ROLE,), (PeerCheck(CHECKOV, "CKV_AWS_358"),)
        ),
        # stack
        "cognito-user-pool-waf-associated": References(
            (WAF,),
            (
                _prowler("cognito_user_pool_waf_acl_attached"),
                PeerCheck(CLOUDSPLOIT, "cognitoHasWafEnabled"),
            ),
        ),
        "cognito-user-pool-risk-configuration": References(
            (ADAPTIVE_AUTH, COMPROMISED_CREDENTIALS),
            (
                _prowler(
                    "cognito_user_pool_blocks_compromised_credentials_sign_in_attempts",
                    "the pool must have a risk configuration",
                ),
            ),
        ),
        "cognito-lockout-compensating-controls": References((WAF, THREAT_PROTECTION)),
        "cognito-identity-pool-role-trust": References((ROLE_TRUST, IDENTITY_POOL_BEST_PRACTICES)),
        "cognito-identity-pool-distinct-roles": References((IAM_ROLES, ROLE_TRUST)),
        "cognito-identity-pool-guest-role-least-privilege": References(
            (IAM_ROLES, IDENTITY_POOL_BEST_PRACTICES),
            (
                _prowler(
                    "cognito_identity_pool_guest_access_disabled",
                    "Prowler only names the guest role; this judges its permissions",
                ),
            ),
        ),
        "cognito-identity-pool-role-mapping-claims": References(
            (ROLE_BASED_ACCESS, IDENTITY_POOL_BEST_PRACTICES)
        ),
        # monitoring
        "cognito-user-pool-alarms": References((METRICS,)),
        "cognito-user-pool-auth-event-logging": References((LOG_CONFIGURATION, THREAT_PROTECTION)),
        # new checks of issue 10 part 2 (their modules cite the same pages next to the code)
        "cognito-user-pool-case-insensitive-usernames": References(
            (f"{_API}API_UsernameConfigurationType.html", f"{_API}API_CreateUserPool.html")
        ),
        "cognito-user-pool-email-via-ses": References(
            (
                f"{_API}API_EmailConfigurationType.html",
                f"{_DG}user-pool-lambda-custom-email-sender.html",
            )
        ),
        "cognito-domain-custom-certificate": References((f"{_API}API_CreateUserPoolDomain.html",)),
        "cognito-domain-managed-login-version": References(
            (f"{_API}API_CreateUserPoolDomain.html",)
        ),
        "cognito-client-no-admin-scope-on-public-client": References(
            (f"{_DG}amazon-cognito-user-pools-using-the-access-token.html", CLIENT)
        ),
        "cognito-client-explicit-read-attributes": References((CLIENT,)),
        "cognito-client-native-app-redirects": References(
            (f"{_API}API_CreateUserPoolClient.html", CALLBACK_URLS)
        ),
        "cognito-client-user-auth-plaintext-password": References(
            (
                CLIENT,
                f"{_API}API_SignInPolicyType.html",
                f"{_DG}authentication-flows-selection-sdk.html",
            )
        ),
        "cognito-user-pool-waf-rules": References(
            (
                WAF,
                "https://docs.aws.amazon.com/waf/latest/developerguide/"
                "aws-managed-rule-groups-ip-rep.html",
                "https://docs.aws.amazon.com/waf/latest/APIReference/API_OverrideAction.html",
            )
        ),
        # new checks of issue 10 part 1 (their modules cite the same pages next to the code)
        "cognito-client-idp-mapped-attributes-writable": References((CLIENT, ATTRIBUTE_MAPPING)),
        "cognito-mfa-factor-configured": References(
            (f"{_API}API_SetUserPoolMfaConfig.html", MFA),
            (_sh("Cognito.5", "this judges the factor behind ON or OPTIONAL"),),
        ),
        "cognito-mfa-recovery-channel-separate": References(
            (f"{_API}API_CreateUserPool.html", RECOVERY_OPTION)
        ),
        "cognito-user-pool-trigger-feature-plan": References(
            (
                f"{_DG}user-pool-lambda-pre-token-generation.html",
                f"{_API}API_PreTokenGenerationVersionConfigType.html",
                FEATURE_PLANS,
            )
        ),
    }
)
"""Policy name -> its references. Every policy of the pack has an entry (tests enforce it)."""


PEER_CHECKS: Final[tuple[PeerCheck, ...]] = (
    # Prowler: every check under prowler/providers/aws/services/cognito/ (prowler-cloud/prowler
    # master 3e000faa), plus the branch-only proposal the research notes list.
    *(
        _prowler(f"cognito_{suffix}")
        for suffix in (
            "identity_pool_guest_access_disabled",
            "user_pool_advanced_security_enabled",
            "user_pool_blocks_compromised_credentials_sign_in_attempts",
            "user_pool_blocks_potential_malicious_sign_in_attempts",
            "user_pool_client_prevent_user_existence_errors",
            "user_pool_client_token_revocation_enabled",
            "user_pool_deletion_protection_enabled",
            "user_pool_mfa_enabled",
            "user_pool_password_policy_lowercase",
            "user_pool_password_policy_minimum_length_14",
            "user_pool_password_policy_number",
            "user_pool_password_policy_symbol",
            "user_pool_password_policy_uppercase",
            "user_pool_self_registration_disabled",
            "user_pool_temporary_password_expiration",
            "user_pool_waf_acl_attached",
            "user_pool_account_recovery_sms_not_preferred",
        )
    ),
    # Security Hub CSPM Cognito controls.
    *(_sh(f"Cognito.{number}") for number in range(1, 7)),
    # cdk-nag AwsSolutions: COG1, 2, 4, 7, 8 exist; COG3 was retired (cdk-nag 5a8b71d3); COG5 and
    # COG6 were never defined (cdklabs/cdk-nag ca6d1b54, src/rules/cognito/, RULES.md).
    *(_cdk_nag(rule) for rule in ("COG1", "COG2", "COG3", "COG4", "COG7", "COG8")),
    PeerCheck(CHECKOV, "CKV_AWS_366"),
    # KICS "Cognito UserPool Without MFA" (Terraform, CloudFormation).
    PeerCheck(KICS, "ec28bf61-a474-4dbe-b414-6dd3a067d6f0"),
    PeerCheck(KICS, "74a18d1a-cf02-4a31-8791-ed0967ad7fdc"),
)
"""Every peer check of the research catalog (`shared/research/policy-anchors.md` §1)."""


def covering(peer: PeerCheck) -> list[str]:
    """The policies that cover `peer` (same catalog and id), in table order."""
    return [
        name
        for name, refs in REFERENCES.items()
        if any(p.catalog == peer.catalog and p.id == peer.id for p in refs.peers)
    ]


def _superseded(tag: str, references: References) -> bool:
    """Whether a `Controls` tag says again what the policy's entry says (possibly annotated, as in
    `prowler:<id> (branch)`); the entry's own tag replaces it."""
    prefix = tag.split(":", 1)[0]
    return prefix in CATALOGS and any(tag.startswith(peer.tag) for peer in references.peers)


def policy_tags(name: str, control_tags: Sequence[str]) -> list[str]:
    """The tags a policy sends: its `Controls` tags, then its references.

    The entry is the one source of a policy's AWS pages and peer checks: `Controls` tags that
    repeat one of them are dropped, so nothing is listed twice. A peer tag of `Controls` that the
    entry lacks stays and makes `tests/policies/test_catalog.py` fail until the entry names it.
    """
    references = REFERENCES.get(name)
    if references is None:
        return list(control_tags)
    kept = [tag for tag in control_tags if not _superseded(tag, references)]
    return kept + references.tags()


def policy_url(name: str) -> str | None:
    """The policy's primary AWS page, sent as the policy's `url`."""
    references = REFERENCES.get(name)
    return references.primary or None if references else None
