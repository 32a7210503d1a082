"""Settings of the data layer (PostgreSQL on RDS, Redis on ElastiCache) and their rules.

Kept apart from schema.py so the data layer's rules live in one place. The rules report
through a `fail(field, problem)` callback that Environment provides, so every problem still
surfaces as one ConfigError line naming environment, field and fix.

Instance sizes are known here (memory per class) because three things depend on them: the
rule that max_connections fits the memory, the free-memory alarm threshold, and the invariant
that sizes grow dev <= staging <= prod.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

Fail = Callable[[str, str], None]

# PostgreSQL majors RDS supports in standard support. Majors only: minor versions arrive
# through auto_minor_version_upgrade, and pinning one would fight it.
POSTGRES_MAJORS = ("14", "15", "16", "17")
# Redis OSS versions on ElastiCache; IAM authentication (our auth method) needs 7.0 or later.
REDIS_VERSIONS = ("7.0", "7.1")
MONITORING_INTERVALS = (1, 5, 10, 15, 30, 60)
MAX_READ_REPLICAS = 5
MAX_CACHE_REPLICAS = 5
# gp3 minimum for PostgreSQL, and the RDS storage limit.
MIN_STORAGE_GIB, MAX_STORAGE_GIB = 20, 65536
# AWS rejects a ceiling less than 10% above the allocation and warns below 26%.
MIN_CEILING_FACTOR = 1.26
# Below 4 GiB the memory-derived parameters leave too little for connections, and the
# smallest burstable classes do not support Performance Insights on every engine version.
MIN_DB_MEMORY_GIB = 4
# One connection per ~10 MiB of instance memory, the ratio RDS's own default formula uses.
CONNECTIONS_PER_GIB = 100
DB_FAMILIES = ("t3", "t4g", "m5", "m6g", "m6i", "m7g", "m7i", "r5", "r6g", "r6i", "r7g", "r7i")
CACHE_FAMILIES = ("t3", "t4g", "m5", "m6g", "m7g", "r5", "r6g", "r7g")
# GiB per class, for the classes we size for. Burstable sizes are listed; m and r scale with vCPUs.
_BURSTABLE_DB_GIB = {"micro": 1, "small": 2, "medium": 4, "large": 8, "xlarge": 16, "2xlarge": 32}
_BURSTABLE_CACHE_GIB = {"micro": 0.5, "small": 1.37, "medium": 3.09}
_STANDARD_SIZES = ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge")
# ElastiCache reserves part of each node; these are the published usable GiB per vCPU.
_CACHE_GIB_PER_VCPU = {"m": 3.19, "r": 6.535}
_DB_GIB_PER_VCPU = {"m": 4, "r": 8}

_CLASS = re.compile(r"^(db|cache)\.([a-z0-9]+)\.([a-z0-9]+)$")
_DAILY = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_WEEKLY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY, WEEK = 24 * 60, 7 * 24 * 60


def _vcpus(size: str) -> int | None:
    if size == "large":
        return 2
    if size == "xlarge":
        return 4
    match = re.fullmatch(r"(\d+)xlarge", size)
    return 4 * int(match.group(1)) if match else None


def instance_memory_gib(instance_class: str) -> float | None:
    """Memory of a db.* or cache.* class we size for; None for anything else."""
    match = _CLASS.match(instance_class or "")
    if not match:
        return None
    service, family, size = match.groups()
    families = DB_FAMILIES if service == "db" else CACHE_FAMILIES
    if family not in families:
        return None
    if family.startswith("t"):
        table = _BURSTABLE_DB_GIB if service == "db" else _BURSTABLE_CACHE_GIB
        return table.get(size)
    if size not in _STANDARD_SIZES:
        return None
    per_vcpu = (_DB_GIB_PER_VCPU if service == "db" else _CACHE_GIB_PER_VCPU)[family[0]]
    return _vcpus(size) * per_vcpu


def daily_window(text: str) -> tuple[int, int] | None:
    """"hh:mm-hh:mm" (UTC) -> (start minute of day, length in minutes); None if malformed."""
    match = _DAILY.match(text or "")
    if not match:
        return None
    h1, m1, h2, m2 = map(int, match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    return start, (end - start) % DAY


def weekly_window(text: str) -> tuple[int, int] | None:
    """"ddd:hh:mm-ddd:hh:mm" (UTC) -> (start minute of week, length); None if malformed."""
    match = _WEEKLY.match(text or "")
    if not match:
        return None
    d1, h1, m1, d2, h2, m2 = match.groups()
    start = _DAYS.index(d1) * DAY + int(h1) * 60 + int(m1)
    end = _DAYS.index(d2) * DAY + int(h2) * 60 + int(m2)
    return start, (end - start) % WEEK


def daily_overlaps_weekly(daily: tuple[int, int], weekly: tuple[int, int]) -> bool:
    """Whether a window that repeats every day ever overlaps a weekly window."""
    def overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
        d = (b[0] - a[0]) % WEEK
        return d < a[1] or (-d) % WEEK < b[1]

    return any(overlap((day * DAY + daily[0], daily[1]), weekly) for day in range(7))


def _check_windows(fail: Fail, prefix: str, daily_field: str, daily: str, weekly: str, min_minutes: int) -> None:
    d = daily_window(daily)
    if d is None:
        fail(f"{prefix}.{daily_field}", f"{daily!r} is not a daily UTC window; use 'hh:mm-hh:mm', e.g. '03:00-04:00'")
    if d[1] < min_minutes:
        fail(f"{prefix}.{daily_field}", f"{daily!r} lasts {d[1]} minutes; AWS needs at least {min_minutes}")
    w = weekly_window(weekly)
    if w is None:
        fail(f"{prefix}.maintenance_window", f"{weekly!r} is not a weekly UTC window; use 'ddd:hh:mm-ddd:hh:mm', e.g. 'sun:04:30-sun:05:30'")
    if w[1] < min_minutes:
        fail(f"{prefix}.maintenance_window", f"{weekly!r} lasts {w[1]} minutes; AWS needs at least {min_minutes}")
    if daily_overlaps_weekly(d, w):
        fail(f"{prefix}.maintenance_window", f"{weekly!r} overlaps the {daily_field} {daily!r}; AWS rejects overlapping windows, move one")


@dataclass(frozen=True)
class DatabaseSettings:
    """PostgreSQL on RDS for one environment.

    instance_class: "db.<family>.<size>" with at least 4 GiB, e.g. "db.t4g.medium".
    storage_gib / max_storage_gib: gp3 allocation and the autoscaling ceiling (>= 26% above).
    engine_version: PostgreSQL major, e.g. "16"; minors are applied automatically.
    multi_az / deletion_protection: default True; production refuses False.
    backup_retention_days: 1..35; default 7; production needs at least 7.
    read_replicas: 0..5 same-region read replicas; default 0.
    max_connections: 20.. up to 100 per GiB of instance memory; default 100.
    slow_statement_ms: statements slower than this are logged; 100..60000; default 500.
    monitoring_interval: Enhanced Monitoring seconds, one of 1, 5, 10, 15, 30, 60; default 60.
    insights_retention_days: Performance Insights retention, 7 or a multiple of 31 up to 731.
    backup_window / maintenance_window: UTC, at least 30 minutes each, never overlapping.
    """

    instance_class: str
    storage_gib: int
    max_storage_gib: int
    engine_version: str = "16"
    multi_az: bool = True
    deletion_protection: bool = True
    backup_retention_days: int = 7
    read_replicas: int = 0
    max_connections: int = 100
    slow_statement_ms: int = 500
    monitoring_interval: int = 60
    insights_retention_days: int = 7
    backup_window: str = "03:00-04:00"
    maintenance_window: str = "sun:04:30-sun:05:30"

    @property
    def memory_gib(self) -> float:
        return instance_memory_gib(self.instance_class) or 0.0

    @property
    def free_memory_alarm_mib(self) -> int:
        """Alarm when less than a tenth of the instance's memory is free."""
        return int(self.memory_gib * 1024 / 10)

    def validate(self, fail: Fail, production: bool) -> None:
        p = "data.database"
        if not re.fullmatch(r"\d+", self.engine_version or ""):
            fail(f"{p}.engine_version", f"{self.engine_version!r} is not a PostgreSQL major version; give the major only, e.g. '16' (minor versions are upgraded automatically)")
        if self.engine_version not in POSTGRES_MAJORS:
            fail(f"{p}.engine_version", f"{self.engine_version!r} is not a supported PostgreSQL major; use one of {', '.join(POSTGRES_MAJORS)}")
        memory = instance_memory_gib(self.instance_class)
        if memory is None or not self.instance_class.startswith("db."):
            fail(f"{p}.instance_class", f"{self.instance_class!r} is not an RDS instance class we size for; use db.<family>.<size> with family one of {', '.join(DB_FAMILIES)}, e.g. 'db.t4g.medium'")
        if memory < MIN_DB_MEMORY_GIB:
            fail(f"{p}.instance_class", f"{self.instance_class!r} has {memory:g} GiB; PostgreSQL here needs at least {MIN_DB_MEMORY_GIB} GiB, e.g. 'db.t4g.medium'")
        if not MIN_STORAGE_GIB <= self.storage_gib <= MAX_STORAGE_GIB:
            fail(f"{p}.storage_gib", f"{self.storage_gib} is out of range; gp3 takes {MIN_STORAGE_GIB}..{MAX_STORAGE_GIB} GiB")
        floor = math.ceil(self.storage_gib * MIN_CEILING_FACTOR)
        if not floor <= self.max_storage_gib <= MAX_STORAGE_GIB:
            fail(f"{p}.max_storage_gib", f"{self.max_storage_gib} is not a usable autoscaling ceiling; use {floor}..{MAX_STORAGE_GIB} GiB (at least 26% above storage_gib)")
        if not 1 <= self.backup_retention_days <= 35:
            fail(f"{p}.backup_retention_days", f"{self.backup_retention_days} is out of range; RDS keeps backups 1..35 days (0 would turn backups off)")
        if not 0 <= self.read_replicas <= MAX_READ_REPLICAS:
            fail(f"{p}.read_replicas", f"{self.read_replicas} is out of range; use 0..{MAX_READ_REPLICAS}")
        ceiling = int(memory * CONNECTIONS_PER_GIB)
        if not 20 <= self.max_connections <= ceiling:
            fail(f"{p}.max_connections", f"{self.max_connections} does not fit {self.instance_class} ({memory:g} GiB); use 20..{ceiling}")
        if not 100 <= self.slow_statement_ms <= 60000:
            fail(f"{p}.slow_statement_ms", f"{self.slow_statement_ms} is out of range; use 100..60000 ms (lower floods the logs)")
        if self.monitoring_interval not in MONITORING_INTERVALS:
            fail(f"{p}.monitoring_interval", f"{self.monitoring_interval} is not an Enhanced Monitoring interval; use one of {', '.join(map(str, MONITORING_INTERVALS))}")
        days = self.insights_retention_days
        if not (days == 7 or (days % 31 == 0 and 31 <= days <= 731)):
            fail(f"{p}.insights_retention_days", f"{days} is not a Performance Insights retention; use 7 or a multiple of 31 up to 731")
        _check_windows(fail, p, "backup_window", self.backup_window, self.maintenance_window, 30)
        if production:
            if not self.multi_az:
                fail(f"{p}.multi_az", "False is not allowed in production: a single instance is a single point of failure; set True")
            if not self.deletion_protection:
                fail(f"{p}.deletion_protection", "False is not allowed in production: one mistaken destroy would delete the database; set True")
            if self.backup_retention_days < 7:
                fail(f"{p}.backup_retention_days", f"{self.backup_retention_days} is too short for production; keep at least 7 days")


