"""Unit tests of constructs/trust_policy.py."""
from __future__ import annotations

import json

import pytest

from constructs.trust_policy import service_trust_policy

ACCOUNT = "123456789012"


def statement(policy: str) -> dict:
    document = json.loads(policy)
    assert document["Version"] == "2012-10-17"
    (only,) = document["Statement"]
    return only


def test_minimal_guard_pins_the_account():
    s = statement(service_trust_policy("vpc-flow-logs.amazonaws.com", source_account=ACCOUNT))
    assert s == {
        "Effect": "Allow",
        "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
    }


def test_full_guard_pins_account_and_resources_and_lists_actions():
    arn = f"arn:aws:eks:us-east-1:{ACCOUNT}:cluster/c"
    s = statement(service_trust_policy("eks.amazonaws.com", source_account=ACCOUNT, source_arn=arn, actions=("sts:AssumeRole", "sts:TagSession")))
    assert s["Action"] == ["sts:AssumeRole", "sts:TagSession"]
    assert s["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": arn}}


@pytest.mark.parametrize(
    "arn, operator",
    [
        (f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/t", "StringEquals"),
        (f"arn:aws:rds:us-east-1:{ACCOUNT}:db:sparki-dev-db*", "ArnLike"),
    ],
)
def test_source_arn_uses_arnlike_only_for_wildcards(arn, operator):
    s = statement(service_trust_policy("monitoring.rds.amazonaws.com", source_arn=arn))
    assert s["Condition"] == {operator: {"aws:SourceArn": arn}}


def test_unguarded_role_has_no_condition_and_needs_its_reason():
    s = statement(service_trust_policy("ec2.amazonaws.com", unguarded_because="EC2 does not set the keys"))
    assert "Condition" not in s


@pytest.mark.parametrize(
    "service, kwargs, message",
    [
        ("vpc-flow-logs", dict(source_account=ACCOUNT), "AWS service principal"),
        ("ec2.amazonaws.com", dict(source_account=ACCOUNT, actions=()), "at least one STS action"),
        ("ec2.amazonaws.com", dict(source_account=ACCOUNT, unguarded_because="x"), "not both"),
        ("ec2.amazonaws.com", dict(), "or unguarded_because"),
        ("ec2.amazonaws.com", dict(unguarded_because="  "), "or unguarded_because"),
    ],
)
def test_invalid_calls_are_rejected(service, kwargs, message):
    with pytest.raises(ValueError, match=message):
        service_trust_policy(service, **kwargs)
