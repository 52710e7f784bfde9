"""Every page of an AWS list operation, the one way identity-ops and the live audit page.

botocore ships a paginator for each list operation they use (``paginators-1.json`` beside the
service model): it follows the operation's own continuation token. Requests go through the
client, so the client's ``before-send`` hook (the per-category rate limiter) paces every page.
Each page is as large as the API model allows (its ``Limit``/``MaxResults`` maximum: 60 for
ListUsers, ListUsersInGroup and AdminListGroupsForUser), the fewest requests for a listing; the
model is AWS's own statement of the range, e.g.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUsersInGroup.html
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from botocore import xform_name
from botocore.loaders import create_loader
from botocore.paginate import PaginatorModel


def pages(client: Any, operation: str, **params: Any) -> Iterator[dict[str, Any]]:
    """Each response page of ``operation`` (its API name, e.g. ``ListUsersInGroup``)."""
    paginator = client.get_paginator(xform_name(operation))
    size = largest_page(client, operation)
    config = {"PageSize": size} if size else {}
    yield from paginator.paginate(**params, PaginationConfig=config)


def items(client: Any, operation: str, key: str, **params: Any) -> Iterator[dict[str, Any]]:
    """Every item under ``key`` across the pages of ``operation``."""
    for page in pages(client, operation, **params):
        yield from page.get(key, [])


def largest_page(client: Any, operation: str, limit_key: str | None = None) -> int | None:
    """The most items one request of ``operation`` may ask for, from the API model (``None``: the
    operation takes no page size). ``limit_key`` names the member for an operation botocore has
    no paginator for (AdminListDevices: ``Limit``)."""
    model = client.meta.service_model
    limit_key = limit_key or _limit_key(model.service_name, model.api_version, operation)
    if limit_key is None:
        return None
    maximum = model.operation_model(operation).input_shape.members[limit_key].metadata.get("max")
    return int(maximum) if maximum is not None else None


@cache
def _limit_key(service: str, api_version: str, operation: str) -> str | None:
    """The request member that sets the page size, as botocore's paginator model names it."""
    document = create_loader().load_service_model(service, "paginators-1", api_version)
    try:
        config = PaginatorModel(document).get_paginator(operation)
    except ValueError:  # no paginator for this operation
        return None
    key = config.get("limit_key")
    return str(key) if key else None
