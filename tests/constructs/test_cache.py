"""Unit tests of constructs/cache.py."""
from __future__ import annotations

import json

import pytest

from constructs.cache import APP_ACCESS_STRING, DEFAULT_ACCESS_STRING, Cache, CacheProps
from tests.support import assert_rejected, of_type, one, synth_fixture

KEY = "arn:aws:kms:us-east-1:123456789012:key/"
TOPIC = "arn:aws:sns:us-east-1:123456789012:alarms"
MINIMAL = dict(
    name="sparki-t",
    vpc_id="vpc-1",
    subnet_group_name="sparki-t-cache",
    node_type="cache.t4g.small",
    storage_key_arn=KEY + "data",
    log_key_arn=KEY + "logs",
    alarm_topic_arn=TOPIC,
)
FULL = dict(
    MINIMAL,
    node_type="cache.r7g.xlarge",
    engine_version="7.2",
    replicas=2,
    snapshot_retention_days=35,
    snapshot_window="01:00-02:00",
    maintenance_window="sat:03:00-sat:04:00",
    maxmemory_policy="allkeys-lfu",
    log_retention_days=365,
    client_security_group_ids=("sg-nodes",),
    evictions_alarm_threshold=0,
    replication_lag_alarm_seconds=5,
)
SINGLE = dict(MINIMAL, replicas=0, multi_az=False, snapshot_retention_days=0)


minimal = synth_fixture(lambda s: Cache(s, "cache", CacheProps(**MINIMAL)))
full = synth_fixture(lambda s: Cache(s, "cache", CacheProps(**FULL)))
single = synth_fixture(lambda s: Cache(s, "cache", CacheProps(**SINGLE)))


def group(doc):
    return one(doc, "aws_elasticache_replication_group")


def alarms(doc):
    return {a["alarm_name"]: a for a in of_type(doc, "aws_cloudwatch_metric_alarm").values()}


# -- minimal props: the secure defaults ------------------------------------------------------


def test_group_is_encrypted_at_rest_with_our_key_and_in_transit_only(minimal):
    g = group(minimal)
    assert g["at_rest_encryption_enabled"] == "true" and g["kms_key_id"] == KEY + "data"
    assert g["transit_encryption_enabled"] is True and g["transit_encryption_mode"] == "required"


def test_engine_node_and_placement(minimal):
    g = group(minimal)
    assert (g["engine"], g["engine_version"], g["node_type"], g["port"]) == ("valkey", "8.0", "cache.t4g.small", 6379)
    assert g["replication_group_id"] == "sparki-t-cache" and g["subnet_group_name"] == "sparki-t-cache"


def test_defaults_fail_over_across_zones_with_one_replica(minimal):
    g = group(minimal)
    assert g["num_cache_clusters"] == 2
    assert g["automatic_failover_enabled"] is True and g["multi_az_enabled"] is True


def test_snapshots_final_snapshot_upgrades_and_maintenance(minimal):
    g = group(minimal)
    assert g["snapshot_retention_limit"] == 7 and g["snapshot_window"] == "02:00-03:00"
    assert g["final_snapshot_identifier"] == "sparki-t-cache-final"
    assert g["auto_minor_version_upgrade"] == "true" and g["apply_immediately"] is False
    assert g["maintenance_window"] == "sun:05:30-sun:06:30"


def test_no_auth_token_anywhere_and_access_through_an_iam_user_group(minimal):
    g = group(minimal)
    assert "auth_token" not in g
    users = {u["user_name"]: u for u in of_type(minimal, "aws_elasticache_user").values()}
    assert set(users) == {"default", "sparki-t-cache-app"}
    app = users["sparki-t-cache-app"]
    assert app["user_id"] == app["user_name"]  # IAM authentication requires it
    assert app["authentication_mode"] == {"type": "iam"} and app["access_string"] == APP_ACCESS_STRING
    default = users["default"]
    assert default["access_string"] == DEFAULT_ACCESS_STRING and default["access_string"].startswith("off")
    assert default["authentication_mode"] == {"type": "no-password-required"}
    assert not any("passwords" in u for u in users.values())
    (user_group_id, user_group), = of_type(minimal, "aws_elasticache_user_group").items()
    assert user_group["user_group_id"] == "sparki-t-cache" and len(user_group["user_ids"]) == 2
    assert g["user_group_ids"] == [f"${{aws_elasticache_user_group.{user_group_id}.user_group_id}}"]
    assert "password" not in json.dumps(minimal).lower().replace("no-password-required", "")


def test_users_keep_the_redis_engine_a_valkey_cache_accepts(minimal):
    # A "valkey" user group may hold only authenticating users; the default user is off and
    # authenticates with nothing, so users and group stay "redis" (ElastiCache RBAC docs).
    assert group(minimal)["engine"] == "valkey"
    assert {u["engine"] for u in of_type(minimal, "aws_elasticache_user").values()} == {"redis"}
    assert {g["engine"] for g in of_type(minimal, "aws_elasticache_user_group").values()} == {"redis"}


def test_parameter_group_sets_an_explicit_eviction_policy(minimal):
    (params,) = of_type(minimal, "aws_elasticache_parameter_group").values()
    assert params["family"] == "valkey8" and params["name"] == "sparki-t-cache-valkey8"
    assert group(minimal)["parameter_group_name"].startswith("${aws_elasticache_parameter_group.")
    assert params["parameter"] == [{"name": "maxmemory-policy", "value": "volatile-lru"}]
    assert params["lifecycle"] == {"create_before_destroy": True}


