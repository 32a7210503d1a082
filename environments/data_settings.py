"""Settings of the data layer (PostgreSQL on RDS, Valkey on ElastiCache) and their rules.

Instance sizes are known (catalog.aws.instance_memory_gib) because three things depend on
them: the rule that max_connections fits the memory, the free-memory alarm threshold, and the
rule that sizes grow dev <= staging <= prod.
"""
from __future__ import annotations

import math
import re
from typing import Annotated

from pydantic import field_validator, model_validator

from catalog.aws import (
    CACHE_FAMILIES,
    DB_FAMILIES,
    DB_PASSWORD_SCHEMES,
    INSIGHTS_RETENTION_DAYS,
    MAX_BACKUP_RETENTION_DAYS,
    MAX_CACHE_REPLICAS,
    MAX_DB_READ_REPLICAS,
    MONITORING_INTERVALS,
    daily_overlaps_weekly,
    daily_window,
    instance_memory_gib,
    weekly_window,
)
from environments.model import Model, fail, in_range, matching, one_of, require_true

__all__ = ["CacheSettings", "DataSettings", "DatabaseSettings", "daily_overlaps_weekly", "daily_window", "instance_memory_gib", "weekly_window"]

# PostgreSQL majors RDS supports in standard support. Majors only: minor versions arrive
# through auto_minor_version_upgrade, and pinning one would fight it.
POSTGRES_MAJORS = ("14", "15", "16", "17")
# Valkey versions on ElastiCache ("Supported engines and versions", ElastiCache User Guide).
# Valkey is AWS's recommended engine for new caches, drop-in for Redis OSS 7, and supports the
# IAM authentication we use from 7.2 on; 6.x would be a different engine line.
VALKEY_VERSIONS = ("7.2", "8.0")
# gp3 minimum for PostgreSQL, and the RDS storage limit.
MIN_STORAGE_GIB, MAX_STORAGE_GIB = 20, 65536
# AWS rejects a ceiling less than 10% above the allocation and warns below 26%.
MIN_CEILING_FACTOR = 1.26
# Below 4 GiB the memory-derived parameters leave too little for connections, and the
# smallest burstable classes do not support Performance Insights on every engine version.
MIN_DB_MEMORY_GIB = 4
# One connection per ~10 MiB of instance memory, the ratio RDS's own default formula uses.
CONNECTIONS_PER_GIB = 100


def _check_windows(daily_field: str, daily: str, weekly: str, min_minutes: int) -> None:
    d = daily_window(daily)
    if d is None:
        fail(daily_field, f"{daily!r} is not a daily UTC window; use 'hh:mm-hh:mm', e.g. '03:00-04:00'")
    if d[1] < min_minutes:
        fail(daily_field, f"{daily!r} lasts {d[1]} minutes; AWS needs at least {min_minutes}")
    w = weekly_window(weekly)
    if w is None:
        fail("maintenance_window", f"{weekly!r} is not a weekly UTC window; use 'ddd:hh:mm-ddd:hh:mm', e.g. 'sun:04:30-sun:05:30'")
    if w[1] < min_minutes:
        fail("maintenance_window", f"{weekly!r} lasts {w[1]} minutes; AWS needs at least {min_minutes}")
    if daily_overlaps_weekly(d, w):
        fail("maintenance_window", f"{weekly!r} overlaps the {daily_field} {daily!r}; AWS rejects overlapping windows, move one")


