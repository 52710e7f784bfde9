"""Which AWS API call each Cognito resource's inputs become, and under which member names.

pulumi-aws (v7, the Terraform provider underneath) sends a resource's wire-form inputs
(`passwordPolicy.minimumLength`) to AWS as an API request (`Policies.PasswordPolicy.MinimumLength`
of CreateUserPool). The table below says, per resource type, which operation that is and where each
input goes when its name is not simply the API member's name with another capitalisation
(`callbackUrls` -> `CallbackURLs` needs no entry). `to_requests` builds the requests and remembers,
for every API path, the input path it came from, so a finding names what the user wrote.

Sources: the provider's expanders (hashicorp/terraform-provider-aws `internal/service/cognitoidp/`
and `cognitoidentity/`) and each operation's API reference page, cited per entry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gate.analyzer import UNKNOWN, Secret
from gate.api_model import ApiPath, UnknownKey, input_shape
from gate.api_reference import operation_page
from gate.api_shapes import ListShape, MapShape, Shape, StructureShape

IDP = "cognito-idp"
IDENTITY = "cognito-identity"


@dataclass(frozen=True)
class NotSent:
    """An input that is no member of the request (the provider uses it itself)."""

    reason: str


@dataclass(frozen=True)
class Field:
    """Where one input goes: `api` is a dotted member path inside the parent's API shape."""

    api: str
    fields: Mapping[str, Field | NotSent] = field(default_factory=dict)
    operation: str | None = None  # sent with another call of the same service
    keyed_by: str | None = None  # a list of objects the API takes as a map keyed by this input


@dataclass(frozen=True)
class ResourceMapping:
    """One resource type: its create (or set) operation and the inputs that need an entry."""

    service: str
    operation: str
    fields: Mapping[str, Field | NotSent]
    supplied: frozenset[str] = frozenset()  # required members the provider fills itself

    def doc(self, operation: str | None = None) -> str:
        return operation_page(self.service, operation or self.operation)


@dataclass
class ApiRequest:
    """One API call a resource becomes, with where each of its values came from."""

    service: str
    operation: str
    doc: str
    supplied: frozenset[str]
    params: dict[str, Any] = field(default_factory=dict)
    origins: dict[ApiPath, str] = field(default_factory=dict)  # API path -> input path
    secrets: set[ApiPath] = field(default_factory=set)
    unmapped: list[str] = field(default_factory=list)  # inputs with no API member (table gaps)
    names: Mapping[str, str] = field(default_factory=dict)  # top-level API member -> input name

    def input_path(self, path: ApiPath) -> str:
        """The input path of `path`, or of its nearest mapped ancestor plus the API rest; a
        top-level member no input set is named as the input that would set it."""
        for end in range(len(path), 0, -1):
            origin = self.origins.get(path[:end])
            if origin is not None:
                return _join(origin, path[end:])
        head = str(path[0])
        return _join(self.names.get(head, head[:1].lower() + head[1:]), path[1:])

    def is_secret(self, path: ApiPath) -> bool:
        return any(path[: len(secret)] == secret for secret in self.secrets)


REGION = NotSent("pulumi-aws v7's per-resource region: the endpoint the request goes to")

_CLIENT_FIELDS: Mapping[str, Field | NotSent] = {
    "name": Field("ClientName"),
    "region": REGION,
}

