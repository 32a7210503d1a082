"""Unit tests of constructs/database.py."""
from __future__ import annotations

import json

import pytest

from constructs.database import Database, DatabaseProps
from constructs.database_settings import CA_CERT, LOG_EXPORTS
from constructs.postgres_parameters import postgres_parameters
from tests.support import ROOT, of_type, one, synth_construct

KEY = "arn:aws:kms:us-east-1:123456789012:key/"
MINIMAL = dict(
    name="sparki-t",
    region="us-east-1",
    account_id="123456789012",
    vpc_id="vpc-1",
    subnet_group_name="sparki-t-database",
    engine_version="16",
    instance_class="db.t4g.medium",
    storage_key_arn=KEY + "data",
    secret_key_arn=KEY + "secrets",
    log_key_arn=KEY + "logs",
    alarm_topic_arn="arn:aws:sns:us-east-1:123456789012:alarms",
)
FULL = dict(
    MINIMAL,
    engine_version="17",
    instance_class="db.r7g.xlarge",
    allocated_storage_gib=200,
    max_allocated_storage_gib=2000,
    multi_az=False,
    deletion_protection=False,
    backup_retention_days=35,
    backup_window="22:00-22:30",
    maintenance_window="sat:23:00-sat:23:30",
    password_version=3,
    secret_recovery_days=7,
    read_replicas=2,
    replica_lag_alarm_seconds=120,
    max_connections=1000,
    slow_statement_ms=2000,
    explain_statement_ms=5000,
    explain_sample_rate=0.2,
    monitoring_interval=5,
    insights_retention_days=93,
    log_retention_days=365,
    client_security_group_ids=("sg-nodes", "sg-jobs"),
    free_memory_alarm_mib=3000,
    create_os_metrics_log_group=False,
    database_name="app",
    master_username="admin_user",
)


@pytest.fixture(scope="module")
def minimal():
    return synth_construct(lambda s: Database(s, "database", DatabaseProps(**MINIMAL)))


@pytest.fixture(scope="module")
def full():
    return synth_construct(lambda s: Database(s, "database", DatabaseProps(**FULL)))


@pytest.fixture(scope="module")
def managed():
    return synth_construct(lambda s: Database(s, "database", DatabaseProps(**MINIMAL, master_password="rds-managed")))


def instances(doc):
    return {i["identifier"]: i for i in of_type(doc, "aws_db_instance").values()}


def primary(doc):
    return next(i for i in of_type(doc, "aws_db_instance").values() if "replicate_source_db" not in i)


def alarms(doc):
    return {a["alarm_name"]: a for a in of_type(doc, "aws_cloudwatch_metric_alarm").values()}


def parameters(doc):
    (group,) = of_type(doc, "aws_db_parameter_group").values()
    return group, {p["name"]: p for p in group["parameter"]}


# -- minimal props: the secure defaults ------------------------------------------------------


def test_instance_is_private_encrypted_and_on_gp3_with_autoscaling(minimal):
    db = primary(minimal)
    assert db["engine"] == "postgres" and db["engine_version"] == "16" and db["instance_class"] == "db.t4g.medium"
    assert db["publicly_accessible"] is False
    assert db["storage_encrypted"] is True and db["kms_key_id"] == KEY + "data"
    assert db["storage_type"] == "gp3" and db["allocated_storage"] == 20 and db["max_allocated_storage"] == 100
    assert db["db_subnet_group_name"] == "sparki-t-database"
    assert db["ca_cert_identifier"] == CA_CERT


def test_master_password_is_ephemeral_and_write_only_by_default(minimal):
    db = primary(minimal)
    (local_name, expression), = minimal["locals"].items()
    (block_name, arguments), = minimal["ephemeral"]["aws_secretsmanager_random_password"].items()
    assert expression == f"${{ephemeral.aws_secretsmanager_random_password.{block_name}.random_password}}"
    assert arguments["password_length"] == 40 and set('/"@') <= set(arguments["exclude_characters"])
    assert db["password_wo"] == f"${{local.{local_name}}}" and db["password_wo_version"] == 1
    assert "password" not in db and "manage_master_user_password" not in db
    assert db["iam_database_authentication_enabled"] is True


