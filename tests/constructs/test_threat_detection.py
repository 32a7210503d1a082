"""Unit tests of constructs/threat_detection.py and constructs/security_hub.py."""
from __future__ import annotations

import json

import pytest

from constructs.security_hub import SecurityHub, SecurityHubProps, cis_standard_arn
from constructs.threat_detection import ThreatDetection, ThreatDetectionProps, findings_rule_arn
from tests.support import of_type, one, policy_report, synth_construct, synth_fixture

TOPIC = "arn:aws:sns:us-east-1:123456789012:sparki-t-alarms"
MINIMAL = dict(name="sparki-t", features=("EKS_AUDIT_LOGS",), topic_arn=TOPIC)
FULL = dict(MINIMAL, features=("EKS_AUDIT_LOGS", "S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS"), min_severity=4, publishing_frequency="SIX_HOURS")


def build_minimal(stack):
    ThreatDetection(stack, "guardduty", ThreatDetectionProps(**MINIMAL))


minimal = synth_fixture(build_minimal)


@pytest.fixture(scope="module")
def full():
    return synth_construct(lambda s: ThreatDetection(s, "guardduty", ThreatDetectionProps(**FULL)))


def test_detector_watches_eks_audit_logs_and_sends_high_findings_to_the_topic(minimal):
    detector = one(minimal, "aws_guardduty_detector")
    assert detector["enable"] is True and detector["finding_publishing_frequency"] == "FIFTEEN_MINUTES"
    (feature,) = of_type(minimal, "aws_guardduty_detector_feature").values()
    assert (feature["name"], feature["status"]) == ("EKS_AUDIT_LOGS", "ENABLED")
    rule = one(minimal, "aws_cloudwatch_event_rule")
    assert rule["name"] == "sparki-t-guardduty-findings"
    assert json.loads(rule["event_pattern"]) == {
        "source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"], "detail": {"severity": [{"numeric": [">=", 7]}]},
    }
    assert one(minimal, "aws_cloudwatch_event_target")["arn"] == TOPIC
    assert findings_rule_arn("sparki-t", "us-east-1", "123456789012") == "arn:aws:events:us-east-1:123456789012:rule/sparki-t-guardduty-findings"


def test_full_props_enable_every_plan(full):
    names = {f["name"] for f in of_type(full, "aws_guardduty_detector_feature").values()}
    assert names == set(FULL["features"])
    assert json.loads(one(full, "aws_cloudwatch_event_rule")["event_pattern"])["detail"]["severity"] == [{"numeric": [">=", 4]}]
    assert one(full, "aws_guardduty_detector")["finding_publishing_frequency"] == "SIX_HOURS"


def test_guardduty_passes_the_policy_pack():
    assert policy_report(build_minimal).violations == []


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(features=("EKS_AUDIT_LOGS", "LAMBDA_NETWORK_LOGS")), "unknown"),
        (dict(features=("S3_DATA_EVENTS",)), "EKS_AUDIT_LOGS is required"),
        (dict(min_severity=9), "1 to 8.9"),
        (dict(publishing_frequency="DAILY"), "publishing_frequency"),
    ],
)
def test_invalid_guardduty_props_are_rejected(changes, message):
    with pytest.raises(ValueError, match=message):
        ThreatDetectionProps(**{**MINIMAL, **changes})


@pytest.fixture(scope="module")
def hub():
    return synth_construct(lambda s: SecurityHub(s, "hub", SecurityHubProps(region="us-east-1")))


def test_security_hub_subscribes_to_cis_only(hub):
    account = one(hub, "aws_securityhub_account")
    assert account["enable_default_standards"] is False and account["control_finding_generator"] == "SECURITY_CONTROL"
    subscription = one(hub, "aws_securityhub_standards_subscription")
    assert subscription["standards_arn"] == "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/3.0.0"
    assert subscription["depends_on"][0].startswith("aws_securityhub_account.")


def test_security_hub_full_props_choose_the_cis_version():
    doc = synth_construct(lambda s: SecurityHub(s, "hub", SecurityHubProps(region="eu-west-1", cis_version="1.4.0")))
    assert one(doc, "aws_securityhub_standards_subscription")["standards_arn"] == cis_standard_arn("eu-west-1", "1.4.0")
    assert cis_standard_arn("eu-west-1", "1.2.0") == "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"


def test_security_hub_passes_the_policy_pack():
    assert policy_report(lambda s: SecurityHub(s, "hub", SecurityHubProps(region="us-east-1"))).violations == []


def test_unknown_cis_version_is_rejected():
    with pytest.raises(ValueError, match="Security Hub offers"):
        SecurityHubProps(region="us-east-1", cis_version="5.0.0")
