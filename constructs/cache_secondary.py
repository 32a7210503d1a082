"""The DR copy of the Valkey cache: a secondary of an ElastiCache global datastore whose
primary is the source region's replication group."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import TerraformProvider, TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.elasticache_global_replication_group import ElasticacheGlobalReplicationGroup
from cdktf_cdktf_provider_aws.elasticache_replication_group import ElasticacheReplicationGroup

from constructs import Construct
from constructs.cache import PORT, cache_users
from constructs.client_security_group import ClientSecurityGroup, ClientSecurityGroupProps
from constructs.metric_alarm import MetricAlarm, MetricAlarmProps


@dataclass(frozen=True)
class CacheSecondaryProps:
    """Settings for the secondary.

    name: prefix of its names, e.g. "sparki-proddr"; the group is <name>-cache.
    primary_group_id: the source region's replication group (e.g. "sparki-prod-cache"); the
        global datastore is named after it.
    nodes: nodes of the secondary (1 + replicas); default 2.
    storage_key_arn: this region's key for data at rest and snapshots.
    alarm_topic_arn: this region's alarm topic; lag_alarm_seconds: default 30.
    """

    name: str
    primary_group_id: str
    vpc_id: str
    subnet_group_name: str
    storage_key_arn: str
    alarm_topic_arn: str
    client_security_group_ids: Sequence[str] = ()
    nodes: int = 2
    snapshot_retention_days: int = 7
    lag_alarm_seconds: int = 30

    def __post_init__(self) -> None:
        if not 1 <= self.nodes <= 6:
            raise ValueError(f"nodes={self.nodes}: a replication group has 1..6 nodes")


class CacheSecondary(Construct):
    """The global datastore (made in the primary's region through `primary_provider`) and its
    secondary here: engine, version, node type, parameters and encryption come from the
    primary; the network, key, users and alarms are this region's. Outputs: group_id,
    global_group_id, primary_endpoint."""

    def __init__(self, scope: Construct, id: str, props: CacheSecondaryProps, *, primary_provider: TerraformProvider) -> None:
        super().__init__(scope, id)
        group_id = f"{props.name}-cache"
        datastore = ElasticacheGlobalReplicationGroup(
            self,
            "global",
            provider=primary_provider,
            global_replication_group_id_suffix=props.primary_group_id,
            primary_replication_group_id=props.primary_group_id,
            global_replication_group_description=f"{props.primary_group_id} and its DR secondary {group_id}",
            # After a failover the members swap roles outside Terraform (make failover).
            lifecycle=TerraformResourceLifecycle(ignore_changes=["primary_replication_group_id"]),
        )
        security_group = ClientSecurityGroup(
            self,
            "security_group",
            ClientSecurityGroupProps(
                name=group_id,
                description=f"Redis {PORT} from the client security groups of {props.name}",
                vpc_id=props.vpc_id,
                port=PORT,
                client_security_group_ids=props.client_security_group_ids,
            ),
        )

        users, _ = cache_users(self, group_id)
        group = ElasticacheReplicationGroup(
            self,
            "group",
            replication_group_id=group_id,
            description=f"Valkey of {props.name}, DR secondary of {props.primary_group_id}",
            global_replication_group_id=datastore.global_replication_group_id,
            num_cache_clusters=props.nodes,
            automatic_failover_enabled=props.nodes > 1,
            multi_az_enabled=props.nodes > 1,
            subnet_group_name=props.subnet_group_name,
            security_group_ids=[security_group.security_group_id],
            # Inherited from the primary; stated so that checkov and a reader see them.
            at_rest_encryption_enabled="true",
            transit_encryption_enabled=True,
            kms_key_id=props.storage_key_arn,
            user_group_ids=[users.user_group_id],
            snapshot_retention_limit=props.snapshot_retention_days,
            final_snapshot_identifier=f"{group_id}-final",
            auto_minor_version_upgrade="true",
            apply_immediately=False,
            # A promoted secondary leaves the datastore outside Terraform (make failover).
            lifecycle=TerraformResourceLifecycle(ignore_changes=["global_replication_group_id"]),
            tags={"Name": group_id},
        )
        first = f"{group_id}-001"
        MetricAlarm(
            self,
            "lag_alarm",
            MetricAlarmProps(
                name=f"{group_id}-global-lag",
                namespace="AWS/ElastiCache",
                metric="GlobalDatastoreReplicationLag",
                dimensions={"CacheClusterId": first},
                statistic="Maximum",
                comparison=">",
                threshold=props.lag_alarm_seconds,
                missing_data="notBreaching",
                topic_arn=props.alarm_topic_arn,
                description=f"{group_id}: more than {props.lag_alarm_seconds} s behind {props.primary_group_id} for 15 minutes; a failover now loses that much",
            ),
        )
        self.group_id = group_id
        self.global_group_id: str = datastore.global_replication_group_id
        self.primary_endpoint: str = group.primary_endpoint_address
        self.security_group_id: str = security_group.security_group_id