class DatabaseSettings(Model):
    """PostgreSQL on RDS for one environment.

    instance_class: "db.<family>.<size>" with at least 4 GiB, e.g. "db.t4g.medium".
    storage_gib / max_storage_gib: gp3 allocation and the autoscaling ceiling (>= 26% above).
    engine_version: PostgreSQL major, e.g. "16"; minors are applied automatically.
    multi_az / deletion_protection: default true; production refuses false.
    backup_retention_days: 1..35; default 7; production needs at least 7.
    master_password: "write-only" (default): Terraform generates the password in every run
        (an ephemeral value), sends it to the instance and to the secret sparki-<env>/postgres/master
        through write-only arguments, and keeps it in no file, plan or state; rotation is a new
        password_version. "rds-managed": RDS keeps and rotates it in a secret of its own, and
        then no read replica can be made (docs/data.md, "Credentials").
    password_version: with "write-only", raising it sends a fresh password to the instance and
        the secret in the same apply; default 1, never lowered (the provider sends on a change).
    read_replicas: same-region read replicas, 0..5; default 0. Needs master_password =
        "write-only": RDS creates no read replica of a source whose password it manages.
    max_connections: 20.. up to 100 per GiB of instance memory; default 100.
    slow_statement_ms: statements slower than this are logged; 100..60000; default 500.
    explain_statement_ms: auto_explain logs the plan of statements slower than this; at least
        slow_statement_ms, at most 600000; default 1000.
    explain_sample_rate: share of sessions auto_explain samples, 0.01..1.0; default 1.0;
        production at most 0.25 (log_analyze measures every sampled statement).
    monitoring_interval: Enhanced Monitoring seconds, one of 1, 5, 10, 15, 30, 60; default 60.
    insights_retention_days: Performance Insights retention, 7 or a multiple of 31 up to 731.
    backup_window / maintenance_window: UTC, at least 30 minutes each, never overlapping.
    """

    instance_class: str
    storage_gib: Annotated[int, in_range(MIN_STORAGE_GIB, MAX_STORAGE_GIB, "GiB", "gp3 takes")]
    max_storage_gib: int
    engine_version: Annotated[
        str,
        matching(re.compile(r"\d+\Z"), "is not a PostgreSQL major version; give the major only, e.g. '16' (minor versions are upgraded automatically)"),
        one_of(POSTGRES_MAJORS, "a supported PostgreSQL major"),
    ] = "16"
    multi_az: bool = True
    deletion_protection: bool = True
    backup_retention_days: Annotated[int, in_range(1, MAX_BACKUP_RETENTION_DAYS, "days (0 would turn backups off)", "RDS keeps backups")] = 7
    master_password: Annotated[str, one_of(DB_PASSWORD_SCHEMES, "a password scheme", "(docs/data.md, 'Credentials')")] = "write-only"
    password_version: Annotated[int, in_range(1, 2**31 - 1, "(raise it by one to rotate)")] = 1
    read_replicas: Annotated[int, in_range(0, MAX_DB_READ_REPLICAS)] = 0
    max_connections: int = 100
    slow_statement_ms: Annotated[int, in_range(100, 60000, "ms (lower floods the logs)")] = 500
    explain_statement_ms: Annotated[int, in_range(100, 600000, "ms")] = 1000
    explain_sample_rate: float = 1.0
    monitoring_interval: Annotated[int, one_of(MONITORING_INTERVALS, "an Enhanced Monitoring interval")] = 60
    insights_retention_days: int = 7
    backup_window: str = "03:00-04:00"
    maintenance_window: str = "sun:04:30-sun:05:30"

    @field_validator("instance_class")
    @classmethod
    def _class(cls, instance_class: str) -> str:
        memory = instance_memory_gib(instance_class)
        if memory is None or not instance_class.startswith("db."):
            fail("", f"{instance_class!r} is not an RDS instance class we size for; use db.<family>.<size> with family one of {', '.join(DB_FAMILIES)}, e.g. 'db.t4g.medium'")
        if memory < MIN_DB_MEMORY_GIB:
            fail("", f"{instance_class!r} has {memory:g} GiB; PostgreSQL here needs at least {MIN_DB_MEMORY_GIB} GiB, e.g. 'db.t4g.medium'")
        return instance_class

    @field_validator("insights_retention_days")
    @classmethod
    def _insights(cls, days: int) -> int:
        if days not in INSIGHTS_RETENTION_DAYS:
            fail("", f"{days} is not a Performance Insights retention; use 7 or a multiple of 31 up to 731")
        return days

    @model_validator(mode="after")
    def _together(self) -> DatabaseSettings:
        floor = math.ceil(self.storage_gib * MIN_CEILING_FACTOR)
        if not floor <= self.max_storage_gib <= MAX_STORAGE_GIB:
            fail("max_storage_gib", f"{self.max_storage_gib} is not a usable autoscaling ceiling; use {floor}..{MAX_STORAGE_GIB} GiB (at least 26% above storage_gib)")
        ceiling = int(self.memory_gib * CONNECTIONS_PER_GIB)
        if not 20 <= self.max_connections <= ceiling:
            fail("max_connections", f"{self.max_connections} does not fit {self.instance_class} ({self.memory_gib:g} GiB); use 20..{ceiling}")
        _check_windows("backup_window", self.backup_window, self.maintenance_window, 30)
        if self.explain_statement_ms < self.slow_statement_ms:
            fail("explain_statement_ms", f"{self.explain_statement_ms} is below slow_statement_ms {self.slow_statement_ms}; explain only statements that are logged as slow, use at least {self.slow_statement_ms}")
        if not 0.01 <= self.explain_sample_rate <= 1.0:
            fail("explain_sample_rate", f"{self.explain_sample_rate} is not a share of sessions; use 0.01..1.0")
        # AWS documents read replicas of a source whose master password RDS manages in Secrets
        # Manager as unsupported: the apply would fail after the primary was created.
        if self.read_replicas and self.master_password == "rds-managed":
            fail("read_replicas", f"{self.read_replicas} read replica(s) cannot be created while master_password = \"rds-managed\": RDS does not support a read replica of a source whose password it manages in Secrets Manager; set master_password = \"write-only\" or read_replicas = 0 (docs/data.md, 'Readable capacity')")
        return self

    @property
    def memory_gib(self) -> float:
        return instance_memory_gib(self.instance_class) or 0.0

    @property
    def free_memory_alarm_mib(self) -> int:
        """Alarm when less than a tenth of the instance's memory is free."""
        return int(self.memory_gib * 1024 / 10)

    def check_in(self, production: bool) -> None:
        if not production:
            return
        require_true(self, "multi_az", "a single instance is a single point of failure")
        require_true(self, "deletion_protection", "one mistaken destroy would delete the database")
        if self.backup_retention_days < 7:
            fail("backup_retention_days", f"{self.backup_retention_days} is too short for production; keep at least 7 days")
        if self.explain_sample_rate > 0.25:
            fail("explain_sample_rate", f"{self.explain_sample_rate} is too high for production: every sampled slow statement is measured row by row; use at most 0.25")


