"""Unit tests of constructs/private_bucket.py."""
from __future__ import annotations

import json

import pytest

from constructs.kms_key import EncryptionKeyProps
from constructs.private_bucket import PrivateBucket, PrivateBucketProps
from tests.support import assert_private_bucket, assert_rejected, of_type, one, synth_construct, synth_fixture

KEY = "arn:aws:kms:us-east-1:123456789012:key/k"
MINIMAL = dict(bucket_name="sparki-t-b-123456789012", kms_key_arn=KEY, lifecycle_rule_id="age-out", noncurrent_days=30)
OWN_KEY = EncryptionKeyProps(alias="sparki-t-b", description="d", account_id="123456789012")
WRITE = {"Sid": "ServiceWrites", "Effect": "Allow", "Principal": {"Service": "s.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "x"}


minimal = synth_fixture(lambda s: PrivateBucket(s, "b", PrivateBucketProps(**MINIMAL)))


@pytest.fixture(scope="module")
def full():
    def build(stack):
        bucket = PrivateBucket(
            stack,
            "b",
            PrivateBucketProps(
                **{**MINIMAL, "kms_key_arn": None},
                own_key=OWN_KEY,
                expire_after_days=365,
                archive_after_days=90,
                transition_minimum_object_size="all_storage_classes_128K",
                force_destroy=True,
            ),
        )
        bucket.add_to_resource_policy(WRITE)

    return synth_construct(build)


def test_minimal_bucket_is_private_versioned_encrypted_and_tls_only(minimal):
    assert_private_bucket(minimal, KEY)
    (deny,) = json.loads(one(minimal, "aws_s3_bucket_policy")["policy"])["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert of_type(minimal, "aws_kms_key") == {}


def test_minimal_lifecycle_expires_only_old_versions(minimal):
    config = one(minimal, "aws_s3_bucket_lifecycle_configuration")
    assert "transition_default_minimum_object_size" not in config
    (rule,) = config["rule"]
    assert rule["id"] == "age-out" and rule["noncurrent_version_expiration"][0]["noncurrent_days"] == 30
    assert "expiration" not in rule and "transition" not in rule
    assert rule["abort_incomplete_multipart_upload"][0]["days_after_initiation"] == 7


def test_full_props_are_applied(full):
    assert one(full, "aws_s3_bucket")["force_destroy"] is True
    assert one(full, "aws_kms_alias")["name"] == "alias/sparki-t-b"
    kms_id = one(full, "aws_s3_bucket_server_side_encryption_configuration")["rule"][0]["apply_server_side_encryption_by_default"]["kms_master_key_id"]
    assert kms_id.startswith("${aws_kms_key.b_key_")
    config = one(full, "aws_s3_bucket_lifecycle_configuration")
    assert config["transition_default_minimum_object_size"] == "all_storage_classes_128K"
    (rule,) = config["rule"]
    assert rule["expiration"][0]["days"] == 365
    assert rule["transition"] == [{"days": 90, "storage_class": "GLACIER"}]
    statements = json.loads(one(full, "aws_s3_bucket_policy")["policy"])["Statement"]
    assert [s["Sid"] for s in statements] == ["DenyInsecureTransport", "ServiceWrites"]


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(bucket_name="Upper-Case"), "lowercase"),
        (dict(bucket_name="ab"), "3-63"),
        (dict(kms_key_arn=None), "exactly one of kms_key_arn or own_key"),
        (dict(own_key=OWN_KEY), "exactly one of kms_key_arn or own_key"),
        (dict(noncurrent_days=0), "noncurrent_days=0"),
        (dict(expire_after_days=0), "expire_after_days=0"),
        (dict(expire_after_days=30, archive_after_days=30), "before expire_after_days=30"),
        (dict(archive_after_days=0), "archive_after_days=0"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    assert_rejected(PrivateBucketProps, MINIMAL, changes, message)
