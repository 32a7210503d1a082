"""Unit tests of constructs/edge_alarms.py."""
from __future__ import annotations

import pytest

from constructs.edge_alarms import EdgeAlarms, EdgeAlarmsProps
from tests.constructs.edge_support import ALIAS, virginia
from tests.support import assert_rejected, builder, of_type, policy_report, synth_fixture

TOPIC = "arn:aws:sns:eu-west-1:123456789012:sparki-t-alarms"
MINIMAL = dict(name="sparki-t-api", topic_arn=TOPIC, web_acl_name="sparki-t-api", web_acl_region="eu-west-1")
FULL = dict(
    name="sparki-t-cdn", topic_arn="arn:aws:sns:us-east-1:123456789012:sparki-t-alarms", web_acl_name="sparki-t-cdn",
    blocked_per_5_minutes=200, distribution_id="E2EXAMPLE", error_rate_percent=2.5, tags={"Team": "edge"},
)


build_minimal = builder(EdgeAlarms, "alarms", EdgeAlarmsProps, MINIMAL)
build_full = builder(EdgeAlarms, "alarms", EdgeAlarmsProps, FULL, provider=virginia)
minimal = synth_fixture(build_minimal)
full = synth_fixture(build_full)


def alarms(doc):
    return {a["alarm_name"]: a for a in of_type(doc, "aws_cloudwatch_metric_alarm").values()}


def test_regional_acl_blocked_spike_alarm_watches_all_rules_in_its_region(minimal):
    (alarm,) = alarms(minimal).values()
    assert alarm["alarm_name"] == "sparki-t-api-waf-blocked"
    assert (alarm["namespace"], alarm["metric_name"], alarm["statistic"]) == ("AWS/WAFV2", "BlockedRequests", "Sum")
    assert alarm["dimensions"] == {"WebACL": "sparki-t-api", "Rule": "ALL", "Region": "eu-west-1"}
    assert alarm["threshold"] == 1000 and alarm["period"] == 300 and alarm["evaluation_periods"] == 1
    assert alarm["treat_missing_data"] == "notBreaching"
    assert alarm["alarm_actions"] == alarm["ok_actions"] == [TOPIC]
    assert "provider" not in alarm


def test_cloudfront_alarms_live_in_us_east_1_with_global_dimensions(full):
    by_name = alarms(full)
    assert set(by_name) == {"sparki-t-cdn-waf-blocked", "sparki-t-cdn-cdn-5xx"}
    assert by_name["sparki-t-cdn-waf-blocked"]["dimensions"] == {"WebACL": "sparki-t-cdn", "Rule": "ALL"}
    assert by_name["sparki-t-cdn-waf-blocked"]["threshold"] == 200
    errors = by_name["sparki-t-cdn-cdn-5xx"]
    assert (errors["namespace"], errors["metric_name"], errors["statistic"]) == ("AWS/CloudFront", "5xxErrorRate", "Average")
    assert errors["dimensions"] == {"DistributionId": "E2EXAMPLE", "Region": "Global"}
    assert errors["threshold"] == 2.5 and errors["comparison_operator"] == "GreaterThanThreshold"
    assert all(a["provider"] == f"aws.{ALIAS}" and a["alarm_actions"] == [FULL["topic_arn"]] for a in by_name.values())
    assert all(a["tags"]["Team"] == "edge" for a in by_name.values())


@pytest.mark.parametrize("build", [build_minimal, build_full])
def test_passes_the_policy_pack(build):
    assert policy_report(build).violations == []


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(blocked_per_5_minutes=0), "blocked_per_5_minutes=0"),
        (dict(error_rate_percent=0), "error_rate_percent=0"),
        (dict(error_rate_percent=101), "error_rate_percent=101"),
        (dict(distribution_id="E2EXAMPLE"), "distribution_id: CloudFront metrics live in us-east-1"),
        (dict(name="sparki t"), "name='sparki t'"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    assert_rejected(EdgeAlarmsProps, MINIMAL, changes, message)
