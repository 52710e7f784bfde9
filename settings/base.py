"""Shared building blocks of the settings models: the frozen base class and AWS-limit types."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from settings.errors import ConfigProblem, KeyPath


class SettingsModel(BaseModel):
    """Immutable, strictly typed settings; YAML keys are the camelCase aliases of the fields.

    Field-level limits are enforced by pydantic. Rules that relate several fields are written in
    ``rules()`` so that every broken rule is reported at once, each at its own key path.
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        strict=True,
        alias_generator=to_camel,
        validate_by_alias=True,
        validate_by_name=False,
    )

    def cross_checks(self) -> Iterator[ConfigProblem]:
        """Cross-field rules of this model; paths are relative to the model."""
        return iter(())

    def problems(self) -> Iterator[ConfigProblem]:
        """Every broken rule of this model and of the models nested in it."""
        yield from self.cross_checks()
        for name, field in type(self).model_fields.items():
            key = field.alias or name
            child = getattr(self, name)
            if isinstance(child, SettingsModel):
                yield from prefixed((key,), child.problems())
            elif isinstance(child, tuple):
                for index, item in enumerate(child):
                    if isinstance(item, SettingsModel):
                        yield from prefixed((key, index), item.problems())


def prefixed(prefix: KeyPath, problems: Iterable[ConfigProblem]) -> Iterator[ConfigProblem]:
    for problem in problems:
        yield ConfigProblem(
            prefix + problem.path, problem.message, problem.value, problem.has_value
        )


def problem(path: KeyPath | str, value: Any, message: str) -> ConfigProblem:
    """A broken rule at ``path``; a ``None`` value means "not set" and is not shown."""
    key_path = (path,) if isinstance(path, str) else path
    return ConfigProblem(key_path, message, value, has_value=value is not None)


def duplicates(values: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    repeated: set[str] = set()
    for value in values:
        (repeated if value in seen else seen).add(value)
    return repeated


def aws_range(minimum: int, maximum: int, unit: str = "") -> AfterValidator:
    """An integer limit that AWS itself enforces; the message says so."""
    suffix = f" {unit}" if unit else ""

    def check(value: int) -> int:
        if value < minimum:
            raise PydanticCustomError(
                "aws_minimum", "is below the AWS minimum {limit}", {"limit": f"{minimum}{suffix}"}
            )
        if value > maximum:
            raise PydanticCustomError(
                "aws_maximum", "is above the AWS maximum {limit}", {"limit": f"{maximum}{suffix}"}
            )
        return value

    return AfterValidator(check)


def aws_pattern(pattern: str, what: str, max_length: int) -> AfterValidator:
    """A name that must match an AWS naming rule; the message names the rule in words."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not value or len(value) > max_length or not compiled.fullmatch(value):
            raise PydanticCustomError(
                "aws_pattern",
                "is not a valid {what}: {rule}",
                {"what": what, "rule": f"1-{max_length} characters matching {pattern}"},
            )
        return value

    return AfterValidator(check)


def https_url(value: str) -> str:
    if not re.fullmatch(r"https://[^\s/$.?#*][^\s*#]*", value):
        raise PydanticCustomError(
            "aws_url", "is not an https:// URL without wildcards or fragments"
        )
    return value


HttpsUrl = Annotated[str, AfterValidator(https_url)]

# AWS naming rules (CreateUserPool, CreateUserPoolClient, CreateGroup, CreateIdentityPool, ...).
PoolName = Annotated[str, aws_pattern(r"[\w\s+=,.@-]+", "user pool name", 128)]
ClientName = Annotated[str, aws_pattern(r"[\w\s+=,.@-]+", "app client name", 128)]
GroupName = Annotated[str, aws_pattern(r"[^\s]+", "group name", 128)]
IdentityPoolName = Annotated[str, aws_pattern(r"[\w ]+", "identity pool name", 128)]
ProviderName = Annotated[
    str, aws_pattern(r"[^_\s][^\s]+[^_\s]", "identity provider name (3-32 chars, no spaces)", 32)
]
ScopeName = Annotated[str, aws_pattern(r"[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+", "scope name", 256)]
ResourceServerId = Annotated[
    str, aws_pattern(r"[\x21\x23-\x5B\x5D-\x7E]+", "resource server identifier", 256)
]
LambdaArn = Annotated[
    str,
    aws_pattern(
        r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?",
        "Lambda function ARN",
        2048,
    ),
]
IamPolicyArn = Annotated[
    str,
    aws_pattern(r"arn:aws[a-z-]*:iam::(aws|\d{12}):policy/[\w+=,.@/-]+", "IAM policy ARN", 2048),
]
IamRoleArn = Annotated[
    str, aws_pattern(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+", "IAM role ARN", 2048)
]
AnyArn = Annotated[
    str, aws_pattern(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+", "ARN", 2048)
]
WafWebAclArn = Annotated[
    str,
    aws_pattern(
        r"arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional/webacl/[\w-]+/[\w-]+",
        "regional WAFv2 web ACL ARN",
        2048,
    ),
]
SecretKeyName = Annotated[
    str, aws_pattern(r"[A-Za-z][A-Za-z0-9_-]*", "config key name (top-level `secure:` value)", 64)
]
# Amazon SES sender for a user pool (EmailConfigurationType): SourceArn is "the ARN of a verified
# email address or an address from a verified domain in Amazon SES"; ConfigurationSet is 1-64
# characters of [a-zA-Z0-9_-]; From is "testuser@example.com or Test User <testuser@example.com>".
# https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_EmailConfigurationType.html
SesIdentityArn = Annotated[
    str,
    aws_pattern(
        r"arn:aws[a-z-]*:ses:[a-z0-9-]+:\d{12}:identity/[^\s/]+",
        "SES identity ARN (arn:aws:ses:<region>:<account>:identity/<address or domain>)",
        2048,
    ),
]
SesConfigurationSet = Annotated[
    str, aws_pattern(r"[a-zA-Z0-9_-]+", "SES configuration set name", 64)
]
EmailSender = Annotated[
    str,
    aws_pattern(
        r"([^<>@\s][^<>@]*<[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+)",
        "email sender (user@example.com or Name <user@example.com>)",
        320,
    ),
]
