"""Shared helpers for the benchmarks: a throwaway moto server, a user file, a machine check, and
AWS-like answers in each API's own protocol (JSON, query XML) for botocore hooks."""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, cast
from xml.sax.saxutils import escape

import boto3
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

REGION = "eu-west-1"


class ServerBucket:
    """AWS's side of a quota: `rate` requests a second with a small burst; no token, no answer
    (the front that asks answers TooManyRequestsException). Cognito's quotas are requests per
    second per category or operation, and publish no burst
    (https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html), so each front picks
    a small one for clock jitter."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = burst
        self.updated = time.monotonic()
        self._lock = threading.Lock()

    def take(self, now: float | None = None) -> bool:
        """One request's token, if the bucket has one at `now` (default: the clock now)."""
        with self._lock:
            now = time.monotonic() if now is None else now
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
            self.updated = now
            if self.tokens < 1:
                return False
            self.tokens -= 1
            return True


@contextmanager
def moto_server() -> Iterator[str]:
    """Start ``moto_server`` on 127.0.0.1 and a free port; yield its URL; stop it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    executable = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(
        [str(executable), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.2)
        os.environ.update(
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",
            AWS_DEFAULT_REGION=REGION,
            AWS_REGION=REGION,
        )
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def cognito_client(url: str) -> Any:
    return boto3.client("cognito-idp", region_name=REGION, endpoint_url=url)


def create_pool(cognito: Any, name: str) -> str:
    pool = cognito.create_user_pool(
        PoolName=name,
        AutoVerifiedAttributes=["email"],
        Schema=[
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}
        ],
    )
    return str(pool["UserPool"]["Id"])


def write_users(path: Path, count: int, prefix: str = "user") -> Path:
    """``count`` users with an email and a name: the seed's create-only shape (no groups)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["username", "email", "email_verified", "given_name"])
        for i in range(count):
            writer.writerow([f"{prefix}{i:06d}", f"{prefix}{i}@example.com", "true", f"Name{i}"])
    return path


def read_users(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def sleep_overshoot(latency: float, samples: int = 5) -> float:
    """How long a `latency` sleep really takes here: on a starved VM wake-ups come late, and every
    request of an AWS-like front waits for one, so a quota can be out of reach of any client."""
    started = time.monotonic()
    for _ in range(samples):
        time.sleep(latency)
    return (time.monotonic() - started) / samples


class _Body:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def _response(url: str, status: int, headers: dict[str, str], body: bytes) -> AWSResponse:
    # AWSResponse copies the headers into a HeadersDict: any mapping does, whatever the stubs say.
    return AWSResponse(url, status, cast("HTTPHeaders", headers), _Body(body))


def json_response(
    url: str, status: int, document: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> AWSResponse:
    """An HTTP answer in the JSON-1.1 protocol Cognito speaks, as botocore would receive it
    (the benches' AWS-like fronts and the tests' fault injection both answer with it)."""
    fields = {"Content-Type": "application/x-amz-json-1.1", **(headers or {})}
    return _response(url, status, fields, json.dumps(document).encode())


def error_response(url: str, status: int, code: str, message: str) -> AWSResponse:
    """A Cognito error (`__type`, `x-amzn-ErrorType`) as botocore parses it."""
    return json_response(
        url, status, {"__type": code, "message": message}, {"x-amzn-ErrorType": code}
    )


def request_protocol(request: Any) -> str:
    """The wire protocol a botocore request was sent in, from its Content-Type: the answer must
    come back in the same one (botocore picks among a service's protocols at client creation)."""
    content_type = request.headers.get("Content-Type", b"")
    text = content_type.decode() if isinstance(content_type, bytes) else str(content_type)
    if text.startswith("application/x-amz-json-"):
        return "json-" + text.removeprefix("application/x-amz-json-")
    if text.startswith("application/x-www-form-urlencoded"):
        return "query"
    raise ValueError(f"{text or 'no Content-Type'}: a protocol the AWS-like fronts do not speak")


def request_params(request: Any) -> dict[str, Any]:
    """The parameters of a request as botocore serialised it (JSON or query protocol)."""
    raw = request.body.encode() if isinstance(request.body, str) else (request.body or b"")
    protocol = request_protocol(request)
    if not raw:
        return {}
    if protocol.startswith("json"):
        return dict(json.loads(raw))
    return {key: values[0] for key, values in urllib.parse.parse_qs(raw.decode()).items()}


def aws_answer(request: Any, operation: OperationModel, document: Mapping[str, Any]) -> AWSResponse:
    """HTTP 200 with `document` (the parsed output shape) in the request's wire protocol."""
    protocol = request_protocol(request)
    if protocol.startswith("json"):
        body = json.dumps(document, default=_epoch).encode()
        content_type = f"application/x-amz-{protocol}"
        return _response(request.url, 200, {"Content-Type": content_type}, body)
    body = _query_xml(operation, document)
    return _response(request.url, 200, {"Content-Type": "text/xml"}, body)


def aws_error(request: Any, code: str, message: str) -> AWSResponse:
    """HTTP 400 with an error `code` as a JSON-protocol service (Cognito, WAF) sends it."""
    protocol = request_protocol(request)
    if not protocol.startswith("json"):
        raise ValueError(f"{protocol}: only JSON-protocol errors are modelled")
    body = json.dumps({"__type": code, "message": message}).encode()
    headers = {"Content-Type": f"application/x-amz-{protocol}", "x-amzn-ErrorType": code}
    return _response(request.url, 400, headers, body)


def _epoch(value: object) -> float:
    """JSON-protocol timestamps are epoch seconds."""
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"not JSON serialisable: {value!r}")


def _query_xml(operation: OperationModel, document: Mapping[str, Any]) -> bytes:
    """`<OpResponse><OpResult>...</OpResult></OpResponse>`, as IAM and STS answer."""
    shape = operation.output_shape
    wrapper = shape.serialization.get("resultWrapper") if shape is not None else None
    inner = _xml_members(shape, document) if shape is not None else ""
    result = f"<{wrapper}>{inner}</{wrapper}>" if wrapper else inner
    metadata = "<ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata>"
    return f"<{operation.name}Response>{result}{metadata}</{operation.name}Response>".encode()


def _xml_members(shape: Shape, value: Mapping[str, Any]) -> str:
    members = shape.members if isinstance(shape, StructureShape) else {}
    return "".join(
        _xml_value(members[name], value[name], members[name].serialization.get("name", name))
        for name in members
        if name in value
    )


def _xml_value(shape: Shape, value: Any, tag: str) -> str:
    if isinstance(shape, StructureShape):
        return f"<{tag}>{_xml_members(shape, value)}</{tag}>"
    if isinstance(shape, ListShape):
        member = shape.member
        name = member.serialization.get("name", "member")
        items = "".join(_xml_value(member, item, name) for item in value)
        return items if shape.serialization.get("flattened") else f"<{tag}>{items}</{tag}>"
    if isinstance(shape, MapShape):
        entries = "".join(
            f"<entry>{_xml_value(shape.key, k, 'key')}{_xml_value(shape.value, v, 'value')}</entry>"
            for k, v in value.items()
        )
        return f"<{tag}>{entries}</{tag}>"
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, datetime):
        text = value.isoformat()
    else:
        text = str(value)
    return f"<{tag}>{escape(text)}</{tag}>"
