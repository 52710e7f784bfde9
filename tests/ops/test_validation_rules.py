"""What import validation tells the user about each row: the rule, and where the row is.

``test_validation_boundaries.py`` checks each numeric limit at and one past its threshold; this file
checks the rules and what the user reads when a row breaks one. Rows come from real CSV/JSONL files
through the readers ``users import`` uses, the pool is a DescribeUserPool answer shaped as botocore
returns it, and every problem is compared as ``RowProblem.describe`` prints it (the import's error
message and the failed-rows file) together with its line, username and column (the failed-rows
file and the report group problems by them).

What AWS says, and where:
- AttributeDataType Boolean/Number/DateTime values are checked against the type; a Boolean value is
  the string "true" or "false"; an immutable (Mutable: false) attribute cannot be changed:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SchemaAttributeType.html
- standard attributes are the OpenID Connect ones, "some attribute values have format
  restrictions" (phone_number in E.164, email an address); custom attributes are ``custom:`` + name:
  https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html
  birthdate is the OpenID Connect claim, YYYY-MM-DD (DescribeUserPool gives it MinLength and
  MaxLength 10): https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims
- a username has no whitespace (UsernameType, pattern ``[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+`` in
  botocore's model of cognito-idp):
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html
- a case-insensitive pool treats ``Alice`` and ``alice`` as one user:
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UsernameConfigurationType.html
- a user can only be added to a group the pool has (ResourceNotFoundException otherwise):
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminAddUserToGroup.html
- a user is enabled or disabled (UserType.Enabled; AdminDisableUser / AdminEnableUser):
  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserType.html
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from identity_ops.pool import PoolSchema
from identity_ops.rows import read_rows
from identity_ops.validation import RowProblem, RowValidator, UserRow

GROUPS = ["staff", "admins"]


def _attribute(name: str, data_type: str = "String", **fields: Any) -> dict[str, Any]:
    """One SchemaAttributes item as DescribeUserPool returns it (constraints are strings)."""
    item: dict[str, Any] = {
        "Name": name,
        "AttributeDataType": data_type,
        "DeveloperOnlyAttribute": False,
        "Mutable": True,
        "Required": False,
    }
    if data_type == "String":
        item["StringAttributeConstraints"] = {"MinLength": "0", "MaxLength": "2048"}
    item.update(fields)
    return item


def _pool(**overrides: Any) -> PoolSchema:
    description: dict[str, Any] = {
        "Id": "eu-west-1_Rul3sPool",
        "Name": "staff",
        "UsernameConfiguration": {"CaseSensitive": False},
        "SchemaAttributes": [
            _attribute("sub", Mutable=False, Required=True),
            _attribute("name", Required=True),
            _attribute("email"),
            _attribute("email_verified", "Boolean"),
            _attribute("phone_number"),
            _attribute(
                "birthdate", StringAttributeConstraints={"MinLength": "10", "MaxLength": "10"}
            ),
            _attribute(
                "custom:tenant_id", StringAttributeConstraints={"MinLength": "3", "MaxLength": "64"}
            ),
            _attribute(
                "custom:employee_no",
                "Number",
                Mutable=False,
                NumberAttributeConstraints={"MinValue": "1", "MaxValue": "999999"},
            ),
            _attribute("custom:is_manager", "Boolean"),
            _attribute("custom:hired_at", "DateTime"),
            _attribute("dev:legacy_id", DeveloperOnlyAttribute=True),
        ],
    }
    description.update(overrides)
    return PoolSchema.from_description(description)


def _validate_file(
    path: Path,
    text: str,
    *,
    schema: PoolSchema | None = None,
    groups: list[str] | None = None,
    for_update: bool = False,
) -> list[UserRow | list[RowProblem]]:
    """Every row of the file through one validator, as ``users import`` checks it."""
    path.write_text(text, encoding="utf-8")
    validator = RowValidator(
        schema or _pool(), GROUPS if groups is None else groups, for_update=for_update
    )
    file_format = "jsonl" if path.suffix == ".jsonl" else "csv"
    return [validator.validate(raw) for raw in read_rows(path, file_format)]


def _problems(results: list[UserRow | list[RowProblem]]) -> list[RowProblem]:
    return [problem for result in results if isinstance(result, list) for problem in result]


def _printed(path: Path, results: list[UserRow | list[RowProblem]]) -> list[str]:
    """The problem lines as the import prints them."""
    return [problem.describe(path.name) for problem in _problems(results)]


def _accepted(results: list[UserRow | list[RowProblem]]) -> list[UserRow]:
    return [result for result in results if isinstance(result, UserRow)]


def test_every_problem_names_its_line_user_column_and_the_rule(tmp_path: Path) -> None:
    source = tmp_path / "users.csv"
    results = _validate_file(
        source,
        "username,name,email,phone_number,birthdate,email_verified,custom:is_manager,"
        "custom:hired_at,groups,cognito:enabled\n"
        "alice,Alice,alice@example.com,+14155550100,1990-07-15,true,false,"
        "2026-12-01T09:30:00+00:00,staff;admins,false\n"
        "bob,Bob,bob.example.com,+1 415 555 0100,15/07/1990,maybe,yes,"
        "01/12/2026 09:30,staff;auditors;contractors,perhaps\n"
        ",Carol,carol@example.com,,,,,,,\n"
        "dave smith,Dave,,,,,,,,\n"
        "Alice,Alice Again,,,,,,,,\n"
        "erin,Erin,,,,,,,,,extra\n",
    )
    assert _printed(source, results) == [
        "users.csv:3 column 'email': not a valid email address",
        "users.csv:3 column 'phone_number': not a phone number in E.164 form "
        "(+ and country code, digits only, e.g. +14155550100)",
        "users.csv:3 column 'birthdate': must be a date as YYYY-MM-DD",
        "users.csv:3 column 'email_verified': must be true or false",
        "users.csv:3 column 'custom:is_manager': must be true or false",
        "users.csv:3 column 'custom:hired_at': must be an ISO 8601 date-time",
        "users.csv:3 column 'groups': unknown group(s) auditors, contractors; "
        "the pool has: admins, staff",
        "users.csv:3 column 'cognito:enabled': must be true or false",
        "users.csv:4 column 'username': is empty; every row needs a username",
        "users.csv:5 column 'username': contains whitespace, which Cognito does not allow "
        "in usernames",
        "users.csv:6 column 'username': duplicate of line 2; each user may appear once",
        "users.csv:7: has 11 fields but the header has 10 columns",
    ]
    assert [(p.line, p.username, p.column) for p in _problems(results)] == [
        *[(3, "bob", column) for column in ("email", "phone_number", "birthdate")],
        *[(3, "bob", column) for column in ("email_verified", "custom:is_manager")],
        *[(3, "bob", column) for column in ("custom:hired_at", "groups", "cognito:enabled")],
        (4, "", "username"),
        (5, "dave smith", "username"),
        (6, "Alice", "username"),
        (7, "erin", ""),
    ]
    assert _accepted(results) == [
        UserRow(
            line=2,
            username="alice",
            attributes={
                "name": "Alice",
                "email": "alice@example.com",
                "phone_number": "+14155550100",
                "birthdate": "1990-07-15",
                "email_verified": "true",
                "custom:is_manager": "false",
                "custom:hired_at": "2026-12-01T09:30:00+00:00",
            },
            groups=("staff", "admins"),
            enabled=False,
        )
    ]


def test_a_jsonl_value_of_the_wrong_type_names_its_column(tmp_path: Path) -> None:
    source = tmp_path / "users.jsonl"
    results = _validate_file(
        source,
        '{"username": "frank", "name": "Frank", "custom:tenant_id": {"id": 7}}\n'
        '{"username": "grace", "name": "Grace", "custom:employee_no": "twelve"}\n'
        '{"username": "heidi", "name": "Heidi", "custom:employee_no": "inf"}\n'
        '{"username": "ivan", "name": "Ivan", "custom:employee_no": "NaN"}\n',
    )
    assert _printed(source, results) == [
        "users.jsonl:1 column 'custom:tenant_id': expected a string, number or boolean, got dict",
        "users.jsonl:2 column 'custom:employee_no': must be a number",
        "users.jsonl:3 column 'custom:employee_no': must be a finite number",
        "users.jsonl:4 column 'custom:employee_no': must be a finite number",
    ]
    assert [(p.line, p.username) for p in _problems(results)] == [
        (1, "frank"),
        (2, "grace"),
        (3, "heidi"),
        (4, "ivan"),
    ]


def test_a_required_attribute_is_reported_on_the_row_that_lacks_it(tmp_path: Path) -> None:
    source = tmp_path / "users.csv"
    results = _validate_file(source, "username,name,email\njudy,Judy,\nmallory,,m@example.com\n")
    assert _printed(source, results) == [
        "users.csv:3 column 'name': is required by the pool but missing or empty"
    ]
    assert [(p.line, p.username) for p in _problems(results)] == [(3, "mallory")]


def test_a_validator_checks_for_a_create_unless_told_it_is_an_update(tmp_path: Path) -> None:
    """Secure by default: without ``for_update`` required attributes are enforced."""
    source = tmp_path / "users.csv"
    source.write_text("username,email\nniaj,niaj@example.com\n", encoding="utf-8")
    (raw,) = read_rows(source, "csv")
    result = RowValidator(_pool(), GROUPS).validate(raw)
    assert result == [RowProblem(2, "niaj", "name", "is required by the pool but missing or empty")]


def test_immutable_attributes_can_be_set_on_create_but_not_on_update(tmp_path: Path) -> None:
    text = "username,name,custom:employee_no,custom:tenant_id\noscar,Oscar,42,acme\n"
    created = _validate_file(tmp_path / "create.csv", text)
    assert [row.attributes for row in _accepted(created)] == [
        {"name": "Oscar", "custom:employee_no": "42", "custom:tenant_id": "acme"}
    ]
    source = tmp_path / "update.csv"
    updated = _validate_file(source, text, for_update=True)
    assert _printed(source, updated) == [
        "update.csv:2 column 'custom:employee_no': custom:employee_no is immutable in this pool; "
        "it can be set only when a user is created"
    ]
    mutable_only = _validate_file(
        tmp_path / "mutable.csv", "username,custom:tenant_id\noscar,acme\n", for_update=True
    )
    assert [row.attributes for row in _accepted(mutable_only)] == [{"custom:tenant_id": "acme"}]


def test_unknown_columns_are_refused_with_a_hint_or_the_allowed_list(tmp_path: Path) -> None:
    source = tmp_path / "users.csv"
    results = _validate_file(
        source,
        "username,name,tenant_id,shoe_size,custom:shoe_size\npeggy,Peggy,acme,42,42\n",
    )
    allowed = (
        "allowed: username, groups, name, given_name, family_name, middle_name, nickname, "
        "preferred_username, profile, picture, website, email, email_verified, gender, "
        "birthdate, zoneinfo, locale, phone_number, phone_number_verified, address, updated_at, "
        "custom:tenant_id, custom:employee_no, custom:is_manager, custom:hired_at"
    )
    assert _printed(source, results) == [
        "users.csv:2 column 'tenant_id': unknown attribute; did you mean 'custom:tenant_id'?",
        f"users.csv:2 column 'shoe_size': unknown attribute for this pool; {allowed}",
        f"users.csv:2 column 'custom:shoe_size': unknown attribute for this pool; {allowed}",
    ]


def test_a_pool_without_groups_says_so(tmp_path: Path) -> None:
    source = tmp_path / "users.csv"
    results = _validate_file(source, "username,name,groups\ntrent,Trent,staff\n", groups=[])
    assert _printed(source, results) == [
        "users.csv:2 column 'groups': unknown group(s) staff; the pool has: none"
    ]


def test_more_groups_than_a_user_may_have_says_the_quota(tmp_path: Path) -> None:
    names = [f"team-{index:03d}" for index in range(101)]
    source = tmp_path / "users.csv"
    results = _validate_file(
        source, f"username,name,groups\nvictor,Victor,{';'.join(names)}\n", groups=names
    )
    assert _printed(source, results) == [
        "users.csv:2 column 'groups': 101 groups; at most 100 per user"
    ]


def test_an_email_or_phone_pool_names_both_sign_in_attributes(tmp_path: Path) -> None:
    source = tmp_path / "users.csv"
    schema = _pool(UsernameAttributes=["email", "phone_number"])
    results = _validate_file(source, "username,name\nwalter,Walter\n", schema=schema)
    assert _printed(source, results) == [
        "users.csv:2 column 'username': this pool signs users in by email or phone_number; "
        "the username must be one"
    ]


def test_duplicates_follow_the_pools_case_sensitivity(tmp_path: Path) -> None:
    text = "username,name\nalice,Alice\nbob,Bob\nALICE,Alice\n"
    insensitive = tmp_path / "insensitive.csv"
    results = _validate_file(insensitive, text)
    assert _printed(insensitive, results) == [
        "insensitive.csv:4 column 'username': duplicate of line 2; each user may appear once"
    ]
    sensitive = _pool(UsernameConfiguration={"CaseSensitive": True})
    assert len(_accepted(_validate_file(tmp_path / "sensitive.csv", text, schema=sensitive))) == 3


@pytest.mark.parametrize(
    ("cell", "enabled"),
    [("true", True), ("TRUE", True), ("False", False), ("false", False), ("", None)],
)
def test_the_enabled_column_is_read_case_insensitively_and_blank_leaves_it(
    tmp_path: Path, cell: str, enabled: bool | None
) -> None:
    results = _validate_file(
        tmp_path / "users.csv", f"username,name,cognito:enabled\nwendy,Wendy,{cell}\n"
    )
    assert [row.enabled for row in _accepted(results)] == [enabled]


def test_without_an_enabled_column_the_user_is_left_as_cognito_creates_it(tmp_path: Path) -> None:
    results = _validate_file(tmp_path / "users.csv", "username,name\nxavier,Xavier\n")
    (row,) = _accepted(results)
    assert row.enabled is None


def test_an_exported_file_imports_with_its_read_only_columns_ignored(tmp_path: Path) -> None:
    """``users export`` writes status, dates and ``sub`` before the attributes; all are skipped."""
    results = _validate_file(
        tmp_path / "export.csv",
        "username,cognito:user_status,cognito:enabled,cognito:created,cognito:last_modified,"
        "groups,sub,name,email,custom:tenant_id\n"
        "yvonne,CONFIRMED,true,2026-01-05T10:00:00+00:00,2026-02-01T10:00:00+00:00,"
        "admins,0f6c2b8e-5a4d-4c51-9a57-3d1f2e7b9c10,Yvonne,yvonne@example.com,acme\n",
    )
    assert results == [
        UserRow(
            line=2,
            username="yvonne",
            attributes={
                "name": "Yvonne",
                "email": "yvonne@example.com",
                "custom:tenant_id": "acme",
            },
            groups=("admins",),
            enabled=True,
        )
    ]
