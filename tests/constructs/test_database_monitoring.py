"""Unit tests of constructs/database_monitoring.py (also exercised through Database)."""
from __future__ import annotations

import json

import pytest

from constructs.database_monitoring import (
    GIB,
    DatabaseAlarmProps,
    MonitoringRoleProps,
    add_database_alarms,
    enhanced_monitoring_role,
    event_source_arns,
    exported_log_groups,
)
from tests.support import of_type, one, synth_construct

KEY = "arn:aws:kms:us-east-1:123456789012:key/logs"
ROLE = dict(name="sparki-t", identifier="sparki-t-postgres", region="us-east-1", account_id="123456789012", log_retention_days=30, log_key_arn=KEY)
ALARMS = dict(identifier="sparki-t-postgres", topic_arn="arn:aws:sns:us-east-1:123456789012:alarms", max_connections=100,
              free_storage_bytes=2 * GIB, free_memory_mib=256)


@pytest.mark.parametrize("create_group, groups", [(False, 0), (True, 1)])
def test_monitoring_role_is_guarded_and_the_os_metrics_group_optional(create_group, groups):
    doc = synth_construct(lambda s: enhanced_monitoring_role(s, MonitoringRoleProps(**ROLE, create_os_metrics_log_group=create_group)))
    (statement,) = json.loads(one(doc, "aws_iam_role")["assume_role_policy"])["Statement"]
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012"},
        "ArnLike": {"aws:SourceArn": "arn:aws:rds:us-east-1:123456789012:db:sparki-t-postgres*"},
    }
    assert len(of_type(doc, "aws_cloudwatch_log_group")) == groups
    assert one(doc, "aws_iam_role_policy_attachment")["policy_arn"].endswith("service-role/AmazonRDSEnhancedMonitoringRole")


def test_exported_log_groups_are_named_for_rds_and_encrypted():
    doc = synth_construct(lambda s: exported_log_groups(s, "primary", "db-1", ("postgresql", "upgrade"), 30, KEY))
    groups = of_type(doc, "aws_cloudwatch_log_group").values()
    assert sorted(g["name"] for g in groups) == ["/aws/rds/instance/db-1/postgresql", "/aws/rds/instance/db-1/upgrade"]
    assert all(g["kms_key_id"] == KEY and g["retention_in_days"] == 30 for g in groups)


def test_alarms_cover_cpu_storage_memory_and_connections():
    doc = synth_construct(lambda s: add_database_alarms(s, DatabaseAlarmProps(**ALARMS)))
    alarms = {a["alarm_name"]: a for a in of_type(doc, "aws_cloudwatch_metric_alarm").values()}
    expected = {f"sparki-t-postgres-{s}" for s in ("cpu", "free-storage", "free-memory", "connections")}
    assert set(alarms) == expected
    assert alarms["sparki-t-postgres-connections"]["threshold"] == 80
    assert alarms["sparki-t-postgres-free-storage"]["threshold"] == 2 * GIB


def test_event_sources_cover_the_instance_and_nothing_outside_its_name():
    (arn,) = event_source_arns("sparki-t-postgres", "us-east-1", "123456789012")
    assert arn == "arn:aws:rds:us-east-1:123456789012:db:sparki-t-postgres*"
