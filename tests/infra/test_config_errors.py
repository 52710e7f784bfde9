"""Every config error a user can make gets a message naming the file, key path, value and limit."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from gate.host_process import CONFIG_FILE_VARIABLE
from gate.stack import find_project, load_stack
from settings import StackConfigError, load_stack_settings
from settings.deployment import cognito_regions
from settings.loader import config_source
from tests.infra.harness import ProgramRun, run_program, stack_document, to_raw
from tests.repo import ROOT

Edit = Callable[[dict[str, Any]], None]
P = "enterprise-identity:"


def load(stack: str, edit: Edit) -> str:
    """Apply ``edit`` to the real stack file; return the error message it must produce."""
    document = copy.deepcopy(stack_document(stack))
    edit(document)
    with pytest.raises(StackConfigError) as caught:
        load_stack_settings(stack, to_raw(document)[0])
    return str(caught.value)


def section(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda document: document[P + name]


def set_in(name: str, path: tuple[str | int, ...], value: Any) -> Edit:
    def edit(document: dict[str, Any]) -> None:
        node = document[P + name]
        for key in path[:-1]:
            node = node.setdefault(key, {}) if isinstance(key, str) else node[key]
        node[path[-1]] = value

    return edit


CASES: list[tuple[str, Edit, str]] = [
    # AWS limits
    ("waf rate limit", set_in("userPool", ("waf", "rateLimit"), 5),
     "Pulumi.prod.yaml: enterprise-identity:userPool.waf.rateLimit: 5 is below the AWS minimum 10 requests per IP per window"),
    ("waf existing without arn", set_in("userPool", ("waf", "mode"), "existing"),
     "Pulumi.prod.yaml: enterprise-identity:userPool.waf.webAclArn: is required when mode is existing"),
    ("waf arn with managed", set_in("userPool", ("waf", "webAclArn"), "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/edge/1a2b3c"),
     'Pulumi.prod.yaml: enterprise-identity:userPool.waf.webAclArn: "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/edge/1a2b3c" is only used with mode existing (mode is managed)'),
    ("waf global acl", lambda d: d[P + "userPool"]["waf"].update(mode="existing", webAclArn="arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/1a2b3c"),
     'Pulumi.prod.yaml: enterprise-identity:userPool.waf.webAclArn: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/1a2b3c" is not a valid regional WAFv2 web ACL ARN'),
    ("password minimum", set_in("userPool", ("passwordPolicy", "minimumLength"), 5),
     "Pulumi.prod.yaml: enterprise-identity:userPool.passwordPolicy.minimumLength: 5 is below the AWS minimum 6"),
    ("password maximum", set_in("userPool", ("passwordPolicy", "minimumLength"), 100),
     "Pulumi.prod.yaml: enterprise-identity:userPool.passwordPolicy.minimumLength: 100 is above the AWS maximum 99"),
    ("temporary password", set_in("userPool", ("passwordPolicy", "temporaryPasswordValidityDays"), 366),
     "Pulumi.prod.yaml: enterprise-identity:userPool.passwordPolicy.temporaryPasswordValidityDays: 366 is above the AWS maximum 365 days"),
    ("temporary password negative", set_in("userPool", ("passwordPolicy", "temporaryPasswordValidityDays"), -1),
     "Pulumi.prod.yaml: enterprise-identity:userPool.passwordPolicy.temporaryPasswordValidityDays: -1 is below the AWS minimum 0 days"),
    ("access token short", set_in("appClients", (0, "tokens", "accessTokenMinutes"), 4),
     "Pulumi.prod.yaml: enterprise-identity:appClients[0].tokens.accessTokenMinutes: 4 is below the AWS minimum 5 minutes"),
    ("id token long", set_in("appClients", (1, "tokens", "idTokenMinutes"), 1441),
     "Pulumi.prod.yaml: enterprise-identity:appClients[1].tokens.idTokenMinutes: 1441 is above the AWS maximum 1440 minutes"),
    ("refresh token short", set_in("appClients", (0, "tokens", "refreshTokenHours"), 0),
     "Pulumi.prod.yaml: enterprise-identity:appClients[0].tokens.refreshTokenHours: 0 is below the AWS minimum 1 hours"),
    ("refresh token long", set_in("appClients", (0, "tokens", "refreshTokenHours"), 87601),
     "Pulumi.prod.yaml: enterprise-identity:appClients[0].tokens.refreshTokenHours: 87601 is above the AWS maximum 87600 hours"),
    ("auth session", set_in("appClients", (0, "authSessionMinutes"), 16),
     "Pulumi.prod.yaml: enterprise-identity:appClients[0].authSessionMinutes: 16 is above the AWS maximum 15 minutes"),
    # name patterns
    ("pool name", set_in("userPool", ("name",), "bad/name"),
     'Pulumi.prod.yaml: enterprise-identity:userPool.name: "bad/name" is not a valid user pool name: 1-128 characters matching [\\w\\s+=,.@-]+'),
    ("client name", set_in("appClients", (0, "name"), "por#tal"),
     'Pulumi.prod.yaml: enterprise-identity:appClients[0].name: "por#tal" is not a valid app client name'),
    ("group name", set_in("groups", (0, "name"), "two words"),
     'Pulumi.prod.yaml: enterprise-identity:groups[0].name: "two words" is not a valid group name'),
    ("provider name", set_in("identityProviders", (0, "name"), "x"),
     'Pulumi.prod.yaml: enterprise-identity:identityProviders[0].name: "x" is not a valid identity provider name'),
    ("identity pool name", set_in("identityPool", ("name",), "with-dash"),
     'Pulumi.prod.yaml: enterprise-identity:identityPool.name: "with-dash" is not a valid identity pool name'),
    ("domain prefix reserved", set_in("domain", ("prefix",), "my-cognito"),
     'Pulumi.prod.yaml: enterprise-identity:domain.prefix: "my-cognito" must not contain aws, amazon or cognito (AWS rule)'),
    ("domain prefix pattern", set_in("domain", ("prefix",), "-Bad"),
     'Pulumi.prod.yaml: enterprise-identity:domain.prefix: "-Bad" must be 1-63 lower-case letters'),
    ("tenant id", set_in("tenants", (0, "id"), "Bad_Tenant"),
     'Pulumi.prod.yaml: enterprise-identity:tenants[0].id: "Bad_Tenant" does not match the allowed pattern'),
    # choices and structure
    ("mfa mode", set_in("userPool", ("mfa", "mode"), "SOMETIMES"),
     'Pulumi.prod.yaml: enterprise-identity:userPool.mfa.mode: "SOMETIMES" is not allowed; allowed: "OFF", "OPTIONAL" or "ON"'),
    ("unknown key", set_in("userPool", ("passwordPolicy", "minLength"), 14),
     "Pulumi.prod.yaml: enterprise-identity:userPool.passwordPolicy.minLength: 14 is not a known setting here"),
    ("wrong type", set_in("userPool", ("deletionProtection",), "yes"),
     'Pulumi.prod.yaml: enterprise-identity:userPool.deletionProtection: "yes" input should be a valid boolean'),
    ("missing required", lambda d: d[P + "userPool"].pop("name"),
     "Pulumi.prod.yaml: enterprise-identity:userPool.name: is required"),
    ("unknown provider type", set_in("identityProviders", (0, "type"), "LDAP"),
     'Pulumi.prod.yaml: enterprise-identity:identityProviders[0].type: "LDAP" is not a known type; allowed: "SAML", "OIDC", "Google", "Facebook", "SignInWithApple", "LoginWithAmazon"'),
    ("missing region", lambda d: d.pop("aws:region"), "Pulumi.prod.yaml: aws:region: is required"),
    ("bad region", lambda d: d.update({"aws:region": "mars-1"}), 'Pulumi.prod.yaml: aws:region: "mars-1" is not a region where Amazon Cognito user pools exist (botocore endpoint data); Cognito regions: af-south-1,'),
    ("region typo", lambda d: d.update({"aws:region": "eu-westt-1"}), 'Pulumi.prod.yaml: aws:region: "eu-westt-1" is not a region where Amazon Cognito user pools exist (botocore endpoint data); did you mean eu-west-1?'),
    ("region without cognito", lambda d: d.update({"aws:region": "cn-north-1"}), 'Pulumi.prod.yaml: aws:region: "cn-north-1" is not a region where Amazon Cognito user pools exist'),
    # write attributes cover what the client's identity providers map (UserPoolClientType)
    ("explicit write attributes omit a mapped one", set_in("appClients", (1, "writeAttributes"), ["name"]),
     'Pulumi.prod.yaml: enterprise-identity:appClients[1].writeAttributes: ["name"] of app client console must include email, which identity provider corporate-saml maps; otherwise Cognito fails to update email when a user signs in through corporate-saml (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html)'),
    ("provider maps a verified flag", lambda d: d[P + "identityProviders"][1]["attributeMapping"].update(email_verified="email_verified"),
     'Pulumi.prod.yaml: enterprise-identity:appClients[0].identityProviders: "entra" maps email_verified, so app client portal would have to write it (mapped attributes must be writable, https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html) and its users could mark contacts they do not own as verified; remove email_verified from entra\'s attributeMapping'),
    # feature plans (tiers)
    ("pre token generation v2 on lite", lambda d: d[P + "userPool"].update(tier="LITE", triggers={"preTokenGeneration": "arn:aws:lambda:eu-west-1:123456789012:function:claims"}),
     'Pulumi.prod.yaml: enterprise-identity:userPool.triggers.preTokenGenerationVersion: "V2_0" needs tier ESSENTIALS or PLUS (access-token customisation); use V1_0 on LITE'),
    ("managed login on lite", set_in("userPool", ("tier",), "LITE"),
     "Pulumi.prod.yaml: enterprise-identity:domain.managedLoginVersion: 2 is managed login, which needs userPool.tier ESSENTIALS or PLUS"),
    ("auth events without plus", lambda d: d[P + "userPool"].update(tier="ESSENTIALS", threatProtection={"mode": "OFF"}),
     "Pulumi.prod.yaml: enterprise-identity:userPool.logging.authEvents: true needs tier PLUS"),
    # production email goes through SES
    ("production on cognito default email", lambda d: d[P + "userPool"].pop("email"),
     'Pulumi.prod.yaml: enterprise-identity:userPool.email.sendingAccount: "COGNITO_DEFAULT" is not allowed when deployment.environment is production: Cognito\'s built-in sender has a daily quota that AWS calls below production volume; set sendingAccount DEVELOPER with a verified SES identity (sourceArn, fromAddress) - https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_EmailConfigurationType.html'),
    ("ses identity arn", set_in("userPool", ("email", "sourceArn"), "arn:aws:sns:eu-west-1:123456789012:topic"),
     'Pulumi.prod.yaml: enterprise-identity:userPool.email.sourceArn: "arn:aws:sns:eu-west-1:123456789012:topic" is not a valid SES identity ARN'),
    ("from address", set_in("userPool", ("email", "fromAddress"), "no-reply"),
     'Pulumi.prod.yaml: enterprise-identity:userPool.email.fromAddress: "no-reply" is not a valid email sender (user@example.com or Name <user@example.com>)'),
    ("configuration set without ses", lambda d: d[P + "userPool"].update(email={"configurationSet": "identity"}),
     'Pulumi.prod.yaml: enterprise-identity:userPool.email.configurationSet: "identity" is an SES configuration set and needs sendingAccount DEVELOPER'),
    ("environment required", lambda d: d[P + "deployment"].pop("environment"),
     "Pulumi.prod.yaml: enterprise-identity:deployment.environment: is required"),
    ("environment choices", set_in("deployment", ("environment",), "prod"),
     'Pulumi.prod.yaml: enterprise-identity:deployment.environment: "prod" is not allowed; allowed: "development", "test", "staging" or "production"'),
    # namespaces
    ("misspelt namespace", lambda d: d.update({"enterprise-identiy:userPool": d.pop(P + "userPool")}),
     "Pulumi.prod.yaml: enterprise-identiy:userPool: is not read: enterprise-identiy is not this project's namespace; did you mean `enterprise-identity:userPool`?"),
    # cross-field rules
    ("threat protection tier", set_in("userPool", ("tier",), "ESSENTIALS"),
     'Pulumi.prod.yaml: enterprise-identity:userPool.threatProtection.mode: "ENFORCED" needs tier PLUS (tier is ESSENTIALS)'),
    ("mfa without factor", set_in("userPool", ("mfa", "totp"), False),
     'Pulumi.prod.yaml: enterprise-identity:userPool.mfa.mode: "ON" needs at least one factor'),
    ("sms recovery first", set_in("userPool", ("accountRecovery",), ["verified_phone_number", "verified_email"]),
     'Pulumi.prod.yaml: enterprise-identity:userPool.accountRecovery: ["verified_phone_number", "verified_email"] must not start with verified_phone_number'),
    ("http callback", set_in("appClients", (0, "callbackUrls"), ["http://portal.example.com/cb"]),
     'Pulumi.prod.yaml: enterprise-identity:appClients[0].callbackUrls[0]: "http://portal.example.com/cb" uses http://; callback URLs must use https://'),
    ("wildcard callback", set_in("appClients", (1, "callbackUrls"), ["https://*.example.com/cb"]),
     'Pulumi.prod.yaml: enterprise-identity:appClients[1].callbackUrls[0]: "https://*.example.com/cb" is not an absolute URL without wildcards or fragments'),
    ("verified flag writable", set_in("appClients", (0, "writeAttributes"), ["name", "email_verified"]),
     'Pulumi.prod.yaml: enterprise-identity:appClients[0].writeAttributes: "email_verified" must never be client-writable'),
    ("authorization attribute writable", set_in("appClients", (0, "writeAttributes"), ["custom:tenant_id"]),
     'Pulumi.prod.yaml: enterprise-identity:appClients[0].writeAttributes: "custom:tenant_id" is an authorization attribute and must never be client-writable'),
    ("mutable authorization attribute", set_in("userPool", ("schema", "customAttributes", 0, "mutable"), True),
     "Pulumi.prod.yaml: enterprise-identity:userPool.schema.customAttributes[0].mutable: true must be false for an authorization attribute"),
    ("unknown provider on client", set_in("appClients", (0, "identityProviders"), ["okta"]),
     'Pulumi.prod.yaml: enterprise-identity:appClients[0].identityProviders: "okta" is not a configured identity provider'),
    ("unknown scope", set_in("appClients", (3, "scopes"), ["https://api.example.com/nope"]),
     'Pulumi.prod.yaml: enterprise-identity:appClients[3].scopes: "https://api.example.com/nope" is neither a standard scope nor a scope of a configured resource server'),
    ("duplicate client", set_in("appClients", (1, "name"), "portal"),
     'Pulumi.prod.yaml: enterprise-identity:appClients: "portal" is used by more than one app client'),
    ("rules without rules", set_in("identityPool", ("roleMappings", 1, "type"), "Rules"),
     "Pulumi.prod.yaml: enterprise-identity:identityPool.roleMappings[1].rules: [] are required when type is Rules"),
    ("rule on writable claim", set_in("identityPool", ("roleMappings", 0, "rules", 0, "claim"), "name"),
     'Pulumi.prod.yaml: enterprise-identity:identityPool.roleMappings[0].rules[0].claim: "name" is writable by an app client; users could pick their own role'),
    ("too many role mappings", lambda d: d[P + "appClients"].extend({"name": f"spa{i}", "kind": "spa"} for i in range(8)),
     "Pulumi.prod.yaml: enterprise-identity:identityPool.clients: 11 clients exceed the 10 role mappings an identity pool allows"),
    ("tenant tag remapped", set_in("identityPool", ("principalTags", "tags", "tenant_id"), "custom:department"),
     'Pulumi.prod.yaml: enterprise-identity:identityPool.principalTags.tags.tenant_id: "custom:department" must be custom:tenant_id when tenants are configured'),
    ("machine client in identity pool", set_in("identityPool", ("clients",), ["reporting-job"]),
     'Pulumi.prod.yaml: enterprise-identity:identityPool.clients[0]: "reporting-job" is a machine client'),
    ("missing secret", lambda d: d.pop(P + "entraClientSecret"),
     'Pulumi.prod.yaml: enterprise-identity:identityProviders[1].clientSecretKey: "entraClientSecret" names config key enterprise-identity:entraClientSecret, which is not set; set it with `pulumi config set --secret entraClientSecret <value> --stack prod`'),
    ("stray top-level key", lambda d: d.update({P + "userpool": {"name": "x"}}),
     "Pulumi.prod.yaml: enterprise-identity:userpool: is not a known setting; sections are"),
    ("tenants without tenant attribute", lambda d: d[P + "userPool"]["schema"]["customAttributes"].pop(0),
     "Pulumi.prod.yaml: enterprise-identity:userPool.schema.customAttributes: must declare tenant_id with authorization: true"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("edit", "expected"),
    [(edit, expected) for _, edit, expected in CASES],
    ids=[c[0] for c in CASES],
)
def test_config_error_message(edit: Edit, expected: str) -> None:
    assert expected in load("prod", edit).splitlines()[0] or any(
        expected in line for line in load("prod", edit).splitlines()
    )


def _quota(section_name: str, make: Callable[[int], Any], count: int) -> Edit:
    def edit(document: dict[str, Any]) -> None:
        document[P + section_name] = [make(i) for i in range(count)]

    return edit


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            _quota("appClients", lambda i: {"name": f"c{i}", "kind": "spa"}, 1000),
            "Pulumi.prod.yaml: enterprise-identity:appClients: 1001 app clients (including tenants') exceed the AWS quota of 1000 per user pool",
        ),
        (
            _quota(
                "identityProviders",
                lambda i: {
                    "type": "SAML",
                    "name": f"idp{i:03}",
                    "metadataUrl": "https://idp.example.com/m",
                },
                300,
            ),
            "Pulumi.prod.yaml: enterprise-identity:identityProviders: 301 identity providers (including tenants') exceed the AWS quota of 300 per user pool",
        ),
        (
            _quota("groups", lambda i: {"name": f"g{i}"}, 9999),
            "Pulumi.prod.yaml: enterprise-identity:groups: 10001 groups (including tenants') exceed the AWS quota of 10000 per user pool",
        ),
    ],
    ids=["app-clients", "identity-providers", "groups"],
)
def test_quota_errors(edit: Edit, expected: str) -> None:
    assert expected in load("prod", edit).splitlines()


def test_every_problem_is_listed_one_per_line() -> None:
    def edit(document: dict[str, Any]) -> None:
        set_in("userPool", ("passwordPolicy", "minimumLength"), 5)(document)
        set_in("appClients", (0, "tokens", "accessTokenMinutes"), 2)(document)
        set_in("userPool", ("mfa", "mode"), "MAYBE")(document)

    lines = load("prod", edit).splitlines()
    assert len(lines) == 3
    assert all(line.startswith("Pulumi.prod.yaml: enterprise-identity:") for line in lines)


def test_cross_field_problems_are_all_reported_together() -> None:
    def edit(document: dict[str, Any]) -> None:
        set_in("appClients", (0, "callbackUrls"), ["http://a.example.com"])(document)
        set_in("appClients", (1, "writeAttributes"), ["name", "email", "email_verified"])(document)
        document.pop(P + "entraClientSecret")

    assert len(load("prod", edit).splitlines()) == 3


def test_error_is_a_pulumi_run_error_naming_the_stack_file() -> None:
    message = load("dev", set_in("userPool", ("passwordPolicy", "minimumLength"), 3))
    assert message.startswith("Pulumi.dev.yaml: ")
    assert issubclass(StackConfigError, pulumi.RunError)


def test_structured_value_that_is_not_json_is_reported() -> None:
    raw = to_raw(stack_document("dev"))[0]
    raw[P + "domain"] = "acme-workforce-dev"
    with pytest.raises(
        StackConfigError,
        match=r"enterprise-identity:domain: \"acme-workforce-dev\" input should be",
    ):
        load_stack_settings("dev", raw)


def test_valid_stacks_load_with_their_intended_posture() -> None:
    dev = load_stack_settings("dev", to_raw(stack_document("dev"))[0])
    prod = load_stack_settings("prod", to_raw(stack_document("prod"))[0])
    assert (dev.user_pool.mfa.mode, prod.user_pool.mfa.mode) == ("OPTIONAL", "ON")
    assert (dev.deployment.protect, prod.deployment.protect) == (False, True)
    assert prod.user_pool.threat_protection_on
    assert not dev.user_pool.threat_protection_on
    assert (
        json.loads(json.dumps(prod.model_dump(mode="json", by_alias=True)))["userPool"]["tier"]
        == "PLUS"
    )


# --- write attributes cover the identity providers' mappings --------------------------------


def test_unset_write_attributes_include_every_mapped_attribute() -> None:
    settings = load_stack_settings("prod", *to_raw(stack_document("prod")))
    written = {client.name: client.write_attributes for client in settings.all_app_clients}
    # corporate-saml and entra map email and name; contoso-saml (the tenant's SSO) maps email.
    assert written["portal"] == ("email", "name")
    assert written["console"] == ("email", "name")
    assert written["field-app"] == ("email", "name")
    assert written["tenant-contoso"] == ("email", "name")
    assert written["reporting-job"] == ("name",)  # no identity provider, the kind's default


def test_tenant_sso_mappings_count_for_the_tenant_client() -> None:
    document = stack_document("prod")
    document[P + "tenants"][1]["sso"]["attributeMapping"]["custom:department"] = "department"
    settings = load_stack_settings("prod", *to_raw(document))
    assert settings.tenant_clients["contoso"].name == "tenant-contoso"
    deployed = {client.name: client for client in settings.all_app_clients}
    assert "custom:department" in deployed["tenant-contoso"].write_attributes


def test_prod_federated_clients_are_deployed_able_to_write_their_mapped_attributes(
    stack_runs: dict[str, ProgramRun],
) -> None:
    clients = stack_runs["prod"].of_type("aws:cognito/userPoolClient:UserPoolClient")
    federated = [
        client
        for client in clients
        if set(client.inputs.get("supportedIdentityProviders") or []) - {"COGNITO"}
    ]
    assert len(federated) == 4  # portal, console, field-app, tenant-contoso
    for client in federated:
        assert {"email", "name"} <= set(client.inputs["writeAttributes"]), client.name


def test_explicit_write_attributes_name_each_provider_that_maps_a_missing_attribute() -> None:
    lines = load("prod", set_in("appClients", (0, "writeAttributes"), ["name"])).splitlines()
    assert [line.split(" maps;")[0].rsplit(" ", 1)[-1] for line in lines] == [
        "corporate-saml",
        "entra",
    ]
    assert all("of app client portal must include email" in line for line in lines)


# --- secrets come only from `secure:` values --------------------------------------------------


def test_plain_text_in_a_secret_field_is_an_error() -> None:
    document = stack_document("prod")
    document[P + "entraClientSecret"] = "s3cr3t-in-git"
    with pytest.raises(StackConfigError) as caught:
        load_stack_settings("prod", *to_raw(document))
    assert str(caught.value) == (
        'Pulumi.prod.yaml: enterprise-identity:identityProviders[1].clientSecretKey: "entraClientSecret" '
        "names config key enterprise-identity:entraClientSecret, which is plain text in the stack "
        "file; a secret must be a `secure:` value - remove it and set it with `pulumi config set "
        "--secret entraClientSecret <value> --stack prod`"
    )


# --- messages name the file read, with line and column ----------------------------------------


def _write(tmp_path: Path, document: dict[str, Any], name: str = "candidate.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"config": document}, sort_keys=False), encoding="utf-8")
    return path


def _load_file(stack: str, path: Path) -> str:
    """Load `path` as the gate does (`--config-file`) and return the settings error."""
    config = load_stack(find_project(ROOT), stack, config_file=path)
    with pytest.raises(StackConfigError) as caught:
        load_stack_settings(stack, config.values, config.secret_keys, config_source(stack, path))
    return str(caught.value)


_WHERE = re.compile(r"(?P<file>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<key>\S+):")


def _located(message: str) -> list[tuple[str, str, str]]:
    """(file, text at line:column, key) for every problem line."""
    found = []
    for line in message.splitlines():
        match = _WHERE.match(line)
        assert match, line
        text = Path(match["file"]).read_text(encoding="utf-8").splitlines()
        found.append(
            (match["file"], text[int(match["line"]) - 1][int(match["column"]) - 1 :], match["key"])
        )
    return found


def test_errors_name_the_config_file_read_with_the_line_and_column_of_the_key(
    tmp_path: Path,
) -> None:
    document = stack_document("prod")
    document[P + "userPool"]["tier"] = "ESSENTIALS"
    document[P + "appClients"][0]["tokens"]["accessTokenMinutes"] = 2
    path = _write(tmp_path, document)
    located = _located(_load_file("prod", path))
    assert located == [
        (str(path), "accessTokenMinutes: 2", "enterprise-identity:appClients[0].tokens.accessTokenMinutes"),
    ]  # fmt: skip
    document[P + "appClients"][0]["tokens"]["accessTokenMinutes"] = 15
    located = _located(_load_file("prod", _write(tmp_path, document)))
    assert located == [
        (str(path), "mode: ENFORCED", "enterprise-identity:userPool.threatProtection.mode"),
        (str(path), "authEvents: true", "enterprise-identity:userPool.logging.authEvents"),
    ]


def test_a_missing_key_points_at_its_parent(tmp_path: Path) -> None:
    document = stack_document("prod")
    document[P + "userPool"].pop("name")
    (where,) = _located(_load_file("prod", _write(tmp_path, document)))
    assert where[1:] == ("enterprise-identity:userPool:", "enterprise-identity:userPool.name")


@pytest.mark.parametrize("spelling", ["enterprise-identity:config:{}", "{}"], ids=["old", "bare"])
def test_a_key_in_another_spelling_is_reported_at_its_line(tmp_path: Path, spelling: str) -> None:
    """Pulumi reads `enterprise-identity:config:userPool` (`config.ParseKey`) and `userPool` (a
    key without namespace is the project's) as `enterprise-identity:userPool`, so a problem under
    either points at the line where it is written."""
    document = stack_document("prod")
    for name in ("userPool", "identityProviders"):
        document[spelling.format(name)] = document.pop(P + name)
    document[spelling.format("userPool")]["deletionProtection"] = "yes"
    document[spelling.format("identityProviders")][1]["clientId"] = {"secure": "v1:Yw=="}
    document["aws:config:region"] = document.pop("aws:region")
    located = _located(_load_file("prod", _write(tmp_path, document)))
    assert [where[1:] for where in located] == [
        ("clientId:", "enterprise-identity:identityProviders[1].clientId"),
        ("deletionProtection: 'yes'", "enterprise-identity:userPool.deletionProtection"),
    ]


def test_a_secure_value_inside_a_setting_is_reported_at_its_key_path(tmp_path: Path) -> None:
    document = stack_document("prod")
    document[P + "identityProviders"][1]["clientId"] = {"secure": "v1:c2VjcmV0"}
    message = _load_file("prod", _write(tmp_path, document))
    (where,) = _located(message)
    assert where[1:] == ("clientId:", "enterprise-identity:identityProviders[1].clientId")
    assert "holds a `secure:` value, but this setting is not a secret" in message


def test_a_misspelt_namespace_is_reported_where_it_is_written(tmp_path: Path) -> None:
    document = {
        ("enterprise-identiy:userPool" if key == P + "userPool" else key): value
        for key, value in stack_document("prod").items()
    }
    located = _located(_load_file("prod", _write(tmp_path, document)))
    assert located[0][1:] == (
        "enterprise-identiy:userPool:",
        "enterprise-identiy:userPool",
    )
    assert located[1][2] == "enterprise-identity:userPool"  # and the real key is missing


def test_every_problem_at_once_one_line_each(tmp_path: Path) -> None:
    document = stack_document("prod")
    document["aws:region"] = "eu-westt-1"
    document[P + "entraClientSecret"] = "plain"
    document[P + "appClients"][2]["writeAttributes"] = ["name"]
    document[P + "identityProviders"][1]["clientId"] = {"secure": "v1:Y2xpZW50"}
    document["enterprise-identty:monitoring"] = document.pop(P + "monitoring")
    message = _load_file("prod", _write(tmp_path, document))
    keys = [key for _, _, key in _located(message)]
    assert keys == [
        "enterprise-identty:monitoring",
        "enterprise-identity:identityProviders[1].clientId",
        "aws:region",
    ]  # a value pydantic rejects stops the model, so the cross-field rules wait for it
    document["aws:region"] = "eu-west-1"
    keys = [key for _, _, key in _located(_load_file("prod", _write(tmp_path, document)))]
    assert keys == [
        "enterprise-identty:monitoring",
        "enterprise-identity:identityProviders[1].clientId",
        "enterprise-identity:appClients[2].writeAttributes",
        "enterprise-identity:identityProviders[1].clientSecretKey",
    ]


def test_the_program_names_the_file_it_was_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = stack_document("prod")
    document[P + "userPool"]["passwordPolicy"]["minimumLength"] = 5
    path = _write(tmp_path, document, "Pulumi.prod-candidate.yaml")
    monkeypatch.setenv(CONFIG_FILE_VARIABLE, str(path))
    with pytest.raises(StackConfigError) as caught:
        run_program("prod", *to_raw(document))
    ((file, text, _),) = _located(str(caught.value))
    assert (file, text) == (str(path), "minimumLength: 5")
    assert "note:" not in str(caught.value)


def test_the_program_says_when_it_assumes_the_stack_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CONFIG_FILE_VARIABLE, raising=False)
    monkeypatch.chdir(ROOT)
    document = stack_document("prod")
    document["aws:region"] = "eu-westt-1"
    with pytest.raises(StackConfigError) as caught:
        run_program("prod", *to_raw(document))
    problem, note = str(caught.value).splitlines()
    assert problem.startswith("Pulumi.prod.yaml:6:3: aws:region: ")
    assert note == (
        "note: the Pulumi CLI does not tell a program which config file it read; "
        "Pulumi.prod.yaml is assumed (with --config-file, the positions shown may point elsewhere)"
    )


def test_cognito_regions_are_the_regions_botocore_lists_for_the_user_pools_api() -> None:
    """The settings read botocore's endpoint data themselves (no session import per program run);
    the answer must stay the one botocore's own resolver gives."""
    import botocore.session

    session = botocore.session.get_session()
    listed = {
        region
        for partition in session.get_available_partitions()
        for region in session.get_available_regions("cognito-idp", partition_name=partition)
    }
    assert cognito_regions() == listed
    assert {"us-east-1", "eu-west-1", "us-gov-west-1"} <= listed
    assert "cn-north-1" not in listed
