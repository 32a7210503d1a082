"""Unit tests of constructs/finding_routes.py."""
from __future__ import annotations

import json

import pytest

from catalog.aws import FINDING_SEVERITIES
from constructs.finding_routes import (
    ELASTICACHE_EVENTS,
    FindingRoutes,
    FindingRoutesProps,
    finding_rule_arn,
    finding_rule_name,
    security_hub_pattern,
)
from tests.support import assert_rejected, builder, of_type, one, policy_report, synth_construct, synth_fixture

TOPIC = "arn:aws:sns:us-east-1:123456789012:sparki-t-alarms"
MINIMAL = dict(name="sparki-t", topic_arn=TOPIC)


build_minimal = builder(FindingRoutes, "routes", FindingRoutesProps, MINIMAL)
minimal = synth_fixture(build_minimal)


def rules_by_name(doc):
    return {r["name"]: r for r in of_type(doc, "aws_cloudwatch_event_rule").values()}


def test_minimal_routes_high_security_hub_findings_config_non_compliance_and_cache_events_to_the_topic(minimal):
    rules = rules_by_name(minimal)
    assert set(rules) == {finding_rule_name("sparki-t", s) for s in ("securityhub", "config", "elasticache")}
    hub = json.loads(rules["sparki-t-securityhub-findings"]["event_pattern"])
    assert hub["source"] == ["aws.securityhub"] and hub["detail-type"] == ["Security Hub Findings - Imported"]
    findings = hub["detail"]["findings"]
    assert findings["Severity"]["Label"] == ["HIGH", "CRITICAL"]
    assert findings["Workflow"]["Status"] == ["NEW"] and findings["RecordState"] == ["ACTIVE"]
    # GuardDuty and Config findings travel by their own rules, not twice.
    assert findings["ProductName"] == [{"anything-but": ["GuardDuty", "Config"]}]
    config = json.loads(rules["sparki-t-config-findings"]["event_pattern"])
    assert config["source"] == ["aws.config"] and config["detail-type"] == ["Config Rules Compliance Change"]
    assert config["detail"]["newEvaluationResult"] == {"complianceType": ["NON_COMPLIANT"]}
    targets = of_type(minimal, "aws_cloudwatch_event_target").values()
    assert len(targets) == 3 and {t["arn"] for t in targets} == {TOPIC}


def test_cache_events_are_the_failures_deletions_updates_and_limits_not_routine_successes(minimal):
    cache = json.loads(rules_by_name(minimal)["sparki-t-elasticache-events"]["event_pattern"])
    assert cache == {"source": ["aws.elasticache"], "detail-type": list(ELASTICACHE_EVENTS)}
    # The names ElastiCache sends to EventBridge (EventBridge reference, "Amazon ElastiCache events").
    sent = {"Cache Created", "Cache Creation Failed", "Cache Deleted", "Snapshot Created", "Snapshot Creation Failed", "Cache Update Failed",
            "Cache Updated", "Cache Limit Approaching", "Snapshot Export Failed", "Snapshot Copy Failed"}
    assert set(ELASTICACHE_EVENTS) == sent - {"Cache Created", "Snapshot Created"}


@pytest.mark.parametrize("threshold", FINDING_SEVERITIES)
def test_threshold_sends_its_label_and_every_higher_one(threshold):
    labels = security_hub_pattern(threshold)["detail"]["findings"]["Severity"]["Label"]
    assert labels[0] == threshold and labels[-1] == "CRITICAL"
    assert labels == [s for s in FINDING_SEVERITIES if FINDING_SEVERITIES.index(s) >= FINDING_SEVERITIES.index(threshold)]


@pytest.mark.parametrize("service, kept", [("security_hub", "sparki-t-securityhub-findings"), ("config", "sparki-t-config-findings")])
def test_one_service_gets_only_its_own_rule(service, kept):
    other = {"security_hub": "config", "config": "security_hub"}[service]
    doc = synth_construct(lambda s: FindingRoutes(s, "routes", FindingRoutesProps(**MINIMAL, threshold="MEDIUM", cache_events=False, **{other: False})))
    assert set(rules_by_name(doc)) == {kept}
    assert one(doc, "aws_cloudwatch_event_target")["arn"] == TOPIC


def test_rule_arn_is_known_before_the_rule_exists():
    assert finding_rule_arn("sparki-t", "config", "eu-west-1", "123456789012") == "arn:aws:events:eu-west-1:123456789012:rule/sparki-t-config-findings"
    assert finding_rule_arn("sparki-t", "elasticache", "eu-west-1", "123456789012") == "arn:aws:events:eu-west-1:123456789012:rule/sparki-t-elasticache-events"


def test_routes_pass_the_policy_pack():
    assert policy_report(build_minimal).violations == []


@pytest.mark.parametrize(
    "changes, message",
    [(dict(threshold="high"), "threshold"), (dict(threshold="INFORMATIONAL"), "threshold"), (dict(security_hub=False, config=False, cache_events=False), "nothing to route")],
)
def test_invalid_routes_are_rejected(changes, message):
    assert_rejected(FindingRoutesProps, MINIMAL, changes, message)


def test_unknown_source_is_rejected():
    with pytest.raises(ValueError, match="source"):
        finding_rule_name("sparki-t", "inspector")
