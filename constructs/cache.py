"""Valkey on ElastiCache: encrypted at rest and in transit, IAM-authenticated, logged, alarmed."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.elasticache_parameter_group import (
    ElasticacheParameterGroup,
    ElasticacheParameterGroupParameter,
)
from cdktf_cdktf_provider_aws.elasticache_replication_group import (
    ElasticacheReplicationGroup,
    ElasticacheReplicationGroupLogDeliveryConfiguration,
)
from cdktf_cdktf_provider_aws.elasticache_user import ElasticacheUser, ElasticacheUserAuthenticationMode
from cdktf_cdktf_provider_aws.elasticache_user_group import ElasticacheUserGroup

from catalog.aws import DAILY_WINDOW, MAX_BACKUP_RETENTION_DAYS, MAX_CACHE_REPLICAS, WEEKLY_WINDOW
from constructs import Construct
from constructs.client_security_group import ClientSecurityGroup, ClientSecurityGroupProps
from constructs.log_group import encrypted_log_group
from constructs.metric_alarm import MetricAlarm, MetricAlarmProps

PORT = 6379
ENGINE = "valkey"
# RBAC users and their group keep engine "redis": a Valkey cache accepts user groups of either
# engine, but a "valkey" group may hold only users that authenticate (password or IAM), and our
# switched-off default user authenticates with nothing (ElastiCache User Guide, RBAC). Keeping
# them also makes the move from Redis OSS an in-place change of the replication group alone.
USER_ENGINE = "redis"
LOG_TYPES = ("slow-log", "engine-log")
EVICTION_POLICIES = (
    "volatile-lru", "allkeys-lru", "volatile-lfu", "allkeys-lfu",
    "volatile-random", "allkeys-random", "volatile-ttl", "noeviction",
)
# Everything an application needs, nothing that reconfigures or wipes the server (CONFIG,
# FLUSHALL, KEYS, DEBUG, ... are in @dangerous). &* grants pub/sub channels, which Valkey (like
# Redis 7) otherwise denies to new users.
APP_ACCESS_STRING = "on ~* &* +@all -@dangerous"
# Every user group must contain a user named "default"; ours is switched off, so a connection
# that has not authenticated as an IAM user can run nothing.
DEFAULT_ACCESS_STRING = "off -@all"
_NODE = re.compile(r"^cache\.[a-z0-9]+\.[a-z0-9]+$")
_VERSION = re.compile(r"^(\d+)\.(\d+)$")
# ElastiCache ids are at most 40 characters; the longest we derive is <name>-cache-default.
MAX_NAME = 40 - len("-cache-default")


@dataclass(frozen=True)
class CacheProps:
    """Settings for the Valkey replication group.

    name: prefix of every Terraform-visible name, e.g. "sparki-dev"; the group is <name>-cache
        and its IAM user <name>-cache-app. At most 26 characters.
    node_type: "cache.<family>.<size>", e.g. "cache.t4g.small".
    engine_version: Valkey "major.minor", 7.2 or later (IAM authentication needs it); default "8.0".
    storage_key_arn: KMS key for data at rest and snapshots.
    log_key_arn: KMS key for the slow-log and engine-log groups.
    alarm_topic_arn: SNS topic every alarm reports to.
    replicas: read replicas of the primary, 0..5; default 1.
    multi_az: Multi-AZ with automatic failover; needs replicas >= 1; default True.
    snapshot_retention_days: 0..35; default 7. 0 turns snapshots off.
    maxmemory_policy: what Valkey evicts when memory is full; default "volatile-lru" (only keys
        that carry a TTL, see docs/data.md).
    log_retention_days: retention of the slow and engine logs; default 90.
    client_security_group_ids: groups that may connect on 6379; default none (nobody can).
    evictions_alarm_threshold: evictions per 5 minutes that, sustained 15 minutes, alarm;
        default 100.
    replication_lag_alarm_seconds: default 30.
    """

    name: str
    vpc_id: str
    subnet_group_name: str
    node_type: str
    storage_key_arn: str
    log_key_arn: str
    alarm_topic_arn: str
    engine_version: str = "8.0"
    replicas: int = 1
    multi_az: bool = True
    snapshot_retention_days: int = 7
    snapshot_window: str = "02:00-03:00"
    maintenance_window: str = "sun:05:30-sun:06:30"
    maxmemory_policy: str = "volatile-lru"
    log_retention_days: int = 90
    client_security_group_ids: Sequence[str] = ()
    evictions_alarm_threshold: int = 100
    replication_lag_alarm_seconds: int = 30

    def __post_init__(self) -> None:
        if not 1 <= len(self.name) <= MAX_NAME:
            raise ValueError(f"name={self.name!r}: must be 1..{MAX_NAME} characters (ElastiCache ids are short)")
        if not _NODE.match(self.node_type):
            raise ValueError(f"node_type={self.node_type!r}: must be an ElastiCache node type like 'cache.t4g.small'")
        version = _VERSION.match(self.engine_version)
        if not version:
            raise ValueError(f"engine_version={self.engine_version!r}: give 'major.minor', e.g. '8.0'")
        if (int(version.group(1)), int(version.group(2))) < (7, 2):
            raise ValueError(f"engine_version={self.engine_version!r}: Valkey starts at 7.2")
        if not 0 <= self.replicas <= MAX_CACHE_REPLICAS:
            raise ValueError(f"replicas={self.replicas}: must be between 0 and 5")
        if self.multi_az and self.replicas < 1:
            raise ValueError("multi_az=True with replicas=0: automatic failover needs at least one replica")
        if not 0 <= self.snapshot_retention_days <= MAX_BACKUP_RETENTION_DAYS:
            raise ValueError(f"snapshot_retention_days={self.snapshot_retention_days}: must be between 0 and 35")
        if not DAILY_WINDOW.match(self.snapshot_window):
            raise ValueError(f"snapshot_window={self.snapshot_window!r}: use 'hh:mm-hh:mm' (UTC)")
        if not WEEKLY_WINDOW.match(self.maintenance_window):
            raise ValueError(f"maintenance_window={self.maintenance_window!r}: use 'ddd:hh:mm-ddd:hh:mm' (UTC)")
        if self.maxmemory_policy not in EVICTION_POLICIES:
            raise ValueError(f"maxmemory_policy={self.maxmemory_policy!r}: use one of {', '.join(EVICTION_POLICIES)}")
        if self.evictions_alarm_threshold < 0 or self.replication_lag_alarm_seconds < 1:
            raise ValueError("evictions_alarm_threshold must be >= 0 and replication_lag_alarm_seconds >= 1")

    @property
    def group_id(self) -> str:
        return f"{self.name}-cache"

    @property
    def major(self) -> str:
        return self.engine_version.split(".")[0]

    @property
    def member_ids(self) -> list[str]:
        """Node ids ElastiCache gives the members of a group without cluster mode."""
        return [f"{self.group_id}-{n:03d}" for n in range(1, self.replicas + 2)]


def cache_users(scope: Construct, group_id: str) -> tuple[ElasticacheUserGroup, ElasticacheUser]:
    """The group's RBAC users: `<group_id>-app`, reaching the cache with IAM only, and the
    default user, left with no access (Valkey needs one named "default"); the DR secondary
    builds the same ones in its region. IAM users need user_id == user_name. Returns the group
    and the app user."""

    def user(role: str, user_name: str, access_string: str, authentication: str) -> ElasticacheUser:
        return ElasticacheUser(
            scope,
            f"{role}_user",
            user_id=f"{group_id}-{role}",
            user_name=user_name,
            engine=USER_ENGINE,
            access_string=access_string,
            authentication_mode=ElasticacheUserAuthenticationMode(type=authentication),
            tags={"Name": f"{group_id}-{role}"},
        )

    app_user = user("app", f"{group_id}-app", APP_ACCESS_STRING, "iam")
    default_user = user("default", "default", DEFAULT_ACCESS_STRING, "no-password-required")
    group = ElasticacheUserGroup(
        scope,
        "users",
        user_group_id=group_id,
        engine=USER_ENGINE,
        user_ids=[default_user.user_id, app_user.user_id],
        tags={"Name": group_id},
    )
    return group, app_user


class Cache(Construct):
    """Valkey with no password anywhere: clients authenticate as an IAM-backed user over
    TLS, from the client security groups only; data and logs are encrypted with our keys."""

    def __init__(self, scope: Construct, id: str, props: CacheProps) -> None:
        super().__init__(scope, id)
        self._props = props
        group_id = props.group_id

        self.security_group = ClientSecurityGroup(
            self,
            "security_group",
            ClientSecurityGroupProps(
                name=group_id,
                # Still "Redis": a security group's description cannot change without replacing
                # the group (and with it every rule and the replication group's attachment).
                description=f"Redis {PORT} from the client security groups of {props.name}",
                vpc_id=props.vpc_id,
                port=PORT,
                client_security_group_ids=props.client_security_group_ids,
            ),
        )

        parameters = ElasticacheParameterGroup(
            self,
            "parameters",
            name=f"{group_id}-{ENGINE}{props.major}",
            family=f"{ENGINE}{props.major}",
            description=f"Valkey {props.major} settings of {props.name} (docs/data.md)",
            parameter=[ElasticacheParameterGroupParameter(name="maxmemory-policy", value=props.maxmemory_policy)],
            # The name carries engine and major, so a new group exists before the replication
            # group switches to it (engine or major upgrade) and the old one goes after.
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
            tags={"Name": f"{group_id}-{ENGINE}{props.major}"},
        )

        users, app_user = cache_users(self, group_id)

        logs = {
            # Named when the engine was Redis; renaming would replace the groups and delete the
            # logs they hold.
            log_type: encrypted_log_group(
                self, f"{log_type.replace('-', '_')}s", f"/{props.name}/redis/{log_type}", props.log_retention_days, props.log_key_arn,
                tags={"Name": f"{group_id}-{log_type}"},
            )
            for log_type in LOG_TYPES
        }

        group = ElasticacheReplicationGroup(
            self,
            "group",
            replication_group_id=group_id,
            description=f"Valkey of {props.name}",
            # Redis OSS -> Valkey is an in-place cross-engine upgrade (no new endpoint, no
            # downtime from Redis 5.0.6 on); the provider replaces only on valkey -> redis.
            engine=ENGINE,
            engine_version=props.engine_version,
            node_type=props.node_type,
            port=PORT,
            num_cache_clusters=1 + props.replicas,
            automatic_failover_enabled=props.multi_az,
            multi_az_enabled=props.multi_az,
            parameter_group_name=parameters.name,
            subnet_group_name=props.subnet_group_name,
            security_group_ids=[self.security_group.security_group_id],
            at_rest_encryption_enabled="true",
            kms_key_id=props.storage_key_arn,
            transit_encryption_enabled=True,
            # "required" refuses plain-text connections outright ("preferred" would accept both).
            transit_encryption_mode="required",
            user_group_ids=[users.user_group_id],
            snapshot_retention_limit=props.snapshot_retention_days,
            snapshot_window=props.snapshot_window,
            final_snapshot_identifier=f"{group_id}-final",
            maintenance_window=props.maintenance_window,
            auto_minor_version_upgrade="true",
            apply_immediately=False,
            log_delivery_configuration=[
                ElasticacheReplicationGroupLogDeliveryConfiguration(
                    destination=logs[log_type].name,
                    destination_type="cloudwatch-logs",
                    log_format="json",
                    log_type=log_type,
                )
                for log_type in LOG_TYPES
            ],
            tags={"Name": group_id},
        )

        self._alarms()

        self.replication_group_id: str = group_id
        self.replication_group_arn: str = group.arn
        self.primary_endpoint: str = group.primary_endpoint_address
        self.reader_endpoint: str = group.reader_endpoint_address
        self.port = group.port
        self.security_group_id: str = self.security_group.security_group_id
        self.user_name: str = app_user.user_name
        self.user_arn: str = app_user.arn
        self.user_group_id: str = users.user_group_id
        self.parameter_group_name: str = parameters.name
        self.log_group_names: dict[str, str] = {t: g.name for t, g in logs.items()}

    def _alarms(self) -> None:
        """Per node: which member is primary changes with every failover, so every member
        carries every alarm; a metric a replica or primary does not publish counts as fine."""
        props = self._props
        for member in props.member_ids:
            short = member.rsplit("-", 1)[1]

            def alarm(kind: str, member: str = member, short: str = short, **kwargs) -> None:
                MetricAlarm(
                    self,
                    f"node_{short}_{kind.replace('-', '_')}_alarm",
                    MetricAlarmProps(
                        name=f"{member}-{kind}",
                        namespace="AWS/ElastiCache",
                        dimensions={"CacheClusterId": member},
                        topic_arn=props.alarm_topic_arn,
                        **kwargs,
                    ),
                )

            # EngineCPUUtilization is the engine's main thread itself: on multi-vCPU nodes host CPU
            # stays low while the single engine thread is saturated.
            alarm("cpu", metric="EngineCPUUtilization", statistic="Average", comparison=">", threshold=80,
                  description=f"{member}: Valkey engine CPU above 80% for 15 minutes; look at the slow log and for hot keys")
            alarm("memory", metric="DatabaseMemoryUsagePercentage", statistic="Average", comparison=">", threshold=80,
                  description=f"{member}: memory above 80% for 15 minutes; evictions or OOM errors come next")
            alarm("evictions", metric="Evictions", statistic="Sum", comparison=">", threshold=props.evictions_alarm_threshold,
                  missing_data="notBreaching",
                  description=f"{member}: more than {props.evictions_alarm_threshold} evictions per 5 minutes for 15 minutes; the node is too small for its data")
            if props.replicas:
                alarm("replication-lag", metric="ReplicationLag", statistic="Maximum", comparison=">",
                      threshold=props.replication_lag_alarm_seconds, missing_data="notBreaching",
                      description=f"{member}: replica more than {props.replication_lag_alarm_seconds} s behind the primary for 15 minutes")
