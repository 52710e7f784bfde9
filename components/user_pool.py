"""The enterprise user pool with its SMS role, trigger permissions, risk configuration,
resource servers, log delivery and WAF web ACL."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import child, type_token
from components.functions import PlatformTriggers
from components.web_acl import protect_with_waf
from settings.access import ResourceServerSettings
from settings.user_pool import LOG_GROUP_PREFIX, UserPoolSettings

_TRIGGER_ARGS = {
    "preSignUp": "pre_sign_up",
    "postConfirmation": "post_confirmation",
    "preAuthentication": "pre_authentication",
    "postAuthentication": "post_authentication",
    "userMigration": "user_migration",
    "customMessage": "custom_message",
    "defineAuthChallenge": "define_auth_challenge",
    "createAuthChallenge": "create_auth_challenge",
    "verifyAuthChallengeResponse": "verify_auth_challenge_response",
}


@dataclass(frozen=True)
class UserPoolArgs:
    settings: UserPoolSettings
    region: str
    resource_servers: tuple[ResourceServerSettings, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    protect: bool = True
    platform_triggers: PlatformTriggers | None = None
    """The platform's own functions (``components/functions.py``), when the stack deploys them."""


def issuer_url(region: str, pool_id: str) -> str:
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


class UserPool(pulumi.ComponentResource):
    """A Cognito user pool configured from validated settings; secure choices are the defaults."""

    pool: aws.cognito.UserPool
    pool_id: pulumi.Output[str]
    pool_arn: pulumi.Output[str]
    issuer_url: pulumi.Output[str]
    jwks_url: pulumi.Output[str]
    provider_name: pulumi.Output[str]
    """The pool as an identity-pool provider: ``cognito-idp.<region>.amazonaws.com/<poolId>``."""
    resource_servers: dict[str, aws.cognito.ResourceServer]

    def __init__(
        self, name: str, args: UserPoolArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("UserPool"), name, None, opts)
        settings = args.settings
        sms_role = self._sms_role(name, args) if settings.mfa.sms.enabled else None
        self.pool = aws.cognito.UserPool(
            f"{name}-pool",
            **_pool_inputs(settings, sms_role, name, args.platform_triggers),
            tags=dict(args.tags),
            opts=child(self, protect=args.protect),
        )
        self.pool_id = self.pool.id
        self.pool_arn = self.pool.arn
        self.issuer_url = self.pool.id.apply(lambda pool_id: issuer_url(args.region, pool_id))
        self.jwks_url = self.issuer_url.apply(lambda url: f"{url}/.well-known/jwks.json")
        self.provider_name = self.pool.id.apply(
            lambda pool_id: f"cognito-idp.{args.region}.amazonaws.com/{pool_id}"
        )
        for trigger, function_arn in settings.triggers.functions().items():
            aws.lambda_.Permission(
                f"{name}-invoke-{trigger}",
                action="lambda:InvokeFunction",
                function=function_arn,
                principal="cognito-idp.amazonaws.com",
                source_arn=self.pool.arn,
                opts=child(self),
            )
        if settings.threat_protection_on:
            self._risk_configuration(name, settings)
        # Named by identifier (the scopes' prefix in every access token), not list position;
        # the alias carries servers deployed under the old positional name `-api-<n>`.
        self.resource_servers = {
            server.identifier: aws.cognito.ResourceServer(
                f"{name}-api-{server.identifier}",
                user_pool_id=self.pool.id,
                identifier=server.identifier,
                name=server.name,
                scopes=[
                    {"scope_name": scope.name, "scope_description": scope.description}
                    for scope in server.scopes
                ],
                opts=child(self, protect=args.protect, renamed_from=[f"{name}-api-{position}"]),
            )
            for position, server in enumerate(args.resource_servers)
        }
        if settings.logging.enabled:
            self._log_delivery(name, args)
        protect_with_waf(self, name, self.pool.arn, settings.waf, args.tags)
        self.register_outputs(
            {
                "poolId": self.pool_id,
                "poolArn": self.pool_arn,
                "issuerUrl": self.issuer_url,
                "jwksUrl": self.jwks_url,
                "providerName": self.provider_name,
            }
        )

    def _sms_role(self, name: str, args: UserPoolArgs) -> aws.iam.Role:
        """The role Cognito assumes to send SMS codes, guarded by an external id."""
        external_id = f"{name}-sms"
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "cognito-idp.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"sts:ExternalId": external_id}},
                }
            ],
        }
        role = aws.iam.Role(
            f"{name}-sms-role",
            assume_role_policy=json.dumps(trust),
            tags=dict(args.tags),
            opts=child(self),
        )
        publish = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}],
        }
        aws.iam.RolePolicy(
            f"{name}-sms-publish", role=role.id, policy=json.dumps(publish), opts=child(self)
        )
        return role

    def _risk_configuration(self, name: str, settings: UserPoolSettings) -> None:
        threat = settings.threat_protection
        levels = threat.account_takeover
        takeover: dict[str, Any] = {
            "actions": {
                f"{level}_action": {"event_action": action.action, "notify": action.notify}
                for level, action in (
                    ("low", levels.low),
                    ("medium", levels.medium),
                    ("high", levels.high),
                )
            }
        }
        if threat.notification is not None:
            takeover["notify_configuration"] = {
                "source_arn": threat.notification.source_arn,
                "from_": threat.notification.from_address,
                "reply_to": threat.notification.reply_to_address,
            }
        exceptions: dict[str, Any] | None = None
        if threat.blocked_ip_ranges or threat.skipped_ip_ranges:
            exceptions = {
                "blocked_ip_range_lists": list(threat.blocked_ip_ranges) or None,
                "skipped_ip_range_lists": list(threat.skipped_ip_ranges) or None,
            }
        aws.cognito.RiskConfiguration(
            f"{name}-risk",
            user_pool_id=self.pool.id,
            account_takeover_risk_configuration=takeover,
            compromised_credentials_risk_configuration={
                "actions": {"event_action": threat.compromised_credentials.action},
                "event_filters": list(threat.compromised_credentials.events),
            },
            risk_exception_configuration=exceptions,
            opts=child(self),
        )

    def _log_delivery(self, name: str, args: UserPoolArgs) -> None:
        logging = args.settings.logging
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"{LOG_GROUP_PREFIX}{name}",
            retention_in_days=logging.retention_days,
            tags=dict(args.tags),
            opts=child(self, protect=args.protect),
        )
        configurations: list[Any] = [
            {
                "event_source": "userNotification",
                "log_level": "ERROR",
                "cloud_watch_logs_configuration": {"log_group_arn": log_group.arn},
            }
        ]
        if logging.auth_events:
            configurations.append(
                {
                    "event_source": "userAuthEvents",
                    "log_level": "INFO",
                    "cloud_watch_logs_configuration": {"log_group_arn": log_group.arn},
                }
            )
        aws.cognito.LogDeliveryConfiguration(
            f"{name}-log-delivery",
            user_pool_id=self.pool.id,
            log_configurations=configurations,
            opts=child(self),
        )


