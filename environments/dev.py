"""dev: one NAT gateway and short retention to keep cost down; no interface endpoints.

Security: AWS Config and Security Hub are off (Config bills every recorded change, and dev
churns the most; Security Hub's CIS controls need Config). GuardDuty stays on with EKS audit
logs only: it is billed by volume, dev's is small, and leaked dev credentials are still leaked.
"""
from environments.schema import Environment, NetworkSettings, SecretSettings, SecuritySettings, StateSettings

ENVIRONMENT = Environment(
    name="dev",
    account_id="111111111111",
    region="us-east-1",
    azs=("us-east-1a", "us-east-1b"),
    network=NetworkSettings(
        vpc_cidr="10.10.0.0/16",
        nat_mode="single",
        interface_endpoints=(),
        flow_log_retention_days=30,
    ),
    state=StateSettings(noncurrent_version_days=30, kms_deletion_window_days=7),
    security=SecuritySettings(
        secrets=(
            SecretSettings(
                name="app/session-signing-key",
                description="HMAC key the API signs session cookies with; put by the platform team",
                readers=("sparki-dev-app-api",),
            ),
            SecretSettings(
                name="app/smtp-credentials",
                description="SMTP user and password of the mail provider; put by the platform team",
                readers=("sparki-dev-app-api", "sparki-dev-app-worker"),
            ),
        ),
        secret_recovery_days=7,
        audit_log_retention_days=30,
        audit_archive_after_days=30,
        audit_expire_after_days=365,
        access_log_expire_after_days=90,
        enable_config=False,
        enable_guardduty=True,
        guardduty_features=("EKS_AUDIT_LOGS",),
        enable_security_hub=False,
        enable_access_analyzer=True,
    ),
    log_retention_days=30,
    tags={"CostCenter": "platform-dev", "Owner": "platform-team"},
)