def test_master_secret_gets_the_same_password_through_a_write_only_argument(minimal):
    (secret_id, secret), = of_type(minimal, "aws_secretsmanager_secret").items()
    assert secret["name"] == "sparki-t/postgres/master" and secret["kms_key_id"] == KEY + "secrets"
    assert secret["recovery_window_in_days"] == 30
    (version,) = of_type(minimal, "aws_secretsmanager_secret_version").values()
    assert version["secret_id"] == f"${{aws_secretsmanager_secret.{secret_id}.id}}"
    assert "secret_string" not in version and version["secret_string_wo_version"] == 1
    (local_name,) = minimal["locals"]
    value = version["secret_string_wo"]
    assert value.startswith("${jsonencode({") and f'"password" = local.{local_name}' in value
    assert '"username" = "sparki_admin"' in value and '"engine" = "postgres"' in value and ".address" in value


def test_password_version_and_recovery_window_follow_the_props(full):
    assert primary(full)["password_wo_version"] == 3
    assert one(full, "aws_secretsmanager_secret_version")["secret_string_wo_version"] == 3
    assert one(full, "aws_secretsmanager_secret")["recovery_window_in_days"] == 7


def test_rds_managed_password_keeps_rds_secret_and_makes_no_secret_of_its_own(managed):
    db = primary(managed)
    assert db["manage_master_user_password"] is True
    assert db["master_user_secret_kms_key_id"] == KEY + "secrets"
    assert "password_wo" not in db and "password" not in db
    assert not of_type(managed, "aws_secretsmanager_secret") and "ephemeral" not in managed


def test_defaults_are_highly_available_protected_and_backed_up(minimal):
    db = primary(minimal)
    assert db["multi_az"] is True and db["deletion_protection"] is True
    assert db["backup_retention_period"] == 7 and db["copy_tags_to_snapshot"] is True
    assert db["skip_final_snapshot"] is False and db["final_snapshot_identifier"] == "sparki-t-postgres-final"
    assert db["delete_automated_backups"] is False


def test_minor_upgrades_are_automatic_in_the_maintenance_window(minimal):
    db = primary(minimal)
    assert db["auto_minor_version_upgrade"] is True and db["allow_major_version_upgrade"] is False
    assert db["apply_immediately"] is False
    assert db["maintenance_window"] == "sun:04:30-sun:05:30" and db["backup_window"] == "03:00-04:00"


def test_performance_insights_and_enhanced_monitoring_are_on(minimal):
    db = primary(minimal)
    assert db["performance_insights_enabled"] is True
    assert db["performance_insights_kms_key_id"] == KEY + "data"
    assert db["performance_insights_retention_period"] == 7
    assert db["monitoring_interval"] == 60
    (role_id,) = of_type(minimal, "aws_iam_role")
    assert db["monitoring_role_arn"] == f"${{aws_iam_role.{role_id}.arn}}"


def test_monitoring_role_trusts_only_rds_monitoring_of_this_database(minimal):
    (role,) = of_type(minimal, "aws_iam_role").values()
    (statement,) = json.loads(role["assume_role_policy"])["Statement"]
    assert statement["Principal"] == {"Service": "monitoring.rds.amazonaws.com"}
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    assert statement["Condition"]["ArnLike"] == {"aws:SourceArn": "arn:aws:rds:us-east-1:123456789012:db:sparki-t-postgres*"}
    (attachment,) = of_type(minimal, "aws_iam_role_policy_attachment").values()
    assert attachment["policy_arn"].endswith(":policy/service-role/AmazonRDSEnhancedMonitoringRole")


