"""VPC endpoint policies: what may pass through each endpoint of one account's VPC.

An endpoint without a policy passes any request, including one signed with another account's
credentials (a way out for data) or one for another account's bucket. These policies keep the
endpoints to this account's principals and resources, after AWS's data perimeter examples
(github.com/aws-samples/data-perimeter-policy-examples, vpc_endpoint_policies/, read 2026-11),
narrowed from an organization to one account. Plain dicts: a policy document data source has no
Principal, which endpoint policies require.
"""
from __future__ import annotations

from typing import Any

# AWS-owned buckets that nodes in the private subnets read through the S3 gateway endpoint (the
# gateway endpoint carries all S3 traffic of the region, so they must be named). ECR serves image
# layers from the starport bucket ("Amazon ECR interface VPC endpoints", minimum S3 permissions);
# Amazon Linux 2023 package repositories live in al2023-repos-<region>-de612dc2 (the data
# perimeter examples' s3_endpoint_policy.json and the AL2023 User Guide).
AWS_OWNED_BUCKETS = ("prod-{region}-starport-layer-bucket", "al2023-repos-{region}-de612dc2")


def _document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _own_principals(sid: str, **conditions: str) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "*",
        "Resource": "*",
        "Condition": {"StringEquals": dict(conditions)},
    }


def s3_gateway_policy(region: str, account_id: str) -> dict[str, Any]:
    """This account's principals on this account's buckets; anyone may read the AWS-owned
    buckets above (ECR hands out layer URLs signed by its own account)."""
    return _document(
        _own_principals("AccountPrincipalsToAccountBuckets", **{"aws:PrincipalAccount": account_id, "aws:ResourceAccount": account_id}),
        {
            "Sid": "ReadAwsOwnedBucketsForImagesAndPackages",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "s3:GetObject",
            "Resource": [f"arn:aws:s3:::{bucket.format(region=region)}/*" for bucket in AWS_OWNED_BUCKETS],
        },
    )


def dynamodb_gateway_policy(region: str, account_id: str) -> dict[str, Any]:
    """This account's principals on this account's tables in this region."""
    return _document(
        {
            "Sid": "AccountPrincipalsToAccountTables",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "dynamodb:*",
            "Resource": f"arn:aws:dynamodb:{region}:{account_id}:table/*",
            "Condition": {"StringEquals": {"aws:PrincipalAccount": account_id}},
        }
    )


def interface_policy(service: str, account_id: str) -> dict[str, Any]:
    """Requests signed by this account's principals. STS also takes AssumeRoleWithWebIdentity,
    which is not signed at all (the caller shows a service account token, so there is no
    principal account): IRSA through the endpoint needs it, limited to this account's roles."""
    statements = [_own_principals("AccountPrincipalsOnly", **{"aws:PrincipalAccount": account_id})]
    if service == "sts":
        statements.append(
            {
                "Sid": "WebIdentityToAccountRoles",
                "Effect": "Allow",
                "Principal": {"Federated": "*"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Resource": f"arn:aws:iam::{account_id}:role/*",
            }
        )
    return _document(*statements)