def _pool_inputs(
    settings: UserPoolSettings,
    sms_role: aws.iam.Role | None,
    name: str,
    platform_triggers: PlatformTriggers | None = None,
) -> dict[str, Any]:
    """The ``aws.cognito.UserPool`` inputs for the settings (snake_case, as the SDK takes them)."""
    password = settings.password_policy
    mfa = settings.mfa
    invitation = settings.admin_create_user.invitation
    inputs: dict[str, Any] = {
        "name": settings.name,
        "user_pool_tier": settings.tier,
        "deletion_protection": "ACTIVE" if settings.deletion_protection else "INACTIVE",
        "username_attributes": list(settings.sign_in.username_attributes) or None,
        "alias_attributes": list(settings.sign_in.alias_attributes) or None,
        "username_configuration": {"case_sensitive": settings.sign_in.case_sensitive},
        "auto_verified_attributes": list(settings.auto_verified_attributes),
        "user_attribute_update_settings": (
            {
                "attributes_require_verification_before_updates": list(
                    settings.attributes_require_verification_before_update
                )
            }
            if settings.attributes_require_verification_before_update
            else None
        ),
        "password_policy": {
            "minimum_length": password.minimum_length,
            "require_lowercase": password.require_lowercase,
            "require_uppercase": password.require_uppercase,
            "require_numbers": password.require_numbers,
            "require_symbols": password.require_symbols,
            "temporary_password_validity_days": password.temporary_password_validity_days,
            "password_history_size": password.password_history_size
            if settings.tier != "LITE"
            else None,
        },
        "mfa_configuration": mfa.mode,
        "software_token_mfa_configuration": {"enabled": mfa.totp} if mfa.mode != "OFF" else None,
        "account_recovery_setting": {
            "recovery_mechanisms": [
                {"name": mechanism, "priority": priority}
                for priority, mechanism in enumerate(settings.account_recovery, start=1)
            ]
        },
        "admin_create_user_config": {
            "allow_admin_create_user_only": settings.admin_create_user.allow_admin_create_user_only,
            "invite_message_template": {
                "email_subject": invitation.email_subject,
                "email_message": invitation.email_message,
                "sms_message": invitation.sms_message,
            },
        },
        "device_configuration": {
            "challenge_required_on_new_device": settings.device_tracking.challenge_required_on_new_device,
            "device_only_remembered_on_user_prompt": settings.device_tracking.device_only_remembered_on_user_prompt,
        },
        "email_configuration": {
            "email_sending_account": settings.email.sending_account,
            "source_arn": settings.email.source_arn,
            "from_email_address": settings.email.from_address,
            "reply_to_email_address": settings.email.reply_to_address,
            "configuration_set": settings.email.configuration_set,
        },
        "schemas": _schemas(settings),
        "lambda_config": _lambda_config(settings, platform_triggers),
    }
    if settings.tier == "PLUS":
        inputs["user_pool_add_ons"] = {
            "advanced_security_mode": settings.threat_protection.mode,
            "advanced_security_additional_flows": (
                {"custom_auth_mode": settings.threat_protection.custom_auth_mode}
                if settings.threat_protection.mode != "OFF"
                else None
            ),
        }
    if mfa.sms.enabled and sms_role is not None:
        inputs["sms_configuration"] = {
            "external_id": f"{name}-sms",
            "sns_caller_arn": sms_role.arn,
            "sns_region": mfa.sms.sns_region,
        }
        inputs["sms_authentication_message"] = mfa.sms.authentication_message
    if mfa.email.enabled:
        inputs["email_mfa_configuration"] = {
            "subject": mfa.email.subject,
            "message": mfa.email.message,
        }
    return inputs


