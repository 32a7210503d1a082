"""prod: three AZs, a NAT gateway per AZ, every interface endpoint, a year of logs; DR in us-west-2."""
from environments.data_settings import CacheSettings, DatabaseSettings, DataSettings
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
    data=DataSettings(
        # Memory-optimised classes; a read replica takes reporting reads off the primary; a
        # month of backups and of Performance Insights history; two cache replicas so a
        # failover still leaves a replica.
        database=DatabaseSettings(
            instance_class="db.r7g.large",
            storage_gib=100,
            max_storage_gib=1000,
            backup_retention_days=30,
            read_replicas=1,
            max_connections=500,
            slow_statement_ms=1000,
            monitoring_interval=15,
            insights_retention_days=31,
        ),
        cache=CacheSettings(node_type="cache.r7g.large", replicas=2, snapshot_retention_days=14),
    ),
    state=StateSettings(noncurrent_version_days=365, kms_deletion_window_days=30),
    log_retention_days=365,
    tags={"CostCenter": "platform-prod", "Owner": "platform-team", "DataClassification": "confidential"},
    dr_region="us-west-2",
)