def test_slow_and_engine_logs_go_to_encrypted_log_groups_with_retention(minimal):
    groups = of_type(minimal, "aws_cloudwatch_log_group")
    assert {g["name"] for g in groups.values()} == {"/sparki-t/redis/slow-log", "/sparki-t/redis/engine-log"}
    assert all(g["kms_key_id"] == KEY + "logs" and g["retention_in_days"] == 90 for g in groups.values())
    delivery = {d["log_type"]: d for d in group(minimal)["log_delivery_configuration"]}
    assert set(delivery) == {"slow-log", "engine-log"}
    for log_type, d in delivery.items():
        assert d["destination_type"] == "cloudwatch-logs" and d["log_format"] == "json"
        key = next(k for k, g in groups.items() if g["name"].endswith(log_type))
        assert d["destination"] == f"${{aws_cloudwatch_log_group.{key}.name}}"


def test_security_group_admits_nothing_without_clients(minimal):
    (sg,) = of_type(minimal, "aws_security_group").values()
    assert sg["name"] == "sparki-t-cache" and sg["egress"] == [] and "ingress" not in sg
    assert of_type(minimal, "aws_vpc_security_group_ingress_rule") == {}


def test_every_node_alarms_on_cpu_memory_evictions_and_replication_lag(minimal):
    found = alarms(minimal)
    expected = {f"sparki-t-cache-{node}-{kind}" for node in ("001", "002") for kind in ("cpu", "memory", "evictions", "replication-lag")}
    assert set(found) == expected
    for name, alarm in found.items():
        assert alarm["namespace"] == "AWS/ElastiCache"
        node = name[len("sparki-t-cache-"):][:3]
        assert alarm["dimensions"] == {"CacheClusterId": f"sparki-t-cache-{node}"}
        assert alarm["alarm_actions"] == alarm["ok_actions"] == [TOPIC]
    assert found["sparki-t-cache-001-cpu"]["metric_name"] == "EngineCPUUtilization"
    assert found["sparki-t-cache-001-memory"]["metric_name"] == "DatabaseMemoryUsagePercentage"
    assert found["sparki-t-cache-001-evictions"]["threshold"] == 100
    lag = found["sparki-t-cache-002-replication-lag"]
    assert lag["metric_name"] == "ReplicationLag" and lag["threshold"] == 30 and lag["treat_missing_data"] == "notBreaching"


# -- a single node (dev) ---------------------------------------------------------------------


def test_single_node_has_no_failover_no_snapshots_and_no_lag_alarm(single):
    g = group(single)
    assert g["num_cache_clusters"] == 1
    assert g["automatic_failover_enabled"] is False and g["multi_az_enabled"] is False
    assert g["snapshot_retention_limit"] == 0
    assert set(alarms(single)) == {f"sparki-t-cache-001-{k}" for k in ("cpu", "memory", "evictions")}


# -- full props ------------------------------------------------------------------------------


def test_full_props_are_applied(full):
    g = group(full)
    assert (g["node_type"], g["engine_version"], g["num_cache_clusters"]) == ("cache.r7g.xlarge", "7.2", 3)
    assert g["snapshot_retention_limit"] == 35 and g["snapshot_window"] == "01:00-02:00"
    assert g["maintenance_window"] == "sat:03:00-sat:04:00"
    (params,) = of_type(full, "aws_elasticache_parameter_group").values()
    assert params["family"] == "valkey7"
    assert params["parameter"] == [{"name": "maxmemory-policy", "value": "allkeys-lfu"}]
    assert all(lg["retention_in_days"] == 365 for lg in of_type(full, "aws_cloudwatch_log_group").values())
    found = alarms(full)
    assert len(found) == 3 * 4
    assert found["sparki-t-cache-003-evictions"]["threshold"] == 0
    assert found["sparki-t-cache-003-replication-lag"]["threshold"] == 5


def test_client_security_group_gets_a_rule_on_6379(full):
    (rule,) = of_type(full, "aws_vpc_security_group_ingress_rule").values()
    assert rule["referenced_security_group_id"] == "sg-nodes"
    assert (rule["ip_protocol"], rule["from_port"], rule["to_port"]) == ("tcp", 6379, 6379)


# -- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(name="sparki-a-very-long-environment"), "1..26 characters"),
        (dict(node_type="db.t4g.small"), "ElastiCache node type"),
        (dict(node_type="cache.t4g"), "ElastiCache node type"),
        (dict(engine_version="7"), "major.minor"),
        (dict(engine_version="7.1"), "Valkey starts at 7.2"),
        (dict(engine_version="6.2"), "Valkey starts at 7.2"),
        (dict(replicas=6), "between 0 and 5"),
        (dict(replicas=-1, multi_az=False), "between 0 and 5"),
        (dict(replicas=0, multi_az=True), "automatic failover needs at least one replica"),
        (dict(snapshot_retention_days=36), "between 0 and 35"),
        (dict(snapshot_window="2-3"), "hh:mm-hh:mm"),
        (dict(maintenance_window="sun"), "ddd:hh:mm-ddd:hh:mm"),
        (dict(maxmemory_policy="lru"), "use one of volatile-lru"),
        (dict(evictions_alarm_threshold=-1), "evictions_alarm_threshold must be >= 0"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    assert_rejected(CacheProps, MINIMAL, changes, message)
