"""Every threshold of import validation, at the limit and one past it.

The pool is a DescribeUserPool answer shaped like AWS's (constraints as strings); rows are what the
CSV/JSONL readers hand over. Limits and where AWS states them:
- username 1..128 characters: UsernameType in botocore's model of cognito-idp,
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html
- attribute values at most 2048 characters:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AttributeType.html
- String attributes within the schema's MinLength..MaxLength, Number attributes within
  MinValue..MaxValue, both inclusive:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_StringAttributeConstraintsType.html
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_NumberAttributeConstraintsType.html
- a user in at most 100 groups: https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html
- phone numbers in E.164 (+, country code, at most 15 digits), usernames of an email/phone pool
  must be an email/phone:
  https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html
"""

from __future__ import annotations

from typing import Any

import pytest

from identity_ops.pool import PoolSchema
from identity_ops.rows import RawRow
from identity_ops.validation import RowProblem, RowValidator, UserRow

GROUPS = [f"group-{index:03d}" for index in range(101)]


def _pool(**overrides: Any) -> PoolSchema:
    description: dict[str, Any] = {
        "Id": "eu-west-1_Bound4ry",
        "SchemaAttributes": [
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {
                "Name": "custom:tenant_id",
                "AttributeDataType": "String",
                "Mutable": True,
                "StringAttributeConstraints": {"MinLength": "3", "MaxLength": "64"},
            },
            {
                "Name": "custom:employee_no",
                "AttributeDataType": "Number",
                "Mutable": False,
                "NumberAttributeConstraints": {"MinValue": "1", "MaxValue": "999999"},
            },
            {
                "Name": "custom:balance",
                "AttributeDataType": "Number",
                "Mutable": True,
                "NumberAttributeConstraints": {"MinValue": "-10.5", "MaxValue": "10.5"},
            },
        ],
    }
    description.update(overrides)
    return PoolSchema.from_description(description)


def _validate(
    fields: dict[str, str], schema: PoolSchema | None = None, *, for_update: bool = False
) -> UserRow | list[RowProblem]:
    row = {"username": "alice", "email": "alice@example.com", **fields}
    validator = RowValidator(schema or _pool(), GROUPS, for_update=for_update)
    return validator.validate(RawRow(2, row))


def _problems(result: UserRow | list[RowProblem]) -> list[str]:
    return [] if isinstance(result, UserRow) else [f"{p.column}: {p.reason}" for p in result]


BOUNDARIES = [
    # (what, fields, accepted)
    ("username of 128 characters", {"username": "u" * 128}, True),
    ("username of 129 characters", {"username": "u" * 129}, False),
    ("value of 2048 characters", {"name": "n" * 2048}, True),
    ("value of 2049 characters", {"name": "n" * 2049}, False),
    ("string at its MaxLength", {"custom:tenant_id": "t" * 64}, True),
    ("string one past MaxLength", {"custom:tenant_id": "t" * 65}, False),
    ("string at its MinLength", {"custom:tenant_id": "abc"}, True),
    ("string one below MinLength", {"custom:tenant_id": "ab"}, False),
    ("number at MinValue", {"custom:employee_no": "1"}, True),
    ("number below MinValue", {"custom:employee_no": "0"}, False),
    ("number just below MinValue", {"custom:employee_no": "0.999"}, False),
    ("number at MaxValue", {"custom:employee_no": "999999"}, True),
    ("number one past MaxValue", {"custom:employee_no": "1000000"}, False),
    ("number just past MaxValue", {"custom:employee_no": "999999.001"}, False),
    ("negative number at MinValue", {"custom:balance": "-10.5"}, True),
    ("negative number below MinValue", {"custom:balance": "-10.51"}, False),
    ("fraction at MaxValue", {"custom:balance": "10.5"}, True),
    ("fraction past MaxValue", {"custom:balance": "10.51"}, False),
    ("100 groups", {"groups": ";".join(GROUPS[:100])}, True),
    ("101 groups", {"groups": ";".join(GROUPS)}, False),
    ("phone with 15 digits", {"phone_number": "+123456789012345"}, True),
    ("phone with 16 digits", {"phone_number": "+1234567890123456"}, False),
    ("phone without +", {"phone_number": "14155550100"}, False),
]


@pytest.mark.parametrize(
    ("fields", "accepted"),
    [(fields, accepted) for _, fields, accepted in BOUNDARIES],
    ids=[what for what, _, _ in BOUNDARIES],
)
def test_limits_are_inclusive_and_one_past_is_refused(
    fields: dict[str, str], accepted: bool
) -> None:
    result = _validate(fields)
    assert isinstance(result, UserRow) is accepted, _problems(result)
    if not accepted:
        (column,) = fields  # the problem names the offending column
        assert [problem.split(":")[0] for problem in _problems(result)] == [column.split(":")[0]]


def test_problems_say_what_is_allowed() -> None:
    assert _problems(_validate({"username": "u" * 129})) == [
        "username: is 129 characters long; the maximum is 128"
    ]
    assert _problems(_validate({"custom:tenant_id": "t" * 65})) == [
        "custom:tenant_id: length 65 is outside 3..64"
    ]
    assert _problems(_validate({"custom:employee_no": "0"})) == ["custom:employee_no: must be >= 1"]
    assert _problems(_validate({"custom:employee_no": "1000000"})) == [
        "custom:employee_no: must be <= 999999"
    ]


def test_required_attributes_are_needed_on_create_not_on_update() -> None:
    for missing in ({"email": ""}, {"email": "   "}):
        assert _problems(_validate(missing)) == [
            "email: is required by the pool but missing or empty"
        ]
    assert isinstance(_validate({"email": ""}, for_update=True), UserRow)
    assert isinstance(_validate({"email": "a@b.co"}), UserRow)


@pytest.mark.parametrize(
    ("username_attributes", "username", "accepted"),
    [
        (["email"], "alice@example.com", True),
        (["email"], "alice", False),
        (["email"], "+14155550100", False),
        (["phone_number"], "+14155550100", True),
        (["phone_number"], "alice@example.com", False),
        (["email", "phone_number"], "+14155550100", True),
        (["email", "phone_number"], "alice@example.com", True),
        (["email", "phone_number"], "alice", False),
        ([], "alice", True),
    ],
)
def test_email_or_phone_as_username(
    username_attributes: list[str], username: str, accepted: bool
) -> None:
    schema = _pool(UsernameAttributes=username_attributes)
    result = _validate({"username": username}, schema)
    assert isinstance(result, UserRow) is accepted, _problems(result)
    if not accepted:
        assert any("signs users in by" in problem for problem in _problems(result))
