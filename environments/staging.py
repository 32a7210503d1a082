"""staging: production-shaped (three AZs, a NAT gateway per AZ) with smaller retention.

Security: every AWS-side scan is on, as in prod, so a finding shows up before it ships; audit
logs are kept two years instead of seven. EBS malware scans are left to prod (billed per scan).
"""
from environments.schema import Environment, NetworkSettings, SecretSettings, SecuritySettings, StateSettings

ENVIRONMENT = Environment(
    name="staging",
    account_id="222222222222",
    region="us-east-1",
    azs=("us-east-1a", "us-east-1b", "us-east-1c"),
    network=NetworkSettings(
        vpc_cidr="10.20.0.0/16",
        nat_mode="per_az",
        interface_endpoints=("ecr.api", "ecr.dkr", "sts", "logs"),
        flow_log_retention_days=90,
    ),
    state=StateSettings(noncurrent_version_days=90, kms_deletion_window_days=30),
    security=SecuritySettings(
        secrets=(
            SecretSettings(
                name="app/session-signing-key",
                description="HMAC key the API signs session cookies with; put by the platform team",
                readers=("sparki-staging-app-api",),
            ),
            SecretSettings(
                name="app/smtp-credentials",
                description="SMTP user and password of the mail provider; put by the platform team",
                readers=("sparki-staging-app-api", "sparki-staging-app-worker"),
            ),
        ),
        secret_recovery_days=30,
        audit_log_retention_days=90,
        audit_archive_after_days=90,
        audit_expire_after_days=731,
        access_log_expire_after_days=365,
        enable_config=True,
        enable_guardduty=True,
        guardduty_features=("EKS_AUDIT_LOGS", "S3_DATA_EVENTS", "RDS_LOGIN_EVENTS"),
        enable_security_hub=True,
        enable_access_analyzer=True,
    ),
    log_retention_days=90,
    tags={"CostCenter": "platform-staging", "Owner": "platform-team"},
)
