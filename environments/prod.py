"""prod: three AZs, a NAT gateway per AZ, every interface endpoint, a year of logs; DR in us-west-2.

Security: every scan and every GuardDuty protection plan is on (the schema refuses less);
audit logs are searchable for a year and kept for seven.
"""
from environments.schema import Environment, NetworkSettings, SecretSettings, SecuritySettings, StateSettings

ENVIRONMENT = Environment(
    name="prod",
    account_id="333333333333",
    region="us-east-1",
    azs=("us-east-1a", "us-east-1b", "us-east-1c"),
    network=NetworkSettings(
        vpc_cidr="10.30.0.0/16",
        nat_mode="per_az",
        interface_endpoints=("ecr.api", "ecr.dkr", "sts", "logs", "secretsmanager", "kms"),
        flow_log_retention_days=365,
    ),
    state=StateSettings(noncurrent_version_days=365, kms_deletion_window_days=30),
    security=SecuritySettings(
        secrets=(
            SecretSettings(
                name="app/session-signing-key",
                description="HMAC key the API signs session cookies with; put by the platform team",
                readers=("sparki-prod-app-api",),
            ),
            SecretSettings(
                name="app/smtp-credentials",
                description="SMTP user and password of the mail provider; put by the platform team",
                readers=("sparki-prod-app-api", "sparki-prod-app-worker"),
            ),
        ),
        secret_recovery_days=30,
        audit_log_retention_days=365,
        audit_archive_after_days=90,
        audit_expire_after_days=2557,
        access_log_expire_after_days=2557,
        enable_config=True,
        enable_guardduty=True,
        guardduty_features=("EKS_AUDIT_LOGS", "S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS"),
        enable_security_hub=True,
        enable_access_analyzer=True,
    ),
    log_retention_days=365,
    tags={"CostCenter": "platform-prod", "Owner": "platform-team", "DataClassification": "confidential"},
    dr_region="us-west-2",
)
