"""Stack output names, shared by the program, the tests, the gate and CI: never retype them."""

from typing import Final

USER_POOL_ID: Final = "userPoolId"
USER_POOL_ARN: Final = "userPoolArn"
ISSUER_URL: Final = "issuerUrl"
JWKS_URL: Final = "jwksUrl"
HOSTED_UI_URL: Final = "hostedUiUrl"
CLIENT_IDS: Final = "clientIds"
CLIENT_SECRETS: Final = (
    "clientSecrets"  # a Pulumi secret: name -> secret, confidential clients only
)
IDENTITY_POOL_ID: Final = "identityPoolId"
ROLE_ARNS: Final = "roleArns"  # {"authenticated", "guest", "groups": {...}, "tenants": {...}}
DASHBOARD_NAME: Final = "dashboardName"
ALARM_ARNS: Final = "alarmArns"
ALARM_TOPIC_ARN: Final = "alarmTopicArn"
PIPELINE_ROLE_ARNS: Final = "pipelineRoleArns"  # {"deploy", "preview", "operator"} or None

ALL: Final = (
    USER_POOL_ID,
    USER_POOL_ARN,
    ISSUER_URL,
    JWKS_URL,
    HOSTED_UI_URL,
    CLIENT_IDS,
    CLIENT_SECRETS,
    IDENTITY_POOL_ID,
    ROLE_ARNS,
    DASHBOARD_NAME,
    ALARM_ARNS,
    ALARM_TOPIC_ARN,
    PIPELINE_ROLE_ARNS,
)
SECRET: Final = frozenset({CLIENT_SECRETS})
