"""prod: three AZs, a NAT gateway per AZ, every interface endpoint, a year of logs; DR in us-west-2."""
from environments.schema import Environment, NetworkSettings, StateSettings

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
    log_retention_days=365,
    tags={"CostCenter": "platform-prod", "Owner": "platform-team", "DataClassification": "confidential"},
    dr_region="us-west-2",
)
