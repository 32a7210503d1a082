"""dev: one NAT gateway and short retention to keep cost down; no interface endpoints."""
from environments.data_settings import CacheSettings, DatabaseSettings, DataSettings
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
    data=DataSettings(
        # Smallest sizes that still run the tuned parameter group; single-AZ and short backups
        # because dev data can be rebuilt. Deletion protection off so dev can be torn down.
        database=DatabaseSettings(
            instance_class="db.t4g.medium",
            storage_gib=20,
            max_storage_gib=100,
            multi_az=False,
            deletion_protection=False,
            backup_retention_days=3,
            max_connections=100,
            slow_statement_ms=250,
            monitoring_interval=60,
        ),
        cache=CacheSettings(node_type="cache.t4g.micro", replicas=0, multi_az=False, snapshot_retention_days=1),
    ),
    state=StateSettings(noncurrent_version_days=30, kms_deletion_window_days=7),
    log_retention_days=30,
    tags={"CostCenter": "platform-dev", "Owner": "platform-team"},
)
