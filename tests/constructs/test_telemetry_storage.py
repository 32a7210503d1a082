"""Unit tests of constructs/telemetry_storage.py."""
from __future__ import annotations

import json

import pytest

from constructs.telemetry_storage import (
    LOKI_EXPIRY_MARGIN_DAYS,
    TelemetryStorage,
    TelemetryStorageProps,
)
from tests.support import assert_rejected, builder, irsa_binding, of_type, policy_report, policy_statements, synth_construct, synth_fixture

ACCESS_LOGS = "sparki-t-access-logs-123456789012"
PROPS = dict(
    env="t",
    account_id="123456789012",
    region="eu-west-1",
    access_log_bucket=ACCESS_LOGS,
    loki_retention_days=30,
    oidc_provider_arn="arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
    oidc_issuer_host="oidc.eks.eu-west-1.amazonaws.com/id/ABC",
)
build = builder(TelemetryStorage, "telemetry", TelemetryStorageProps, PROPS)
doc = synth_fixture(build)


def buckets(doc) -> dict[str, dict]:
    return {b["bucket"]: b for b in of_type(doc, "aws_s3_bucket").values()}


def by_bucket(doc, rtype: str) -> dict[str, dict]:
    """resource of `rtype` keyed by the logical id of the bucket it configures."""
    ids = {f"${{aws_s3_bucket.{logical}.id}}": b["bucket"] for logical, b in of_type(doc, "aws_s3_bucket").items()}
    return {ids[r["bucket"]]: r for r in of_type(doc, rtype).values()}


def test_both_buckets_are_private_kms_encrypted_and_tls_only(doc):
    names = set(buckets(doc))
    assert names == {"sparki-t-loki-123456789012", "sparki-t-es-snapshots-123456789012"}
    for name, pab in by_bucket(doc, "aws_s3_bucket_public_access_block").items():
        assert all(pab[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")), name
    (key,) = of_type(doc, "aws_kms_key")
    for name, sse in by_bucket(doc, "aws_s3_bucket_server_side_encryption_configuration").items():
        (rule,) = sse["rule"]
        assert rule["apply_server_side_encryption_by_default"] == {"sse_algorithm": "aws:kms", "kms_master_key_id": f"${{aws_kms_key.{key}.arn}}"}, name
    for name, policy in by_bucket(doc, "aws_s3_bucket_policy").items():
        (deny,) = [s for s in json.loads(policy["policy"])["Statement"] if s["Effect"] == "Deny"]
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}, name
    assert all(b["force_destroy"] is False for b in buckets(doc).values())


def test_both_buckets_log_access_to_the_access_log_bucket(doc):
    logging = by_bucket(doc, "aws_s3_bucket_logging")
    assert set(logging) == set(buckets(doc))
    for name, config in logging.items():
        assert config["target_bucket"] == ACCESS_LOGS and config["target_prefix"] == f"{name}/"


def test_loki_objects_expire_a_week_after_retention_and_snapshots_never_by_age(doc):
    lifecycle = by_bucket(doc, "aws_s3_bucket_lifecycle_configuration")
    (loki,) = lifecycle["sparki-t-loki-123456789012"]["rule"]
    assert loki["expiration"] == [{"days": PROPS["loki_retention_days"] + LOKI_EXPIRY_MARGIN_DAYS}]
    (snapshots,) = lifecycle["sparki-t-es-snapshots-123456789012"]["rule"]
    assert snapshots.get("expiration") is None, "snapshots share files; only SLM may delete them"
    assert snapshots["noncurrent_version_expiration"] and snapshots["abort_incomplete_multipart_upload"]


@pytest.mark.parametrize(
    ("role", "namespace", "service_account", "bucket"),
    [("sparki-t-obs-loki", "loki", "loki", "loki"), ("sparki-t-obs-elasticsearch", "search", "elasticsearch", "snapshots")],
)
def test_each_role_trusts_one_service_account_and_reaches_its_bucket_and_the_key_only(doc, role, namespace, service_account, bucket):
    (iam_role,) = [r for r in of_type(doc, "aws_iam_role").values() if r["name"] == role]
    assert irsa_binding(iam_role["assume_role_policy"])[1:] == (namespace, service_account)
    (policy,) = [p for p in of_type(doc, "aws_iam_role_policy").values() if p["name"] == role]
    statements = policy_statements(doc, policy["policy"])
    resources = {r for s in statements for r in s["Resource"]}
    (key,) = of_type(doc, "aws_kms_key")
    bucket_arn = f"${{aws_s3_bucket.telemetry_{bucket}_bucket_"
    assert all(r.startswith(bucket_arn) or r == f"${{aws_kms_key.{key}.arn}}" for r in resources), resources
    assert all("*" not in a for s in statements for a in s["Action"])
    (key_statement,) = [s for s in statements if any(a.startswith("kms:") for a in s["Action"])]
    assert key_statement["Condition"] == {"StringEquals": {"kms:ViaService": ["s3.eu-west-1.amazonaws.com"]}}


def test_the_outputs_name_both_buckets_and_roles():
    seen = {}
    synth_construct(lambda stack: seen.update(storage=build(stack)))
    storage = seen["storage"]
    assert set(storage.bucket_names) == {"loki", "es-snapshots"}
    assert set(storage.role_arns) == {"loki", "elasticsearch"}


def test_the_policy_pack_finds_nothing_in_production():
    assert policy_report(build, production=True).violations == []


def test_retention_below_one_day_is_refused():
    assert_rejected(TelemetryStorageProps, PROPS, {"loki_retention_days": 0}, "loki_retention_days=0")
