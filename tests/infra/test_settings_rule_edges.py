"""Edges of the settings rules that a mutation run of ``settings/`` found unpinned (issue 14).

Each case edits the real ``Pulumi.prod.yaml`` at one place and loads it as the program does. A
broken rule is compared as the whole list of error lines (key path, value as shown, wording and
order); a valid configuration is checked on the setting it produces. The AWS rules behind them:
- an OIDC identity provider is asked for the OpenID Connect scopes the pool requests; without
  ``openid`` it returns no ID token:
  https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-oidc-idp.html
- a SAML provider takes MetadataFile OR MetadataURL (CreateIdentityProvider, ProviderDetails):
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html
- an app client's WriteAttributes must include every attribute its identity providers map:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html
- ConfigurationSet is an SES setting of the DEVELOPER sending account:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_EmailConfigurationType.html
- a regional AWS WAF web ACL can be associated with a user pool:
  https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-waf.html
- admin_only is a recovery option of its own; it prevents self-service account recovery:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RecoveryOptionType.html
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.infra.harness import NAMESPACE, PROD_FILE, Edit, edited_settings, error_lines

FP = PROD_FILE + NAMESPACE
WAF_ACL = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/edge/1a2b3c"
NOT_A_CIDR = "is not a CIDR range such as 203.0.113.0/24"
WRITE_ATTRIBUTES_PAGE = (
    "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/"
    "API_UserPoolClientType.html"
)


def _section(document: dict[str, Any], section: str) -> Any:
    return document[NAMESPACE + section]


def identity_provider(index: int, **values: Any) -> Edit:
    """Set ``values`` on the stack file's identity provider at ``index``."""
    return lambda document: _section(document, "identityProviders")[index].update(values)


def app_client(index: int, **values: Any) -> Edit:
    """Set ``values`` on the stack file's app client at ``index``."""
    return lambda document: _section(document, "appClients")[index].update(values)


def user_pool(*path: str, **values: Any) -> Edit:
    """Set ``values`` in the user pool mapping at ``path`` (created when missing)."""

    def edit(document: dict[str, Any]) -> None:
        node = _section(document, "userPool")
        for key in path:
            node = node.setdefault(key, {})
        node.update(values)

    return edit


REFUSED: list[tuple[str, Edit, list[str]]] = [
    # `entra` is the OIDC provider of the prod stack
    ("oidc-provider-without-openid", identity_provider(1, scopes=["email", "profile"]),
     [f'{FP}identityProviders[1].scopes: ["email", "profile"] must include openid']),
    # both metadata sources: the line shows the URL that is set
    ("saml-with-url-and-metadata-file", identity_provider(0, metadataFileKey="entraClientSecret"),
     [f'{FP}identityProviders[0].metadataUrl: "https://login.acme.example/federationmetadata/'
      '2007-06/federationmetadata.xml" set exactly one of metadataUrl and metadataFileKey']),
    # every bad entry of a list is named, also after the first one
    ("two-bad-cidrs-in-each-list", user_pool("threatProtection", blockedIpRanges=["not-a-cidr", "also-bad"],
                                             skippedIpRanges=["bogus", "10.0.0.0/7"]),
     [f'{FP}userPool.threatProtection.blockedIpRanges[0]: "not-a-cidr" {NOT_A_CIDR}',
      f'{FP}userPool.threatProtection.blockedIpRanges[1]: "also-bad" {NOT_A_CIDR}',
      f'{FP}userPool.threatProtection.skippedIpRanges[0]: "bogus" {NOT_A_CIDR}',
      f'{FP}userPool.threatProtection.skippedIpRanges[1]: "10.0.0.0/7" is too broad to skip threat '
      "protection for (/8 or narrower)"]),
    # corporate-saml maps email and name; the list covers the first, not the second
    ("explicit-write-attributes-without-the-second-mapped-one", app_client(1, writeAttributes=["email"]),
     [f'{FP}appClients[1].writeAttributes: ["email"] of app client console must include name, which '
      "identity provider corporate-saml maps; otherwise Cognito fails to update name when a user "
      f"signs in through corporate-saml ({WRITE_ATTRIBUTES_PAGE}); add it or remove writeAttributes "
      "to get the mapped attributes by default"]),
]  # fmt: skip


@pytest.mark.parametrize(("edit", "lines"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_the_broken_rule_reads_exactly(edit: Edit, lines: list[str]) -> None:
    assert error_lines(edit) == lines


def test_an_ses_configuration_set_is_kept_with_the_developer_account() -> None:
    settings = edited_settings(user_pool("email", configurationSet="identity-events"))
    assert settings.user_pool.email.sending_account == "DEVELOPER"
    assert settings.user_pool.email.configuration_set == "identity-events"


def test_an_existing_web_acl_is_associated_by_its_arn() -> None:
    settings = edited_settings(user_pool("waf", mode="existing", webAclArn=WAF_ACL))
    assert settings.user_pool.waf.mode == "existing"
    assert settings.user_pool.waf.web_acl_arn == WAF_ACL


def test_admin_only_recovery_on_its_own_is_accepted() -> None:
    settings = edited_settings(user_pool(accountRecovery=["admin_only"]))
    assert settings.user_pool.account_recovery == ("admin_only",)
