"""App-client and OAuth rules: tokens, flows, redirect URLs, secrets, attributes, providers.

Defaults that matter (CreateUserPoolClient): `preventUserExistenceErrors` LEGACY, token revocation
on, access and ID tokens 60 minutes, refresh tokens 30 days, auth sessions 3 minutes, no
`writeAttributes` means the client writes the standard attributes (not custom ones), and a client
without `generateSecret` is public (SPA, mobile): anything it holds ships to users.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final
from urllib.parse import urlsplit

from cognito_guard import resource_types as rt
from cognito_guard.attributes import AUTHORIZATION_ATTRIBUTES, VERIFICATION_FLAGS
from cognito_guard.framework import (
    Area,
    Config,
    Controls,
    Resource,
    boolean,
    counted,
    integer,
    policy_meta,
    resource_policy,
    string_list,
)
from cognito_guard.props import Malformed, Props

UNIT_MINUTES: Final = {"seconds": 1 / 60, "minutes": 1.0, "hours": 60.0, "days": 1440.0}
# Flows in which the app sends the plaintext password to Cognito (ExplicitAuthFlows in
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html).
# ALLOW_ADMIN_USER_PASSWORD_AUTH "replaces the ADMIN_NO_SRP_AUTH setting": both need AWS
# credentials, so both are judged as server-side flows. ALLOW_USER_AUTH (choice-based sign-in)
# accepts a plaintext password only when the pool allows PASSWORD as a first factor, which needs
# the pool: the stack policy `cognito-client-user-auth-plaintext-password` judges it.
PASSWORD_FLOWS: Final = ("ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH")
ADMIN_PASSWORD_FLOWS: Final = ("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH")
LOCAL_HOSTS: Final = ("localhost", "127.0.0.1", "[::1]", "::1")
FORBIDDEN_SCHEMES: Final = ("javascript", "data", "file", "vbscript")
SHARED_HOSTING_SUFFIXES: Final = (
    ".s3.amazonaws.com",
    ".github.io",
    ".herokuapp.com",
    ".azurewebsites.net",
    ".netlify.app",
    ".vercel.app",
    ".pages.dev",
    ".web.app",
    ".firebaseapp.com",
    ".ngrok.io",
    ".ngrok-free.app",
)
ADMIN_SCOPE: Final = "aws.cognito.signin.user.admin"


def is_confidential(client: Resource) -> bool:
    """A client with a secret runs on a server; one without is public (SPA, mobile, CLI)."""
    return client.props.flag("generateSecret", default=False)


def lifetime_minutes(
    props: Props, value_key: str, unit_key: str, default_minutes: float, default_unit: str
) -> float:
    """A token lifetime in minutes with the AWS default value and the provider's default unit."""
    value = props.number(value_key)
    if value is None:
        return default_minutes
    unit = props.text("tokenValidityUnits", unit_key, default=default_unit)
    if unit not in UNIT_MINUTES:
        raise Malformed(("tokenValidityUnits", unit_key), unit, " or ".join(UNIT_MINUTES))
    return value * UNIT_MINUTES[unit]


def _duration(minutes: float) -> str:
    if minutes >= 1440 and minutes % 1440 == 0:
        return counted(minutes / 1440, "day")
    if minutes >= 60 and minutes % 60 == 0:
        return counted(minutes / 60, "hour")
    return counted(minutes, "minute")


def check_prevent_user_existence_errors(client: Resource, _config: Config) -> Iterator[str]:
    value = client.props.text("preventUserExistenceErrors", default="LEGACY")
    if value != "ENABLED":
        shown = value if client.props.has("preventUserExistenceErrors") else "not set (LEGACY)"
        yield (
            f"`preventUserExistenceErrors` is {shown}: sign-in and password-reset errors tell an "
            "attacker which usernames exist. Set it to ENABLED."
        )


def fix_prevent_user_existence_errors(props: Props, _config: Config) -> dict[str, object]:
    value = props.text("preventUserExistenceErrors", default="LEGACY")
    return {"preventUserExistenceErrors": "ENABLED"} if value != "ENABLED" else {}


