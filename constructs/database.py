"""PostgreSQL on RDS: private, encrypted, IAM-authenticated, tuned, monitored and alarmed."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.db_instance import DbInstance
from cdktf_cdktf_provider_aws.db_parameter_group import DbParameterGroup, DbParameterGroupParameter
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment

from constructs import Construct
from constructs.client_security_group import ClientSecurityGroup, ClientSecurityGroupProps
from constructs.metric_alarm import MetricAlarm, MetricAlarmProps
from constructs.trust_policy import service_trust_policy

PORT = 5432
# Logs RDS can export for PostgreSQL: the server log (slow statements, DDL, locks, errors)
# and the log of engine upgrades.
LOG_EXPORTS = ("postgresql", "upgrade")
MONITORING_INTERVALS = (1, 5, 10, 15, 30, 60)
# Current RDS CA; the provider's default can still be an expiring one on older accounts.
CA_CERT = "rds-ca-rsa2048-g1"
GIB = 1024**3
MIB = 1024**2
_CLASS = re.compile(r"^db\.[a-z0-9]+\.[a-z0-9]+$")
_DAILY = re.compile(r"^\d\d:\d\d-\d\d:\d\d$")
_WEEKLY = re.compile(r"^[a-z]{3}:\d\d:\d\d-[a-z]{3}:\d\d:\d\d$")
_IDENT = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class Parameter:
    """One PostgreSQL setting and why it has the value it has."""

    name: str
    value: str
    # Static parameters only take effect after a reboot; RDS rejects "immediate" for them.
    apply_method: str
    why: str


def postgres_parameters(max_connections: int, slow_statement_ms: int) -> list[Parameter]:
    """The tuned parameter group. Memory settings are RDS formulas over DBInstanceClassMemory
    (bytes), so they follow the instance class when it is resized, without a new group."""
    # work_mem (kB) = a quarter of memory shared by every allowed connection: one sort per
    # backend at once never pushes the instance into swap.
    work_mem_divisor = 4 * 1024 * max_connections
    return [
        Parameter("rds.force_ssl", "1", "pending-reboot", "reject every connection that is not TLS: credentials and data never cross the VPC in clear text"),
        Parameter("ssl_min_protocol_version", "TLSv1.2", "pending-reboot", "no TLS 1.0/1.1 clients"),
        Parameter("max_connections", str(max_connections), "pending-reboot", "explicit ceiling sized per environment; the connections alarm fires at 80% of it"),
        Parameter("shared_buffers", "{DBInstanceClassMemory/32768}", "pending-reboot", "a quarter of memory (8 kB pages) for PostgreSQL's own cache; the OS page cache holds the rest"),
        Parameter("effective_cache_size", "{DBInstanceClassMemory*3/32768}", "immediate", "tells the planner three quarters of memory caches data, so it prefers index scans"),
        Parameter("work_mem", f"GREATEST({{DBInstanceClassMemory/{work_mem_divisor}}},4096)", "immediate", "per-sort memory: a quarter of memory over max_connections, at least 4 MB"),
        Parameter("maintenance_work_mem", "GREATEST({DBInstanceClassMemory/16384},65536)", "immediate", "a sixteenth of memory (at least 64 MB) so vacuum and index builds finish quickly"),
        Parameter("log_min_duration_statement", str(slow_statement_ms), "immediate", "log every statement slower than this many milliseconds, with its duration"),
        Parameter("log_statement", "ddl", "immediate", "log schema changes: who changed which table, and when"),
        Parameter("log_lock_waits", "1", "immediate", "log waits longer than deadlock_timeout: lock contention shows up before it becomes an outage"),
        Parameter("log_temp_files", "10240", "immediate", "log sorts and hashes that spill more than 10 MB to disk: the sign work_mem is too small"),
        Parameter("log_autovacuum_min_duration", "10000", "immediate", "log autovacuum runs longer than 10 s, the usual first sign of bloat"),
        Parameter("track_io_timing", "1", "immediate", "I/O time per query in pg_stat_statements and Performance Insights"),
    ]


@dataclass(frozen=True)
class DatabaseProps:
    """Settings for the database.

    name: prefix of every Terraform-visible name, e.g. "sparki-dev"; the instance is
        <name>-postgres, replicas <name>-postgres-replica-<n>.
    region / account_id: where the instances live; they scope the monitoring role's trust.
    engine_version: PostgreSQL major, e.g. "16"; minor versions are applied automatically in
        the maintenance window.
    instance_class: "db.<family>.<size>", e.g. "db.t4g.medium".
    storage_key_arn: KMS key for storage, snapshots and Performance Insights.
    secret_key_arn: KMS key for the master password secret RDS keeps in Secrets Manager.
    log_key_arn: KMS key for the CloudWatch log groups (its policy must admit CloudWatch Logs).
    alarm_topic_arn: SNS topic every alarm reports to.
    allocated_storage_gib / max_allocated_storage_gib: gp3 allocation (>= 20) and the
        autoscaling ceiling (> allocation); default 20 / 100.
    multi_az, deletion_protection: default True (secure defaults; dev turns them off).
    backup_retention_days: 1..35; default 7. Backups cannot be turned off.
    read_replicas: same-region read replicas, 0..5; default 0. Each gets a replica-lag alarm.
    max_connections: 20..5000; default 100. Drives work_mem and the connections alarm.
    slow_statement_ms: log statements slower than this, >= 100; default 500.
    monitoring_interval: Enhanced Monitoring seconds (1, 5, 10, 15, 30, 60); default 60.
    insights_retention_days: 7 or a multiple of 31 up to 731; default 7 (the free tier).
    log_retention_days: retention of the exported logs; default 90.
    client_security_group_ids: groups that may connect on 5432; default none (nobody can).
    free_memory_alarm_mib: alarm when freeable memory drops below this; default 256.
    replica_lag_alarm_seconds: alarm when a read replica is further behind; default 60.
    create_os_metrics_log_group: create the account-wide RDSOSMetrics log group (encrypted,
        with retention) that Enhanced Monitoring writes to; default True. Set False for a
        second database in the same account and region.
    """

    name: str
    region: str
    account_id: str
    vpc_id: str
    subnet_group_name: str
    engine_version: str
    instance_class: str
    storage_key_arn: str
    secret_key_arn: str
    log_key_arn: str
    alarm_topic_arn: str
    allocated_storage_gib: int = 20
    max_allocated_storage_gib: int = 100
    multi_az: bool = True
    deletion_protection: bool = True
    backup_retention_days: int = 7
    backup_window: str = "03:00-04:00"
    maintenance_window: str = "sun:04:30-sun:05:30"
    read_replicas: int = 0
    max_connections: int = 100
    slow_statement_ms: int = 500
    monitoring_interval: int = 60
    insights_retention_days: int = 7
    log_retention_days: int = 90
    client_security_group_ids: Sequence[str] = ()
    free_memory_alarm_mib: int = 256
    replica_lag_alarm_seconds: int = 60
    create_os_metrics_log_group: bool = True
    database_name: str = "sparki"
    master_username: str = "sparki_admin"

    def __post_init__(self) -> None:
        if not re.fullmatch(r"\d+", self.engine_version):
            raise ValueError(f"engine_version={self.engine_version!r}: give the PostgreSQL major only, e.g. '16'")
        if not _CLASS.match(self.instance_class):
            raise ValueError(f"instance_class={self.instance_class!r}: must be an RDS class like 'db.t4g.medium'")
        if self.allocated_storage_gib < 20:
            raise ValueError(f"allocated_storage_gib={self.allocated_storage_gib}: gp3 needs at least 20")
        if self.max_allocated_storage_gib <= self.allocated_storage_gib:
            raise ValueError(f"max_allocated_storage_gib={self.max_allocated_storage_gib}: must exceed allocated_storage_gib={self.allocated_storage_gib}, or storage cannot grow")
        if not 1 <= self.backup_retention_days <= 35:
            raise ValueError(f"backup_retention_days={self.backup_retention_days}: must be between 1 and 35")
        if not 0 <= self.read_replicas <= 5:
            raise ValueError(f"read_replicas={self.read_replicas}: must be between 0 and 5")
        if not 20 <= self.max_connections <= 5000:
            raise ValueError(f"max_connections={self.max_connections}: must be between 20 and 5000")
        if self.slow_statement_ms < 100:
            raise ValueError(f"slow_statement_ms={self.slow_statement_ms}: must be at least 100, lower floods the log")
        if self.monitoring_interval not in MONITORING_INTERVALS:
            raise ValueError(f"monitoring_interval={self.monitoring_interval}: must be one of {MONITORING_INTERVALS}")
        days = self.insights_retention_days
        if not (days == 7 or (days % 31 == 0 and 31 <= days <= 731)):
            raise ValueError(f"insights_retention_days={days}: must be 7 or a multiple of 31 up to 731")
        if not _DAILY.match(self.backup_window):
            raise ValueError(f"backup_window={self.backup_window!r}: use 'hh:mm-hh:mm' (UTC)")
        if not _WEEKLY.match(self.maintenance_window):
            raise ValueError(f"maintenance_window={self.maintenance_window!r}: use 'ddd:hh:mm-ddd:hh:mm' (UTC)")
        for fname in ("database_name", "master_username"):
            if not _IDENT.match(getattr(self, fname)):
                raise ValueError(f"{fname}={getattr(self, fname)!r}: use a lowercase PostgreSQL identifier")
        if self.free_memory_alarm_mib < 1 or self.replica_lag_alarm_seconds < 1:
            raise ValueError("free_memory_alarm_mib and replica_lag_alarm_seconds must be positive")

    @property
    def identifier(self) -> str:
        return f"{self.name}-postgres"

    @property
    def free_storage_alarm_bytes(self) -> int:
        """Autoscaling adds storage when a tenth is free; alarm at a twentieth of the first
        allocation (at least 2 GiB) means autoscaling could not keep up or hit its ceiling."""
        return max(2 * GIB, self.allocated_storage_gib * GIB // 20)


class Database(Construct):
    """A PostgreSQL instance no one reaches without TLS, a client security group and either
    IAM or the RDS-managed master secret; every log and metric is kept, every limit alarmed."""

    def __init__(self, scope: Construct, id: str, props: DatabaseProps) -> None:
        super().__init__(scope, id)
        self._props = props
        major = props.engine_version

        self.security_group = ClientSecurityGroup(
            self,
            "security_group",
            ClientSecurityGroupProps(
                name=props.identifier,
                description=f"PostgreSQL {PORT} from the client security groups of {props.name}",
                vpc_id=props.vpc_id,
                port=PORT,
                client_security_group_ids=props.client_security_group_ids,
            ),
        )

        parameters = DbParameterGroup(
            self,
            "parameters",
            name=f"{props.identifier}{major}",
            family=f"postgres{major}",
            description=f"Tuned PostgreSQL {major} settings of {props.name} (docs/data.md)",
            parameter=[
                DbParameterGroupParameter(name=p.name, value=p.value, apply_method=p.apply_method)
                for p in postgres_parameters(props.max_connections, props.slow_statement_ms)
            ],
            # A major upgrade needs a group of the new family; the name carries the major, so
            # the new group exists before the instance switches and the old one goes after.
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
            tags={"Name": f"{props.identifier}{major}"},
        )

        monitoring_role = self._monitoring_role()

        primary_logs = self._log_groups("primary", props.identifier)
        primary = DbInstance(
            self,
            "instance",
            identifier=props.identifier,
            engine="postgres",
            engine_version=major,
            instance_class=props.instance_class,
            db_name=props.database_name,
            username=props.master_username,
            port=PORT,
            # RDS generates the master password, keeps it in Secrets Manager under the secrets
            # key and rotates it; Terraform never sees it, so neither JSON nor state holds it.
            manage_master_user_password=True,
            master_user_secret_kms_key_id=props.secret_key_arn,
            # Applications authenticate with short-lived IAM tokens; the master secret is for
            # break-glass administration only.
            iam_database_authentication_enabled=True,
            storage_type="gp3",
            allocated_storage=props.allocated_storage_gib,
            max_allocated_storage=props.max_allocated_storage_gib,
            storage_encrypted=True,
            kms_key_id=props.storage_key_arn,
            db_subnet_group_name=props.subnet_group_name,
            vpc_security_group_ids=[self.security_group.security_group_id],
            publicly_accessible=False,
            ca_cert_identifier=CA_CERT,
            parameter_group_name=parameters.name,
            multi_az=props.multi_az,
            deletion_protection=props.deletion_protection,
            backup_retention_period=props.backup_retention_days,
            backup_window=props.backup_window,
            maintenance_window=props.maintenance_window,
            copy_tags_to_snapshot=True,
            # Keep automated backups after the instance is deleted, until their retention ends.
            delete_automated_backups=False,
            skip_final_snapshot=False,
            final_snapshot_identifier=f"{props.identifier}-final",
            auto_minor_version_upgrade=True,
            allow_major_version_upgrade=False,
            # Changes wait for the maintenance window unless an operator applies them.
            apply_immediately=False,
            performance_insights_enabled=True,
            performance_insights_kms_key_id=props.storage_key_arn,
            performance_insights_retention_period=props.insights_retention_days,
            monitoring_interval=props.monitoring_interval,
            monitoring_role_arn=monitoring_role.arn,
            enabled_cloudwatch_logs_exports=list(LOG_EXPORTS),
            # RDS would create the log groups itself, unencrypted and kept forever.
            depends_on=primary_logs,
            tags={"Name": props.identifier},
        )

        self.replicas: list[DbInstance] = []
        for n in range(1, props.read_replicas + 1):
            replica_id = f"{props.identifier}-replica-{n}"
            logs = self._log_groups(f"replica_{n}", replica_id)
            self.replicas.append(
                DbInstance(
                    self,
                    f"replica_{n}",
                    identifier=replica_id,
                    # Engine, version, credentials, storage encryption key and subnet group
                    # come from the source; RDS refuses some of them on a replica.
                    replicate_source_db=primary.identifier,
                    instance_class=props.instance_class,
                    port=PORT,
                    iam_database_authentication_enabled=True,
                    storage_type="gp3",
                    max_allocated_storage=props.max_allocated_storage_gib,
                    storage_encrypted=True,
                    kms_key_id=props.storage_key_arn,
                    vpc_security_group_ids=[self.security_group.security_group_id],
                    publicly_accessible=False,
                    ca_cert_identifier=CA_CERT,
                    parameter_group_name=parameters.name,
                    # A replica is a data store of its own: it gets a standby where the
                    # primary has one.
                    multi_az=props.multi_az,
                    deletion_protection=props.deletion_protection,
                    maintenance_window=props.maintenance_window,
                    copy_tags_to_snapshot=True,
                    # A replica is rebuilt from the primary; its final snapshot would only
                    # duplicate the primary's.
                    skip_final_snapshot=True,
                    auto_minor_version_upgrade=True,
                    apply_immediately=False,
                    performance_insights_enabled=True,
                    performance_insights_kms_key_id=props.storage_key_arn,
                    performance_insights_retention_period=props.insights_retention_days,
                    monitoring_interval=props.monitoring_interval,
                    monitoring_role_arn=monitoring_role.arn,
                    enabled_cloudwatch_logs_exports=list(LOG_EXPORTS),
                    depends_on=logs,
                    tags={"Name": replica_id},
                )
            )

        self._alarms()

        self.identifier: str = props.identifier
        self.endpoint: str = primary.address
        self.port = primary.port
        self.resource_id: str = primary.resource_id
        self.arn: str = primary.arn
        self.master_secret_arn: str = primary.master_user_secret.get(0).secret_arn
        self.security_group_id: str = self.security_group.security_group_id
        self.parameter_group_name: str = parameters.name
        self.replica_endpoints: list[str] = [r.address for r in self.replicas]

    def _log_groups(self, prefix: str, identifier: str) -> list[CloudwatchLogGroup]:
        props = self._props
        return [
            CloudwatchLogGroup(
                self,
                f"{prefix}_{log}_logs",
                # The name RDS writes to; it must exist before the instance does.
                name=f"/aws/rds/instance/{identifier}/{log}",
                retention_in_days=props.log_retention_days,
                kms_key_id=props.log_key_arn,
                tags={"Name": f"{identifier}-{log}"},
            )
            for log in LOG_EXPORTS
        ]

    def _monitoring_role(self) -> IamRole:
        props = self._props
        if props.create_os_metrics_log_group:
            # Enhanced Monitoring writes to this fixed, account-wide group; made here it is
            # encrypted and expires like every other log.
            CloudwatchLogGroup(
                self,
                "os_metrics_logs",
                name="RDSOSMetrics",
                retention_in_days=props.log_retention_days,
                kms_key_id=props.log_key_arn,
                tags={"Name": "RDSOSMetrics"},
            )
        role = IamRole(
            self,
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
            self,
            "monitoring_policy",
            role=role.name,
            policy_arn="arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
        )
        return role

    def _alarms(self) -> None:
        props = self._props

        def alarm(id: str, suffix: str, instance: str, **kwargs) -> None:
            MetricAlarm(
                self,
                id,
                MetricAlarmProps(
                    name=f"{instance}-{suffix}",
                    namespace="AWS/RDS",
                    dimensions={"DBInstanceIdentifier": instance},
                    topic_arn=props.alarm_topic_arn,
                    **kwargs,
                ),
            )

        ident = props.identifier
        alarm("cpu_alarm", "cpu", ident, metric="CPUUtilization", statistic="Average", comparison=">", threshold=80,
              description=f"{ident}: CPU above 80% for 15 minutes; look at Performance Insights' top SQL, then the class")
        alarm("storage_alarm", "free-storage", ident, metric="FreeStorageSpace", statistic="Minimum", comparison="<",
              threshold=props.free_storage_alarm_bytes, periods=1,
              description=f"{ident}: free storage below {props.free_storage_alarm_bytes // GIB} GiB; autoscaling is at its ceiling or cooling down")
        alarm("memory_alarm", "free-memory", ident, metric="FreeableMemory", statistic="Average", comparison="<",
              threshold=props.free_memory_alarm_mib * MIB,
              description=f"{ident}: freeable memory below {props.free_memory_alarm_mib} MiB for 15 minutes; check connections and work_mem")
        connections = int(props.max_connections * 0.8)
        alarm("connections_alarm", "connections", ident, metric="DatabaseConnections", statistic="Maximum", comparison=">",
              threshold=connections,
              description=f"{ident}: more than {connections} of {props.max_connections} connections for 15 minutes; check client pools")
        for n in range(1, props.read_replicas + 1):
            replica_id = f"{ident}-replica-{n}"
            alarm(f"replica_{n}_lag_alarm", "replica-lag", replica_id, metric="ReplicaLag", statistic="Maximum", comparison=">",
                  threshold=props.replica_lag_alarm_seconds,
                  description=f"{replica_id}: more than {props.replica_lag_alarm_seconds} s behind the primary for 15 minutes")
