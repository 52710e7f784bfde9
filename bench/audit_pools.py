"""Live-audit speed: `python -m gate audit` over N user pools behind an AWS-like front.

    .venv/bin/python bench/audit_pools.py                # 100 pools (about a minute or two)
    .venv/bin/python bench/audit_pools.py --pools 10     # a quick check

The issue's bar: reads respect Cognito's read quotas through the project's rate limiter, and 100
pools take under about 2 minutes at AWS's quotas. moto can neither serve this (no risk
configuration, log delivery, identity pool roles or principal tags; about 10 requests/s on two
starved cores) nor throttle, so a botocore ``before-send`` hook plays the whole account: every call
of ``gate.live.calls.AUDIT_CALLS`` is answered by the front itself after ~50 ms, in the API's own
response shape and wire protocol (JSON for Cognito and WAF, JSON 1.0 for CloudWatch, query XML for
IAM and STS), and Cognito reads above their quotas get ``TooManyRequestsException`` as AWS sends
it. The hook runs after the project's limiter hook, so every attempt, retries included, is paced
by the limiter first: the front sees what AWS would see.

Each pool has a realistic shape: 4-5 app clients (one machine-to-machine with a secret), a
domain, an OIDC and a SAML provider, 3 groups, a resource server, MFA, a risk configuration, log
delivery, a WAF web ACL, 10 CloudWatch alarms on its metrics, and an identity pool that trusts it
with authenticated, unauthenticated and a role-mapped admin role (each with an inline policy; two
with a shared customer-managed policy) and principal tags.

The real audit (`gate.live.run.run_audit`, the code behind the CLI) reads the account and judges
it with the cognito-guard pack over gRPC. The bench prints requests per quota category, the
throttles answered, the wall time, and the quota-bound minimum (per category: requests / quota;
the slowest category bounds any client), then PASS when 100 pools take at most 120 s with no
throttle-induced failure and every resource read (the bar scales with ``--pools``); the exit
status is 1 on FAIL.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import urllib.parse
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "policies"))

import identity_ops.aws
from bench.ops_support import (
    ServerBucket,
    aws_answer,
    aws_error,
    request_params,
    sleep_overshoot,
)
from cognito_guard.monitoring import THREAT_METRICS, USAGE_METRICS
from gate.live.calls import AUDIT_CALLS
from gate.live.run import AuditOptions, run_audit
from gate.result import GateResult

ROOT: Final = Path(__file__).resolve().parents[1]
REGION: Final = "eu-west-1"
ACCOUNT: Final = "123456789012"
LATENCY: Final = 0.05
BAR_SECONDS: Final = 120.0
PROFILE: Final = ROOT / "policies" / "config" / "prod.json"

# The server's quotas, written out here rather than taken from the project's limiter so that a
# wrong client-side table shows up as throttles. Cognito's request-rate quotas are per account
# and Region (https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html): user pool
# operations by category, shared by all pools (UserPoolRead 15 RPS, UserPoolResourceRead 20,
# UserPoolClientRead 15; the resource and client categories also hold each operation to 5 RPS
# against a single user pool); identity pool operations have one quota each.
USER_POOL_CATEGORIES: Final[Mapping[str, tuple[float, tuple[str, ...]]]] = {
    "UserPoolRead": (15.0, ("DescribeUserPool", "ListUserPools")),
    "UserPoolResourceRead": (
        20.0,
        (
            "GetUserPoolMfaConfig",
            "DescribeUserPoolDomain",
            "ListIdentityProviders",
            "DescribeIdentityProvider",
            "ListGroups",
            "ListResourceServers",
            "DescribeRiskConfiguration",
            "GetLogDeliveryConfiguration",
        ),
    ),
    "UserPoolClientRead": (15.0, ("ListUserPoolClients", "DescribeUserPoolClient")),
}
PER_POOL_CATEGORIES: Final = frozenset({"UserPoolResourceRead", "UserPoolClientRead"})
PER_POOL_OPERATION_RPS: Final = 5.0
IDENTITY_POOL_OPERATION_RPS: Final[Mapping[str, float]] = {
    "ListIdentityPools": 5.0,
    "DescribeIdentityPool": 5.0,
    "GetIdentityPoolRoles": 5.0,
    "GetPrincipalTagAttributeMap": 5.0,
}
BURST: Final = 5.0  # AWS does not publish its burst; one is needed for clock jitter

CLIENTS_PER_POOL: Final = (4, 5)
# The metrics the pack's monitoring policy asks alarms for; the threat ones in the second of the two
# spellings AWS's pages use (the pack accepts both, the program uses the first).
ALARM_METRICS: Final = (
    *USAGE_METRICS,
    *(spellings[-1] for spellings in THREAT_METRICS.values()),
)
ALARM_PAGE: Final = 50  # DescribeAlarms' default page size
LIST_PAGE: Final = 60
SHARED_POLICY: Final = f"arn:aws:iam::{ACCOUNT}:policy/bench-shared-read"


def _category(service: str, operation: str) -> str:
    """The quota a request counts against ("cognito-identity:<op>" for identity pools, the
    service name for the APIs the front does not throttle)."""
    for category, (_, operations) in USER_POOL_CATEGORIES.items():
        if operation in operations:
            return category
    if operation in IDENTITY_POOL_OPERATION_RPS:
        return f"cognito-identity:{operation}"
    return service


def _quota(category: str) -> float | None:
    if category in USER_POOL_CATEGORIES:
        return USER_POOL_CATEGORIES[category][0]
    return IDENTITY_POOL_OPERATION_RPS.get(category.removeprefix("cognito-identity:"))


def _policy(statements: list[dict[str, Any]]) -> str:
    """A policy document as IAM returns it: URL-encoded JSON (botocore decodes it)."""
    return urllib.parse.quote(json.dumps({"Version": "2012-10-17", "Statement": statements}))


@dataclass(frozen=True)
class BenchPool:
    """One user pool and everything the audit reads about it, as AWS documents the answers."""

    index: int
    created: datetime

    @property
    def id(self) -> str:
        return f"{REGION}_bench{self.index:04d}"

    @property
    def arn(self) -> str:
        return f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{self.id}"

    @property
    def domain(self) -> str:
        return f"bench-{self.index:04d}"

    @property
    def identity_pool_id(self) -> str:
        return f"{REGION}:00000000-0000-4000-8000-{self.index:012x}"

    @property
    def client_ids(self) -> list[str]:
        count = CLIENTS_PER_POOL[self.index % len(CLIENTS_PER_POOL)]
        return [f"bench{self.index:04d}client{number}" for number in range(count)]

    @property
    def role_names(self) -> tuple[str, str, str]:
        prefix = f"bench{self.index:04d}"
        return f"{prefix}-authenticated", f"{prefix}-unauthenticated", f"{prefix}-admins"

    def role_arn(self, name: str) -> str:
        return f"arn:aws:iam::{ACCOUNT}:role/{name}"

    def user_pool(self) -> dict[str, Any]:
        """DescribeUserPool's `UserPool`."""
        string = {"MinLength": "0", "MaxLength": "2048"}
        return {
            "Id": self.id,
            "Name": f"tenant-{self.index:04d}",
            "Arn": self.arn,
            "Policies": {
                "PasswordPolicy": {
                    "MinimumLength": 14,
                    "RequireUppercase": True,
                    "RequireLowercase": True,
                    "RequireNumbers": True,
                    "RequireSymbols": True,
                    "PasswordHistorySize": 24,
                    "TemporaryPasswordValidityDays": 1,
                },
                "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD"]},
            },
            "DeletionProtection": "ACTIVE",
            "LambdaConfig": {},
            "SchemaAttributes": [
                {
                    "Name": "email",
                    "AttributeDataType": "String",
                    "Mutable": True,
                    "Required": True,
                    "StringAttributeConstraints": string,
                },
                {
                    "Name": "custom:department",
                    "AttributeDataType": "String",
                    "Mutable": True,
                    "Required": False,
                    "StringAttributeConstraints": string,
                },
            ],
            "AutoVerifiedAttributes": ["email"],
            "UsernameAttributes": ["email"],
            "VerificationMessageTemplate": {"DefaultEmailOption": "CONFIRM_WITH_CODE"},
            "MfaConfiguration": "ON",
            "DeviceConfiguration": {
                "ChallengeRequiredOnNewDevice": True,
                "DeviceOnlyRememberedOnUserPrompt": True,
            },
            "EstimatedNumberOfUsers": 1000 + self.index,
            "EmailConfiguration": {
                "EmailSendingAccount": "DEVELOPER",
                "SourceArn": f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/example.com",
                "From": "no-reply@example.com",
            },
            "UserPoolTags": {"environment": "prod", "tenant": f"{self.index:04d}"},
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
            "UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"},
            "UsernameConfiguration": {"CaseSensitive": False},
            "AccountRecoverySetting": {
                "RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]
            },
            "UserPoolTier": "PLUS",
            "Domain": self.domain,
            "CreationDate": self.created,
            "LastModifiedDate": self.created,
        }

    def mfa(self) -> dict[str, Any]:
        return {"SoftwareTokenMfaConfiguration": {"Enabled": True}, "MfaConfiguration": "ON"}

    def client(self, client_id: str) -> dict[str, Any]:
        """DescribeUserPoolClient's `UserPoolClient`: web apps with the code grant, and one
        machine-to-machine client with a secret."""
        number = int(client_id.rsplit("client", 1)[1])
        common: dict[str, Any] = {
            "UserPoolId": self.id,
            "ClientId": client_id,
            "ClientName": f"app-{number}",
            "RefreshTokenValidity": 30,
            "AccessTokenValidity": 60,
            "IdTokenValidity": 60,
            "TokenValidityUnits": {
                "AccessToken": "minutes",
                "IdToken": "minutes",
                "RefreshToken": "days",
            },
            "PreventUserExistenceErrors": "ENABLED",
            "EnableTokenRevocation": True,
            "AuthSessionValidity": 3,
            "AllowedOAuthFlowsUserPoolClient": True,
            "CreationDate": self.created,
            "LastModifiedDate": self.created,
        }
        if number == 0:
            return {
                **common,
                "ClientSecret": f"secret-{client_id}",
                "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH"],
                "AllowedOAuthFlows": ["client_credentials"],
                "AllowedOAuthScopes": ["api/read"],
            }
        return {
            **common,
            "ReadAttributes": ["email", "custom:department"],
            "WriteAttributes": ["email"],
            "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"],
            "SupportedIdentityProviders": ["COGNITO", "corp-oidc", "corp-saml"],
            "CallbackURLs": [f"https://app{number}.example.com/callback"],
            "LogoutURLs": [f"https://app{number}.example.com/"],
            "AllowedOAuthFlows": ["code"],
            "AllowedOAuthScopes": ["openid", "email", "profile"],
        }

    def domain_description(self) -> dict[str, Any]:
        return {
            "UserPoolId": self.id,
            "AWSAccountId": ACCOUNT,
            "Domain": self.domain,
            "S3Bucket": "aws-cognito-prod-dub-assets",
            "CloudFrontDistribution": f"d{self.index:04d}.cloudfront.net",
            "Version": "20250101000000",
            "Status": "ACTIVE",
            "ManagedLoginVersion": 2,
        }

    def identity_providers(self) -> dict[str, dict[str, Any]]:
        """DescribeIdentityProvider's `IdentityProvider`, by provider name."""
        dates = {"CreationDate": self.created, "LastModifiedDate": self.created}
        return {
            "corp-oidc": {
                "UserPoolId": self.id,
                "ProviderName": "corp-oidc",
                "ProviderType": "OIDC",
                "ProviderDetails": {
                    "client_id": f"bench{self.index:04d}",
                    "client_secret": "not-returned-to-the-pack",
                    "authorize_scopes": "openid email",
                    "oidc_issuer": "https://idp.example.com",
                    "attributes_request_method": "GET",
                },
                "AttributeMapping": {"email": "email", "custom:department": "department"},
                "IdpIdentifiers": [],
                **dates,
            },
            "corp-saml": {
                "UserPoolId": self.id,
                "ProviderName": "corp-saml",
                "ProviderType": "SAML",
                "ProviderDetails": {
                    "MetadataURL": "https://idp.example.com/saml/metadata",
                    "IDPSignout": "true",
                },
                "AttributeMapping": {
                    "email": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
                },
                "IdpIdentifiers": ["example.com"],
                **dates,
            },
        }

    def groups(self) -> list[dict[str, Any]]:
        admins = self.role_arn(self.role_names[2])
        return [
            {
                "GroupName": name,
                "UserPoolId": self.id,
                "Description": f"{name} of tenant {self.index:04d}",
                "Precedence": precedence,
                **({"RoleArn": admins} if name == "admins" else {}),
                "CreationDate": self.created,
                "LastModifiedDate": self.created,
            }
            for precedence, name in enumerate(("admins", "editors", "readers"))
        ]

    def resource_servers(self) -> list[dict[str, Any]]:
        return [
            {
                "UserPoolId": self.id,
                "Identifier": "api",
                "Name": "tenant API",
                "Scopes": [
                    {"ScopeName": "read", "ScopeDescription": "read"},
                    {"ScopeName": "write", "ScopeDescription": "write"},
                ],
            }
        ]

    def risk_configuration(self) -> dict[str, Any]:
        return {
            "UserPoolId": self.id,
            "CompromisedCredentialsRiskConfiguration": {
                "EventFilter": ["SIGN_IN", "PASSWORD_CHANGE", "SIGN_UP"],
                "Actions": {"EventAction": "BLOCK"},
            },
            "AccountTakeoverRiskConfiguration": {
                "NotifyConfiguration": {
                    "From": "security@example.com",
                    "SourceArn": f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/example.com",
                },
                "Actions": {
                    "LowAction": {"Notify": True, "EventAction": "NO_ACTION"},
                    "MediumAction": {"Notify": True, "EventAction": "MFA_IF_CONFIGURED"},
                    "HighAction": {"Notify": True, "EventAction": "BLOCK"},
                },
            },
            "LastModifiedDate": self.created,
        }

    def log_delivery(self) -> dict[str, Any]:
        group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/cognito/{self.id}"
        return {
            "UserPoolId": self.id,
            "LogConfigurations": [
                {
                    "LogLevel": "INFO",
                    "EventSource": "userAuthEvents",
                    "CloudWatchLogsConfiguration": {"LogGroupArn": group},
                }
            ],
        }

    def web_acl(self) -> dict[str, Any]:
        acl_id = f"00000000-0000-4000-9000-{self.index:012x}"
        name = f"bench-{self.index:04d}"

        def visibility(metric: str) -> dict[str, Any]:
            return {
                "SampledRequestsEnabled": True,
                "CloudWatchMetricsEnabled": True,
                "MetricName": metric,
            }

        return {
            "Name": name,
            "Id": acl_id,
            "ARN": f"arn:aws:wafv2:{REGION}:{ACCOUNT}:regional/webacl/{name}/{acl_id}",
            "DefaultAction": {"Allow": {}},
            "Rules": [
                {
                    "Name": "common",
                    "Priority": 0,
                    "Statement": {
                        "ManagedRuleGroupStatement": {
                            "VendorName": "AWS",
                            "Name": "AWSManagedRulesCommonRuleSet",
                        }
                    },
                    "OverrideAction": {"None": {}},
                    "VisibilityConfig": visibility("common"),
                },
                {
                    "Name": "rate-limit",
                    "Priority": 1,
                    "Statement": {"RateBasedStatement": {"Limit": 1000, "AggregateKeyType": "IP"}},
                    "Action": {"Block": {}},
                    "VisibilityConfig": visibility("rate-limit"),
                },
            ],
            "VisibilityConfig": visibility(name),
            "Capacity": 702,
        }

    def alarms(self) -> list[dict[str, Any]]:
        client = self.client_ids[1]
        return [
            {
                "AlarmName": f"bench-{self.index:04d}-{metric}",
                "AlarmArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:bench-{self.index:04d}-{metric}",
                "ActionsEnabled": True,
                "AlarmActions": [f"arn:aws:sns:{REGION}:{ACCOUNT}:identity-alerts"],
                "MetricName": metric,
                "Namespace": "AWS/Cognito",
                "Statistic": "Sum",
                "Dimensions": [
                    {"Name": "UserPool", "Value": self.id},
                    {"Name": "UserPoolClient", "Value": client},
                ],
                "Period": 300,
                "EvaluationPeriods": 1,
                "Threshold": 10.0,
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                "TreatMissingData": "notBreaching",
                "StateValue": "OK",
                "AlarmConfigurationUpdatedTimestamp": self.created,
            }
            for metric in ALARM_METRICS
        ]

    @property
    def provider_name(self) -> str:
        return f"cognito-idp.{REGION}.amazonaws.com/{self.id}"

    def identity_pool(self) -> dict[str, Any]:
        return {
            "IdentityPoolId": self.identity_pool_id,
            "IdentityPoolName": f"tenant_{self.index:04d}",
            "AllowUnauthenticatedIdentities": True,
            "AllowClassicFlow": False,
            "CognitoIdentityProviders": [
                {
                    "ProviderName": self.provider_name,
                    "ClientId": self.client_ids[1],
                    "ServerSideTokenCheck": True,
                }
            ],
        }

    def identity_pool_roles(self) -> dict[str, Any]:
        authenticated, unauthenticated, admins = self.role_names
        return {
            "IdentityPoolId": self.identity_pool_id,
            "Roles": {
                "authenticated": self.role_arn(authenticated),
                "unauthenticated": self.role_arn(unauthenticated),
            },
            "RoleMappings": {
                f"{self.provider_name}:{self.client_ids[1]}": {
                    "Type": "Rules",
                    "AmbiguousRoleResolution": "Deny",
                    "RulesConfiguration": {
                        "Rules": [
                            {
                                "Claim": "cognito:groups",
                                "MatchType": "Contains",
                                "Value": "admins",
                                "RoleARN": self.role_arn(admins),
                            }
                        ]
                    },
                }
            },
        }

    def principal_tags(self) -> dict[str, Any]:
        return {
            "IdentityPoolId": self.identity_pool_id,
            "IdentityProviderName": self.provider_name,
            "UseDefaults": False,
            "PrincipalTags": {"department": "custom:department"},
        }

    def role(self, name: str) -> dict[str, Any]:
        """GetRole's `Role`: trust pinned to the identity pool and the sign-in state."""
        amr = "unauthenticated" if name.endswith("-unauthenticated") else "authenticated"
        trust = _policy(
            [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {
                            "cognito-identity.amazonaws.com:aud": self.identity_pool_id
                        },
                        "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr},
                    },
                }
            ]
        )
        return {
            "Path": "/",
            "RoleName": name,
            "RoleId": f"AROA{zlib.crc32(name.encode()):016d}",
            "Arn": self.role_arn(name),
            "CreateDate": self.created,
            "AssumeRolePolicyDocument": trust,
            "MaxSessionDuration": 3600,
        }

    def inline_policy(self, role: str) -> str:
        return _policy(
            [
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetObject"],
                    "Resource": f"arn:aws:s3:::tenant-{self.index:04d}/{role}/*",
                }
            ]
        )