def _schemas(settings: UserPoolSettings) -> list[dict[str, Any]]:
    schema = settings.schema_
    standard = [
        {
            "name": attribute.name,
            "attribute_data_type": "Boolean" if attribute.name.endswith("_verified") else "String",
            "required": attribute.required,
            "mutable": attribute.mutable,
            "developer_only_attribute": False,
            **(
                {"string_attribute_constraints": {"min_length": "0", "max_length": "2048"}}
                if not attribute.name.endswith("_verified")
                else {}
            ),
        }
        for attribute in schema.standard_attributes
    ]
    custom = []
    for attribute in schema.custom_attributes:
        entry: dict[str, Any] = {
            "name": attribute.name,
            "attribute_data_type": attribute.type,
            "required": False,
            "mutable": attribute.mutable,
            "developer_only_attribute": False,
        }
        if attribute.type == "String":
            entry["string_attribute_constraints"] = {
                "min_length": str(attribute.min_length),
                "max_length": str(attribute.max_length),
            }
        custom.append(entry)
    return standard + custom


def _lambda_config(
    settings: UserPoolSettings, platform: PlatformTriggers | None
) -> dict[str, Any] | None:
    """The stack's trigger ARNs and the platform functions' (settings keep them apart)."""
    triggers = settings.triggers
    arns = triggers.functions()
    if not arns and platform is None:
        return None
    config: dict[str, Any] = {
        _TRIGGER_ARGS[name]: arn for name, arn in arns.items() if name in _TRIGGER_ARGS
    }
    if platform is not None:
        config.update(platform.lambda_config())
    if triggers.pre_token_generation:
        config["pre_token_generation_config"] = {
            "lambda_arn": triggers.pre_token_generation,
            "lambda_version": triggers.pre_token_generation_version,
        }
    if triggers.custom_email_sender:
        config["custom_email_sender"] = {
            "lambda_arn": triggers.custom_email_sender,
            "lambda_version": "V1_0",
        }
    if triggers.custom_sms_sender:
        config["custom_sms_sender"] = {
            "lambda_arn": triggers.custom_sms_sender,
            "lambda_version": "V1_0",
        }
    if triggers.kms_key_arn:
        config["kms_key_id"] = triggers.kms_key_arn
    return config
