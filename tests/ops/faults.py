"""Fault injection through botocore's event hooks (moto itself never throttles or fails).

A ``before-send`` handler that returns a response short-circuits the HTTP call, so the client sees
exactly what AWS would have sent: a 400 ``TooManyRequestsException``, a 500, or a
``LimitExceededException``; botocore's retry machinery then runs for real.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from typing import Any

from botocore.awsrequest import AWSResponse

from bench.ops_support import error_response


class FaultInjector:
    """Answers a share of the calls to ``operations`` with throttling or server errors."""

    def __init__(
        self,
        operations: set[str],
        *,
        throttle_rate: float = 0.0,
        error_rate: float = 0.0,
        seed: int = 7,
        limit_exceeded_for: set[str] | None = None,
        most_in_a_row: int | None = None,
    ) -> None:
        """`most_in_a_row`: the most faults one call (operation and username) gets in a row
        before a send goes through, so that retries, not luck, decide how long a test takes."""
        self.operations = operations
        self.throttle_rate = throttle_rate
        self.error_rate = error_rate
        self.limit_exceeded_for = limit_exceeded_for or set()
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self.injected: Counter[str] = Counter()
        self.sends: Counter[str] = Counter()
        self.most_in_a_row = most_in_a_row
        self._in_a_row: Counter[str] = Counter()

    def attach(self, client: Any) -> None:
        client.meta.events.register_first("before-send.cognito-identity-provider", self.before_send)

    def before_send(self, request: Any, event_name: str, **_: Any) -> AWSResponse | None:
        operation = event_name.rsplit(".", 1)[-1]
        body = json.loads(request.body or b"{}")
        username = str(body.get("Username", ""))
        with self._lock:
            self.sends[f"{operation}:{username}"] += 1
            if operation not in self.operations:
                return None
            if username in self.limit_exceeded_for:
                self.injected["LimitExceededException"] += 1
                return error_response(
                    request.url, 400, "LimitExceededException", "Exceeded daily email limit"
                )
            call = f"{operation}:{username}"
            roll = self._random.random()
            if roll < self.throttle_rate + self.error_rate:
                self._in_a_row[call] += 1
            if roll >= self.throttle_rate + self.error_rate or (
                self.most_in_a_row is not None and self._in_a_row[call] > self.most_in_a_row
            ):
                self._in_a_row[call] = 0
                return None
        if roll < self.throttle_rate:
            self.injected["TooManyRequestsException"] += 1
            return error_response(request.url, 400, "TooManyRequestsException", "Rate exceeded")
        if roll < self.throttle_rate + self.error_rate:
            self.injected["InternalErrorException"] += 1
            return error_response(request.url, 500, "InternalErrorException", "injected 500")
        return None


class ThrottleBurst:
    """Answers the first ``count`` sends of each of ``operations`` with TooManyRequestsException.

    A burst of throttling and then a quiet service: what a limiter must slow down for, and then
    recover from.
    """

    def __init__(self, operations: set[str], count: int) -> None:
        self.remaining: Counter[str] = Counter(dict.fromkeys(operations, count))
        self._lock = threading.Lock()

    def attach(self, client: Any) -> None:
        client.meta.events.register_first("before-send.cognito-identity-provider", self.before_send)

    def before_send(self, request: Any, event_name: str, **_: Any) -> AWSResponse | None:
        operation = event_name.rsplit(".", 1)[-1]
        with self._lock:
            if self.remaining[operation] <= 0:
                return None
            self.remaining[operation] -= 1
        return error_response(request.url, 400, "TooManyRequestsException", "Rate exceeded")