def _shared_policy(created: datetime) -> dict[str, Any]:
    return {
        "PolicyName": "bench-shared-read",
        "PolicyId": "ANPABENCHSHAREDREAD00",
        "Arn": SHARED_POLICY,
        "Path": "/",
        "DefaultVersionId": "v1",
        "AttachmentCount": 1,
        "IsAttachable": True,
        "CreateDate": created,
        "UpdateDate": created,
    }


Handler = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass
class Traffic:
    """What the front saw: requests and throttles per quota category, and the read window."""

    requests: Counter[str] = field(default_factory=Counter)
    throttled: Counter[str] = field(default_factory=Counter)
    unknown: Counter[str] = field(default_factory=Counter)
    first: float = 0.0
    last: float = 0.0

    def answered(self, category: str) -> int:
        return self.requests[category] - self.throttled[category]

    def quota_bound(self) -> tuple[float, str]:
        """The least time any client needs at these quotas: answered requests / quota, for the
        slowest category."""
        bounds = [
            (self.answered(category) / quota, category)
            for category in self.requests
            if (quota := _quota(category))
        ]
        return max(bounds, default=(0.0, "-"))


class AuditFront:
    """The AWS account the bench audits: answers, latency and Cognito's read quotas.

    CloudWatch is answered in JSON 1.0, the protocol this botocore picks for it among the
    service's protocols (request_protocol fails loudly on one the front does not speak)."""

    def __init__(self, pools: int, latency: float = LATENCY) -> None:
        created = datetime(2025, 1, 1, tzinfo=UTC)
        self.pools = [BenchPool(index, created) for index in range(pools)]
        self.by_id = {pool.id: pool for pool in self.pools}
        self.by_domain = {pool.domain: pool for pool in self.pools}
        self.by_identity_pool = {pool.identity_pool_id: pool for pool in self.pools}
        self.by_role = {name: pool for pool in self.pools for name in pool.role_names}
        self.alarms = [alarm for pool in self.pools for alarm in pool.alarms()]
        self.shared_policy = _shared_policy(created)
        self.latency = latency
        self.traffic = Traffic()
        self._lock = threading.Lock()
        self._buckets: dict[str, ServerBucket] = {}
        self._handlers: dict[str, Handler] = self._routes()

    def install(self, client: Any) -> None:
        """After the project's hooks (the limiter): the server comes last."""
        model = client.meta.service_model
        service = model.service_id.hyphenize()
        client.meta.events.register(f"before-send.{service}", self._before_send(model))

    def _before_send(self, model: Any) -> Callable[..., Any]:
        def before_send(request: Any, event_name: str, **_: Any) -> Any:
            time.sleep(self.latency)
            operation = model.operation_model(event_name.rsplit(".", 1)[-1])
            params = request_params(request)
            category = _category(model.service_name, operation.name)
            if not self._admit(category, operation.name, params):
                return aws_error(request, "TooManyRequestsException", "Rate exceeded")
            handler = self._handlers.get(operation.name)
            if handler is None:
                with self._lock:
                    self.traffic.unknown[operation.name] += 1
                return aws_error(request, "UnknownOperationException", operation.name)
            return aws_answer(request, operation, handler(params))

        return before_send

    def _admit(self, category: str, operation: str, params: Mapping[str, Any]) -> bool:
        """Count the request; False (throttled) when its category or, for the per-pool
        categories, the operation on that one pool is out of tokens."""
        quota = _quota(category)
        limits = [(category, quota)] if quota else []
        if category in PER_POOL_CATEGORIES:
            limits.append((f"{operation}@{self._pool_of(params)}", PER_POOL_OPERATION_RPS))
        with self._lock:
            now = time.monotonic()
            self.traffic.first = self.traffic.first or now
            self.traffic.last = now
            self.traffic.requests[category] += 1
            admitted = all(self._bucket(key, rate).take(now) for key, rate in limits)
            if not admitted:
                self.traffic.throttled[category] += 1
            return admitted

    def _bucket(self, key: str, rate: float) -> ServerBucket:
        if key not in self._buckets:
            self._buckets[key] = ServerBucket(rate, BURST)
        return self._buckets[key]

    def missing_routes(self) -> list[str]:
        """Calls of AUDIT_CALLS the front could not answer (none, or the bench is stale)."""
        return sorted(c.operation for c in AUDIT_CALLS if c.operation not in self._handlers)

    def _pool_of(self, params: Mapping[str, Any]) -> str:
        if "UserPoolId" in params:
            return str(params["UserPoolId"])
        return self.by_domain[str(params["Domain"])].id

    def _routes(self) -> dict[str, Handler]:
        """One answer per call in AUDIT_CALLS (the bench checks none is missing)."""
        pool = self._pool
        return {
            "GetCallerIdentity": lambda _: {
                "UserId": "AIDABENCHAUDITOR00000",
                "Account": ACCOUNT,
                "Arn": f"arn:aws:iam::{ACCOUNT}:user/auditor",
            },
            "ListUserPools": self._list_user_pools,
            "DescribeUserPool": lambda p: {"UserPool": pool(p).user_pool()},
            "GetUserPoolMfaConfig": lambda p: pool(p).mfa(),
            "ListUserPoolClients": lambda p: {
                "UserPoolClients": [
                    {
                        "ClientId": c,
                        "UserPoolId": pool(p).id,
                        "ClientName": pool(p).client(c)["ClientName"],
                    }
                    for c in pool(p).client_ids
                ]
            },
            "DescribeUserPoolClient": lambda p: {
                "UserPoolClient": pool(p).client(str(p["ClientId"]))
            },
            "DescribeUserPoolDomain": lambda p: {
                "DomainDescription": self.by_domain[str(p["Domain"])].domain_description()
            },
            "ListIdentityProviders": lambda p: {
                "Providers": [
                    {
                        "ProviderName": name,
                        "ProviderType": provider["ProviderType"],
                        "CreationDate": provider["CreationDate"],
                        "LastModifiedDate": provider["LastModifiedDate"],
                    }
                    for name, provider in pool(p).identity_providers().items()
                ]
            },
            "DescribeIdentityProvider": lambda p: {
                "IdentityProvider": pool(p).identity_providers()[str(p["ProviderName"])]
            },
            "ListGroups": lambda p: {"Groups": pool(p).groups()},
            "ListResourceServers": lambda p: {"ResourceServers": pool(p).resource_servers()},
            "DescribeRiskConfiguration": lambda p: {
                "RiskConfiguration": pool(p).risk_configuration()
            },
            "GetLogDeliveryConfiguration": lambda p: {
                "LogDeliveryConfiguration": pool(p).log_delivery()
            },
            "GetWebACLForResource": lambda p: {
                "WebACL": self.by_id[str(p["ResourceArn"]).rsplit("/", 1)[1]].web_acl()
            },
            "DescribeAlarms": self._describe_alarms,
            "ListIdentityPools": self._list_identity_pools,
            "DescribeIdentityPool": lambda p: self._identity(p).identity_pool(),
            "GetIdentityPoolRoles": lambda p: self._identity(p).identity_pool_roles(),
            "GetPrincipalTagAttributeMap": lambda p: self._identity(p).principal_tags(),
            "GetRole": lambda p: {"Role": self._role(p).role(str(p["RoleName"]))},
            "ListRolePolicies": lambda _: {"PolicyNames": ["tenant-data"], "IsTruncated": False},
            "GetRolePolicy": lambda p: {
                "RoleName": p["RoleName"],
                "PolicyName": p["PolicyName"],
                "PolicyDocument": self._role(p).inline_policy(str(p["RoleName"])),
            },
            "ListAttachedRolePolicies": self._attached_policies,
            "GetPolicy": lambda _: {"Policy": self.shared_policy},
            "GetPolicyVersion": lambda _: {
                "PolicyVersion": {
                    "Document": _policy(
                        [{"Effect": "Allow", "Action": "cognito-identity:GetId", "Resource": "*"}]
                    ),
                    "VersionId": "v1",
                    "IsDefaultVersion": True,
                }
            },
        }

    def _pool(self, params: Mapping[str, Any]) -> BenchPool:
        return self.by_id[str(params["UserPoolId"])]

    def _identity(self, params: Mapping[str, Any]) -> BenchPool:
        return self.by_identity_pool[str(params["IdentityPoolId"])]

    def _role(self, params: Mapping[str, Any]) -> BenchPool:
        return self.by_role[str(params["RoleName"])]

    def _list_user_pools(self, params: Mapping[str, Any]) -> dict[str, Any]:
        start = int(params.get("NextToken") or 0)
        page = self.pools[start : start + int(params.get("MaxResults") or LIST_PAGE)]
        answer: dict[str, Any] = {
            "UserPools": [
                {"Id": p.id, "Name": p.user_pool()["Name"], "LambdaConfig": {}} for p in page
            ]
        }
        if start + len(page) < len(self.pools):
            answer["NextToken"] = str(start + len(page))
        return answer

    def _list_identity_pools(self, params: Mapping[str, Any]) -> dict[str, Any]:
        start = int(params.get("NextToken") or 0)
        page = self.pools[start : start + int(params.get("MaxResults") or LIST_PAGE)]
        answer: dict[str, Any] = {
            "IdentityPools": [
                {"IdentityPoolId": p.identity_pool_id, "IdentityPoolName": f"tenant_{p.index:04d}"}
                for p in page
            ]
        }
        if start + len(page) < len(self.pools):
            answer["NextToken"] = str(start + len(page))
        return answer

    def _describe_alarms(self, params: Mapping[str, Any]) -> dict[str, Any]:
        start = int(params.get("NextToken") or 0)
        page = self.alarms[start : start + int(params.get("MaxRecords") or ALARM_PAGE)]
        answer: dict[str, Any] = {"MetricAlarms": page, "CompositeAlarms": []}
        if start + len(page) < len(self.alarms):
            answer["NextToken"] = str(start + len(page))
        return answer

    def _attached_policies(self, params: Mapping[str, Any]) -> dict[str, Any]:
        unauthenticated = str(params["RoleName"]).endswith("-unauthenticated")
        attached = (
            []
            if unauthenticated
            else [{"PolicyName": "bench-shared-read", "PolicyArn": SHARED_POLICY}]
        )
        return {"AttachedPolicies": attached, "IsTruncated": False}


