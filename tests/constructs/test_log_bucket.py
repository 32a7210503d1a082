"""Unit tests of constructs/log_bucket.py."""
from __future__ import annotations

import json

import pytest

from constructs.log_bucket import LogBucket, LogBucketProps, ServiceWriter
from tests.support import assert_private_bucket, assert_rejected, builder, one, policy_report, synth_fixture

KEY = "arn:aws:kms:us-east-1:123456789012:key/audit"
MINIMAL = dict(bucket_name="sparki-t-logs-123456789012", kms_key_arn=KEY, expire_after_days=365)
WRITER = ServiceWriter(
    sid="CloudTrail",
    service="cloudtrail.amazonaws.com",
    prefix="cloudtrail/AWSLogs/123456789012/",
    condition={"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/t"}},
)
ACCESS_WRITER = ServiceWriter(
    sid="S3ServerAccessLogs", service="logging.s3.amazonaws.com", prefix="src/",
    condition={"StringEquals": {"aws:SourceAccount": "123456789012"}}, bucket_actions=(), owner_acl=False,
)
FULL = dict(MINIMAL, archive_after_days=90, noncurrent_days=7, access_log_bucket="sparki-t-access-123456789012", writers=(WRITER, ACCESS_WRITER), force_destroy=True)


build_minimal = builder(LogBucket, "logs", LogBucketProps, MINIMAL)
build_full = builder(LogBucket, "logs", LogBucketProps, FULL)
minimal = synth_fixture(build_minimal)
full = synth_fixture(build_full)


def statements(doc):
    return {s["Sid"]: s for s in json.loads(one(doc, "aws_s3_bucket_policy")["policy"])["Statement"]}


def test_minimal_bucket_is_private_versioned_kms_and_tls_only(minimal):
    assert_private_bucket(minimal, KEY)
    assert list(statements(minimal)) == ["DenyInsecureTransport"]
    assert "aws_s3_bucket_logging" not in minimal["resource"]


def test_minimal_lifecycle_expires_without_archiving(minimal):
    lifecycle = one(minimal, "aws_s3_bucket_lifecycle_configuration")
    (rule,) = lifecycle["rule"]
    assert rule["expiration"] == [{"days": 365}]
    assert rule.get("transition") is None
    assert rule["noncurrent_version_expiration"] == [{"noncurrent_days": 30}]
    assert lifecycle["transition_default_minimum_object_size"] == "all_storage_classes_128K"


def test_full_archives_logs_access_and_admits_writers_to_their_prefix_only(full):
    (rule,) = one(full, "aws_s3_bucket_lifecycle_configuration")["rule"]
    assert rule["transition"] == [{"days": 90, "storage_class": "GLACIER"}]
    assert rule["noncurrent_version_expiration"] == [{"noncurrent_days": 7}]
    logging = one(full, "aws_s3_bucket_logging")
    assert logging["target_bucket"] == "sparki-t-access-123456789012" and logging["target_prefix"] == "sparki-t-logs-123456789012/"
    st = statements(full)
    assert list(st) == ["DenyInsecureTransport", "CloudTrailChecksBucket", "CloudTrailWrites", "S3ServerAccessLogsWrites"]
    assert st["CloudTrailWrites"]["Resource"].endswith("/cloudtrail/AWSLogs/123456789012/*")
    assert st["CloudTrailWrites"]["Condition"]["StringEquals"] == {
        "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/t", "s3:x-amz-acl": "bucket-owner-full-control",
    }
    assert st["S3ServerAccessLogsWrites"]["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    assert all(s["Principal"] != "*" for sid, s in st.items() if s["Effect"] == "Allow")
    assert one(full, "aws_s3_bucket")["force_destroy"] is True


@pytest.mark.parametrize("build", [build_minimal, build_full])
def test_passes_the_policy_pack(build):
    assert policy_report(build).violations == []


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(bucket_name="Logs"), "lowercase"),
        (dict(expire_after_days=0), "expire_after_days=0"),
        (dict(archive_after_days=365), "before expire_after_days"),
        (dict(archive_after_days=0), "at least 1"),
        (dict(noncurrent_days=0), "noncurrent_days=0"),
        (dict(access_log_bucket=MINIMAL["bucket_name"]), "its own access logs"),
        (dict(writers=(WRITER, WRITER)), "sid repeated"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    assert_rejected(LogBucketProps, MINIMAL, changes, message)


@pytest.mark.parametrize(
    "changes, message",
    [(dict(condition={}), "condition must not be empty"), (dict(prefix=""), "non-empty key prefix"), (dict(prefix="/x/"), "leading")],
)
def test_invalid_writers_are_rejected(changes, message):
    with pytest.raises(ValueError, match=message):
        ServiceWriter(**{"sid": "S", "service": "s.amazonaws.com", "prefix": "p/", "condition": {"a": {"b": "c"}}, **changes})
