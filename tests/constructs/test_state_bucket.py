"""Unit tests of constructs/state_bucket.py and constructs/kms_key.py."""
from __future__ import annotations

import json

import pytest

from constructs.kms_key import EncryptionKeyProps, KeyGrant
from constructs.state_bucket import StateBucket, StateBucketProps
from tests.support import assert_private_bucket, assert_rejected, one, synth_fixture

BACKEND_KEY = "arn:aws:kms:us-east-1:123456789012:alias/sparki-t-state"
MINIMAL = dict(bucket_name="sparki-t-tfstate-123456789012", key_alias="sparki-t-state", account_id="123456789012", backend_key_id=BACKEND_KEY)


minimal = synth_fixture(lambda s: StateBucket(s, "state", StateBucketProps(**MINIMAL)))
full = synth_fixture(lambda s: StateBucket(s, "state", StateBucketProps(**MINIMAL, noncurrent_version_days=365, kms_deletion_window_days=7, force_destroy=True)))


def test_bucket_is_versioned_private_and_owner_enforced(minimal):
    assert_private_bucket(minimal)


def test_bucket_is_encrypted_with_its_own_rotating_key(minimal):
    rule = one(minimal, "aws_s3_bucket_server_side_encryption_configuration")["rule"][0]
    assert rule["apply_server_side_encryption_by_default"]["kms_master_key_id"].startswith("${aws_kms_key.state_key_")
    key = one(minimal, "aws_kms_key")
    assert key["enable_key_rotation"] is True and key["deletion_window_in_days"] == 30
    assert one(minimal, "aws_kms_alias")["name"] == "alias/sparki-t-state"


def test_key_policy_has_no_unconditioned_wildcard_principal(minimal):
    statements = json.loads(one(minimal, "aws_kms_key")["policy"])["Statement"]
    assert statements[0]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert all(s["Principal"] != "*" for s in statements)


def statements(doc):
    return {s["Sid"]: s for s in json.loads(one(doc, "aws_s3_bucket_policy")["policy"])["Statement"]}


def test_bucket_policy_denies_plain_http(minimal):
    statement = statements(minimal)["DenyInsecureTransport"]
    assert statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert len(statement["Resource"]) == 2 and statement["Resource"][1].endswith("/*")


def test_bucket_policy_denies_uploads_without_sse_kms(minimal):
    statement = statements(minimal)["DenyUploadsWithoutSseKms"]
    assert (statement["Effect"], statement["Principal"], statement["Action"]) == ("Deny", "*", "s3:PutObject")
    assert statement["Resource"].startswith("${aws_s3_bucket.state_bucket") and statement["Resource"].endswith("/*")
    assert statement["Condition"] == {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}


def test_bucket_policy_denies_uploads_naming_another_key_but_admits_what_the_backend_sends(minimal):
    condition = statements(minimal)["DenyUploadsWithAnotherKey"]["Condition"]
    # Only when the request names a key: a request without one is encrypted with the bucket default.
    assert condition["Null"] == {"s3:x-amz-server-side-encryption-aws-kms-key-id": "false"}
    allowed = condition["StringNotEquals"]["s3:x-amz-server-side-encryption-aws-kms-key-id"]
    assert allowed[0].startswith("${aws_kms_key.state_key") and allowed[0].endswith(".arn}")
    assert allowed[1] == BACKEND_KEY


def test_noncurrent_versions_expire(minimal, full):
    def days(doc):
        rule = one(doc, "aws_s3_bucket_lifecycle_configuration")["rule"][0]
        assert rule["status"] == "Enabled"
        return rule["noncurrent_version_expiration"][0]["noncurrent_days"]

    assert days(minimal) == 90
    assert days(full) == 365


def test_full_props_are_applied(full):
    assert one(full, "aws_s3_bucket")["force_destroy"] is True
    assert one(full, "aws_kms_key")["deletion_window_in_days"] == 7


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(noncurrent_version_days=0), "noncurrent_version_days=0"),
        (dict(bucket_name="Sparki-State"), "lowercase"),
        (dict(bucket_name="x" * 64), "3-63"),
        (dict(backend_key_id="alias/sparki-t-state"), "backend_key_id"),
    ],
)
def test_invalid_bucket_props_are_rejected(changes, message):
    assert_rejected(StateBucketProps, MINIMAL, changes, message)


@pytest.mark.parametrize(
    "factory, message",
    [
        (lambda: EncryptionKeyProps(alias="a", description="d", account_id="1", deletion_window_days=6), "between 7 and 30"),
        (lambda: EncryptionKeyProps(alias="alias/a", description="d", account_id="1"), "without the 'alias/' prefix"),
        (lambda: KeyGrant(sid="s", service="logs.amazonaws.com", actions=("kms:Decrypt",), condition={}), "condition must not be empty"),
        (lambda: KeyGrant(sid="s", actions=("kms:Decrypt",), condition={"Bool": {"x": "y"}}), "exactly one of service or role_arn"),
        (lambda: KeyGrant(sid="s", service="a", role_arn="b", actions=("kms:Decrypt",), condition={"Bool": {"x": "y"}}), "exactly one of service or role_arn"),
    ],
)
def test_invalid_key_props_are_rejected(factory, message):
    with pytest.raises(ValueError, match=message):
        factory()
