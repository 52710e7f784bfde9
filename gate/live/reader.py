"""Read-only AWS access for the audit: one boto3 session per profile, every request paced by the
project's rate limiter, and every refused read recorded as "not judged" instead of raised.

Only operations listed in `gate.live.calls.AUDIT_CALLS` can be sent; anything else is a bug and
raises at once, so the generated IAM policy always covers what the code does.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from botocore import xform_name
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
)

from gate.errors import GateError
from gate.live.calls import CALLS, ApiCall
from gate.result import NotJudged
from identity_ops.aws import AwsClients, AwsSettings
from identity_ops.errors import OpsError
from identity_ops.paging import pages
from identity_ops.ratelimit import COGNITO_QUOTAS, RateLimiter

READ_WORKERS: Final = 8  # concurrent reads; the limiter, not the worker count, sets the pace

# Error codes the reports call "access denied": AWS's common AccessDeniedException and
# NotAuthorized, AccessDenied as the query APIs (IAM, STS) send it
# (https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html,
# https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html), Cognito's
# NotAuthorizedException, which botocore's model lists for every user pool and identity pool read
# (e.g. https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DescribeUserPool.html),
# and UnrecognizedClientException: the JSON APIs' answer to an access key AWS does not know.
DENIED_CODES: Final = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "NotAuthorized",
        "NotAuthorizedException",
        "UnrecognizedClientException",
    }
)
_HTML: Final = re.compile(r"<[^>]+>")


class AuditError(GateError):
    """The audit cannot start: no credentials, unknown profile, no Region, endpoint unreachable."""


@dataclass
class LiveReader:
    """The reads for one profile and Region; `not_judged` collects what could not be read."""

    region: str
    profile: str | None = None
    endpoint_url: str | None = None
    max_attempts: int = 5
    workers: int = READ_WORKERS
    not_judged: list[NotJudged] = field(default_factory=list)
    _clients: AwsClients | None = field(default=None, init=False)
    _building: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def label(self) -> str:
        return self.profile or "default credentials"

    def clients(self) -> AwsClients:
        if self._clients is None:
            settings = AwsSettings(
                region=self.region,
                profile=self.profile,
                endpoint_url=self.endpoint_url,
                max_attempts=self.max_attempts,
                concurrency=self.workers,
            )
            # identity-ops' limiter with every Cognito quota: user pools and identity pools
            self._clients = AwsClients(settings, RateLimiter(COGNITO_QUOTAS))
        return self._clients

    def partition(self) -> str:
        """The AWS partition of the Region (`aws`, `aws-cn`, `aws-us-gov`), from botocore's
        endpoint data: the first field of every ARN the audit builds."""
        return str(self._session().get_partition_for_region(self.region))

    def account(self) -> str:
        """The account the credentials belong to; an unusable setup ends the audit (exit 2)."""
        self._session()
        try:
            response = self._send(CALLS[("sts", "GetCallerIdentity")], {})
        except _FATAL as error:
            raise _fatal(error, self) from None
        except (ClientError, BotoCoreError) as error:
            raise AuditError(f"{self.label}: cannot identify the account: {error}") from None
        return str(response["Account"])

    def call(
        self,
        service: str,
        operation: str,
        resource: str,
        *,
        absent: tuple[str, ...] = (),
        **params: Any,
    ) -> dict[str, Any] | None:
        """The operation's response; None when it failed (recorded) or the error code means the
        thing is simply absent (`absent`)."""
        api = CALLS[(service, operation)]
        try:
            return self._send(api, params)
        except (ClientError, BotoCoreError) as error:
            self._failed(api, resource, error, absent)
        return None

    def items(
        self, service: str, operation: str, key: str, resource: str, **params: Any
    ) -> list[Any]:
        """Every item under `key` across pages (botocore's paginator, pages as large as the API
        model allows: `identity_ops.paging`); a failed page is recorded and what was read before
        it is kept."""
        api = CALLS[(service, operation)]
        found: list[Any] = []
        try:
            for page in pages(self._client(api.service), operation, **params):
                found.extend(page.get(key, []))
        except (ClientError, BotoCoreError) as error:
            self._failed(api, resource, error)
        return found

    def _failed(
        self, api: ApiCall, resource: str, error: Exception, absent: tuple[str, ...] = ()
    ) -> None:
        """A setup problem ends the audit; an error code in `absent` means "none"; anything
        else is recorded as not judged."""
        if isinstance(error, _FATAL):
            raise _fatal(error, self) from None
        if not isinstance(error, ClientError):
            self._record(api, resource, str(error))
            return
        code = str(error.response.get("Error", {}).get("Code", "Unknown"))
        if code not in absent:
            self._record(api, resource, _reason(error, code))

    def _record(self, api: ApiCall, resource: str, reason: str) -> None:
        self.not_judged.append(
            NotJudged(
                api=api.iam_action,
                resource=resource,
                reason=reason,
                required=api.required,
                policies=api.informs,
            )
        )

    def _send(self, api: ApiCall, params: Mapping[str, Any]) -> dict[str, Any]:
        client = self._client(api.service)
        method = getattr(client, xform_name(api.operation))
        response: dict[str, Any] = method(**params)
        return response

    def _session(self) -> Any:
        """The one boto3 session the reads use (built once, with the profile); building it is
        where an unknown profile shows (the only error AwsClients raises there)."""
        try:
            with self._building:
                return self.clients().session
        except OpsError:
            raise AuditError(
                f"--profile {self.profile!r}: no such profile in the AWS config files"
            ) from None

    def _client(self, service: str) -> Any:
        """The service's client, built once: a boto3 session must not build clients from several
        threads at a time (clients themselves are thread-safe)."""
        try:
            with self._building:
                return self.clients().client(service)
        except OpsError as error:
            raise AuditError(f"{self.label}: {error}") from None
        except _FATAL as error:
            raise _fatal(error, self) from None


_FATAL: Final = (
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
    NoRegionError,
    EndpointConnectionError,
)


def _fatal(error: Exception, reader: LiveReader) -> AuditError:
    """The message for a setup problem no read can work around."""
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return AuditError(
            f"{reader.label}: no AWS credentials found (use --profile, environment variables "
            "or an instance role)"
        )
    if isinstance(error, ProfileNotFound):
        return AuditError(f"--profile {reader.profile!r}: no such profile in the AWS config files")
    if isinstance(error, NoRegionError):
        return AuditError("no AWS Region: give --region")
    endpoint = getattr(error, "kwargs", {}).get("endpoint_url", "the AWS endpoint")
    return AuditError(f"{reader.label}: cannot reach {endpoint}")


def _reason(error: ClientError, code: str) -> str:
    """`AccessDeniedException: User ... is not authorized` or, for an emulator without the API,
    its HTTP status."""
    message = str(error.response.get("Error", {}).get("Message", ""))
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    if _HTML.search(message) or not message:
        detail = "" if code == str(status) else f" {code}"
        return f"HTTP {status}{detail}: the endpoint does not answer this API"
    kind = "access denied" if code in DENIED_CODES else "error"
    return f"{kind}: {code}: {message.strip().splitlines()[0][:200]}"