def check_token_revocation(client: Resource, _config: Config) -> Iterator[str]:
    if not client.props.flag("enableTokenRevocation", default=True):
        yield (
            "`enableTokenRevocation` is false: refresh tokens of signed-out or compromised users "
            "keep working until they expire. Set it to true."
        )


def fix_token_revocation(props: Props, _config: Config) -> dict[str, object]:
    return (
        {} if props.flag("enableTokenRevocation", default=True) else {"enableTokenRevocation": True}
    )


def check_refresh_token_lifetime(client: Resource, config: Config) -> Iterator[str]:
    minutes = lifetime_minutes(
        client.props, "refreshTokenValidity", "refreshToken", 30 * 1440, "days"
    )
    limit = config["maximumHours"] * 60
    if minutes > limit:
        shown = _duration(minutes) + (
            "" if client.props.has("refreshTokenValidity") else " (AWS default)"
        )
        yield (
            f"Refresh tokens live {shown}; a stolen one keeps a session alive that long. Set "
            f"`refreshTokenValidity` (with `tokenValidityUnits.refreshToken`) to at most "
            f"{_duration(limit)}."
        )


def check_token_lifetimes(client: Resource, config: Config) -> Iterator[str]:
    for value_key, unit_key, label, limit_key in (
        ("accessTokenValidity", "accessToken", "Access", "maximumAccessTokenMinutes"),
        ("idTokenValidity", "idToken", "ID", "maximumIdTokenMinutes"),
    ):
        minutes = lifetime_minutes(client.props, value_key, unit_key, 60.0, "hours")
        if minutes > config[limit_key]:
            yield (
                f"{label} tokens live {_duration(minutes)}; they cannot be revoked before they "
                f"expire. Set `{value_key}` to at most {_duration(config[limit_key])}."
            )


def check_auth_session(client: Resource, config: Config) -> Iterator[str]:
    minutes = client.props.number("authSessionValidity", default=3)
    assert minutes is not None
    if minutes > config["maximumMinutes"]:
        yield (
            f"`authSessionValidity` is {minutes:g} minutes: one-time codes and challenge sessions "
            f"stay usable that long. Keep it at {config['maximumMinutes']} minutes or less."
        )


def check_implicit_grant(client: Resource, _config: Config) -> Iterator[str]:
    if "implicit" in (client.props.strings("allowedOauthFlows") or []):
        yield (
            "`allowedOauthFlows` includes implicit: tokens are returned in the URL fragment, where "
            "browser history, logs and referrers leak them. Use code (with PKCE for public clients)."
        )


def check_password_flows(client: Resource, config: Config) -> Iterator[str]:
    flows = client.props.strings("explicitAuthFlows") or []
    tolerated = set(config["allowedPasswordFlows"])
    for flow in flows:
        if flow in tolerated:
            continue
        if flow in PASSWORD_FLOWS:
            yield (
                f"`explicitAuthFlows` includes {flow}: the app sends the plaintext password to "
                "Cognito, so phishing and logging expose it. Use ALLOW_USER_SRP_AUTH."
            )
        elif flow in ADMIN_PASSWORD_FLOWS and not is_confidential(client):
            yield (
                f"`explicitAuthFlows` includes {flow} on a public client (no secret): admin "
                "password flows need AWS credentials and belong only to server-side clients."
            )