# Every pulumi-aws Cognito resource that creates or sets something through the API. Inputs not
# listed map to the API member of the same name, ignoring case.
MAPPINGS: Mapping[str, ResourceMapping] = {
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPool.html
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserPoolMfaConfig.html
    "aws:cognito/userPool:UserPool": ResourceMapping(
        IDP,
        "CreateUserPool",
        {
            "name": Field("PoolName"),
            "tags": Field("UserPoolTags"),
            "region": REGION,
            "passwordPolicy": Field("Policies.PasswordPolicy"),
            "signInPolicy": Field("Policies.SignInPolicy"),
            "schemas": Field("Schema"),
            "emailConfiguration": Field("EmailConfiguration", {"fromEmailAddress": Field("From")}),
            "userAttributeUpdateSettings": Field(
                "UserAttributeUpdateSettings",
                {
                    "attributesRequireVerificationBeforeUpdates": Field(
                        "AttributesRequireVerificationBeforeUpdate"
                    )
                },
            ),
            "softwareTokenMfaConfiguration": Field(
                "SoftwareTokenMfaConfiguration", operation="SetUserPoolMfaConfig"
            ),
            "emailMfaConfiguration": Field(
                "EmailMfaConfiguration", operation="SetUserPoolMfaConfig"
            ),
            "webAuthnConfiguration": Field(
                "WebAuthnConfiguration", operation="SetUserPoolMfaConfig"
            ),
        },
        supplied=frozenset({"PoolName"}),  # auto-named by Pulumi when `name` is not set
    ),
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html
    "aws:cognito/userPoolClient:UserPoolClient": ResourceMapping(
        IDP, "CreateUserPoolClient", _CLIENT_FIELDS, supplied=frozenset({"ClientName"})
    ),
    # The provider looks the managed client up by name, then updates it:
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserPoolClient.html
    "aws:cognito/managedUserPoolClient:ManagedUserPoolClient": ResourceMapping(
        IDP,
        "UpdateUserPoolClient",
        {
            **_CLIENT_FIELDS,
            "namePattern": NotSent("selects the managed client to update"),
            "namePrefix": NotSent("selects the managed client to update"),
        },
        supplied=frozenset({"ClientId"}),
    ),
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolDomain.html
    "aws:cognito/userPoolDomain:UserPoolDomain": ResourceMapping(
        IDP,
        "CreateUserPoolDomain",
        {"certificateArn": Field("CustomDomainConfig.CertificateArn"), "region": REGION},
    ),
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html
    "aws:cognito/identityProvider:IdentityProvider": ResourceMapping(
        IDP, "CreateIdentityProvider", {"region": REGION}
    ),
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateResourceServer.html
    "aws:cognito/resourceServer:ResourceServer": ResourceMapping(
        IDP, "CreateResourceServer", {"region": REGION}, supplied=frozenset({"Name"})
    ),
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html
    "aws:cognito/userGroup:UserGroup": ResourceMapping(
        IDP,
        "CreateGroup",
        {"name": Field("GroupName"), "region": REGION},
        supplied=frozenset({"GroupName"}),
    ),
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetLogDeliveryConfiguration.html
    "aws:cognito/logDeliveryConfiguration:LogDeliveryConfiguration": ResourceMapping(
        IDP, "SetLogDeliveryConfiguration", {"region": REGION}
    ),
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetRiskConfiguration.html
    "aws:cognito/riskConfiguration:RiskConfiguration": ResourceMapping(
        IDP,
        "SetRiskConfiguration",
        {
            "region": REGION,
            "compromisedCredentialsRiskConfiguration": Field(
                "CompromisedCredentialsRiskConfiguration", {"eventFilters": Field("EventFilter")}
            ),
            "riskExceptionConfiguration": Field(
                "RiskExceptionConfiguration",
                {
                    "blockedIpRangeLists": Field("BlockedIPRangeList"),
                    "skippedIpRangeLists": Field("SkippedIPRangeList"),
                },
            ),
        },
    ),
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUICustomization.html
    "aws:cognito/userPoolUICustomization:UserPoolUICustomization": ResourceMapping(
        IDP, "SetUICustomization", {"region": REGION}
    ),
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateManagedLoginBranding.html
    "aws:cognito/managedLoginBranding:ManagedLoginBranding": ResourceMapping(
        IDP, "CreateManagedLoginBranding", {"region": REGION}
    ),
    # https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_CreateIdentityPool.html
    "aws:cognito/identityPool:IdentityPool": ResourceMapping(
        IDENTITY,
        "CreateIdentityPool",
        {"tags": Field("IdentityPoolTags"), "region": REGION},
        # Required by the API, optional in the provider, which sends false when it is not set.
        supplied=frozenset({"AllowUnauthenticatedIdentities"}),
    ),
    # https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_SetIdentityPoolRoles.html
    "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment": ResourceMapping(
        IDENTITY,
        "SetIdentityPoolRoles",
        {
            "region": REGION,
            "roleMappings": Field(
                "RoleMappings",
                {"mappingRules": Field("RulesConfiguration.Rules")},
                keyed_by="identityProvider",
            ),
        },
    ),
    # https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_SetPrincipalTagAttributeMap.html
    "aws:cognito/identityPoolProviderPrincipalTag:IdentityPoolProviderPrincipalTag": ResourceMapping(
        IDENTITY, "SetPrincipalTagAttributeMap", {"region": REGION}
    ),
}


def to_requests(resource_type: str, inputs: Mapping[str, Any]) -> list[ApiRequest]:
    """The API requests the provider makes for the resource, the main one first; none for a type
    the table does not know."""
    mapping = MAPPINGS.get(resource_type)
    if mapping is None:
        return []
    builder = _Builder(mapping)
    main_shape = input_shape(mapping.service, mapping.operation)
    builder.main.params.update(
        builder.structure(inputs, mapping.fields, builder.main, main_shape, "", ())
    )
    return list(builder.requests.values())


