"""The platform's own Cognito triggers (``functions/``) as Lambda functions.

Two functions, whatever the number of tenants: pre token generation (event ``V2_0``) and tenant
membership (post confirmation and post authentication). Both run the repository's ``functions``
package, archived once per stack, on python3.13/arm64, each with its own role allowed only the
Cognito calls it makes on this pool and the writes to its own log group, a log group with the
stack's retention, and an invoke permission for Cognito scoped to this pool and account.

The functions exist before the pool (its ``lambdaConfig`` names them), so everything that names
the pool (role policies, invoke permissions) is added by ``attach`` once the pool exists.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import AwsScope, child, document, type_token
from functions.directory import DIRECTORY_FILE_NAME, LAST_SIGN_IN_VARIABLE
from settings.tenants import TenantSettings, encode_directory

FUNCTIONS_DIR = Path(__file__).resolve().parents[1] / "functions"
# python3.13 on arm64 (Graviton): a supported Lambda runtime until 2029.
# https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
RUNTIME = "python3.13"
ARCHITECTURE = "arm64"
# Cognito waits 5 seconds for a trigger before it fails the request.
# https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html
TIMEOUT_SECONDS = 5
MEMORY_MB = 256
COGNITO_IDP = "cognito-idp.amazonaws.com"


@functools.cache
def functions_archive(directory: str) -> pulumi.AssetArchive:
    """The ``functions`` package as deployed (``functions/*.py``, no caches) with the stack's
    tenant directory beside it: one archive per stack, shared by both functions. The directory
    rides in the code, not the environment, whose 4 KB would cap a stack at about 90 tenants."""
    assets: dict[str, pulumi.Asset | pulumi.Archive] = {
        f"functions/{path.name}": pulumi.FileAsset(str(path))
        for path in sorted(FUNCTIONS_DIR.glob("*.py"))
    }
    assets[f"functions/{DIRECTORY_FILE_NAME}"] = pulumi.StringAsset(directory)
    return pulumi.AssetArchive(assets)


@dataclass(frozen=True)
class PlatformTriggers:
    """The ARNs the user pool's ``lambdaConfig`` points at."""

    pre_token_generation: pulumi.Input[str]
    membership: pulumi.Input[str]

    def lambda_config(self) -> dict[str, Any]:
        """``aws.cognito.UserPool`` ``lambda_config`` entries (pre token generation as V2_0).
        https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_LambdaConfigType.html
        """
        return {
            "pre_token_generation_config": {
                "lambda_arn": self.pre_token_generation,
                "lambda_version": "V2_0",
            },
            "post_confirmation": self.membership,
            "post_authentication": self.membership,
        }


@dataclass(frozen=True)
class PlatformFunctionsArgs:
    tenants: tuple[TenantSettings, ...]
    log_retention_days: int
    last_sign_in_claim: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    protect: bool = True
    """Guards the log groups (what the functions did) and each function's role and policy: a
    replaced role leaves the trigger unable to call Cognito, and sign-ins fail, until the new role
    propagates (IAM is eventually consistent:
    https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency)."""


@dataclass(frozen=True)
class _Function:
    function: aws.lambda_.Function
    role: aws.iam.Role
    log_group: aws.cloudwatch.LogGroup
    actions: tuple[str, ...]
    """Cognito actions the function calls, all on this pool."""


class PlatformFunctions(pulumi.ComponentResource):
    triggers: PlatformTriggers

    def __init__(
        self, name: str, args: PlatformFunctionsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("PlatformFunctions"), name, None, opts)
        self._name = name
        self._args = args
        self._archive = functions_archive(encode_directory(args.tenants))
        membership_env: dict[str, str] = {}
        membership_actions = ["cognito-idp:AdminAddUserToGroup"]
        if args.last_sign_in_claim:
            membership_env[LAST_SIGN_IN_VARIABLE] = args.last_sign_in_claim
            membership_actions.append("cognito-idp:AdminUpdateUserAttributes")
        # Actions and their resource type (userpool):
        # https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncognitouserpools.html
        self._functions = {
            "pre-token": self._function(
                "pre-token",
                "functions.pre_token.handler",
                {},
                ("cognito-idp:ListUserPoolClients",),
            ),
            "membership": self._function(
                "membership",
                "functions.membership.handler",
                membership_env,
                tuple(membership_actions),
            ),
        }
        self.triggers = PlatformTriggers(
            self._functions["pre-token"].function.arn, self._functions["membership"].function.arn
        )

    def attach(self, pool_arn: pulumi.Output[str]) -> None:
        """Grant each function its calls on the pool and let only this pool invoke it."""
        for suffix, built in self._functions.items():
            policy = pulumi.Output.all(pool_arn, built.log_group.arn).apply(
                functools.partial(_role_policy, actions=built.actions)
            )
            aws.iam.RolePolicy(
                f"{self._name}-{suffix}-policy",
                role=built.role.id,
                policy=policy,
                opts=child(self, protect=self._args.protect),
            )
            # Cognito invokes as cognito-idp.amazonaws.com; SourceArn and SourceAccount keep any
            # other pool (or account) from invoking it.
            # https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html
            aws.lambda_.Permission(
                f"{self._name}-{suffix}-invoke",
                action="lambda:InvokeFunction",
                function=built.function.name,
                principal=COGNITO_IDP,
                source_arn=pool_arn,
                source_account=pool_arn.apply(lambda arn: AwsScope.of_pool(arn).account),
                opts=child(self),
            )
        self.register_outputs(
            {suffix: built.function.arn for suffix, built in self._functions.items()}
        )

    def _function(
        self,
        suffix: str,
        handler: str,
        environment: Mapping[str, str],
        actions: tuple[str, ...],
    ) -> _Function:
        function_name = f"{self._name}-{suffix}"
        tags = dict(self._args.tags)
        # Lambda writes to /aws/lambda/<function name>; created here so it has a retention.
        # https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html
        log_group = aws.cloudwatch.LogGroup(
            f"{function_name}-logs",
            name=f"/aws/lambda/{function_name}",
            retention_in_days=self._args.log_retention_days,
            tags=tags,
            opts=child(self, protect=self._args.protect),
        )
        role = aws.iam.Role(
            f"{function_name}-role",
            assume_role_policy=_LAMBDA_TRUST,
            description=f"Execution role of the {function_name} Cognito trigger",
            tags=tags,
            opts=child(self, protect=self._args.protect),
        )
        function = aws.lambda_.Function(
            function_name,
            name=function_name,
            role=role.arn,
            runtime=RUNTIME,
            architectures=[ARCHITECTURE],
            handler=handler,
            code=self._archive,
            timeout=TIMEOUT_SECONDS,
            memory_size=MEMORY_MB,
            # No environment block when there is nothing to set (the pre-token function reads only
            # its packaged directory).
            environment={"variables": dict(environment)} if environment else None,
            logging_config={"log_format": "JSON", "log_group": log_group.name},
            tags=tags,
            opts=child(self, depends_on=[log_group]),
        )
        return _Function(function, role, log_group, actions)


_LAMBDA_TRUST = document(
    [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ]
)


def _role_policy(arns: list[str], actions: tuple[str, ...]) -> str:
    """Only the function's own Cognito calls on this pool and writes to its own log group."""
    pool_arn, log_group_arn = arns
    return document(
        [
            {"Effect": "Allow", "Action": sorted(actions), "Resource": pool_arn},
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"{log_group_arn}:*",
            },
        ]
    )


__all__ = ["PlatformFunctions", "PlatformFunctionsArgs", "PlatformTriggers", "functions_archive"]
