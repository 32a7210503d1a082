"""Unit tests of constructs/eks_cluster.py."""
from __future__ import annotations

import json

import pytest

from constructs.eks_cluster import CONTROL_PLANE_LOG_TYPES, EKS_OIDC_ROOT_CA_THUMBPRINT, EksCluster, EksClusterProps
from tests.support import assert_rejected, of_type, one, policy_statements, synth_fixture

EKS_KEY = "arn:aws:kms:us-east-1:123456789012:key/eks"
LOGS_KEY = "arn:aws:kms:us-east-1:123456789012:key/logs"
MINIMAL = dict(
    name="t-eks",
    region="us-east-1",
    account_id="123456789012",
    kubernetes_version="1.33",
    subnet_ids=("subnet-a", "subnet-b"),
    secrets_key_arn=EKS_KEY,
    logs_key_arn=LOGS_KEY,
)
FULL = dict(MINIMAL, log_retention_days=365, public_access_cidrs=("81.2.69.0/24", "8.8.8.8/32"), prevent_destroy=True)


minimal = synth_fixture(lambda s: EksCluster(s, "eks", EksClusterProps(**MINIMAL)))
full = synth_fixture(lambda s: EksCluster(s, "eks", EksClusterProps(**FULL)))


def cluster_of(doc):
    return one(doc, "aws_eks_cluster")


# -- endpoint rules ---------------------------------------------------------------------------


def test_minimal_endpoint_is_private_only(minimal):
    vpc = cluster_of(minimal)["vpc_config"]
    assert vpc["endpoint_private_access"] is True
    assert vpc["endpoint_public_access"] is False
    assert "public_access_cidrs" not in vpc
    assert vpc["subnet_ids"] == ["subnet-a", "subnet-b"]


def test_full_public_endpoint_admits_only_the_listed_ranges(full):
    vpc = cluster_of(full)["vpc_config"]
    assert vpc["endpoint_private_access"] is True
    assert vpc["endpoint_public_access"] is True
    assert vpc["public_access_cidrs"] == ["81.2.69.0/24", "8.8.8.8/32"]


# -- control plane ------------------------------------------------------------------------------


def test_secrets_are_envelope_encrypted_with_the_given_key(minimal):
    assert cluster_of(minimal)["encryption_config"] == {"provider": {"key_arn": EKS_KEY}, "resources": ["secrets"]}


def test_every_log_type_goes_to_an_encrypted_group_created_first(minimal, full):
    cluster = cluster_of(minimal)
    assert cluster["enabled_cluster_log_types"] == list(CONTROL_PLANE_LOG_TYPES) and len(CONTROL_PLANE_LOG_TYPES) == 5
    ((group_id, group),) = of_type(minimal, "aws_cloudwatch_log_group").items()
    assert group["name"] == "/aws/eks/t-eks/cluster"
    assert group["kms_key_id"] == LOGS_KEY and group["retention_in_days"] == 90
    assert f"aws_cloudwatch_log_group.{group_id}" in cluster["depends_on"]
    (full_group,) = of_type(full, "aws_cloudwatch_log_group").values()
    assert full_group["retention_in_days"] == 365


def test_access_entries_only_and_no_implicit_creator_admin(minimal):
    assert cluster_of(minimal)["access_config"] == {"authentication_mode": "API", "bootstrap_cluster_creator_admin_permissions": False}


def test_version_support_and_addon_bootstrap(minimal):
    cluster = cluster_of(minimal)
    assert cluster["version"] == "1.33" and cluster["name"] == "t-eks"
    assert cluster["upgrade_policy"] == {"support_type": "STANDARD"}
    assert cluster["bootstrap_self_managed_addons"] is False
    assert cluster["kubernetes_network_config"]["service_ipv4_cidr"] == "172.20.0.0/16"


def test_prevent_destroy_only_when_asked(minimal, full):
    assert "lifecycle" not in cluster_of(minimal)
    assert cluster_of(full)["lifecycle"] == {"prevent_destroy": True}


def test_cluster_role_has_only_the_cluster_policy_and_use_of_the_secrets_key(minimal):
    (role,) = of_type(minimal, "aws_iam_role").values()
    trust = json.loads(role["assume_role_policy"])["Statement"]
    assert [(s["Principal"], s["Action"]) for s in trust] == [({"Service": "eks.amazonaws.com"}, ["sts:AssumeRole", "sts:TagSession"])]
    assert trust[0]["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012", "aws:SourceArn": "arn:aws:eks:us-east-1:123456789012:cluster/t-eks"}
    }
    attachments = [a["policy_arn"] for a in of_type(minimal, "aws_iam_role_policy_attachment").values()]
    assert attachments == ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"]
    (inline,) = of_type(minimal, "aws_iam_role_policy").values()
    assert policy_statements(minimal, inline["policy"]) == [
        {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], "Resource": [EKS_KEY]}
    ]


def test_oidc_provider_trusts_the_cluster_issuer_for_sts(minimal):
    (oidc,) = of_type(minimal, "aws_iam_openid_connect_provider").values()
    assert oidc["url"].startswith("${aws_eks_cluster.") and oidc["url"].endswith(".identity[0].oidc[0].issuer}")
    assert oidc["client_id_list"] == ["sts.amazonaws.com"]
    assert oidc["thumbprint_list"] == [EKS_OIDC_ROOT_CA_THUMBPRINT]


# -- validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(subnet_ids=("subnet-a",)), "at least two availability zones"),
        (dict(log_retention_days=10), "not a CloudWatch retention value"),
        (dict(public_access_cidrs=("0.0.0.0/0",)), "whole internet"),
        (dict(public_access_cidrs=("::/0",)), "whole internet"),
        (dict(public_access_cidrs=("2001:db8::/32",)), "is IPv6"),
        (dict(public_access_cidrs=("81.2.69.1/24",)), "is not a network"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    assert_rejected(EksClusterProps, MINIMAL, changes, message)
