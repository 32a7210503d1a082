"""Unit tests of constructs/policy_document.py."""
from __future__ import annotations

import pytest
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy

from constructs.policy_document import PolicyDocument
from tests.support import data_of_type, of_type, policy_statements, synth_construct, synth_fixture

STATEMENTS = [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
    {
        "Sid": "TaggedOnly",
        "Effect": "Allow",
        "Action": ["ec2:DeleteVolume", "ec2:DetachVolume"],
        "Resource": ["arn:aws:ec2:us-east-1:123456789012:volume/*"],
        "Condition": {"StringEquals": {"aws:ResourceTag/team": "a", "ec2:Region": ["us-east-1"]}, "Bool": {"aws:SecureTransport": "true"}},
    },
]


def build(scope):
    policy = PolicyDocument(scope, "policy", STATEMENTS)
    IamRolePolicy(scope, "role_policy", role="r", policy=policy.json)


doc = synth_fixture(build)


def test_statements_become_data_source_blocks_checkov_can_read(doc):
    synth = doc
    (document,) = data_of_type(synth, "aws_iam_policy_document").values()
    assert document["version"] == "2012-10-17"
    first, second = document["statement"]
    assert first == {"effect": "Allow", "actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b/*"]}
    assert second["sid"] == "TaggedOnly"
    assert {(c["test"], c["variable"], tuple(c["values"])) for c in second["condition"]} == {
        ("StringEquals", "aws:ResourceTag/team", ("a",)),
        ("StringEquals", "ec2:Region", ("us-east-1",)),
        ("Bool", "aws:SecureTransport", ("true",)),
    }


def test_json_reference_round_trips_to_the_statements(doc):
    (role_policy,) = of_type(doc, "aws_iam_role_policy").values()
    statements = policy_statements(doc, role_policy["policy"])
    assert statements[0] == {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::b/*"]}
    assert statements[1]["Condition"]["Bool"] == {"aws:SecureTransport": ["true"]}


@pytest.mark.parametrize(
    "statements, message",
    [
        ([], "at least one statement"),
        ([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Principal": "*"}], r"\['Principal'\] are not supported"),
    ],
)
def test_invalid_statements_are_rejected(statements, message):
    with pytest.raises(ValueError, match=message):
        synth_construct(lambda s: PolicyDocument(s, "policy", statements))
