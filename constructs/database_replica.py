"""A cross-Region read replica of a PostgreSQL instance, ready to be promoted, and the
replication of the source's automated backups into the same region."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.db_instance import DbInstance
from cdktf_cdktf_provider_aws.db_instance_automated_backups_replication import DbInstanceAutomatedBackupsReplication

from constructs import Construct
from constructs.client_security_group import ClientSecurityGroup, ClientSecurityGroupProps
from constructs.database import DatabaseProps
from constructs.database_monitoring import (
    DatabaseAlarmProps,
    MonitoringRoleProps,
    add_database_alarms,
    enhanced_monitoring_role,
    event_subscription,
    exported_log_groups,
)
from constructs.database_settings import LOG_EXPORTS, PORT, instance_settings, tuned_parameter_group


@dataclass(frozen=True)
class DatabaseReplicaProps:
    """Settings for the DR copy of a database.

    source: the primary's DatabaseProps (class, storage, parameters, windows, alarms): the
        replica is built to the same settings, so that a promoted replica is the same database.
    source_arn: the primary instance's ARN (a cross-Region source is named by ARN).
    name / region / vpc_id / subnet_group_name / storage_key_arn / log_key_arn /
    alarm_topic_arn / client_security_group_ids: as DatabaseProps, in the replica's region.
    promoted: False: a replica of source_arn, its lag alarmed. True: a standalone primary
        (the provider promotes a replica when replicate_source_db is removed), so the plan after
        `make failover` keeps it instead of recreating a replica.
    """

    source: DatabaseProps
    source_arn: str
    name: str
    region: str
    vpc_id: str
    subnet_group_name: str
    storage_key_arn: str
    log_key_arn: str
    alarm_topic_arn: str
    client_security_group_ids: Sequence[str] = ()
    promoted: bool = False

    def __post_init__(self) -> None:
        if not self.source_arn.startswith("arn:aws:rds:") or ":db:" not in self.source_arn:
            raise ValueError(f"source_arn={self.source_arn!r}: give the source instance's ARN, arn:aws:rds:<region>:<account>:db:<id>")
        if self.source.master_password != "write-only":
            raise ValueError("source.master_password must be 'write-only': RDS creates no read replica of a source whose master password it manages")
        if f":{self.region}:" in self.source_arn:
            raise ValueError(f"region={self.region}: the source is in the same region; this construct makes cross-Region replicas")

    @property
    def identifier(self) -> str:
        return f"{self.name}-postgres"


class DatabaseReplica(Construct):
    """An encrypted (with this region's key), private, IAM-authenticated replica with the
    source's class, parameters, Multi-AZ standby and monitoring; the source's automated backups
    replicate into this region as well. Outputs: identifier, endpoint, port, arn."""

    def __init__(self, scope: Construct, id: str, props: DatabaseReplicaProps) -> None:
        super().__init__(scope, id)
        source, ident = props.source, props.identifier
        security_group = ClientSecurityGroup(
            self,
            "security_group",
            ClientSecurityGroupProps(
                name=ident,
                description=f"PostgreSQL {PORT} from the client security groups of {props.name}",
                vpc_id=props.vpc_id,
                port=PORT,
                client_security_group_ids=props.client_security_group_ids,
            ),
        )
        parameters = tuned_parameter_group(self, source, identifier=ident, described_as=f"{props.name}, as the source's (docs/data.md)")
        monitoring_role = enhanced_monitoring_role(
            self,
            MonitoringRoleProps(
                name=props.name,
                identifier=ident,
                region=props.region,
                account_id=source.account_id,
                create_os_metrics_log_group=True,
                log_retention_days=source.log_retention_days,
                log_key_arn=props.log_key_arn,
            ),
        )
        logs = exported_log_groups(self, "replica", ident, LOG_EXPORTS, source.log_retention_days, props.log_key_arn)
        instance = DbInstance(
            self,
            "instance",
            identifier=ident,
            **({} if props.promoted else {"replicate_source_db": props.source_arn}),
            **instance_settings(
                source, storage_key_arn=props.storage_key_arn, security_group_id=security_group.security_group_id,
                parameter_group_name=parameters.name, monitoring_role_arn=monitoring_role.arn,
            ),
            # The source's size, stated: a replica starts at it anyway, and the cost estimate and
            # reviewers read it here (storage autoscaling up to the maximum keeps the plan quiet).
            allocated_storage=source.allocated_storage_gib,
            db_subnet_group_name=props.subnet_group_name,
            # Backups run on the replica too, so a promoted replica is backed up from its first hour.
            backup_retention_period=source.backup_retention_days,
            backup_window=source.backup_window,
            delete_automated_backups=False,
            skip_final_snapshot=False,
            final_snapshot_identifier=f"{ident}-final",
            depends_on=logs,
            tags={"Name": ident},
        )
        # Point-in-time restore in this region even if the source region and the replica are
        # both lost (a replica copies mistakes too; backups let an operator go back before one).
        DbInstanceAutomatedBackupsReplication(
            self,
            "backups",
            source_db_instance_arn=props.source_arn,
            kms_key_id=props.storage_key_arn,
            retention_period=source.backup_retention_days,
        )
        add_database_alarms(
            self,
            DatabaseAlarmProps(
                identifier=ident,
                topic_arn=props.alarm_topic_arn,
                max_connections=source.max_connections,
                free_storage_bytes=source.free_storage_alarm_bytes,
                free_memory_mib=source.free_memory_alarm_mib,
                replica_ids=() if props.promoted else (ident,),
                replica_lag_seconds=source.replica_lag_alarm_seconds,
            ),
        )
        event_subscription(self, f"{ident}-events", [instance.identifier], props.alarm_topic_arn)
        self.identifier: str = ident
        self.endpoint: str = instance.address
        self.port = instance.port
        self.arn: str = instance.arn
        self.security_group_id: str = security_group.security_group_id