class CacheSettings(Model):
    """Valkey on ElastiCache for one environment.

    node_type: "cache.<family>.<size>", e.g. "cache.t4g.micro".
    engine_version: Valkey "major.minor", one of VALKEY_VERSIONS; default "8.0".
    replicas: read replicas of the primary, 0..5; default 1.
    multi_az: automatic failover across zones; needs replicas >= 1; default true;
        production refuses false.
    snapshot_retention_days: 0..35; default 7; production needs at least 1.
    snapshot_window / maintenance_window: UTC, at least 60 minutes each, never overlapping.
    """

    node_type: str
    engine_version: Annotated[
        str,
        matching(re.compile(r"\d+\.\d+\Z"), "is not a Valkey version; give 'major.minor', e.g. '8.0'"),
        one_of(VALKEY_VERSIONS, "a Valkey version ElastiCache offers with IAM authentication"),
    ] = "8.0"
    replicas: Annotated[int, in_range(0, MAX_CACHE_REPLICAS)] = 1
    multi_az: bool = True
    snapshot_retention_days: Annotated[int, in_range(0, MAX_BACKUP_RETENTION_DAYS, "days", "ElastiCache keeps snapshots")] = 7
    snapshot_window: str = "02:00-03:00"
    maintenance_window: str = "sun:05:30-sun:06:30"

    @field_validator("node_type")
    @classmethod
    def _node(cls, node_type: str) -> str:
        if instance_memory_gib(node_type) is None or not node_type.startswith("cache."):
            fail("", f"{node_type!r} is not an ElastiCache node type we size for; use cache.<family>.<size> with family one of {', '.join(CACHE_FAMILIES)}, e.g. 'cache.t4g.micro'")
        return node_type

    @model_validator(mode="after")
    def _together(self) -> CacheSettings:
        if self.multi_az and self.replicas < 1:
            fail("replicas", "0 replicas cannot fail over: multi_az needs at least 1 replica; add one or set multi_az = false")
        _check_windows("snapshot_window", self.snapshot_window, self.maintenance_window, 60)
        return self

    @property
    def memory_gib(self) -> float:
        return instance_memory_gib(self.node_type) or 0.0

    @property
    def nodes(self) -> int:
        return 1 + self.replicas

    def check_in(self, production: bool) -> None:
        if not production:
            return
        require_true(self, "multi_az", "without failover the primary is a single point of failure")
        if self.snapshot_retention_days < 1:
            fail("snapshot_retention_days", "0 turns snapshots off, which production does not allow; keep at least 1 day")


class DataSettings(Model):
    """The data layer of one environment: one PostgreSQL database and one Valkey cache."""

    database: DatabaseSettings
    cache: CacheSettings
