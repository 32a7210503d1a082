"""Unit tests of constructs/config_recorder.py."""
from __future__ import annotations

import json

import pytest

from constructs.config_recorder import CIS_RULES, ConfigRecorder, ConfigRecorderProps, ManagedRule
from tests.support import assert_rejected, builder, of_type, one, policy_report, synth_fixture

KEY = "arn:aws:kms:us-east-1:123456789012:key/audit"
MINIMAL = dict(name="sparki-t", account_id="123456789012", bucket_name="audit", kms_key_arn=KEY)
FULL = dict(MINIMAL, s3_key_prefix="cfg", snapshot_frequency="Six_Hours", rules=(ManagedRule("VPC_FLOW_LOGS_ENABLED", "3.7"),))


build_minimal = builder(ConfigRecorder, "config", ConfigRecorderProps, MINIMAL)
minimal = synth_fixture(build_minimal)
full = synth_fixture(lambda s: ConfigRecorder(s, "config", ConfigRecorderProps(**FULL)))


def test_records_everything_and_delivers_encrypted_to_the_bucket(minimal):
    recorder = one(minimal, "aws_config_configuration_recorder")
    assert recorder["recording_group"] == {"all_supported": True, "include_global_resource_types": True}
    channel = one(minimal, "aws_config_delivery_channel")
    assert (channel["s3_bucket_name"], channel["s3_key_prefix"], channel["s3_kms_key_arn"]) == ("audit", "config", KEY)
    assert channel["snapshot_delivery_properties"] == {"delivery_frequency": "TwentyFour_Hours"}
    (recorder_address,) = channel["depends_on"]
    assert recorder_address.startswith("aws_config_configuration_recorder.")
    status = one(minimal, "aws_config_configuration_recorder_status")
    assert status["is_enabled"] is True and status["depends_on"][0].startswith("aws_config_delivery_channel.")


def test_recorder_uses_the_service_linked_role(minimal):
    # Security Hub's Config.1 control (CIS 3.3) requires the service-linked role.
    role = one(minimal, "aws_iam_service_linked_role")
    assert role["aws_service_name"] == "config.amazonaws.com"
    assert one(minimal, "aws_config_configuration_recorder")["role_arn"].startswith("${aws_iam_service_linked_role.")
    assert "aws_iam_role" not in minimal["resource"]


def test_every_cis_rule_is_an_aws_managed_rule(minimal):
    rules = of_type(minimal, "aws_config_config_rule")
    assert len(rules) == len(CIS_RULES) >= 20
    assert {r["source"]["source_identifier"] for r in rules.values()} == {m.identifier for m in CIS_RULES}
    assert all(r["source"]["owner"] == "AWS" and r["depends_on"] for r in rules.values())
    (password,) = [r for r in rules.values() if r["source"]["source_identifier"] == "IAM_PASSWORD_POLICY"]
    assert json.loads(password["input_parameters"]) == {"MinimumPasswordLength": "14", "PasswordReusePrevention": "24"}


def test_full_props(full):
    assert len(of_type(full, "aws_config_config_rule")) == 1
    channel = one(full, "aws_config_delivery_channel")
    assert channel["s3_key_prefix"] == "cfg" and channel["snapshot_delivery_properties"]["delivery_frequency"] == "Six_Hours"


def test_writer_admits_config_of_this_account_into_its_prefix():
    writer = ConfigRecorderProps(**MINIMAL).writer()
    assert writer.prefix == "config/AWSLogs/123456789012/Config/"
    assert set(writer.bucket_actions) == {"s3:GetBucketAcl", "s3:ListBucket"}


def test_passes_the_policy_pack():
    assert policy_report(build_minimal).violations == []


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(snapshot_frequency="Daily"), "snapshot_frequency"),
        (dict(rules=(CIS_RULES[0], CIS_RULES[0])), "repeated"),
        (dict(s3_key_prefix="config/"), "without leading or trailing"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    assert_rejected(ConfigRecorderProps, MINIMAL, changes, message)
