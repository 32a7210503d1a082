"""Unit tests of constructs/endpoint_policies.py."""
from __future__ import annotations

import pytest

from catalog.aws import INTERFACE_ENDPOINTS
from constructs.endpoint_policies import dynamodb_gateway_policy, interface_policy, s3_gateway_policy

ACCOUNT, REGION = "123456789012", "eu-west-1"


def by_sid(policy):
    assert policy["Version"] == "2012-10-17"
    return {s["Sid"]: s for s in policy["Statement"]}


def test_s3_admits_this_accounts_principals_on_this_accounts_buckets():
    own = by_sid(s3_gateway_policy(REGION, ACCOUNT))["AccountPrincipalsToAccountBuckets"]
    assert own["Condition"] == {"StringEquals": {"aws:PrincipalAccount": ACCOUNT, "aws:ResourceAccount": ACCOUNT}}
    assert own["Resource"] == "*" and own["Action"] == "*"


def test_s3_lets_nodes_read_ecr_layers_and_al2023_packages_only():
    aws = by_sid(s3_gateway_policy(REGION, ACCOUNT))["ReadAwsOwnedBucketsForImagesAndPackages"]
    assert aws["Action"] == "s3:GetObject" and "Condition" not in aws
    assert aws["Resource"] == [
        "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*",
        "arn:aws:s3:::al2023-repos-eu-west-1-de612dc2/*",
    ]
    assert len(s3_gateway_policy(REGION, ACCOUNT)["Statement"]) == 2


def test_dynamodb_admits_this_accounts_tables_in_this_region_only():
    (statement,) = dynamodb_gateway_policy(REGION, ACCOUNT)["Statement"]
    assert statement["Resource"] == f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/*"
    assert statement["Condition"] == {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}


@pytest.mark.parametrize("service", INTERFACE_ENDPOINTS)
def test_interface_endpoints_admit_this_accounts_principals(service):
    statements = by_sid(interface_policy(service, ACCOUNT))
    assert statements["AccountPrincipalsOnly"]["Condition"] == {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}
    # Only STS has an exception, and only for the unsigned web identity call to our own roles.
    assert set(statements) == ({"AccountPrincipalsOnly", "WebIdentityToAccountRoles"} if service == "sts" else {"AccountPrincipalsOnly"})


def test_sts_web_identity_is_limited_to_this_accounts_roles():
    web = by_sid(interface_policy("sts", ACCOUNT))["WebIdentityToAccountRoles"]
    assert web["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert web["Resource"] == f"arn:aws:iam::{ACCOUNT}:role/*"