def test_logs_go_to_encrypted_log_groups_made_before_the_instance(minimal):
    db = primary(minimal)
    assert db["enabled_cloudwatch_logs_exports"] == list(LOG_EXPORTS)
    groups = of_type(minimal, "aws_cloudwatch_log_group")
    names = {g["name"] for g in groups.values()}
    assert names == {"/aws/rds/instance/sparki-t-postgres/postgresql", "/aws/rds/instance/sparki-t-postgres/upgrade", "RDSOSMetrics"}
    assert all(g["kms_key_id"] == KEY + "logs" and g["retention_in_days"] == 90 for g in groups.values())
    export_groups = {f"aws_cloudwatch_log_group.{k}" for k, g in groups.items() if g["name"].startswith("/aws/rds/")}
    assert set(db["depends_on"]) == export_groups


def test_security_group_admits_nothing_without_clients(minimal):
    (sg,) = of_type(minimal, "aws_security_group").values()
    assert sg["name"] == "sparki-t-postgres" and sg["vpc_id"] == "vpc-1"
    assert sg["egress"] == [] and "ingress" not in sg
    assert of_type(minimal, "aws_vpc_security_group_ingress_rule") == {}
    sg_id = next(iter(of_type(minimal, "aws_security_group")))
    assert primary(minimal)["vpc_security_group_ids"] == [f"${{aws_security_group.{sg_id}.id}}"]


def test_parameter_group_matches_the_major_and_is_replaced_before_destroyed(minimal):
    group, _ = parameters(minimal)
    assert group["family"] == "postgres16" and group["name"] == "sparki-t-postgres16"
    assert group["lifecycle"] == {"create_before_destroy": True}
    group_id = next(iter(of_type(minimal, "aws_db_parameter_group")))
    assert primary(minimal)["parameter_group_name"] == f"${{aws_db_parameter_group.{group_id}.name}}"


def test_parameter_group_forces_tls_and_logs_slow_statements(minimal):
    _, params = parameters(minimal)
    assert params["rds.force_ssl"]["value"] == "1"
    assert params["ssl_min_protocol_version"]["value"] == "TLSv1.2"
    assert params["log_min_duration_statement"]["value"] == "500"
    assert params["log_statement"]["value"] == "ddl"
    assert params["max_connections"] == {"name": "max_connections", "value": "100", "apply_method": "pending-reboot"}


def test_memory_parameters_follow_the_instance_class():
    params = {p.name: p for p in postgres_parameters(max_connections=200, slow_statement_ms=500)}
    assert params["shared_buffers"].value == "{DBInstanceClassMemory/32768}"
    # a quarter of memory in kB over 200 connections
    assert params["work_mem"].value == "GREATEST({DBInstanceClassMemory/819200},4096)"
    assert params["shared_buffers"].apply_method == "pending-reboot"
    assert all(p.why for p in params.values())
    assert all(p.apply_method in ("immediate", "pending-reboot") for p in params.values())


@pytest.mark.parametrize("ms, rate, shown", [(1000, 1.0, "1"), (2000, 0.1, "0.1")])
def test_slow_statements_are_counted_and_explained_by_the_given_threshold_and_sample(ms, rate, shown):
    params = {p.name: p for p in postgres_parameters(100, 500, explain_statement_ms=ms, explain_sample_rate=rate)}
    assert params["shared_preload_libraries"].value.split(",") == ["pg_stat_statements", "auto_explain"]
    assert params["shared_preload_libraries"].apply_method == "pending-reboot"
    assert params["auto_explain.log_min_duration"].value == str(ms)
    assert params["auto_explain.sample_rate"].value == shown
    assert params["auto_explain.log_analyze"].value == "1" and params["auto_explain.log_timing"].value == "0"


def test_alarms_cover_cpu_storage_memory_connections_and_report_to_the_topic(minimal):
    found = alarms(minimal)
    assert set(found) == {f"sparki-t-postgres-{k}" for k in ("cpu", "free-storage", "free-memory", "connections")}
    for alarm in found.values():
        assert alarm["namespace"] == "AWS/RDS" and alarm["dimensions"] == {"DBInstanceIdentifier": "sparki-t-postgres"}
        assert alarm["alarm_actions"] == alarm["ok_actions"] == [MINIMAL["alarm_topic_arn"]]
        assert alarm["actions_enabled"] is True
    assert found["sparki-t-postgres-connections"]["threshold"] == 80
    assert found["sparki-t-postgres-free-memory"]["threshold"] == 256 * 1024**2
    assert found["sparki-t-postgres-free-storage"]["threshold"] == 2 * 1024**3
    assert found["sparki-t-postgres-free-storage"]["comparison_operator"] == "LessThanThreshold"


