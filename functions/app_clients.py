"""App client id -> name, so the pre-token trigger knows which tenant's app a sign-in is for.

The event names the client only by id, and the ids exist only after the pool does (the pool
needs this function first), so the names are looked up at run time with ListUserPoolClients,
which returns ids and names and never a client secret, and cached for the life of the
execution environment. A client missing from the cache (created since) triggers one refresh.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUserPoolClients.html
"""

from __future__ import annotations

from functions.aws import cognito

_names: dict[str, dict[str, str]] = {}


def client_name(pool_id: str, client_id: str) -> str | None:
    known = _names.get(pool_id)
    if known is None or client_id not in known:
        known = _names[pool_id] = _list_clients(pool_id)
    return known.get(client_id)


def forget() -> None:
    _names.clear()


def _list_clients(pool_id: str) -> dict[str, str]:
    names: dict[str, str] = {}
    request = {"UserPoolId": pool_id, "MaxResults": 60}
    while True:
        page = cognito().list_user_pool_clients(**request)
        names.update({c["ClientId"]: c["ClientName"] for c in page.get("UserPoolClients", [])})
        token = page.get("NextToken")
        if not token:
            return names
        request["NextToken"] = token
