"""Adopt, who signs in: identity providers, app clients (each fitted to a settings kind) and the
identity pool that trusts the user pool, as the `identityProviders`, `appClients` and
`identityPool` settings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from pydantic import ValidationError

from gate.live import inventory as types
from gate.live.adoption import Adoption, Parts, Section, flag, number, plain
from gate.live.inventory import LiveResource
from settings.app_clients import (
    NEVER_WRITABLE,
    STANDARD_SCOPES,
    ClientKind,
    TokenValidity,
    url_problem,
)

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


# --- identity providers ---------------------------------------------------------------------


def provider_section(resource: LiveResource, adoption: Adoption) -> Section | None:
    """An identity provider in its settings shape; its secret becomes a placeholder key and the
    details the settings cannot hold are listed."""
    inputs = resource.inputs
    name = str(inputs.get("providerName"))
    kind = str(inputs.get("providerType"))
    details = dict(plain(inputs.get("providerDetails")) or {})
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
    section["signOut"] = flag(details.get("IDPSignout"))
    section["idpInitiated"] = flag(details.get("IDPInit"))
    section["encryptedResponses"] = flag(details.get("EncryptedResponses"))
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


def client_section(resource: LiveResource, has_domain: bool, adoption: Adoption) -> Section | None:
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
        section["authSessionMinutes"] = int(number(client["authSessionValidity"]))
    rotation = client.get("refreshTokenRotation") or {}
    if kind != "machine":
        section["refreshTokenRotation"] = {
            "enabled": rotation.get("feature") == "ENABLED",
            **(
                {"gracePeriodSeconds": int(number(rotation["retryGracePeriodSeconds"]))}
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


# Token -> its settings key (settings/app_clients.py TokenValidity), minutes per settings unit,
# and its lifetime in minutes when the client sets none: "valid for one hour" (access, ID) and
# "30 days" (refresh)
# (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html).
_TOKENS: Final = (
    ("accessToken", "accessTokenMinutes", 1, 60),
    ("idToken", "idTokenMinutes", 1, 60),
    ("refreshToken", "refreshTokenHours", 60, 30 * 1440),
)
#: The settings' own lifetimes, used where a live one does not fit them.
_SETTINGS_DEFAULTS: Final = TokenValidity().model_dump(by_alias=True)


def _tokens(name: str, client: Mapping[str, Any], adoption: Adoption) -> Section:
    """Lifetimes in the settings' units; one that is not whole or that the settings refuse (their
    AWS range) is listed (rounded, or the settings' default)."""
    units = {**DEFAULT_UNITS, **(client.get("tokenValidityUnits") or {})}
    tokens: Section = {}
    for token, key, per, aws_minutes in _TOKENS:
        value = client.get(f"{token}Validity")
        unit = "hours" if per == 60 else "minutes"
        if value is None:
            minutes, live = aws_minutes, f"not set ({aws_minutes // per} {unit}, AWS's default)"
        else:
            minutes = number(value) * MINUTES.get(str(units[token]), 1)
            live = f"{number(value)} {units[token]}"
        converted = minutes / per
        where = f"appClients[{name}].{token}Validity"
        refused = _settings_refuse(key, round(converted))
        if refused:
            fallback = _SETTINGS_DEFAULTS[key]
            adoption.refuse(where, live, f"{refused}; the config uses {fallback}")
            converted = fallback
        elif converted != int(converted):
            adoption.refuse(where, live, f"not a whole number of {unit}; rounded")
        tokens[key] = round(converted)
    return tokens


def _settings_refuse(key: str, value: int) -> str:
    """Why the settings refuse this lifetime (e.g. "is above the AWS maximum 1440 minutes"), or
    "" when they take it."""
    try:
        TokenValidity.model_validate({key: value})
    except ValidationError as error:
        return str(error.errors()[0]["msg"])
    return ""


# --- identity pool --------------------------------------------------------------------------


def identity_pool_section(parts: Parts, adoption: Adoption) -> Section | None:
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
    names = _federated_clients(parts, adoption)
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
    providers = []
    for provider in inputs.get("cognitoIdentityProviders") or []:
        if str(provider.get("clientId")) in names:
            providers.append(provider)
        else:
            adoption.refuse(
                "identityPool.cognitoIdentityProviders",
                dict(provider),
                "not an adopted interactive client of this user pool; `pulumi up` removes it",
            )
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


def _federated_clients(parts: Parts, adoption: Adoption) -> dict[str, str]:
    """Client id -> name of the adopted clients an identity pool may trust (never machine ones)."""
    kinds = {c["name"]: c["kind"] for c in adoption.sections.get("appClients", [])}
    return {
        client_id: name
        for client_id, name in parts.client_names().items()
        if kinds.get(name, "machine") != "machine"
    }


def _role_mappings(
    attachment: Mapping[str, Any], names: Mapping[str, str], parts: Parts, adoption: Adoption
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
                "not one of the identity pool's adopted clients; `pulumi up` removes it",
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
