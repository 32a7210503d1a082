"""dev: one NAT gateway and short retention to keep cost down; no interface endpoints."""
from environments.schema import Environment, NetworkSettings, StateSettings

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
    log_retention_days=30,
    tags={"CostCenter": "platform-dev", "Owner": "platform-team"},
)