def _url_problem(url: str, config: Config) -> str | None:
    """Why a redirect URL is unsafe, or None."""
    if "*" in url:
        return "has a wildcard"
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if not scheme:
        return "has no scheme"
    if parts.fragment or url.endswith("#"):
        return "has a fragment"
    host = (parts.hostname or "").lower()
    if scheme in FORBIDDEN_SCHEMES:
        return f"uses the {scheme}: scheme"
    if scheme == "http":
        if host in LOCAL_HOSTS:
            return None if config["allowLocalhost"] else "points to localhost (development only)"
        return "is plain http"
    if scheme != "https":
        return None if config["allowCustomSchemes"] else f"uses the custom scheme {scheme}://"
    if not host:
        # "A redirect URI must ... Be an absolute URI" (CreateUserPoolClient CallbackURLs):
        # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html#CognitoUserPools-CreateUserPoolClient-request-CallbackURLs
        return "has no host"
    if host in LOCAL_HOSTS and not config["allowLocalhost"]:
        return "points to localhost (development only)"
    if ".s3-website" in host or (".s3." in host and host.endswith(".amazonaws.com")):
        return "is an S3 website endpoint that anyone can claim once the bucket is gone"
    for suffix in config["forbiddenHostSuffixes"]:
        if host.endswith(suffix.lower()) and host not in config["allowedHosts"]:
            return f"is on shared hosting ({suffix}) that someone else can claim"
    if config["allowedHosts"] and host not in config["allowedHosts"]:
        return f"points to {host}, which is not an allowed host"
    return None


def check_redirect_urls(client: Resource, config: Config) -> Iterator[str]:
    for key in ("callbackUrls", "logoutUrls"):
        for index, url in enumerate(client.props.strings(key) or []):
            problem = _url_problem(url, config)
            if problem:
                yield f"`{key}[{index}]` {url!r} {problem}; redirect URLs must be exact https URLs."
    default = client.props.text("defaultRedirectUri")
    if default is not None:
        problem = _url_problem(default, config)
        if problem:
            yield f"`defaultRedirectUri` {default!r} {problem}; it must be an exact https URL."


def check_refresh_token_rotation(client: Resource, config: Config) -> Iterator[str]:
    # With rotation on, refresh goes through GetTokensFromRefreshToken only; REFRESH_TOKEN_AUTH
    # in InitiateAuth stops working:
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RefreshTokenRotationType.html
    if is_confidential(client) and not config["applyToConfidentialClients"]:
        return
    feature = client.props.text("refreshTokenRotation", "feature", default="DISABLED")
    if feature != "ENABLED":
        kind = "confidential" if is_confidential(client) else "public (no secret)"
        yield (
            f"Refresh-token rotation is off on this {kind} client: a stolen refresh token can be "
            "replayed until it expires. Set `refreshTokenRotation.feature` to ENABLED once the "
            "app refreshes with GetTokensFromRefreshToken: with rotation on, REFRESH_TOKEN_AUTH "
            "(InitiateAuth) stops working."
        )


def _looks_public(client: Resource) -> list[str]:
    signs = []
    if "implicit" in (client.props.strings("allowedOauthFlows") or []):
        signs.append("it uses the implicit flow")
    for url in client.props.strings("callbackUrls") or []:
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http"):
            signs.append(f"it redirects to the app scheme {parts.scheme}://")
            break
        if (parts.hostname or "") in LOCAL_HOSTS:
            signs.append("it redirects to localhost")
            break
    return signs


def check_secret_on_public_client(client: Resource, _config: Config) -> Iterator[str]:
    if not is_confidential(client):
        return
    signs = _looks_public(client)
    if signs:
        yield (
            f"The client has a secret but runs on user devices ({'; '.join(signs)}): the secret "
            "ships inside the app and protects nothing. Drop `generateSecret` and use PKCE."
        )


def check_explicit_write_attributes(client: Resource, _config: Config) -> Iterator[str]:
    # Unset WriteAttributes = the standard attributes, not custom ones:
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html
    if client.props.strings("writeAttributes") is None:
        yield (
            "`writeAttributes` is not set, so users of this client can change every standard "
            "attribute of their own profile, email and phone_number included (custom attributes "
            "stay read-only). List only the attributes users may edit."
        )


def check_protected_attribute_writes(client: Resource, config: Config) -> Iterator[str]:
    written = client.props.strings("writeAttributes") or []
    scopes = client.props.strings("allowedOauthScopes") or []
    via = (
        f" (and its `{ADMIN_SCOPE}` scope lets users call UpdateUserAttributes directly)"
        if ADMIN_SCOPE in scopes
        else ""
    )
    for attribute in written:
        if attribute in VERIFICATION_FLAGS:
            yield (
                f"`writeAttributes` includes {attribute}: users can mark an address they do not "
                f"own as verified{via}. Remove it."
            )
        elif attribute in config["authorizationAttributes"]:
            yield (
                f"`writeAttributes` includes the authorization attribute {attribute}: users can "
                f"change their own privileges{via}. Remove it; set it server-side only."
            )


