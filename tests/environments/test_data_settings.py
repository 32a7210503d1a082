"""Every rule of environments/data_settings.py, one failing example each, and the invariants
of the real environments' data stores."""
from __future__ import annotations

import pytest

import environments
from environments.data_settings import daily_overlaps_weekly, daily_window, instance_memory_gib, weekly_window
from tests.environments.mistakes import assert_refused

ENVS = environments.load()
DEV, STAGING, PROD = ENVS["dev"], ENVS["staging"], ENVS["prod"]
ORDER = [DEV, STAGING, PROD]
DB, CACHE = "data.database", "data.cache"


@pytest.mark.parametrize(
    "env, path, value, field, says",
    [
        ("dev", f"{DB}.engine_version", "16.4", f"{DB}.engine_version", "give the major only"),
        ("dev", f"{DB}.engine_version", "12", f"{DB}.engine_version", "not a supported PostgreSQL major"),
        ("dev", f"{DB}.instance_class", "db.x2g.large", f"{DB}.instance_class", "not an RDS instance class"),
        ("dev", f"{DB}.instance_class", "db.m9z.large", f"{DB}.instance_class", "family one of t3, t4g"),
        ("dev", f"{DB}.instance_class", "db.r7g.micro", f"{DB}.instance_class", "not an RDS instance class"),
        ("dev", f"{DB}.instance_class", "cache.t4g.medium", f"{DB}.instance_class", "not an RDS instance class"),
        ("dev", f"{DB}.instance_class", "db.t4g.small", f"{DB}.instance_class", "at least 4 GiB"),
        ("dev", f"{DB}.storage_gib", 10, f"{DB}.storage_gib", "20..65536"),
        ("prod", f"{DB}.max_storage_gib", 120, f"{DB}.max_storage_gib", "at least 26% above"),
        ("dev", f"{DB}.max_storage_gib", 70000, f"{DB}.max_storage_gib", "use 26..65536"),
        ("dev", f"{DB}.backup_retention_days", 0, f"{DB}.backup_retention_days", "1..35"),
        ("dev", f"{DB}.backup_retention_days", 36, f"{DB}.backup_retention_days", "1..35"),
        ("dev", f"{DB}.read_replicas", 6, f"{DB}.read_replicas", "0..5"),
        ("prod", f"{DB}.master_password", "rds-managed", f"{DB}.read_replicas", "manages in Secrets Manager; set master_password = \"write-only\""),
        ("dev", f"{DB}.master_password", "managed", f"{DB}.master_password", "use one of rds-managed, write-only"),
        ("dev", f"{DB}.password_version", 0, f"{DB}.password_version", "1..2147483647"),
        ("dev", f"{DB}.max_connections", 10, f"{DB}.max_connections", "use 20..400"),
        ("dev", f"{DB}.max_connections", 401, f"{DB}.max_connections", "does not fit db.t4g.medium (4 GiB)"),
        ("dev", f"{DB}.slow_statement_ms", 50, f"{DB}.slow_statement_ms", "100..60000"),
        ("dev", f"{DB}.explain_statement_ms", 200, f"{DB}.explain_statement_ms", "below slow_statement_ms 250"),
        ("dev", f"{DB}.explain_sample_rate", 0.0, f"{DB}.explain_sample_rate", "use 0.01..1.0"),
        ("prod", f"{DB}.explain_sample_rate", 1.0, f"{DB}.explain_sample_rate", "too high for production"),
        ("dev", f"{DB}.monitoring_interval", 0, f"{DB}.monitoring_interval", "1, 5, 10, 15, 30, 60"),
        ("dev", f"{DB}.insights_retention_days", 30, f"{DB}.insights_retention_days", "multiple of 31"),
        ("dev", f"{DB}.backup_window", "3am", f"{DB}.backup_window", "'hh:mm-hh:mm'"),
        ("dev", f"{DB}.backup_window", "03:00-03:15", f"{DB}.backup_window", "at least 30"),
        ("dev", f"{DB}.maintenance_window", "sun:04:30", f"{DB}.maintenance_window", "'ddd:hh:mm-ddd:hh:mm'"),
        ("dev", f"{DB}.maintenance_window", "sun:04:30-sun:04:45", f"{DB}.maintenance_window", "at least 30"),
        ("dev", f"{DB}.maintenance_window", "wed:03:30-wed:04:30", f"{DB}.maintenance_window", "overlaps the backup_window"),
        ("prod", f"{DB}.multi_az", False, f"{DB}.multi_az", "not allowed in production"),
        ("prod", f"{DB}.deletion_protection", False, f"{DB}.deletion_protection", "not allowed in production"),
        ("prod", f"{DB}.backup_retention_days", 3, f"{DB}.backup_retention_days", "at least 7 days"),
        ("dev", f"{CACHE}.engine_version", "7", f"{CACHE}.engine_version", "'major.minor'"),
        ("dev", f"{CACHE}.engine_version", "7.1", f"{CACHE}.engine_version", "not a Valkey version ElastiCache offers"),
        ("dev", f"{CACHE}.engine_version", "8.9", f"{CACHE}.engine_version", "use one of 7.2, 8.0"),
        ("dev", f"{CACHE}.node_type", "cache.t4g.large", f"{CACHE}.node_type", "not an ElastiCache node type"),
        ("dev", f"{CACHE}.node_type", "cache.x2gd.large", f"{CACHE}.node_type", "not an ElastiCache node type"),
        ("dev", f"{CACHE}.node_type", "cache.m9z.large", f"{CACHE}.node_type", "family one of t3, t4g"),
        ("dev", f"{CACHE}.node_type", "db.t4g.micro", f"{CACHE}.node_type", "not an ElastiCache node type"),
        ("dev", f"{CACHE}.replicas", 6, f"{CACHE}.replicas", "0..5"),
        ("dev", f"{CACHE}.multi_az", True, f"{CACHE}.replicas", "multi_az needs at least 1 replica"),
        ("dev", f"{CACHE}.snapshot_retention_days", 36, f"{CACHE}.snapshot_retention_days", "0..35"),
        ("dev", f"{CACHE}.snapshot_window", "02:00-02:30", f"{CACHE}.snapshot_window", "at least 60"),
        ("dev", f"{CACHE}.maintenance_window", "sun:02:30-sun:03:30", f"{CACHE}.maintenance_window", "overlaps the snapshot_window"),
        ("prod", f"{CACHE}.multi_az", False, f"{CACHE}.multi_az", "not allowed in production"),
        ("prod", f"{CACHE}.snapshot_retention_days", 0, f"{CACHE}.snapshot_retention_days", "production does not allow"),
        ("dev", f"{DB}.storage_gib", 20.0, f"{DB}.storage_gib", "given 20.0 (a decimal number)"),
        ("dev", f"{CACHE}.multi_az", "false", f"{CACHE}.multi_az", "given 'false' (a string)"),
        ("dev", "data.databse", {}, "data.databse", "did you mean 'database'?"),
    ],
)
def test_each_data_rule_names_environment_field_and_fix(env, path, value, field, says):
    assert_refused(env, path, value, field, says)


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


def test_every_environment_keeps_its_master_password_out_of_state_and_prod_has_a_replica():
    # docs/data.md, "Readable capacity": write-only everywhere, so replicas (and issue 15's
    # cross-Region replica) are possible, and prod reads from one.
    assert {env.data.database.master_password for env in ORDER} == {"write-only"}
    assert PROD.data.database.read_replicas >= 1


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


def test_prod_runs_the_postgres_and_valkey_versions_staging_tested():
    assert PROD.data.database.engine_version == STAGING.data.database.engine_version
    assert PROD.data.cache.engine_version == STAGING.data.cache.engine_version
