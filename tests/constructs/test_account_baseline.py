"""Unit tests of constructs/account_baseline.py and constructs/alarm_topic.py."""
from __future__ import annotations

import json

import pytest

from constructs.account_baseline import SUPPORT_POLICY_ARN, AccountBaseline, AccountBaselineProps, SecurityContact
from constructs.alarm_topic import AlarmTopic, AlarmTopicProps
from tests.support import assert_rejected, one, policy_report, synth_construct, synth_fixture

DATA_KEY = "arn:aws:kms:us-east-1:123456789012:key/data"


def build_baseline(stack):
    AccountBaseline(stack, "baseline", AccountBaselineProps(name="sparki-t", ebs_key_arn=DATA_KEY))


baseline = synth_fixture(build_baseline)


def test_baseline_sets_the_cis_account_settings(baseline):
    password = one(baseline, "aws_iam_account_password_policy")
    assert password["minimum_password_length"] >= 14 and password["password_reuse_prevention"] == 24
    pab = one(baseline, "aws_s3_account_public_access_block")
    assert all(pab[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"))
    assert one(baseline, "aws_ebs_encryption_by_default")["enabled"] is True
    assert one(baseline, "aws_ebs_default_kms_key")["key_arn"] == DATA_KEY
    assert one(baseline, "aws_accessanalyzer_analyzer") == {**one(baseline, "aws_accessanalyzer_analyzer"), "analyzer_name": "sparki-t-account", "type": "ACCOUNT"}


def test_access_analyzer_can_be_left_out():
    doc = synth_construct(lambda s: AccountBaseline(s, "baseline", AccountBaselineProps(name="sparki-t", ebs_key_arn=DATA_KEY, access_analyzer=False)))
    assert "aws_accessanalyzer_analyzer" not in doc["resource"]


CONTACT = dict(name="Security on-call", title="Security operations", email="security@example.com", phone="+1 206 555 0100")
ADMIN = "arn:aws:iam::123456789012:role/sparki-platform-admin"


def build_full_baseline(stack):
    AccountBaseline(stack, "baseline", AccountBaselineProps(name="sparki-t", ebs_key_arn=DATA_KEY, security_contact=SecurityContact(**CONTACT), support_principal_arn=ADMIN))


full_baseline = synth_fixture(build_full_baseline)


def test_minimal_baseline_leaves_contact_and_support_role_out(baseline):
    assert "aws_account_alternate_contact" not in baseline["resource"] and "aws_iam_role" not in baseline["resource"]


def test_full_baseline_registers_the_security_contact(full_baseline):
    contact = one(full_baseline, "aws_account_alternate_contact")
    assert contact["alternate_contact_type"] == "SECURITY"
    assert (contact["name"], contact["title"], contact["email_address"], contact["phone_number"]) == tuple(CONTACT.values())


def test_support_role_has_support_access_and_trusts_only_the_named_role(full_baseline):
    role = one(full_baseline, "aws_iam_role")
    assert role["name"] == "sparki-t-support"
    (statement,) = json.loads(role["assume_role_policy"])["Statement"]
    assert statement["Principal"] == {"AWS": ADMIN} and statement["Action"] == "sts:AssumeRole"
    assert "*" not in json.dumps(statement)
    attachment = one(full_baseline, "aws_iam_role_policy_attachment")
    assert attachment["policy_arn"] == SUPPORT_POLICY_ARN == "arn:aws:iam::aws:policy/AWSSupportAccess"
    assert attachment["role"].startswith("${aws_iam_role.baseline_support_role")


def test_baseline_passes_the_policy_pack():
    assert policy_report(build_baseline).violations == []
    assert policy_report(build_full_baseline).violations == []


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(email="security.example.com"), "not an email address"),
        (dict(phone="call me"), "digits"),
        (dict(title="x" * 51), "1..50"),
        (dict(name=""), "1..64"),
    ],
)
def test_invalid_security_contact_is_rejected(changes, message):
    assert_rejected(SecurityContact, CONTACT, changes, message)


@pytest.mark.parametrize("principal", ["arn:aws:iam::123456789012:role/*", "arn:aws:iam::*:root", "sparki-platform-admin"])
def test_support_principal_must_be_one_named_role(principal):
    with pytest.raises(ValueError, match="without wildcards"):
        AccountBaselineProps(name="sparki-t", ebs_key_arn=DATA_KEY, support_principal_arn=principal)


TOPIC = dict(name="sparki-t-alarms", kms_key_arn="arn:aws:kms:us-east-1:123456789012:key/audit", account_id="123456789012")
RULE = "arn:aws:events:us-east-1:123456789012:rule/sparki-t-guardduty-findings"


def topic_statements(doc):
    return {s["Sid"]: s for s in json.loads(one(doc, "aws_sns_topic_policy")["policy"])["Statement"]}


def test_minimal_topic_is_encrypted_and_takes_alarms_of_this_account_only():
    doc = synth_construct(lambda s: AlarmTopic(s, "topic", AlarmTopicProps(**TOPIC)))
    assert one(doc, "aws_sns_topic")["kms_master_key_id"] == TOPIC["kms_key_arn"]
    st = topic_statements(doc)
    assert list(st) == ["CloudWatchAlarmsOfThisAccountPublish", "DenyInsecureTransport"]
    assert st["CloudWatchAlarmsOfThisAccountPublish"]["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}


def test_full_topic_also_takes_the_named_event_rules():
    doc = synth_construct(lambda s: AlarmTopic(s, "topic", AlarmTopicProps(**TOPIC, event_rule_arns=(RULE,))))
    rules = topic_statements(doc)["NamedEventRulesPublish"]
    assert rules["Principal"] == {"Service": "events.amazonaws.com"}
    assert rules["Condition"] == {"ArnEquals": {"aws:SourceArn": [RULE]}}


def test_topic_passes_the_policy_pack():
    assert policy_report(lambda s: AlarmTopic(s, "topic", AlarmTopicProps(**TOPIC))).violations == []


def test_invalid_event_rule_is_rejected():
    with pytest.raises(ValueError, match="not an EventBridge rule ARN"):
        AlarmTopicProps(**TOPIC, event_rule_arns=("arn:aws:sns:us-east-1:123456789012:x",))