def check_local_users(client: Resource, config: Config) -> Iterator[str]:
    if config["allowLocalUsers"]:
        return
    providers = client.props.strings("supportedIdentityProviders") or []
    if "COGNITO" in providers and (config["requireFederation"] or len(providers) > 1):
        others = [p for p in providers if p != "COGNITO"]
        also = f" next to {', '.join(others)}" if others else ""
        yield (
            f"`supportedIdentityProviders` includes COGNITO{also}: local user-pool passwords "
            "bypass the corporate IdP and its MFA and offboarding. Remove COGNITO."
        )


def check_api_authorizer(method: Resource, config: Config) -> Iterator[str]:
    if (method.props.text("httpMethod", default="") or "").upper() == "OPTIONS":
        return
    authorization = method.props.text("authorization", default="NONE")
    if authorization not in config["allowedAuthorizations"]:
        yield (
            f"API method uses authorization {authorization}; use a Cognito user pool authorizer "
            f"(allowed: {', '.join(config['allowedAuthorizations'])})."
        )


PREVENT_USER_EXISTENCE_ERRORS = resource_policy(
    policy_meta(
        Area.CLIENTS,
        "cognito-client-prevent-user-existence-errors",
        "Prevent user-existence errors",
        "App clients must not reveal whether a user exists.",
        "medium",
        "Set `preventUserExistenceErrors` to ENABLED (safe to remediate automatically).",
        controls=Controls(
            prowler="cognito_user_pool_client_prevent_user_existence_errors", asvs="6.3.8"
        ),
    ),
    rt.APP_CLIENTS,
    check_prevent_user_existence_errors,
    fix=fix_prevent_user_existence_errors,
)

TOKEN_REVOCATION = resource_policy(
    policy_meta(
        Area.CLIENTS,
        "cognito-client-token-revocation",
        "Token revocation",
        "App clients must allow their refresh tokens to be revoked.",
        "medium",
        "Set `enableTokenRevocation` to true (safe to remediate automatically).",
        controls=Controls(
            prowler="cognito_user_pool_client_token_revocation_enabled", asvs="7.4.1"
        ),
    ),
    rt.APP_CLIENTS,
    check_token_revocation,
    fix=fix_token_revocation,
)

REFRESH_TOKEN_LIFETIME = resource_policy(
    policy_meta(
        Area.CLIENTS,
        "cognito-client-refresh-token-lifetime",
        "Refresh-token lifetime",
        "App clients must bound how long a session lasts without re-authentication.",
        "medium",
        "Lower `refreshTokenValidity` (unit from `tokenValidityUnits.refreshToken`, days by "
        "default) to the configured maximum; users re-authenticate when it ends.",
        controls=Controls(nist_800_63b="2.2.3 (reauthentication)", asvs="7.3.2"),
        config={
            "maximumHours": integer(
                720, "Longest refresh-token lifetime in hours (720 = 30 days).", minimum=1
            )
        },
    ),
    rt.APP_CLIENTS,
    check_refresh_token_lifetime,
)

TOKEN_LIFETIMES = resource_policy(
    policy_meta(
        Area.CLIENTS,
        "cognito-client-token-lifetimes",
        "Access and ID token lifetime",
        "App clients must issue short-lived access and ID tokens.",
        "low",
        "Lower `accessTokenValidity` and `idTokenValidity` (unit hours by default) to the "
        "configured maximum.",
        controls=Controls(pci_dss="8.2.8", asvs="7.3.1"),
        config={
            "maximumAccessTokenMinutes": integer(
                60, "Longest access-token lifetime.", minimum=5, maximum=1440
            ),
            "maximumIdTokenMinutes": integer(
                60, "Longest ID-token lifetime.", minimum=5, maximum=1440
            ),
        },
    ),
    rt.APP_CLIENTS,
    check_token_lifetimes,
)

