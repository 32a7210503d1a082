"""The one list of stateful types (catalog/stateful.py) and its two readers: the plan review
gates on exactly these types, and the policy pack's data-store rules cover only these types."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from catalog.stateful import DELETION_PROTECTION, FORCE_DESTROY, STATEFUL_TYPES
from sparki.plan_review import summarize
from sparki.policy.rules.encryption import ENCRYPTION
from sparki.policy.rules.lifecycle import DELETION


def _binding_source(rtype: str) -> str | None:
    spec = importlib.util.find_spec(f"cdktf_cdktf_provider_aws.{rtype[4:]}")
    return Path(spec.origin).read_text() if spec and spec.origin else None


@pytest.mark.parametrize("rtype", sorted(STATEFUL_TYPES))
def test_every_stateful_type_is_a_real_aws_resource(rtype):
    assert rtype.startswith("aws_") and _binding_source(rtype), f"{rtype} is no AWS provider resource"


@pytest.mark.parametrize("rtype, attr", sorted({**DELETION_PROTECTION, **FORCE_DESTROY}.items()))
def test_every_protection_is_an_argument_of_its_stateful_type(rtype, attr):
    assert rtype in STATEFUL_TYPES
    assert f"def {attr}_input(" in _binding_source(rtype), f"{rtype} has no argument {attr}"


def test_the_issue_s_missing_types_are_stateful():
    for rtype in ("aws_backup_vault", "aws_s3_bucket_versioning", "aws_secretsmanager_secret_version", "aws_ssm_parameter",
                  "aws_route53_zone", "aws_docdb_cluster", "aws_docdb_cluster_instance", "aws_neptune_cluster",
                  "aws_redshift_cluster", "aws_opensearch_domain", "aws_elasticsearch_domain"):
        assert rtype in STATEFUL_TYPES


@pytest.mark.parametrize("table, name", [(ENCRYPTION, "SPK-DATA-ENC data stores"), (DELETION, "SPK-DATA-DEL")])
def test_the_policy_data_rules_cover_only_stateful_types(table, name):
    assert set(table) <= STATEFUL_TYPES, f"{name} covers types the plan review would not gate: {sorted(set(table) - STATEFUL_TYPES)}"


def test_the_policy_checks_every_catalogued_protection():
    assert set(DELETION_PROTECTION) | set(FORCE_DESTROY) <= set(DELETION)


def _destroy(rtype: str) -> dict:
    return {"resource_changes": [{"address": f"{rtype}.x", "mode": "managed", "type": rtype, "change": {"actions": ["delete"]}}]}


@pytest.mark.parametrize("rtype", sorted(STATEFUL_TYPES))
def test_the_plan_review_gates_a_destroy_of_every_stateful_type(rtype):
    assert [c.address for c in summarize("s", _destroy(rtype)).stateful] == [f"{rtype}.x"]


@pytest.mark.parametrize("rtype", ["aws_sns_topic", "aws_kms_alias", "aws_security_group", "aws_iam_role"])
def test_the_plan_review_does_not_gate_a_destroy_of_other_types(rtype):
    assert summarize("s", _destroy(rtype)).stateful == []