def test_one_instance_and_no_replica_lag_alarm(minimal):
    assert list(instances(minimal)) == ["sparki-t-postgres"]
    assert not [n for n in alarms(minimal) if "replica-lag" in n]


def test_every_parameter_is_documented_with_its_reason():
    doc = (ROOT / "docs" / "data.md").read_text()
    for p in postgres_parameters(max_connections=100, slow_statement_ms=500):
        assert f"| `{p.name}` |" in doc, f"{p.name} missing from docs/data.md"


# -- full props ------------------------------------------------------------------------------


def test_full_props_are_applied(full):
    db = primary(full)
    assert db["engine_version"] == "17" and db["instance_class"] == "db.r7g.xlarge"
    assert (db["allocated_storage"], db["max_allocated_storage"]) == (200, 2000)
    assert db["multi_az"] is False and db["deletion_protection"] is False
    assert db["backup_retention_period"] == 35 and db["backup_window"] == "22:00-22:30"
    assert db["maintenance_window"] == "sat:23:00-sat:23:30"
    assert db["monitoring_interval"] == 5 and db["performance_insights_retention_period"] == 93
    assert db["db_name"] == "app" and db["username"] == "admin_user"
    group, params = parameters(full)
    assert group["family"] == "postgres17"
    assert params["max_connections"]["value"] == "1000" and params["log_min_duration_statement"]["value"] == "2000"


def test_client_security_groups_get_one_rule_each_on_5432(full):
    rules = sorted(of_type(full, "aws_vpc_security_group_ingress_rule").values(), key=lambda r: r["referenced_security_group_id"])
    assert [r["referenced_security_group_id"] for r in rules] == ["sg-jobs", "sg-nodes"]
    for rule in rules:
        assert (rule["ip_protocol"], rule["from_port"], rule["to_port"]) == ("tcp", 5432, 5432)
        assert "cidr_ipv4" not in rule and "cidr_ipv6" not in rule and rule["description"]


def test_read_replicas_follow_the_primary_and_carry_a_lag_alarm(full):
    found = instances(full)
    assert sorted(found) == ["sparki-t-postgres", "sparki-t-postgres-replica-1", "sparki-t-postgres-replica-2"]
    primary_id = next(k for k, v in of_type(full, "aws_db_instance").items() if "replicate_source_db" not in v)
    group_id = next(iter(of_type(full, "aws_db_parameter_group")))
    for n in (1, 2):
        replica = found[f"sparki-t-postgres-replica-{n}"]
        assert replica["replicate_source_db"] == f"${{aws_db_instance.{primary_id}.identifier}}"
        assert replica["storage_encrypted"] is True and replica["kms_key_id"] == KEY + "data"
        assert replica["publicly_accessible"] is False and replica["parameter_group_name"] == f"${{aws_db_parameter_group.{group_id}.name}}"
        assert replica["iam_database_authentication_enabled"] is True and replica["performance_insights_enabled"] is True
        assert replica["monitoring_interval"] == 5 and replica["deletion_protection"] is False
        assert replica["multi_az"] is False
        assert not {"password_wo", "manage_master_user_password", "username"} & set(replica)
        assert replica["enabled_cloudwatch_logs_exports"] == list(LOG_EXPORTS)
        lag = alarms(full)[f"sparki-t-postgres-replica-{n}-replica-lag"]
        assert lag["metric_name"] == "ReplicaLag" and lag["threshold"] == 120
        assert lag["dimensions"] == {"DBInstanceIdentifier": f"sparki-t-postgres-replica-{n}"}


