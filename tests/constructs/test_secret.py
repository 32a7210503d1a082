"""Unit tests of constructs/secret.py."""
from __future__ import annotations

import json

import pytest

from constructs.secret import Secret, SecretProps
from tests.support import assert_rejected, builder, one, policy_report, synth_fixture

API = "arn:aws:iam::123456789012:role/sparki-t-app-api"
WORKER = "arn:aws:iam::123456789012:role/sparki-t-app-worker"
ROTATOR = "arn:aws:iam::123456789012:role/sparki-t-rotate"
MINIMAL = dict(name="sparki-t/app/key", description="signing key", kms_key_arn="arn:aws:kms:us-east-1:123456789012:key/secrets", reader_role_arns=(API,))
FULL = dict(
    MINIMAL, reader_role_arns=(WORKER, API), recovery_window_days=7,
    rotation_lambda_arn="arn:aws:lambda:us-east-1:123456789012:function:rotate-key", rotation_role_arn=ROTATOR, rotation_days=14,
)


build_minimal = builder(Secret, "secret", SecretProps, MINIMAL)
build_full = builder(Secret, "secret", SecretProps, FULL)
minimal = synth_fixture(build_minimal)
full = synth_fixture(build_full)


def test_secret_is_declared_by_name_with_the_secrets_key_and_no_value(minimal):
    secret = one(minimal, "aws_secretsmanager_secret")
    assert (secret["name"], secret["kms_key_id"], secret["recovery_window_in_days"]) == ("sparki-t/app/key", MINIMAL["kms_key_arn"], 30)
    assert "aws_secretsmanager_secret_version" not in minimal["resource"]
    assert "aws_secretsmanager_secret_rotation" not in minimal["resource"]


def test_only_the_named_roles_read_the_value(minimal):
    policy = one(minimal, "aws_secretsmanager_secret_policy")
    assert policy["block_public_policy"] is True
    (statement,) = json.loads(policy["policy"])["Statement"]
    assert (statement["Effect"], statement["Principal"], statement["Action"]) == ("Deny", "*", ["secretsmanager:GetSecretValue"])
    assert statement["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": [API]}}
    assert statement["Resource"].startswith("${aws_secretsmanager_secret.")


def test_full_rotates_with_the_given_function_whose_role_may_read(full):
    rotation = one(full, "aws_secretsmanager_secret_rotation")
    assert rotation["rotation_lambda_arn"] == FULL["rotation_lambda_arn"]
    assert rotation["rotation_rules"] == {"automatically_after_days": 14}
    (statement,) = json.loads(one(full, "aws_secretsmanager_secret_policy")["policy"])["Statement"]
    assert statement["Condition"]["ArnNotEquals"]["aws:PrincipalArn"] == sorted([API, WORKER, ROTATOR])
    assert one(full, "aws_secretsmanager_secret")["recovery_window_in_days"] == 7


@pytest.mark.parametrize("build", [build_minimal, build_full])
def test_passes_the_policy_pack(build):
    assert policy_report(build).violations == []


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(reader_role_arns=()), "at least one role"),
        (dict(reader_role_arns=("sparki-t-app-api",)), "not an IAM role ARN"),
        (dict(reader_role_arns=("arn:aws:iam::123456789012:user/bob",)), "not an IAM role ARN"),
        (dict(recovery_window_days=3), "between 7 and 30"),
        (dict(rotation_lambda_arn="rotate-key", rotation_role_arn=ROTATOR), "not a Lambda function ARN"),
        (dict(rotation_lambda_arn=FULL["rotation_lambda_arn"]), "together"),
        (dict(rotation_role_arn=ROTATOR), "together"),
        (dict(rotation_days=0), "between 1 and 1000"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    assert_rejected(SecretProps, MINIMAL, changes, message)