@contextmanager
def front_installed(front: AuditFront) -> Iterator[None]:
    """Every client identity-ops builds (the audit's reader uses its `AwsClients`) gets the
    front's hook right after the project's own hooks; fake credentials, no endpoint override."""
    original = identity_ops.aws.install_hooks

    def install_hooks(client: Any, limiter: Any) -> None:
        original(client, limiter)
        front.install(client)

    saved = dict(os.environ)
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    identity_ops.aws.install_hooks = install_hooks
    try:
        yield
    finally:
        identity_ops.aws.install_hooks = original
        os.environ.clear()
        os.environ.update(saved)


def _report(front: AuditFront, result: GateResult, seconds: float, cpu: float) -> bool:
    traffic = front.traffic
    pools = len(front.pools)
    print(f"pools: {pools}, resources judged: {len(result.plan.resources) - 1}")
    print(f"{'quota category':<44} {'requests':>8} {'throttled':>9} {'quota':>6} {'min s':>6}")
    for category in sorted(traffic.requests):
        quota = _quota(category)
        minimum = f"{traffic.answered(category) / quota:6.1f}" if quota else "     -"
        print(
            f"{category:<44} {traffic.requests[category]:>8} {traffic.throttled[category]:>9} "
            f"{quota or '-':>6} {minimum}"
        )
    bound, slowest = traffic.quota_bound()
    reads = traffic.last - traffic.first
    print(
        f"wall time: {seconds:.1f} s (reads {reads:.1f} s, judging and the rest "
        f"{seconds - reads:.1f} s); quota-bound minimum for the reads: {bound:.1f} s ({slowest})"
    )
    print(
        f"machine check: a {LATENCY * 1000:.0f} ms sleep takes "
        f"{sleep_overshoot(LATENCY) * 1000:.0f} ms; this process spent {cpu / pools * 1000:.0f} ms "
        f"of CPU per pool (the pack runs in its own process); load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    failures = [
        *(f"front has no answer for {name}" for name in front.missing_routes()),
        *(f"unexpected call {name}" for name in traffic.unknown),
        *(
            f"not judged: {entry.api} {entry.resource}: {entry.reason}"
            for entry in result.not_judged
        ),
    ]
    for failure in failures:
        print(failure)
    passed = seconds <= BAR_SECONDS * pools / 100 and not failures
    print(
        f"{'PASS' if passed else 'FAIL'}: {pools} pools in {seconds:.1f} s "
        f"(bar: 100 pools under about {BAR_SECONDS:.0f} s), {sum(traffic.throttled.values())} "
        f"TooManyRequests answered, {len(result.not_judged)} reads not judged"
    )
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pools", type=int, default=100)
    args = parser.parse_args()
    front = AuditFront(args.pools)
    options = AuditOptions(region=REGION, policy_pack_config=PROFILE, project_dir=ROOT)
    with front_installed(front):
        cpu_started = time.process_time()
        started = time.monotonic()
        result = run_audit(options)
        seconds = time.monotonic() - started
        cpu = time.process_time() - cpu_started
    sys.exit(0 if _report(front, result, seconds, cpu) else 1)


if __name__ == "__main__":
    main()
