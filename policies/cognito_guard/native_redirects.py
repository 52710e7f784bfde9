"""Redirect URLs of native apps: which custom schemes and loopback addresses an app client accepts.

Cognito accepts app schemes (`myapp://example`) and, "for testing purposes only", plain-http
loopback callbacks (`http://localhost`, `http://127.0.0.1`, `http://[::1]`):
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html
(CallbackURLs). Any app on a phone can register any scheme, so the authorization code goes to
whichever app claimed it. RFC 8252 s7.1 therefore asks for private-use schemes in reverse-DNS form
of a domain the publisher controls (`com.example.app`), s7.2 prefers claimed https URLs and s7.3
allows the loopback interface for desktop apps. `cognito-client-redirect-urls` judges https URLs;
this module judges the custom schemes and loopback addresses native apps use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final
from urllib.parse import urlsplit

from cognito_guard import resource_types as rt
from cognito_guard.clients import LOCAL_HOSTS
from cognito_guard.framework import (
    Area,
    Config,
    Controls,
    Resource,
    boolean,
    policy_meta,
    resource_policy,
    string_list,
)

WEB_SCHEMES: Final = frozenset({"https", "http"})
URL_PROPERTIES: Final = ("callbackUrls", "logoutUrls")
_LABEL: Final = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
_TOP_LEVEL: Final = re.compile(r"^([a-z]{2,}|xn--[a-z0-9-]+)$")


def is_reverse_dns(scheme: str) -> bool:
    """`com.example.app`: at least two DNS labels, the first one a top-level domain."""
    labels = scheme.lower().split(".")
    return (
        len(labels) >= 2
        and all(_LABEL.match(label) for label in labels)
        and bool(_TOP_LEVEL.match(labels[0]))
    )


def _scheme_problem(scheme: str, config: Config) -> str | None:
    if scheme in config["allowedSchemes"] or is_reverse_dns(scheme):
        return None
    return (
        f"uses the custom scheme {scheme}://, which any app on the device can register and so "
        "receive the authorization code; use a reverse-DNS scheme of a domain you control "
        "(com.example.app, RFC 8252 s7.1) or a claimed https URL (s7.2)"
    )


def _loopback_problem(url: str, config: Config) -> str | None:
    parts = urlsplit(url)
    if parts.scheme != "http" or (parts.hostname or "") not in LOCAL_HOSTS:
        return None
    if config["allowLoopback"]:
        return None
    return (
        "is a loopback redirect, which Cognito accepts for testing only and this profile does not "
        "allow (`allowLoopback`); native apps in production use a reverse-DNS scheme or a claimed "
        "https URL"
    )


def _url_problem(url: str, config: Config) -> str | None:
    scheme = urlsplit(url).scheme.lower()
    if not scheme:
        return None  # not an absolute URL: `cognito-client-redirect-urls` reports it
    if scheme in WEB_SCHEMES:
        return _loopback_problem(url, config)
    return _scheme_problem(scheme, config)


def _redirect_urls(client: Resource) -> Iterator[tuple[str, str]]:
    """(`property[index]`, url) for every callback, logout and default redirect URL."""
    for key in URL_PROPERTIES:
        for index, url in enumerate(client.props.strings(key) or []):
            yield f"{key}[{index}]", url
    default = client.props.text("defaultRedirectUri")
    if default is not None:
        yield "defaultRedirectUri", default


def check_native_redirects(client: Resource, config: Config) -> Iterator[str]:
    for where, url in _redirect_urls(client):
        problem = _url_problem(url, config)
        if problem:
            yield f"`{where}` {url!r} {problem}."


NATIVE_REDIRECTS = resource_policy(
    policy_meta(
        Area.CLIENTS,
        "cognito-client-native-app-redirects",
        "Native-app redirects are claimable only by the app",
        "Custom-scheme redirects must be reverse-DNS private-use schemes and loopback redirects "
        "need the profile's consent.",
        "medium",
        "Use a reverse-DNS scheme of a domain you control (com.example.app:/callback, RFC 8252 "
        "s7.1) or a claimed https URL (universal/app links); keep http://localhost and "
        "http://127.0.0.1 to development profiles (`allowLoopback`).",
        controls=Controls(asvs="10.4.1", others=("rfc8252:7.1", "rfc8252:7.3")),
        config={
            "allowLoopback": boolean(
                False,
                "Accept http://localhost, http://127.0.0.1 and http://[::1] redirects "
                "(development stacks; RFC 8252 s7.3).",
            ),
            "allowedSchemes": string_list(
                [], "Custom schemes accepted although they are not reverse-DNS (legacy apps)."
            ),
        },
    ),
    rt.APP_CLIENTS,
    check_native_redirects,
)

POLICIES = [NATIVE_REDIRECTS]