@dataclass(frozen=True)
class CacheSettings:
    """Redis on ElastiCache for one environment.

    node_type: "cache.<family>.<size>", e.g. "cache.t4g.micro".
    engine_version: Redis OSS "major.minor", one of REDIS_VERSIONS (IAM auth needs 7.0+).
    replicas: read replicas of the primary, 0..5; default 1.
    multi_az: automatic failover across zones; needs replicas >= 1; default True;
        production refuses False.
    snapshot_retention_days: 0..35; default 7; production needs at least 1.
    snapshot_window / maintenance_window: UTC, at least 60 minutes each, never overlapping.
    """

    node_type: str
    engine_version: str = "7.1"
    replicas: int = 1
    multi_az: bool = True
    snapshot_retention_days: int = 7
    snapshot_window: str = "02:00-03:00"
    maintenance_window: str = "sun:05:30-sun:06:30"

    @property
    def memory_gib(self) -> float:
        return instance_memory_gib(self.node_type) or 0.0

    @property
    def nodes(self) -> int:
        return 1 + self.replicas

    def validate(self, fail: Fail, production: bool) -> None:
        p = "data.cache"
        if not re.fullmatch(r"\d+\.\d+", self.engine_version or ""):
            fail(f"{p}.engine_version", f"{self.engine_version!r} is not a Redis version; give 'major.minor', e.g. '7.1'")
        if self.engine_version not in REDIS_VERSIONS:
            fail(f"{p}.engine_version", f"{self.engine_version!r} is not supported: IAM authentication needs Redis 7.0 or later; use one of {', '.join(REDIS_VERSIONS)}")
        if instance_memory_gib(self.node_type) is None or not self.node_type.startswith("cache."):
            fail(f"{p}.node_type", f"{self.node_type!r} is not an ElastiCache node type we size for; use cache.<family>.<size> with family one of {', '.join(CACHE_FAMILIES)}, e.g. 'cache.t4g.micro'")
        if not 0 <= self.replicas <= MAX_CACHE_REPLICAS:
            fail(f"{p}.replicas", f"{self.replicas} is out of range; use 0..{MAX_CACHE_REPLICAS}")
        if self.multi_az and self.replicas < 1:
            fail(f"{p}.replicas", "0 replicas cannot fail over: multi_az needs at least 1 replica; add one or set multi_az False")
        if not 0 <= self.snapshot_retention_days <= 35:
            fail(f"{p}.snapshot_retention_days", f"{self.snapshot_retention_days} is out of range; ElastiCache keeps snapshots 0..35 days")
        _check_windows(fail, p, "snapshot_window", self.snapshot_window, self.maintenance_window, 60)
        if production:
            if not self.multi_az:
                fail(f"{p}.multi_az", "False is not allowed in production: without failover the primary is a single point of failure; set True")
            if self.snapshot_retention_days < 1:
                fail(f"{p}.snapshot_retention_days", "0 turns snapshots off, which production does not allow; keep at least 1 day")


@dataclass(frozen=True)
class DataSettings:
    """The data layer of one environment: one PostgreSQL database and one Redis cache."""

    database: DatabaseSettings
    cache: CacheSettings

    def validate(self, fail: Fail, production: bool) -> None:
        self.database.validate(fail, production)
        self.cache.validate(fail, production)
