"""pulumi-aws v7 type tokens of the resources cognito-guard judges (as the engine sends them)."""

from typing import Final

USER_POOL: Final = "aws:cognito/userPool:UserPool"
USER_POOL_CLIENT: Final = "aws:cognito/userPoolClient:UserPoolClient"
MANAGED_USER_POOL_CLIENT: Final = "aws:cognito/managedUserPoolClient:ManagedUserPoolClient"
APP_CLIENTS: Final = (USER_POOL_CLIENT, MANAGED_USER_POOL_CLIENT)
USER_POOL_DOMAIN: Final = "aws:cognito/userPoolDomain:UserPoolDomain"
IDENTITY_PROVIDER: Final = "aws:cognito/identityProvider:IdentityProvider"
IDENTITY_POOL: Final = "aws:cognito/identityPool:IdentityPool"
ROLE_ATTACHMENT: Final = "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment"
RISK_CONFIGURATION: Final = "aws:cognito/riskConfiguration:RiskConfiguration"
LOG_DELIVERY: Final = "aws:cognito/logDeliveryConfiguration:LogDeliveryConfiguration"
IAM_ROLE: Final = "aws:iam/role:Role"
IAM_ROLE_POLICY: Final = "aws:iam/rolePolicy:RolePolicy"
IAM_ROLE_POLICY_ATTACHMENT: Final = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
IAM_POLICY: Final = "aws:iam/policy:Policy"
WAF_ASSOCIATION: Final = "aws:wafv2/webAclAssociation:WebAclAssociation"
WEB_ACL: Final = "aws:wafv2/webAcl:WebAcl"
WEB_ACL_RULE: Final = "aws:wafv2/webAclRule:WebAclRule"
ACM_CERTIFICATE: Final = "aws:acm/certificate:Certificate"
ACM_CERTIFICATE_VALIDATION: Final = "aws:acm/certificateValidation:CertificateValidation"
METRIC_ALARM: Final = "aws:cloudwatch/metricAlarm:MetricAlarm"
APIGW_METHOD: Final = "aws:apigateway/method:Method"
IDENTITY_POOL_PRINCIPAL_TAG: Final = (
    "aws:cognito/identityPoolProviderPrincipalTag:IdentityPoolProviderPrincipalTag"
)
