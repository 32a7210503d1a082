"""staging: production-shaped (three AZs, a NAT gateway per AZ) with smaller retention."""
from environments.data_settings import CacheSettings, DatabaseSettings, DataSettings
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
    data=DataSettings(
        # Production-shaped (multi-AZ, failover, deletion protection) on smaller classes.
        database=DatabaseSettings(
            instance_class="db.m7g.large",
            storage_gib=50,
            max_storage_gib=250,
            backup_retention_days=7,
            max_connections=200,
            slow_statement_ms=500,
            monitoring_interval=30,
        ),
        cache=CacheSettings(node_type="cache.t4g.medium", replicas=1, snapshot_retention_days=7),
    ),
    state=StateSettings(noncurrent_version_days=90, kms_deletion_window_days=30),
    log_retention_days=90,
    tags={"CostCenter": "platform-staging", "Owner": "platform-team"},
)
