"""Unit tests of constructs/metric_alarm.py."""
from __future__ import annotations

import pytest

from constructs.metric_alarm import MetricAlarm, MetricAlarmProps
from tests.support import assert_rejected, one, synth_fixture

TOPIC = "arn:aws:sns:us-east-1:123456789012:alarms"
MINIMAL = dict(
    name="sparki-t-db-cpu",
    description="CPU high",
    namespace="AWS/RDS",
    metric="CPUUtilization",
    dimensions={"DBInstanceIdentifier": "sparki-t-postgres"},
    statistic="Average",
    comparison=">",
    threshold=80,
    topic_arn=TOPIC,
)


minimal = synth_fixture(lambda s: MetricAlarm(s, "alarm", MetricAlarmProps(**MINIMAL)))


FULL = {**MINIMAL, "comparison": "<=", "periods": 1, "period_seconds": 60, "missing_data": "notBreaching", "tags": {"Team": "db"}}
full = synth_fixture(lambda s: MetricAlarm(s, "alarm", MetricAlarmProps(**FULL)))


def alarm_of(doc):
    return one(doc, "aws_cloudwatch_metric_alarm")


def test_alarm_is_enabled_and_reports_firing_and_clearing(minimal):
    alarm = alarm_of(minimal)
    assert alarm["actions_enabled"] is True
    assert alarm["alarm_actions"] == [TOPIC] and alarm["ok_actions"] == [TOPIC]
    assert alarm["alarm_name"] == "sparki-t-db-cpu" and alarm["tags"] == {"Name": "sparki-t-db-cpu"}


def test_defaults_need_three_consecutive_five_minute_breaches(minimal):
    alarm = alarm_of(minimal)
    assert (alarm["evaluation_periods"], alarm["datapoints_to_alarm"], alarm["period"]) == (3, 3, 300)
    assert alarm["comparison_operator"] == "GreaterThanThreshold" and alarm["treat_missing_data"] == "missing"
    assert alarm["dimensions"] == {"DBInstanceIdentifier": "sparki-t-postgres"}


def test_full_props_are_applied(full):
    alarm = alarm_of(full)
    assert alarm["comparison_operator"] == "LessThanOrEqualToThreshold"
    assert (alarm["evaluation_periods"], alarm["period"], alarm["treat_missing_data"]) == (1, 60, "notBreaching")
    assert alarm["tags"] == {"Name": "sparki-t-db-cpu", "Team": "db"}


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(comparison="=="), "comparison"),
        (dict(statistic="p99"), "statistic"),
        (dict(missing_data="zero"), "missing_data"),
        (dict(periods=0), "need >= 1 period"),
        (dict(period_seconds=90), "multiple of 60"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    assert_rejected(MetricAlarmProps, MINIMAL, changes, message)
