"""Unit tests of constructs/key_ring.py."""
from __future__ import annotations

import json

import pytest

from constructs.key_ring import PURPOSES, KeyRing, KeyRingProps
from tests.support import of_type, policy_report, synth_construct

PROPS = KeyRingProps(name="sparki-t", region="us-east-1", account_id="123456789012", deletion_window_days=7)


def build(stack):
    KeyRing(stack, "keys", PROPS)


@pytest.fixture(scope="module")
def doc():
    return synth_construct(build)


def policies(doc) -> dict[str, list[dict]]:
    aliases = {a["target_key_id"].split(".")[1]: a["name"] for a in of_type(doc, "aws_kms_alias").values()}
    return {aliases[name]: json.loads(key["policy"])["Statement"] for name, key in of_type(doc, "aws_kms_key").items()}


def test_one_rotating_key_per_purpose_with_an_alias(doc):
    assert sorted(policies(doc)) == sorted(f"alias/sparki-t-{p}" for p in PURPOSES)
    for key in of_type(doc, "aws_kms_key").values():
        assert key["enable_key_rotation"] is True and key["deletion_window_in_days"] == 7


def test_no_policy_statement_names_an_unconditioned_service_or_wildcard(doc):
    for alias, statements in policies(doc).items():
        for st in statements:
            assert st["Principal"] != "*", alias
            if "Service" in st["Principal"] or st["Sid"] != "AccountAdministersKeyThroughIam":
                assert st.get("Condition"), f"{alias}: {st['Sid']} has no condition"


@pytest.mark.parametrize(
    "service",
    ["cloudtrail.amazonaws.com", "cloudwatch.amazonaws.com", "events.amazonaws.com", "config.amazonaws.com", "logging.s3.amazonaws.com"],
)
def test_audit_key_admits_the_services_that_write_audit_data(doc, service):
    statements = policies(doc)["alias/sparki-t-audit"]
    assert any(st["Principal"] == {"Service": service} for st in statements)


def test_cloudtrail_may_describe_the_key_without_encryption_context(doc):
    (describe,) = [st for st in policies(doc)["alias/sparki-t-audit"] if st["Sid"] == "CloudTrailDescribesKey"]
    assert describe["Action"] == ["kms:DescribeKey"]
    assert describe["Condition"] == {"StringLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:123456789012:trail/*"}}


def test_passes_the_policy_pack():
    assert policy_report(build).violations == []


def test_unknown_purpose_is_rejected():
    ring = {}

    def capture(stack):
        ring["keys"] = KeyRing(stack, "keys", PROPS)

    synth_construct(capture)
    with pytest.raises(KeyError, match="no key for purpose 'state'"):
        ring["keys"].arn("state")
