"""Unit tests of constructs/audit_trail.py."""
from __future__ import annotations

import json

import pytest

from constructs.audit_trail import AuditTrail, AuditTrailProps
from tests.support import assert_rejected, builder, one, policy_report, synth_fixture

MINIMAL = dict(
    name="sparki-t-audit", region="us-east-1", account_id="123456789012", bucket_name="sparki-t-audit-123456789012",
    kms_key_arn="arn:aws:kms:us-east-1:123456789012:key/audit", log_key_arn="arn:aws:kms:us-east-1:123456789012:key/logs",
    log_retention_days=30,
)
FULL = dict(MINIMAL, s3_key_prefix="trail", log_retention_days=365, data_event_bucket_arns=("arn:aws:s3:::state-a", "arn:aws:s3:::state-b"))


build_minimal = builder(AuditTrail, "trail", AuditTrailProps, MINIMAL)
build_full = builder(AuditTrail, "trail", AuditTrailProps, FULL)
minimal = synth_fixture(build_minimal)
full = synth_fixture(build_full)


def test_trail_is_multi_region_validated_encrypted_and_logs_to_cloudwatch(minimal):
    trail = one(minimal, "aws_cloudtrail")
    assert trail["is_multi_region_trail"] is True and trail["include_global_service_events"] is True
    assert trail["enable_log_file_validation"] is True and trail["enable_logging"] is True
    assert trail["kms_key_id"] == MINIMAL["kms_key_arn"]
    assert trail["s3_bucket_name"] == MINIMAL["bucket_name"] and trail["s3_key_prefix"] == "cloudtrail"
    assert trail["cloud_watch_logs_group_arn"].startswith("${aws_cloudwatch_log_group.") and trail["cloud_watch_logs_group_arn"].endswith(".arn}:*")
    group = one(minimal, "aws_cloudwatch_log_group")
    assert group == {**group, "name": "/sparki-t-audit", "retention_in_days": 30, "kms_key_id": MINIMAL["log_key_arn"]}


def test_minimal_records_management_events_only(minimal):
    (selector,) = one(minimal, "aws_cloudtrail")["advanced_event_selector"]
    assert selector["field_selector"] == [{"field": "eventCategory", "equals": ["Management"]}]


def test_full_records_object_events_of_the_named_buckets(full):
    selectors = one(full, "aws_cloudtrail")["advanced_event_selector"]
    data = selectors[1]["field_selector"]
    assert {"field": "resources.type", "equals": ["AWS::S3::Object"]} in data
    assert {"field": "resources.ARN", "starts_with": ["arn:aws:s3:::state-a/", "arn:aws:s3:::state-b/"]} in data
    assert one(full, "aws_cloudtrail")["s3_key_prefix"] == "trail"


def test_role_trusts_cloudtrail_without_source_keys_and_writes_only_its_group(minimal):
    role = one(minimal, "aws_iam_role")
    (statement,) = json.loads(role["assume_role_policy"])["Statement"]
    assert statement["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    # CloudTrail does not set aws:SourceArn/aws:SourceAccount when it assumes this role.
    assert "Condition" not in statement
    (grant,) = json.loads(one(minimal, "aws_iam_role_policy")["policy"])["Statement"]
    assert grant["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert grant["Resource"].endswith(".arn}:log-stream:*")


def test_writer_admits_the_trail_into_its_prefix():
    writer = AuditTrailProps(**FULL).writer()
    assert writer.service == "cloudtrail.amazonaws.com" and writer.prefix == "trail/AWSLogs/123456789012/"
    assert writer.condition == {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/sparki-t-audit"}}


@pytest.mark.parametrize("build", [build_minimal, build_full])
def test_passes_the_policy_pack(build):
    assert policy_report(build).violations == []


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(data_event_bucket_arns=("state-bucket",)), "not a bucket ARN"),
        (dict(data_event_bucket_arns=("arn:aws:s3:::state/prefix",)), "not a bucket ARN"),
        (dict(s3_key_prefix="/trail"), "without leading or trailing"),
        (dict(log_retention_days=0), "at least 1"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    assert_rejected(AuditTrailProps, MINIMAL, changes, message)
