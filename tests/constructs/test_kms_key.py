"""Unit tests of constructs/kms_key.py grants and of the grant_* recipes of the constructs that
use a key (each construct asks for the access it needs)."""
from __future__ import annotations

import json

import pytest

from constructs.alarm_topic import AlarmTopicProps
from constructs.audit_trail import AuditTrailProps
from constructs.config_recorder import ConfigRecorderProps
from constructs.kms_key import ADMIN_SID, ENCRYPT_DECRYPT, EncryptionKey, EncryptionKeyProps, KeyGrant
from constructs.log_bucket import grant_access_log_delivery
from constructs.node_group import grant_node_volume_key
from tests.support import one, synth_construct

ACCOUNT = "123456789012"
KEY_PROPS = EncryptionKeyProps(alias="sparki-t-k", description="d", account_id=ACCOUNT)
SAME_ACCOUNT = {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
SLR = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"


def statements(grant) -> list[dict]:
    doc = synth_construct(lambda s: grant(EncryptionKey(s, "k", KEY_PROPS)))
    return json.loads(one(doc, "aws_kms_key")["policy"])["Statement"]


def test_minimal_key_admits_only_the_accounts_iam():
    (admin,) = statements(lambda key: None)
    assert admin["Sid"] == ADMIN_SID and admin["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}


def test_grants_follow_the_admin_statement_in_the_order_made():
    def grant(key):
        key.grant_to_service("logs.us-east-1.amazonaws.com", sid="Logs", conditions=SAME_ACCOUNT)
        key.grant_encrypt_decrypt(SLR, sid="Role", conditions={"StringEquals": {"kms:CallerAccount": ACCOUNT}})
        key.grant(KeyGrant(sid="Custom", service="s3.amazonaws.com", actions=("kms:Decrypt",), condition=SAME_ACCOUNT))

    admin, logs, role, custom = statements(grant)
    assert admin["Sid"] == ADMIN_SID
    assert (logs["Sid"], logs["Principal"], logs["Action"], logs["Condition"]) == ("Logs", {"Service": "logs.us-east-1.amazonaws.com"}, list(ENCRYPT_DECRYPT), SAME_ACCOUNT)
    assert (role["Principal"], role["Action"]) == ({"AWS": SLR}, list(ENCRYPT_DECRYPT))
    assert (custom["Sid"], custom["Action"]) == ("Custom", ["kms:Decrypt"])


@pytest.mark.parametrize("sid", [ADMIN_SID, "Twice"])
def test_a_sid_is_granted_once(sid):
    def grant(key):
        key.grant_to_service("a.amazonaws.com", sid="Twice", conditions=SAME_ACCOUNT)
        key.grant_to_service("b.amazonaws.com", sid=sid, conditions=SAME_ACCOUNT)

    with pytest.raises(ValueError, match=f"grant sid '{sid}' is already in the key policy"):
        statements(grant)


TRAIL = AuditTrailProps(name="sparki-t-audit", region="us-east-1", account_id=ACCOUNT, bucket_name="b", kms_key_arn="k", log_key_arn="l", log_retention_days=90)
TRAILS = f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"


@pytest.mark.parametrize(
    "grant, expected",
    [
        (TRAIL.grant_key, [
            ("CloudTrailEncryptsThisAccountsTrails", "cloudtrail.amazonaws.com", {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": TRAILS, "aws:SourceArn": TRAILS}}),
            ("CloudTrailDescribesKey", "cloudtrail.amazonaws.com", {"StringLike": {"aws:SourceArn": TRAILS}}),
        ]),
        (AlarmTopicProps(name="t", kms_key_arn="k", account_id=ACCOUNT).grant_key, [
            ("CloudWatchPublishesAlarmsToEncryptedTopic", "cloudwatch.amazonaws.com", SAME_ACCOUNT),
        ]),
        (AlarmTopicProps(name="t", kms_key_arn="k", account_id=ACCOUNT, event_rule_arns=(f"arn:aws:events:us-east-1:{ACCOUNT}:rule/r",)).grant_key, [
            ("CloudWatchPublishesAlarmsToEncryptedTopic", "cloudwatch.amazonaws.com", SAME_ACCOUNT),
            ("EventBridgePublishesFindingsToEncryptedTopic", "events.amazonaws.com", SAME_ACCOUNT),
        ]),
        (ConfigRecorderProps(name="t", account_id=ACCOUNT, bucket_name="b", kms_key_arn="k").grant_key, [
            ("ConfigDeliversEncryptedSnapshots", "config.amazonaws.com", SAME_ACCOUNT),
        ]),
        (lambda key: grant_access_log_delivery(key, ACCOUNT), [
            ("S3ServerAccessLogsEncrypt", "logging.s3.amazonaws.com", SAME_ACCOUNT),
        ]),
    ],
    ids=["trail", "alarm-topic", "alarm-topic-with-rules", "config", "access-logs"],
)
def test_services_ask_for_the_key_under_a_condition(grant, expected):
    granted = statements(grant)[1:]
    assert [(s["Sid"], s["Principal"]["Service"], s["Condition"]) for s in granted] == expected


def test_node_volumes_admit_the_auto_scaling_role_for_this_account_and_aws_resources_only():
    uses, attaches = statements(lambda key: grant_node_volume_key(key, ACCOUNT))[1:]
    assert uses["Principal"] == attaches["Principal"] == {"AWS": SLR}
    assert uses["Condition"] == {"StringEquals": {"kms:CallerAccount": ACCOUNT}}
    assert (attaches["Action"], attaches["Condition"]) == (["kms:CreateGrant"], {"Bool": {"kms:GrantIsForAWSResource": "true"}})