AUTH_SESSION = resource_policy(
    policy_meta(
        Area.CLIENTS,
        "cognito-client-auth-session-validity",
        "Auth session lifetime",
        "App clients must expire sign-in challenge sessions quickly.",
        "low",
        "Set `authSessionValidity` to the configured maximum (10 minutes) or less; 3 is the default.",
        controls=Controls(asvs="6.5.5"),
        config={
            "maximumMinutes": integer(
                10, "Longest auth session, in minutes.", minimum=3, maximum=15
            )
        },
    ),
    rt.APP_CLIENTS,
    check_auth_session,
)

NO_IMPLICIT_GRANT = resource_policy(
    policy_meta(
        Area.CLIENTS,
        "cognito-client-no-implicit-grant",
        "No implicit grant",
        "App clients must not use the OAuth implicit grant.",
        "high",
        "Remove implicit from `allowedOauthFlows`; use code with PKCE.",
        controls=Controls(asvs="10.4.4", others=("rfc9700:2.1.2",)),
    ),
    rt.APP_CLIENTS,
    check_implicit_grant,
)

NO_PASSWORD_FLOWS = resource_policy(
    policy_meta(
        Area.CLIENTS,
        "cognito-client-no-password-auth-flows",
        "No plaintext-password flows",
        "App clients must not send plaintext passwords to Cognito.",
        "medium",
        "Replace ALLOW_USER_PASSWORD_AUTH with ALLOW_USER_SRP_AUTH in `explicitAuthFlows`; keep "
        "ALLOW_ADMIN_USER_PASSWORD_AUTH (formerly ADMIN_NO_SRP_AUTH) to server-side clients with "
        "a secret.",
        controls=Controls(asvs="10.4.4", others=("rfc9700:2.4",)),
        config={
            "allowedPasswordFlows": string_list(
                [], "Password flows tolerated (for example during a user migration)."
            )
        },
    ),
    rt.APP_CLIENTS,
    check_password_flows,
)

REDIRECT_URLS = resource_policy(
    policy_meta(
        Area.CLIENTS,
        "cognito-client-redirect-urls",
        "Exact https redirect URLs",
        "App client callback and sign-out URLs must be exact https URLs on hosts you control.",
        "high",
        "Use exact `https://` callback, logout and default redirect URLs on your own domains "
        "(app schemes for native apps); no wildcards, fragments, plain http or localhost in "
        "production.",
        controls=Controls(asvs="10.4.1", others=("rfc9700:2.1",)),
        config={
            "allowLocalhost": boolean(
                False, "Allow http://localhost redirects (development stacks)."
            ),
            "allowCustomSchemes": boolean(
                True, "Allow native-app schemes such as com.example.app://."
            ),
            "allowedHosts": string_list([], "If not empty, the only https hosts allowed."),
            "forbiddenHostSuffixes": string_list(
                SHARED_HOSTING_SUFFIXES, "Shared-hosting domains whose subdomains anyone can claim."
            ),
        },
    ),
    rt.APP_CLIENTS,
    check_redirect_urls,
)

REFRESH_TOKEN_ROTATION = resource_policy(
    policy_meta(
        Area.CLIENTS,
        "cognito-client-refresh-token-rotation",
        "Refresh-token rotation",
        "Public app clients must rotate refresh tokens.",
        "medium",
        "Move the app's refresh to GetTokensFromRefreshToken, then set "
        "`refreshTokenRotation.feature` to ENABLED (with a short `retryGracePeriodSeconds`) on "
        "clients without a secret; REFRESH_TOKEN_AUTH stops working once rotation is on.",
        controls=Controls(asvs="10.4.5", others=("rfc9700:2.2.2",)),
        config={
            "applyToConfidentialClients": boolean(
                False, "Also require rotation on clients with a secret."
            )
        },
    ),
    rt.APP_CLIENTS,
    check_refresh_token_rotation,
)

