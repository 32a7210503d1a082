"""Unit tests of constructs/threat_detection.py and constructs/security_hub.py."""
from __future__ import annotations

import json

import pytest

from catalog.aws import GUARDDUTY_FEATURES
from constructs.finding_routes import finding_rule_arn
from constructs.security_hub import SecurityHub, SecurityHubProps
from constructs.threat_detection import ThreatDetection, ThreatDetectionProps
from tests.support import assert_rejected, builder, of_type, one, policy_report, synth_construct, synth_fixture

TOPIC = "arn:aws:sns:us-east-1:123456789012:sparki-t-alarms"
MINIMAL = dict(name="sparki-t", features=("EKS_AUDIT_LOGS",), topic_arn=TOPIC)
FULL = dict(MINIMAL, features=GUARDDUTY_FEATURES, min_severity=4, publishing_frequency="SIX_HOURS")


build_minimal = builder(ThreatDetection, "guardduty", ThreatDetectionProps, MINIMAL)
minimal = synth_fixture(build_minimal)
full = synth_fixture(lambda s: ThreatDetection(s, "guardduty", ThreatDetectionProps(**FULL)))


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
    assert finding_rule_arn("sparki-t", "guardduty", "us-east-1", "123456789012") == "arn:aws:events:us-east-1:123456789012:rule/sparki-t-guardduty-findings"
    assert "additional_configuration" not in feature


def test_full_props_enable_every_plan(full):
    names = {f["name"] for f in of_type(full, "aws_guardduty_detector_feature").values()}
    assert names == set(FULL["features"])
    assert json.loads(one(full, "aws_cloudwatch_event_rule")["event_pattern"])["detail"]["severity"] == [{"numeric": [">=", 4]}]
    assert one(full, "aws_guardduty_detector")["finding_publishing_frequency"] == "SIX_HOURS"


def test_runtime_monitoring_lets_guardduty_manage_the_eks_agent(full):
    features = {f["name"]: f for f in of_type(full, "aws_guardduty_detector_feature").values()}
    assert features["RUNTIME_MONITORING"]["additional_configuration"] == [{"name": "EKS_ADDON_MANAGEMENT", "status": "ENABLED"}]
    assert [n for n, f in features.items() if "additional_configuration" in f] == ["RUNTIME_MONITORING"]


def test_guardduty_passes_the_policy_pack():
    assert policy_report(build_minimal).violations == []


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(features=("EKS_AUDIT_LOGS", "LAMBDA_NETWORK_LOGS")), "unknown"),
        (dict(features=("S3_DATA_EVENTS",)), "EKS_AUDIT_LOGS is required"),
        (dict(features=("EKS_AUDIT_LOGS", "EKS_RUNTIME_MONITORING")), "unknown"),
        (dict(min_severity=9.5), "critical"),
        (dict(min_severity=0), "1 to 10"),
        (dict(publishing_frequency="DAILY"), "publishing_frequency"),
    ],
)
def test_invalid_guardduty_props_are_rejected(changes, message):
    assert_rejected(ThreatDetectionProps, MINIMAL, changes, message)


hub = synth_fixture(lambda s: SecurityHub(s, "hub", SecurityHubProps(region="us-east-1")))


def test_security_hub_runs_foundational_best_practices_and_cis_v5_by_default(hub):
    account = one(hub, "aws_securityhub_account")
    assert account["enable_default_standards"] is False and account["control_finding_generator"] == "SECURITY_CONTROL"
    subscriptions = of_type(hub, "aws_securityhub_standards_subscription").values()
    assert sorted(s["standards_arn"] for s in subscriptions) == [
        "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0",
        "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/5.0.0",
    ]
    assert all(s["depends_on"][0].startswith("aws_securityhub_account.") for s in subscriptions)
    assert of_type(hub, "aws_securityhub_product_subscription") == {}


def test_security_hub_full_props_choose_the_standards_and_accept_the_products():
    props = SecurityHubProps(region="eu-west-1", standards=("cis-v3.0.0",), products=("aqua-security/kube-bench",))
    doc = synth_construct(lambda s: SecurityHub(s, "hub", props))
    assert one(doc, "aws_securityhub_standards_subscription")["standards_arn"] == "arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0"
    product = one(doc, "aws_securityhub_product_subscription")
    assert product["product_arn"] == "arn:aws:securityhub:eu-west-1::product/aqua-security/kube-bench"
    assert product["depends_on"][0].startswith("aws_securityhub_account.")


def test_security_hub_passes_the_policy_pack():
    assert policy_report(lambda s: SecurityHub(s, "hub", SecurityHubProps(region="us-east-1"))).violations == []


@pytest.mark.parametrize(
    "standards, message",
    [((), "at least one"), (("cis-v1.2.0",), "Security Hub offers"), (("cis-v5.0.0", "cis-v5.0.0"), "twice")],
)
def test_invalid_security_hub_standards_are_rejected(standards, message):
    with pytest.raises(ValueError, match=message):
        SecurityHubProps(region="us-east-1", standards=standards)


@pytest.mark.parametrize(
    "products, message",
    [(("kube-bench",), "'<company>/<product>'"), (("aqua-security/",), "'<company>/<product>'"), (("a/b", "a/b"), "twice")],
)
def test_invalid_security_hub_products_are_rejected(products, message):
    with pytest.raises(ValueError, match=message):
        SecurityHubProps(region="us-east-1", products=products)
