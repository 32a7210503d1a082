"""Unit tests of constructs/irsa_policies.py: the builders are pure functions of their scope."""
from __future__ import annotations

import pytest

from constructs.irsa_policies import (
    CLUSTER_TAG,
    IrsaPolicyScope,
    cert_manager,
    cluster_autoscaler,
    ebs_csi_driver,
    external_dns,
    load_balancer_controller,
    log_writer,
    metrics_shipper,
)

SCOPE = IrsaPolicyScope(cluster_name="c-eks", region="eu-west-1", account_id="210987654321", vpc_id="vpc-1",
                        hosted_zone_ids=("Z1", "Z2"), volume_key_arn="arn:aws:kms:eu-west-1:210987654321:key/data")
BUILDERS = [ebs_csi_driver, load_balancer_controller, cluster_autoscaler, external_dns, cert_manager]


def resources(statements):
    for s in statements:
        yield from ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_arns_follow_the_scope(build):
    arns = [r for r in resources(build(SCOPE)) if r != "*"]
    assert arns
    for arn in arns:
        _, _, service, region, account, _ = arn.split(":", 5)
        assert region in ("", "eu-west-1") and account in ("", "210987654321"), arn


def test_zones_come_from_the_scope():
    assert set(resources(external_dns(SCOPE))) == {"arn:aws:route53:::hostedzone/Z1", "arn:aws:route53:::hostedzone/Z2", "*"}


def test_ebs_csi_driver_conditions_name_this_cluster():
    conditions = [s["Condition"] for s in ebs_csi_driver(SCOPE) if "Condition" in s]
    assert any(c.get("StringEquals", {}).get(f"aws:ResourceTag/{CLUSTER_TAG}") == "c-eks" for c in conditions)


def test_log_writer_covers_each_group_and_its_streams_only():
    (statement,) = log_writer(["arn:g1", "arn:g2"])
    assert statement["Resource"] == ["arn:g1", "arn:g1:*", "arn:g2", "arn:g2:*"]
    assert "logs:CreateLogGroup" not in statement["Action"]


def test_metrics_shipper_puts_only_container_insights_metrics():
    statements = metrics_shipper(["arn:g"])
    (put,) = [s for s in statements if "cloudwatch:PutMetricData" in s["Action"]]
    assert put["Condition"] == {"StringEquals": {"cloudwatch:namespace": ["ContainerInsights"]}}