SECRET_ON_PUBLIC_CLIENT = resource_policy(
    policy_meta(
        Area.CLIENTS,
        "cognito-client-no-secret-on-public-client",
        "No secret in public apps",
        "Clients that run on user devices must not rely on a client secret.",
        "medium",
        "Remove `generateSecret` from SPA and mobile clients and use the authorization-code "
        "flow with PKCE; keep secrets on server-side clients only.",
        controls=Controls(asvs="10.4.4", others=("rfc9700:2.1.1",)),
    ),
    rt.APP_CLIENTS,
    check_secret_on_public_client,
)

EXPLICIT_WRITE_ATTRIBUTES = resource_policy(
    policy_meta(
        Area.CLIENTS,
        "cognito-client-explicit-write-attributes",
        "Explicit writable attributes",
        "App clients must list the attributes users may write.",
        "medium",
        "Set `writeAttributes` to the profile attributes users may edit (for example name) plus "
        "every attribute the client's identity providers map; never verification flags or "
        "authorization attributes. Unset, it means every standard attribute.",
    ),
    rt.APP_CLIENTS,
    check_explicit_write_attributes,
)

PROTECTED_ATTRIBUTE_WRITES = resource_policy(
    policy_meta(
        Area.CLIENTS,
        "cognito-client-protected-attribute-writes",
        "No writable verification or authorization attributes",
        "App clients must not let users write verification flags or authorization attributes.",
        "high",
        "Remove email_verified, phone_number_verified and authorization attributes from "
        "`writeAttributes`; set them with AdminUpdateUserAttributes from trusted code.",
        config={
            "authorizationAttributes": string_list(
                AUTHORIZATION_ATTRIBUTES,
                "Attributes (with `custom:`) that apps use for authorization.",
            )
        },
    ),
    rt.APP_CLIENTS,
    check_protected_attribute_writes,
)

LOCAL_USERS = resource_policy(
    policy_meta(
        Area.CLIENTS,
        "cognito-client-sso-only",
        "SSO without local passwords",
        "Clients of federated pools must not also accept local user-pool passwords.",
        "medium",
        "Remove COGNITO from `supportedIdentityProviders` so everyone signs in through the "
        "corporate IdP; set `allowLocalUsers` for consumer apps that need local accounts.",
        config={
            "allowLocalUsers": boolean(False, "Local user-pool sign-in is intended."),
            "requireFederation": boolean(
                False, "Reject COGNITO even when it is the only provider (SSO-only pools)."
            ),
        },
    ),
    rt.APP_CLIENTS,
    check_local_users,
)

API_AUTHORIZER = resource_policy(
    policy_meta(
        Area.CLIENTS,
        "cognito-apigw-cognito-authorizer",
        "API Gateway uses Cognito",
        "API Gateway methods must authorize callers, with a Cognito user pool authorizer.",
        "medium",
        "Set `authorization` to COGNITO_USER_POOLS with an `authorizerId` on every non-OPTIONS "
        "method (or list the other authorizers you accept).",
        level="advisory",
        controls=Controls(others=("cdk-nag:AwsSolutions-COG4",)),
        config={
            "allowedAuthorizations": string_list(
                ["COGNITO_USER_POOLS"], "Authorization types accepted on API methods."
            )
        },
    ),
    [rt.APIGW_METHOD],
    check_api_authorizer,
)

POLICIES = [
    PREVENT_USER_EXISTENCE_ERRORS,
    TOKEN_REVOCATION,
    REFRESH_TOKEN_LIFETIME,
    TOKEN_LIFETIMES,
    AUTH_SESSION,
    NO_IMPLICIT_GRANT,
    NO_PASSWORD_FLOWS,
    REDIRECT_URLS,
    REFRESH_TOKEN_ROTATION,
    SECRET_ON_PUBLIC_CLIENT,
    EXPLICIT_WRITE_ATTRIBUTES,
    PROTECTED_ATTRIBUTE_WRITES,
    LOCAL_USERS,
    API_AUTHORIZER,
]
