"""Unit tests of constructs/cis_alarms.py."""
from __future__ import annotations

import pytest

from constructs.cis_alarms import CIS_CHECKS, CisAlarms, CisAlarmsProps, CisCheck
from tests.support import of_type, policy_report, synth_fixture

TOPIC = "arn:aws:sns:us-east-1:123456789012:sparki-t-alarms"
MINIMAL = dict(name="sparki-t", log_group_name="/sparki-t-audit", topic_arn=TOPIC)
FULL = dict(MINIMAL, namespace="Test/CIS", checks=CIS_CHECKS[:2])
# The list, in its words, mapped to CIS AWS Foundations v3.0.0 section 4.
REQUIRED = {
    "unauthorized API calls": "4.1", "console sign-in without MFA": "4.2", "root account use": "4.3",
    "IAM policy changes": "4.4", "CloudTrail configuration changes": "4.5", "console sign-in failures": "4.6",
    "KMS key disabling or deletion": "4.7", "S3 bucket policy changes": "4.8", "AWS Config changes": "4.9",
    "security group changes": "4.10", "NACL changes": "4.11", "network gateway changes": "4.12",
    "route table changes": "4.13", "VPC changes": "4.14",
}


minimal = synth_fixture(lambda s: CisAlarms(s, "cis", CisAlarmsProps(**MINIMAL)))
full = synth_fixture(lambda s: CisAlarms(s, "cis", CisAlarmsProps(**FULL)))


def test_every_required_item_has_a_filter_and_an_alarm(minimal):
    assert sorted(c.control for c in CIS_CHECKS) == sorted(REQUIRED.values())
    filters = of_type(minimal, "aws_cloudwatch_log_metric_filter")
    alarms = of_type(minimal, "aws_cloudwatch_metric_alarm")
    assert len(filters) == len(alarms) == len(REQUIRED) == 14
    metrics = {f["metric_transformation"]["name"]: f for f in filters.values()}
    for alarm in alarms.values():
        source = metrics[alarm["metric_name"]]
        assert source["log_group_name"] == "/sparki-t-audit"
        assert alarm["namespace"] == source["metric_transformation"]["namespace"] == "Sparki/CIS"
        assert alarm["alarm_actions"] == [TOPIC]
        assert (alarm["threshold"], alarm["comparison_operator"], alarm["statistic"]) == (1, "GreaterThanOrEqualToThreshold", "Sum")
        assert alarm["treat_missing_data"] == "notBreaching"
        assert alarm["alarm_description"].startswith("CIS 4.")


@pytest.mark.parametrize(
    "key, must_contain",
    [
        ("unauthorized_api_calls", ['"*UnauthorizedOperation"', '"AccessDenied*"']),
        ("console_signin_without_mfa", ['$.additionalEventData.MFAUsed != "Yes"']),
        ("root_account_usage", ['$.userIdentity.type = "Root"', "invokedBy NOT EXISTS"]),
        ("iam_policy_changes", ["DeleteGroupPolicy", "AttachRolePolicy", "DetachGroupPolicy"]),
        ("cloudtrail_changes", ["StopLogging", "DeleteTrail"]),
        ("console_signin_failures", ['"Failed authentication"']),
        ("kms_key_disabled_or_deleted", ["kms.amazonaws.com", "ScheduleKeyDeletion", "DisableKey"]),
        ("s3_bucket_policy_changes", ["PutBucketPolicy", "DeleteBucketPolicy", "PutBucketAcl"]),
        ("config_changes", ["StopConfigurationRecorder", "DeleteDeliveryChannel"]),
        ("security_group_changes", ["AuthorizeSecurityGroupIngress", "DeleteSecurityGroup"]),
        ("nacl_changes", ["CreateNetworkAclEntry", "ReplaceNetworkAclAssociation"]),
        ("network_gateway_changes", ["AttachInternetGateway", "DeleteCustomerGateway"]),
        ("route_table_changes", ["ReplaceRoute", "DisassociateRouteTable"]),
        ("vpc_changes", ["CreateVpcPeeringConnection", "ModifyVpcAttribute"]),
    ],
)
def test_filter_patterns_follow_the_benchmark(key, must_contain):
    (check,) = [c for c in CIS_CHECKS if c.key == key]
    for fragment in must_contain:
        assert fragment in check.pattern
    assert check.pattern.count("(") == check.pattern.count(")")


def test_full_props_choose_checks_and_namespace(full):
    alarms = of_type(full, "aws_cloudwatch_metric_alarm")
    assert len(alarms) == 2 and {a["namespace"] for a in alarms.values()} == {"Test/CIS"}


def test_passes_the_policy_pack():
    assert policy_report(lambda s: CisAlarms(s, "cis", CisAlarmsProps(**MINIMAL))).violations == []


@pytest.mark.parametrize(
    "checks, message",
    [
        ((CIS_CHECKS[0], CIS_CHECKS[0]), "repeated"),
        ((CisCheck("9.9", "Bad-Key", "t", "{ $.x = 1 }"),), "snake_case"),
        ((CisCheck("9.9", "bad_pattern", "t", "$.x = 1"),), "in braces"),
    ],
)
def test_invalid_props_are_rejected(checks, message):
    with pytest.raises(ValueError, match=message):
        CisAlarmsProps(**{**MINIMAL, "checks": checks})
