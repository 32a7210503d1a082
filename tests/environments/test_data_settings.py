"""Every rule of environments/data_settings.py, one failing example each, and the invariants
of the real environments' data stores."""
from __future__ import annotations

import dataclasses

import pytest

import environments
from environments.data_settings import (
    DataSettings,
    daily_overlaps_weekly,
    daily_window,
    instance_memory_gib,
    weekly_window,
)
from environments.schema import ConfigError

ENVS = environments.load()
DEV, STAGING, PROD = ENVS["dev"], ENVS["staging"], ENVS["prod"]
ORDER = [DEV, STAGING, PROD]


def with_db(env, **changes):
    data = DataSettings(database=dataclasses.replace(env.data.database, **changes), cache=env.data.cache)
    return dataclasses.replace(env, data=data)


def with_cache(env, **changes):
    data = DataSettings(database=env.data.database, cache=dataclasses.replace(env.data.cache, **changes))
    return dataclasses.replace(env, data=data)


@pytest.mark.parametrize(
    "build, field, says",
    [
        (lambda: with_db(DEV, engine_version="16.4"), "data.database.engine_version", "give the major only"),
        (lambda: with_db(DEV, engine_version="12"), "data.database.engine_version", "not a supported PostgreSQL major"),
        (lambda: with_db(DEV, instance_class="db.x2g.large"), "data.database.instance_class", "not an RDS instance class"),
        (lambda: with_db(DEV, instance_class="db.r7g.micro"), "data.database.instance_class", "not an RDS instance class"),
        (lambda: with_db(DEV, instance_class="cache.t4g.medium"), "data.database.instance_class", "not an RDS instance class"),
        (lambda: with_db(DEV, instance_class="db.t4g.small"), "data.database.instance_class", "at least 4 GiB"),
        (lambda: with_db(DEV, storage_gib=10), "data.database.storage_gib", "20..65536"),
        (lambda: with_db(DEV, storage_gib=100, max_storage_gib=120), "data.database.max_storage_gib", "at least 26% above"),
        (lambda: with_db(DEV, max_storage_gib=70000), "data.database.max_storage_gib", "use 26..65536"),
        (lambda: with_db(DEV, backup_retention_days=0), "data.database.backup_retention_days", "1..35"),
        (lambda: with_db(DEV, backup_retention_days=36), "data.database.backup_retention_days", "1..35"),
        (lambda: with_db(DEV, read_replicas=6), "data.database.read_replicas", "0..5"),
        (lambda: with_db(DEV, max_connections=10), "data.database.max_connections", "use 20..400"),
        (lambda: with_db(DEV, max_connections=401), "data.database.max_connections", "does not fit db.t4g.medium (4 GiB)"),
        (lambda: with_db(DEV, slow_statement_ms=50), "data.database.slow_statement_ms", "100..60000"),
        (lambda: with_db(DEV, monitoring_interval=0), "data.database.monitoring_interval", "1, 5, 10, 15, 30, 60"),
        (lambda: with_db(DEV, insights_retention_days=30), "data.database.insights_retention_days", "multiple of 31"),
        (lambda: with_db(DEV, backup_window="3am"), "data.database.backup_window", "'hh:mm-hh:mm'"),
        (lambda: with_db(DEV, backup_window="03:00-03:15"), "data.database.backup_window", "at least 30"),
        (lambda: with_db(DEV, maintenance_window="sun:04:30"), "data.database.maintenance_window", "'ddd:hh:mm-ddd:hh:mm'"),
        (lambda: with_db(DEV, maintenance_window="sun:04:30-sun:04:45"), "data.database.maintenance_window", "at least 30"),
        (lambda: with_db(DEV, maintenance_window="wed:03:30-wed:04:30"), "data.database.maintenance_window", "overlaps the backup_window"),
        (lambda: with_db(PROD, multi_az=False), "data.database.multi_az", "not allowed in production"),
        (lambda: with_db(PROD, deletion_protection=False), "data.database.deletion_protection", "not allowed in production"),
        (lambda: with_db(PROD, backup_retention_days=3), "data.database.backup_retention_days", "at least 7 days"),
        (lambda: with_cache(DEV, engine_version="7"), "data.cache.engine_version", "'major.minor'"),
        (lambda: with_cache(DEV, engine_version="6.2"), "data.cache.engine_version", "IAM authentication needs Redis 7.0"),
        (lambda: with_cache(DEV, node_type="cache.t4g.large"), "data.cache.node_type", "not an ElastiCache node type"),
        (lambda: with_cache(DEV, node_type="cache.x2gd.large"), "data.cache.node_type", "not an ElastiCache node type"),
        (lambda: with_cache(DEV, node_type="db.t4g.micro"), "data.cache.node_type", "not an ElastiCache node type"),
        (lambda: with_cache(DEV, replicas=6), "data.cache.replicas", "0..5"),
        (lambda: with_cache(DEV, replicas=0, multi_az=True), "data.cache.replicas", "multi_az needs at least 1 replica"),
        (lambda: with_cache(DEV, snapshot_retention_days=36), "data.cache.snapshot_retention_days", "0..35"),
        (lambda: with_cache(DEV, snapshot_window="02:00-02:30"), "data.cache.snapshot_window", "at least 60"),
        (lambda: with_cache(DEV, maintenance_window="sun:02:30-sun:03:30"), "data.cache.maintenance_window", "overlaps the snapshot_window"),
        (lambda: with_cache(PROD, multi_az=False), "data.cache.multi_az", "not allowed in production"),
        (lambda: with_cache(PROD, snapshot_retention_days=0), "data.cache.snapshot_retention_days", "production does not allow"),
    ],
)
def test_each_data_rule_names_environment_field_and_fix(build, field, says):
    with pytest.raises(ConfigError) as err:
        build()
    message = str(err.value)
    assert err.value.field == field
    assert says in message, message
    assert message.startswith("environment '") and "\n" not in message


