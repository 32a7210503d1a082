"""staging: production-shaped (three AZs, a NAT gateway per AZ) with smaller retention."""
from environments.schema import Environment, NetworkSettings, StateSettings

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
    log_retention_days=90,
    tags={"CostCenter": "platform-staging", "Owner": "platform-team"},
)
