"""PostgreSQL on RDS: private, encrypted, IAM-authenticated, tuned, monitored and alarmed."""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdktf_cdktf_provider_aws.db_instance import DbInstance

from catalog.aws import (
    DAILY_WINDOW,
    DB_PASSWORD_SCHEMES,
    INSIGHTS_RETENTION_DAYS,
    MAX_BACKUP_RETENTION_DAYS,
    MAX_DB_READ_REPLICAS,
    MONITORING_INTERVALS,
    WEEKLY_WINDOW,
)
from catalog.naming import database_identifier
from constructs import Construct
from constructs.client_security_group import ClientSecurityGroup, ClientSecurityGroupProps
from constructs.database_credentials import MasterSecretProps, instance_credentials, master_secret, master_secret_name
from constructs.database_monitoring import (
    GIB,
    DatabaseAlarmProps,
    MonitoringRoleProps,
    add_database_alarms,
    enhanced_monitoring_role,
    event_subscription,
    exported_log_groups,
)
from constructs.database_settings import LOG_EXPORTS, PORT, instance_settings, tuned_parameter_group

_CLASS = re.compile(r"^db\.[a-z0-9]+\.[a-z0-9]+$")
_IDENT = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


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
    secret_key_arn: KMS key for the master password's secret (ours or RDS's).
    log_key_arn: KMS key for the CloudWatch log groups (its policy must admit CloudWatch Logs).
    alarm_topic_arn: SNS topic every alarm and every RDS event subscription reports to; its
        policy and key must admit events.rds.amazonaws.com for event_source_arns(...).
    allocated_storage_gib / max_allocated_storage_gib: gp3 allocation (>= 20) and the
        autoscaling ceiling (> allocation); default 20 / 100.
    multi_az, deletion_protection: default True (secure defaults; dev turns them off).
    backup_retention_days: 1..35; default 7. Backups cannot be turned off.
    master_password: "write-only" (default): an ephemeral password goes to the instance and to
        the secret <name>/postgres/master through write-only arguments, in no JSON, plan or
        state; "rds-managed": RDS keeps and rotates it in a secret of its own (no replicas).
    password_version: "write-only" only; a higher number sends a fresh password to the
        instance and the secret in the same apply; default 1.
    secret_recovery_days: "write-only" only; days a deleted master secret can be restored,
        7..30; default 30.
    read_replicas: same-region read replicas, 0..5; default 0; needs "write-only" (RDS creates
        no read replica of a source whose password it manages). Each gets a replica-lag alarm.
    replica_lag_alarm_seconds: alarm when a read replica is further behind; default 60.
    max_connections: 20..5000; default 100. Drives work_mem and the connections alarm.
    slow_statement_ms: log statements slower than this, >= 100; default 500.
    explain_statement_ms: auto_explain logs the plan of statements slower than this, at least
        slow_statement_ms; default 1000.
    explain_sample_rate: share of sessions auto_explain samples, 0 < rate <= 1; default 1.
    monitoring_interval: Enhanced Monitoring seconds (1, 5, 10, 15, 30, 60); default 60.
    insights_retention_days: 7 or a multiple of 31 up to 731; default 7 (the free tier).
    log_retention_days: retention of the exported logs; default 90.
    client_security_group_ids: groups that may connect on 5432; default none (nobody can).
    free_memory_alarm_mib: alarm when freeable memory drops below this; default 256.
    create_os_metrics_log_group: create the account-wide RDSOSMetrics log group (encrypted,
        with retention) that Enhanced Monitoring writes to; default True. Set False for a
        second database in the same account and region.
    secret_replica_key_arns: "write-only" only; region -> key there: the master secret is
        replicated to each (the DR region, where the promoted replica needs it); default none.
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
    master_password: str = "write-only"
    password_version: int = 1
    secret_recovery_days: int = 30
    read_replicas: int = 0
    replica_lag_alarm_seconds: int = 60
    max_connections: int = 100
    slow_statement_ms: int = 500
    explain_statement_ms: int = 1000
    explain_sample_rate: float = 1.0
    monitoring_interval: int = 60
    insights_retention_days: int = 7
    log_retention_days: int = 90
    client_security_group_ids: Sequence[str] = ()
    free_memory_alarm_mib: int = 256
    create_os_metrics_log_group: bool = True
    secret_replica_key_arns: Mapping[str, str] = field(default_factory=dict)
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
        if not 1 <= self.backup_retention_days <= MAX_BACKUP_RETENTION_DAYS:
            raise ValueError(f"backup_retention_days={self.backup_retention_days}: must be between 1 and 35")
        if self.master_password not in DB_PASSWORD_SCHEMES:
            raise ValueError(f"master_password={self.master_password!r}: must be one of {DB_PASSWORD_SCHEMES}")
        if self.password_version < 1 or self.replica_lag_alarm_seconds < 1:
            raise ValueError(f"password_version={self.password_version}, replica_lag_alarm_seconds={self.replica_lag_alarm_seconds}: must be positive")
        if not 7 <= self.secret_recovery_days <= 30:
            raise ValueError(f"secret_recovery_days={self.secret_recovery_days}: must be between 7 and 30")
        if not 0 <= self.read_replicas <= MAX_DB_READ_REPLICAS:
            raise ValueError(f"read_replicas={self.read_replicas}: must be between 0 and {MAX_DB_READ_REPLICAS}")
        if self.read_replicas and self.master_password == "rds-managed":
            raise ValueError(f"read_replicas={self.read_replicas}: RDS creates no read replica of a source whose master password it manages; use master_password='write-only'")
        if not 20 <= self.max_connections <= 5000:
            raise ValueError(f"max_connections={self.max_connections}: must be between 20 and 5000")
        if self.slow_statement_ms < 100:
            raise ValueError(f"slow_statement_ms={self.slow_statement_ms}: must be at least 100, lower floods the log")
        if self.explain_statement_ms < self.slow_statement_ms:
            raise ValueError(f"explain_statement_ms={self.explain_statement_ms}: must be at least slow_statement_ms={self.slow_statement_ms}")
        if not 0 < self.explain_sample_rate <= 1:
            raise ValueError(f"explain_sample_rate={self.explain_sample_rate}: must be above 0 and at most 1")
        if self.monitoring_interval not in MONITORING_INTERVALS:
            raise ValueError(f"monitoring_interval={self.monitoring_interval}: must be one of {MONITORING_INTERVALS}")
        days = self.insights_retention_days
        if days not in INSIGHTS_RETENTION_DAYS:
            raise ValueError(f"insights_retention_days={days}: must be 7 or a multiple of 31 up to 731")
        if not DAILY_WINDOW.match(self.backup_window):
            raise ValueError(f"backup_window={self.backup_window!r}: use 'hh:mm-hh:mm' (UTC)")
        if not WEEKLY_WINDOW.match(self.maintenance_window):
            raise ValueError(f"maintenance_window={self.maintenance_window!r}: use 'ddd:hh:mm-ddd:hh:mm' (UTC)")
        for fname in ("database_name", "master_username"):
            if not _IDENT.match(getattr(self, fname)):
                raise ValueError(f"{fname}={getattr(self, fname)!r}: use a lowercase PostgreSQL identifier")
        if self.free_memory_alarm_mib < 1:
            raise ValueError(f"free_memory_alarm_mib={self.free_memory_alarm_mib}: must be positive")

    @property
    def identifier(self) -> str:
        return database_identifier(self.name)

    @property
    def free_storage_alarm_bytes(self) -> int:
        """Autoscaling adds storage when a tenth is free; alarm at a twentieth of the first
        allocation (at least 2 GiB) means autoscaling could not keep up or hit its ceiling."""
        return max(2 * GIB, self.allocated_storage_gib * GIB // 20)


class Database(Construct):
    """A PostgreSQL instance (and its read replicas) no one reaches without TLS, a client
    security group and either IAM or the master secret, whose password is in no JSON or state;
    every log and metric is kept, every limit alarmed."""

    def __init__(self, scope: Construct, id: str, props: DatabaseProps) -> None:
        super().__init__(scope, id)
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

        parameters = tuned_parameter_group(self, props, identifier=props.identifier, described_as=f"{props.name} (docs/data.md)")

        monitoring_role = enhanced_monitoring_role(
            self,
            MonitoringRoleProps(
                name=props.name,
                identifier=props.identifier,
                region=props.region,
                account_id=props.account_id,
                create_os_metrics_log_group=props.create_os_metrics_log_group,
                log_retention_days=props.log_retention_days,
                log_key_arn=props.log_key_arn,
            ),
        )
        shared = instance_settings(
            props, storage_key_arn=props.storage_key_arn, security_group_id=self.security_group.security_group_id,
            parameter_group_name=parameters.name, monitoring_role_arn=monitoring_role.arn,
        )

        def logs(prefix: str, identifier: str) -> list:
            # RDS would create the exported log groups itself, unencrypted and kept forever.
            return exported_log_groups(self, prefix, identifier, LOG_EXPORTS, props.log_retention_days, props.log_key_arn)

        credentials, password = instance_credentials(self, props.master_password, props.secret_key_arn, props.password_version)
        primary = DbInstance(
            self,
            "instance",
            identifier=props.identifier,
            engine="postgres",
            engine_version=major,
            db_name=props.database_name,
            username=props.master_username,
            **credentials,
            allocated_storage=props.allocated_storage_gib,
            db_subnet_group_name=props.subnet_group_name,
            backup_retention_period=props.backup_retention_days,
            backup_window=props.backup_window,
            # Keep automated backups after the instance is deleted, until their retention ends.
            delete_automated_backups=False,
            skip_final_snapshot=False,
            final_snapshot_identifier=f"{props.identifier}-final",
            allow_major_version_upgrade=False,
            depends_on=logs("primary", props.identifier),
            tags={"Name": props.identifier},
            **shared,
        )
        if password is not None:
            secret = master_secret(
                self,
                MasterSecretProps(
                    master_secret_name(props.name), props.secret_key_arn, props.secret_recovery_days, props.password_version, props.secret_replica_key_arns
                ),
                username=props.master_username,
                password=password,
                host=primary.address,
                port=primary.port,
            )
            self.master_secret_arn: str = secret.arn
        else:
            self.master_secret_arn = primary.master_user_secret.get(0).secret_arn

        self.replicas: list[DbInstance] = []
        for n in range(1, props.read_replicas + 1):
            replica_id = f"{props.identifier}-replica-{n}"
            self.replicas.append(
                DbInstance(
                    self,
                    f"replica_{n}",
                    identifier=replica_id,
                    # Engine, version, credentials, allocation and subnet group come from the
                    # source; RDS refuses some of them on a replica.
                    replicate_source_db=primary.identifier,
                    # A replica is rebuilt from the primary; its final snapshot would only
                    # duplicate the primary's.
                    skip_final_snapshot=True,
                    depends_on=logs(f"replica_{n}", replica_id),
                    tags={"Name": replica_id},
                    **shared,
                )
            )

        add_database_alarms(
            self,
            DatabaseAlarmProps(
                identifier=props.identifier,
                topic_arn=props.alarm_topic_arn,
                max_connections=props.max_connections,
                free_storage_bytes=props.free_storage_alarm_bytes,
                free_memory_mib=props.free_memory_alarm_mib,
                replica_ids=[f"{props.identifier}-replica-{n}" for n in range(1, props.read_replicas + 1)],
                replica_lag_seconds=props.replica_lag_alarm_seconds,
            ),
        )

        # Failovers, failures, storage and maintenance reach the alarm topic as they happen.
        events = event_subscription(self, f"{props.identifier}-events", [primary.identifier, *(r.identifier for r in self.replicas)], props.alarm_topic_arn)

        self.identifier: str = props.identifier
        self.endpoint: str = primary.address
        self.port = primary.port
        self.resource_id: str = primary.resource_id
        self.arn: str = primary.arn
        self.security_group_id: str = self.security_group.security_group_id
        self.event_subscription_arn: str = events.arn
        self.parameter_group_name: str = parameters.name
        self.replica_endpoints: list[str] = [r.address for r in self.replicas]