# -- helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "instance_class, gib",
    [("db.t4g.medium", 4), ("db.m7g.large", 8), ("db.r7g.2xlarge", 64), ("db.r6i.12xlarge", 384),
     ("cache.t4g.micro", 0.5), ("cache.r7g.large", 13.07), ("cache.m7g.xlarge", 12.76),
     ("db.t4g", None), ("cache.t4g.large", None), ("rds.m5.large", None), ("db.m7g.3xlarge", None)],
)
def test_instance_memory_is_known_for_the_classes_we_size_for(instance_class, gib):
    assert instance_memory_gib(instance_class) == (pytest.approx(gib) if gib else None)


def test_windows_parse_and_wrap_midnight_and_the_week():
    assert daily_window("23:30-00:30") == (23 * 60 + 30, 60)
    assert weekly_window("sun:23:30-mon:00:30") == (6 * 1440 + 23 * 60 + 30, 60)
    assert daily_window("24:00-01:00") is None and weekly_window("sun:04:30-05:30") is None
    # the daily backup window at 23:30 reaches into Monday's 00:00 maintenance window
    assert daily_overlaps_weekly(daily_window("23:30-00:30"), weekly_window("mon:00:00-mon:01:00"))
    assert not daily_overlaps_weekly(daily_window("03:00-04:00"), weekly_window("sun:04:00-sun:05:00"))
    assert daily_overlaps_weekly(daily_window("03:00-04:00"), weekly_window("sat:22:00-sun:03:01"))


# -- invariants of the real data -------------------------------------------------------------


@pytest.mark.parametrize("env", [STAGING, PROD], ids=["staging", "prod"])
def test_staging_and_prod_data_stores_are_multi_az_protected_and_backed_up(env):
    db, cache = env.data.database, env.data.cache
    assert db.multi_az and db.deletion_protection
    assert db.backup_retention_days >= 7
    assert cache.multi_az and cache.replicas >= 1 and cache.snapshot_retention_days >= 1


def test_every_environment_keeps_backups():
    for env in ORDER:
        assert env.data.database.backup_retention_days >= 1
        assert env.data.cache.snapshot_retention_days >= 1


def test_dev_is_the_cheap_one():
    assert not DEV.data.database.multi_az and not DEV.data.database.deletion_protection
    assert DEV.data.cache.replicas == 0 and not DEV.data.cache.multi_az


@pytest.mark.parametrize(
    "size",
    [
        lambda e: e.data.database.memory_gib,
        lambda e: e.data.database.storage_gib,
        lambda e: e.data.database.max_storage_gib,
        lambda e: e.data.database.max_connections,
        lambda e: e.data.database.backup_retention_days,
        lambda e: e.data.database.read_replicas,
        lambda e: e.data.database.insights_retention_days,
        lambda e: -e.data.database.monitoring_interval,  # finer monitoring as we go up
        lambda e: e.data.cache.memory_gib,
        lambda e: e.data.cache.nodes,
        lambda e: e.data.cache.snapshot_retention_days,
    ],
    ids=["db memory", "db storage", "db ceiling", "db connections", "db backups", "db replicas",
         "db insights", "db monitoring", "cache memory", "cache nodes", "cache snapshots"],
)
def test_sizes_grow_dev_to_staging_to_prod(size):
    assert size(DEV) <= size(STAGING) <= size(PROD)


def test_prod_runs_the_postgres_and_redis_versions_staging_tested():
    assert PROD.data.database.engine_version == STAGING.data.database.engine_version
    assert PROD.data.cache.engine_version == STAGING.data.cache.engine_version
