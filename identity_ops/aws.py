"""boto3 sessions and clients, configured once for every command.

Clients get: the chosen retry mode (standard by default; adaptive on request) with a true total
attempt count, a connection pool as large as the job's concurrency, the per-category rate limiter
on ``before-send``, and a retry rule that leaves ``LimitExceededException`` alone: in Cognito it
means a daily email cap or a per-user limit, which waiting will not fix.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import boto3
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
)

from identity_ops.errors import AwsError, UsageError
from identity_ops.executor import PER_ITEM_LIMIT_CODES, error_code, error_message
from identity_ops.ratelimit import RateLimiter

if TYPE_CHECKING:  # typed clients and the retries mapping, from boto3-stubs (dev only)
    from botocore.config import _RetryDict
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

RetryMode = Literal["standard", "adaptive"]
RETRY_MODES: tuple[RetryMode, ...] = ("standard", "adaptive")


@dataclass(frozen=True)
class AwsSettings:
    """Where and how to call AWS (all from common CLI flags)."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    retry_mode: str = "standard"
    max_attempts: int = 8
    concurrency: int = 8

    @property
    def effective_endpoint(self) -> str | None:
        return self.endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None


@dataclass
class AwsClients:
    """Lazily built, shared (thread-safe) clients for one command run."""

    settings: AwsSettings
    limiter: RateLimiter | None = None
    _clients: dict[str, Any] = field(default_factory=dict, init=False)
    _session: Any = field(default=None, init=False)

    @property
    def session(self) -> Any:
        if self._session is None:
            with aws_errors():
                self._session = boto3.Session(
                    profile_name=self.settings.profile, region_name=self.settings.region
                )
        return self._session

    @property
    def region(self) -> str:
        region = self.session.region_name
        if not region:
            raise UsageError("no AWS Region: give --region or set AWS_REGION (or a profile Region)")
        return str(region)

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._build(service)
        return self._clients[service]

    def cognito(self) -> CognitoIdentityProviderClient:
        client: CognitoIdentityProviderClient = self.client("cognito-idp")
        return client

    def cloudwatch(self) -> CloudWatchClient:
        client: CloudWatchClient = self.client("cloudwatch")
        return client

    def _build(self, service: str) -> Any:
        if self.settings.retry_mode not in RETRY_MODES:
            raise UsageError(
                f"--retry-mode {self.settings.retry_mode!r}: expected standard or adaptive"
            )
        retries: _RetryDict = {
            "mode": self.settings.retry_mode,  # narrowed to RetryMode by the check above
            "total_max_attempts": self.settings.max_attempts,
        }
        config = Config(
            retries=retries,
            max_pool_connections=max(10, self.settings.concurrency + 4),
            connect_timeout=10,
            read_timeout=30,
            user_agent_extra="identity-ops",
        )
        with aws_errors():
            client = self.session.client(
                service,
                region_name=self.region,
                endpoint_url=self.settings.effective_endpoint,
                config=config,
            )
        install_hooks(client, self.limiter)
        return client


def install_hooks(client: Any, limiter: RateLimiter | None) -> None:
    """Rate-limit every attempt and keep per-item limits out of the retry loop."""
    events = client.meta.events
    service = client.meta.service_model.service_id.hyphenize()
    if limiter is not None:
        events.register(f"before-send.{service}", limiter.before_send)
    events.register_first(f"needs-retry.{service}", _no_retry_on_per_item_limit)


def _no_retry_on_per_item_limit(response: Any = None, **_: Any) -> bool | None:
    """Veto botocore's retry of ``LimitExceededException`` (see the module docstring).

    botocore takes the first non-None answer of the ``needs-retry`` handlers and treats ``False``
    as "do not retry"; this handler is registered first, so its ``False`` wins.
    """
    if not isinstance(response, tuple) or len(response) != 2:
        return None
    parsed = response[1]
    if isinstance(parsed, dict) and parsed.get("Error", {}).get("Code") in PER_ITEM_LIMIT_CODES:
        return False
    return None


@contextmanager
def aws_errors() -> Iterator[None]:
    """Turn configuration and whole-job AWS errors into readable messages."""
    try:
        yield
    except NoRegionError:
        raise UsageError(
            "no AWS Region: give --region or set AWS_REGION (or a profile Region)"
        ) from None
    except ProfileNotFound as error:
        raise UsageError(f"--profile: {error}") from None
    except (NoCredentialsError, PartialCredentialsError):
        raise AwsError(
            "no AWS credentials found: use --profile, environment variables or an instance role"
        ) from None
    except EndpointConnectionError as error:
        raise AwsError(f"cannot reach {error.kwargs.get('endpoint_url', 'the endpoint')}") from None
    except ClientError as error:
        code = error_code(error)
        if code in PER_ITEM_LIMIT_CODES:
            raise
        raise AwsError(f"{error.operation_name} failed: {code}: {error_message(error)}") from None