class _Builder:
    """Builds the requests of one resource, one per operation its inputs reach."""

    def __init__(self, mapping: ResourceMapping) -> None:
        self.mapping = mapping
        self.requests: dict[str, ApiRequest] = {}
        self.main = self.request(mapping.operation)

    def request(self, operation: str) -> ApiRequest:
        if operation not in self.requests:
            self.requests[operation] = ApiRequest(
                self.mapping.service,
                operation,
                self.mapping.doc(operation),
                self._supplied(operation),
                names={
                    rule.api: name
                    for name, rule in self.mapping.fields.items()
                    if isinstance(rule, Field) and rule.operation in (None, operation)
                },
            )
        return self.requests[operation]

    def _supplied(self, operation: str) -> frozenset[str]:
        """The main call's provider-filled members; for a follow-up call (SetUserPoolMfaConfig
        after CreateUserPool) all its required ones: they name the resource just created."""
        if operation == self.mapping.operation:
            return self.mapping.supplied
        return frozenset(input_shape(self.mapping.service, operation).required_members)

    def structure(
        self,
        value: Mapping[str, Any],
        fields: Mapping[str, Field | NotSent],
        request: ApiRequest,
        shape: StructureShape,
        input_path: str,
        api_path: ApiPath,
    ) -> dict[str, Any]:
        """The API object for an input object; each input lands at its member's path."""
        result: dict[str, Any] = {}
        for key, item in value.items():
            rule = fields.get(key) or _same_name(key, shape)
            if isinstance(rule, NotSent) or item is None:
                continue
            path = _join(input_path, (key,))
            if rule is None:
                request.unmapped.append(path)
                continue
            target = self.request(rule.operation) if rule.operation else request
            if rule.operation:  # a member of another call's request, from its top level
                place = _Place(input_shape(self.mapping.service, rule.operation), (), target.params)
            else:
                place = _Place(shape, api_path, result)
            *parents, last = rule.api.split(".")
            for name in parents:
                place = place.inside(name)
            place.container[last] = self.value(
                item, rule, target, _member(place.shape, last), path, (*place.path, last)
            )
        return result

    def value(
        self,
        value: Any,
        rule: Field | None,
        request: ApiRequest,
        shape: Shape,
        input_path: str,
        api_path: ApiPath,
    ) -> Any:
        """The API form of one input value (unknowns stay unknown, secrets are unwrapped)."""
        request.origins[api_path] = input_path
        if isinstance(value, Secret):
            request.secrets.add(api_path)
            value = value.value
        fields = rule.fields if rule else {}
        if value is UNKNOWN or value is None:
            return value
        if isinstance(shape, StructureShape) and isinstance(value, Mapping):
            return self.structure(value, fields, request, shape, input_path, api_path)
        if (
            isinstance(shape, ListShape)
            and isinstance(value, Sequence)
            and not isinstance(value, str)
        ):
            item_rule = Field("", fields) if fields else None
            return [
                self.value(
                    item,
                    item_rule,
                    request,
                    shape.member,
                    f"{input_path}[{index}]",
                    (*api_path, index),
                )
                for index, item in enumerate(value)
            ]
        if isinstance(shape, MapShape) and rule and rule.keyed_by and isinstance(value, list):
            return self.keyed(value, rule, request, shape, input_path, api_path)
        if isinstance(shape, MapShape) and isinstance(value, Mapping):
            return {
                key: self.value(
                    item, None, request, shape.value, _join(input_path, (key,)), (*api_path, key)
                )
                for key, item in value.items()
            }
        return value

    def keyed(
        self,
        items: list[Any],
        rule: Field,
        request: ApiRequest,
        shape: MapShape,
        input_path: str,
        api_path: ApiPath,
    ) -> dict[Any, Any]:
        """A list of objects sent as a map keyed by one of their inputs (the rest is the value)."""
        assert rule.keyed_by is not None
        result: dict[Any, Any] = {}
        for index, item in enumerate(items):
            if not isinstance(item, Mapping):
                continue
            key = item.get(rule.keyed_by)
            map_key = key if isinstance(key, str) else UnknownKey(index)
            rest = {name: value for name, value in item.items() if name != rule.keyed_by}
            result[map_key] = self.value(
                rest,
                Field("", rule.fields),
                request,
                shape.value,
                f"{input_path}[{index}]",
                (*api_path, map_key),
            )
        return result


@dataclass(frozen=True)
class _Place:
    """A structure being built: its shape, its API path and the dict that holds its members."""

    shape: Shape
    path: ApiPath
    container: dict[str, Any]

    def inside(self, name: str) -> _Place:
        """The member structure `name` (`Policies` of CreateUserPool), created when first used."""
        return _Place(
            _member(self.shape, name), (*self.path, name), self.container.setdefault(name, {})
        )


def _member(shape: StructureShape | Shape, name: str) -> Any:
    assert isinstance(shape, StructureShape), f"{shape.name} has no members"
    return shape.members[name]


def _same_name(key: str, shape: StructureShape) -> Field | None:
    """The member whose name is the input's name in another capitalisation, if there is one."""
    for name in shape.members:
        if name.lower() == key.lower():
            return Field(name)
    return None


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _join(base: str, parts: tuple[Any, ...]) -> str:
    """`passwordPolicy` + (`minimumLength`,) -> `passwordPolicy.minimumLength`; indices as `[i]`,
    keys that are not plain names as `["custom:tenant"]`."""
    text = base
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(str(part)):
            text += f".{part}" if text else str(part)
        else:
            text += f'["{part}"]'
    return text
