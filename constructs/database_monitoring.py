"""What watches the PostgreSQL instances of constructs/database.py: their exported log groups,
the Enhanced Monitoring role and the alarms.

Functions rather than constructs: they add resources directly under the Database, so logical
ids and paths are the same as when this lived in database.py.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.db_event_subscription import DbEventSubscription
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment

from catalog.naming import rds_log_group
from constructs import Construct
from constructs.metric_alarm import MetricAlarm, MetricAlarmProps
from constructs.trust_policy import service_trust_policy

GIB = 1024**3
MIB = 1024**2
# RDS event categories of a DB instance that need a person: the instance failed, failed over,
# became unavailable or was deleted, runs out of storage, or has maintenance (pending patches,
# forced upgrades) or a notification (e.g. its CA or engine version reaching end of support).
# "configuration change" and "backup" are left out: every reviewed apply and every nightly
# backup would page. RDS User Guide, "Amazon RDS event categories and event messages".
EVENT_CATEGORIES = ("availability", "deletion", "failover", "failure", "low storage", "maintenance", "notification")


def event_source_arns(identifier: str, region: str, account_id: str) -> list[str]:
    """The ARNs RDS publishes events of these instances from: what the alarm topic's policy
    must admit for events.rds.amazonaws.com (identifier, and anything named identifier*)."""
    return [f"arn:aws:rds:{region}:{account_id}:db:{identifier}*"]


def event_subscription(scope: Construct, name: str, source_ids: Sequence[str], topic_arn: str) -> DbEventSubscription:
    """RDS events of the primary and its replicas to the alarm topic; source_ids should be the
    instances' identifier attributes, so the subscription follows the instances."""
    return DbEventSubscription(
        scope,
        "events",
        name=name,
        sns_topic=topic_arn,
        source_type="db-instance",
        source_ids=list(source_ids),
        event_categories=list(EVENT_CATEGORIES),
        enabled=True,
        tags={"Name": name},
    )


def exported_log_groups(scope: Construct, prefix: str, identifier: str, logs: Sequence[str], retention_days: int, key_arn: str) -> list[CloudwatchLogGroup]:
    """One encrypted group per exported log of one instance: RDS would create them itself,
    unencrypted and kept forever, so the instance must depend on these."""
    return [
        CloudwatchLogGroup(
            scope,
            f"{prefix}_{log}_logs",
            # The name RDS writes to; it must exist before the instance does.
            name=rds_log_group(identifier, log),
            retention_in_days=retention_days,
            kms_key_id=key_arn,
            tags={"Name": f"{identifier}-{log}"},
        )
        for log in logs
    ]


@dataclass(frozen=True)
class MonitoringRoleProps:
    """name: prefix of the role name; identifier: instances the role serves (identifier*, so
    replicas too); create_os_metrics_log_group: see DatabaseProps."""

    name: str
    identifier: str
    region: str
    account_id: str
    create_os_metrics_log_group: bool
    log_retention_days: int
    log_key_arn: str


def enhanced_monitoring_role(scope: Construct, props: MonitoringRoleProps) -> IamRole:
    """The role Enhanced Monitoring publishes OS metrics with, trusted only for these instances."""
    if props.create_os_metrics_log_group:
        # Enhanced Monitoring writes to this fixed, account-wide group; made here it is
        # encrypted and expires like every other log.
        CloudwatchLogGroup(
            scope,
            "os_metrics_logs",
            name="RDSOSMetrics",
            retention_in_days=props.log_retention_days,
            kms_key_id=props.log_key_arn,
            tags={"Name": "RDSOSMetrics"},
        )
    role = IamRole(
        scope,
        "monitoring_role",
        name=f"{props.name}-rds-monitoring",
        description="Enhanced Monitoring publishes OS metrics of the database instances",
        # Confused-deputy guard: only this account's instances of this database.
        assume_role_policy=service_trust_policy(
            "monitoring.rds.amazonaws.com",
            source_account=props.account_id,
            source_arn=f"arn:aws:rds:{props.region}:{props.account_id}:db:{props.identifier}*",
        ),
        tags={"Name": f"{props.name}-rds-monitoring"},
    )
    # AWS maintains this policy: write access to the RDSOSMetrics log group only.
    IamRolePolicyAttachment(
        scope,
        "monitoring_policy",
        role=role.name,
        policy_arn="arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    )
    return role


@dataclass(frozen=True)
class DatabaseAlarmProps:
    """Thresholds of the instance alarms; every alarm reports to topic_arn. replica_ids: the
    read replicas' identifiers, each alarmed when it lags more than replica_lag_seconds."""

    identifier: str
    topic_arn: str
    max_connections: int
    free_storage_bytes: int
    free_memory_mib: int
    replica_ids: Sequence[str] = ()
    replica_lag_seconds: int = 60


def add_database_alarms(scope: Construct, props: DatabaseAlarmProps) -> None:
    """CPU, free storage, free memory and connections of the primary; lag of each replica."""

    def alarm(id: str, suffix: str, instance: str, **kwargs) -> None:
        MetricAlarm(
            scope,
            id,
            MetricAlarmProps(
                name=f"{instance}-{suffix}",
                namespace="AWS/RDS",
                dimensions={"DBInstanceIdentifier": instance},
                topic_arn=props.topic_arn,
                **kwargs,
            ),
        )

    ident = props.identifier
    alarm("cpu_alarm", "cpu", ident, metric="CPUUtilization", statistic="Average", comparison=">", threshold=80,
          description=f"{ident}: CPU above 80% for 15 minutes; look at Performance Insights' top SQL, then the class")
    alarm("storage_alarm", "free-storage", ident, metric="FreeStorageSpace", statistic="Minimum", comparison="<",
          threshold=props.free_storage_bytes, periods=1,
          description=f"{ident}: free storage below {props.free_storage_bytes // GIB} GiB; autoscaling is at its ceiling or cooling down")
    alarm("memory_alarm", "free-memory", ident, metric="FreeableMemory", statistic="Average", comparison="<",
          threshold=props.free_memory_mib * MIB,
          description=f"{ident}: freeable memory below {props.free_memory_mib} MiB for 15 minutes; check connections and work_mem")
    connections = int(props.max_connections * 0.8)
    alarm("connections_alarm", "connections", ident, metric="DatabaseConnections", statistic="Maximum", comparison=">",
          threshold=connections,
          description=f"{ident}: more than {connections} of {props.max_connections} connections for 15 minutes; check client pools")
    for n, replica_id in enumerate(props.replica_ids, start=1):
        # A replica serves reads; one that falls behind serves stale data.
        alarm(f"replica_{n}_lag_alarm", "replica-lag", replica_id, metric="ReplicaLag", statistic="Maximum", comparison=">",
              threshold=props.replica_lag_seconds,
              description=f"{replica_id}: more than {props.replica_lag_seconds} s behind the primary for 15 minutes; check write load and the replica's class")