def test_each_replica_gets_its_own_log_groups_and_no_os_metrics_group_when_disabled(full):
    names = {g["name"] for g in of_type(full, "aws_cloudwatch_log_group").values()}
    assert names == {f"/aws/rds/instance/{i}/{log}" for i in ("sparki-t-postgres", "sparki-t-postgres-replica-1", "sparki-t-postgres-replica-2") for log in LOG_EXPORTS}
    assert all(g["retention_in_days"] == 365 for g in of_type(full, "aws_cloudwatch_log_group").values())


def test_thresholds_follow_the_props(full):
    found = alarms(full)
    assert found["sparki-t-postgres-connections"]["threshold"] == 800
    assert found["sparki-t-postgres-free-memory"]["threshold"] == 3000 * 1024**2
    assert found["sparki-t-postgres-free-storage"]["threshold"] == 10 * 1024**3
    _, params = parameters(full)
    assert (params["auto_explain.log_min_duration"]["value"], params["auto_explain.sample_rate"]["value"]) == ("5000", "0.2")


# -- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(engine_version="16.4"), "major only"),
        (dict(instance_class="cache.t4g.medium"), "RDS class"),
        (dict(instance_class="t4g.medium"), "RDS class"),
        (dict(allocated_storage_gib=10), "at least 20"),
        (dict(allocated_storage_gib=100, max_allocated_storage_gib=100), "must exceed allocated_storage_gib"),
        (dict(backup_retention_days=0), "between 1 and 35"),
        (dict(backup_retention_days=36), "between 1 and 35"),
        (dict(read_replicas=1, master_password="rds-managed"), "no read replica of a source whose master password it manages"),
        (dict(read_replicas=6), "between 0 and 5"),
        (dict(master_password="managed"), "must be one of"),
        (dict(password_version=0), "must be positive"),
        (dict(replica_lag_alarm_seconds=0), "must be positive"),
        (dict(secret_recovery_days=3), "between 7 and 30"),
        (dict(max_connections=10), "between 20 and 5000"),
        (dict(slow_statement_ms=0), "at least 100"),
        (dict(slow_statement_ms=500, explain_statement_ms=400), "must be at least slow_statement_ms=500"),
        (dict(explain_sample_rate=0), "above 0 and at most 1"),
        (dict(explain_sample_rate=1.5), "above 0 and at most 1"),
        (dict(monitoring_interval=0), "must be one of"),
        (dict(insights_retention_days=30), "7 or a multiple of 31"),
        (dict(backup_window="3-4"), "hh:mm-hh:mm"),
        (dict(maintenance_window="sunday 4am"), "ddd:hh:mm-ddd:hh:mm"),
        (dict(database_name="Sparki-DB"), "PostgreSQL identifier"),
        (dict(master_username="1admin"), "PostgreSQL identifier"),
        (dict(free_memory_alarm_mib=0), "must be positive"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    with pytest.raises(ValueError, match=message):
        DatabaseProps(**{**MINIMAL, **changes})


def test_rds_events_of_the_instance_reach_the_alarm_topic(minimal):
    (sub,) = of_type(minimal, "aws_db_event_subscription").values()
    instance_id = next(iter(of_type(minimal, "aws_db_instance")))
    assert sub["name"] == "sparki-t-postgres-events" and sub["sns_topic"] == MINIMAL["alarm_topic_arn"]
    assert sub["source_type"] == "db-instance" and sub["enabled"] is True
    assert sub["source_ids"] == [f"${{aws_db_instance.{instance_id}.identifier}}"]
    assert {"failover", "failure", "low storage", "maintenance"} <= set(sub["event_categories"])
    assert "configuration change" not in sub["event_categories"]


def test_rds_events_of_the_replicas_reach_the_alarm_topic_too(full):
    (sub,) = of_type(full, "aws_db_event_subscription").values()
    assert sub["source_ids"] == [f"${{aws_db_instance.{i}.identifier}}" for i in of_type(full, "aws_db_instance")]
    assert len(sub["source_ids"]) == 3
