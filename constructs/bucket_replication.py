"""Cross-Region replication of a versioned, SSE-KMS bucket into a bucket of another region."""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.s3_bucket_replication_configuration import (
    S3BucketReplicationConfigurationA,
    S3BucketReplicationConfigurationRule,
    S3BucketReplicationConfigurationRuleDeleteMarkerReplication,
    S3BucketReplicationConfigurationRuleDestination,
    S3BucketReplicationConfigurationRuleDestinationEncryptionConfiguration,
    S3BucketReplicationConfigurationRuleFilter,
    S3BucketReplicationConfigurationRuleSourceSelectionCriteria,
    S3BucketReplicationConfigurationRuleSourceSelectionCriteriaSseKmsEncryptedObjects,
)

from constructs import Construct
from constructs.trust_policy import service_trust_policy


@dataclass(frozen=True)
class BucketReplicationProps:
    """Settings for replicating every object of one bucket.

    name: the replication role's name, e.g. "sparki-prod-tfstate-replication".
    account_id: the account of both buckets (the role's confused-deputy guard).
    source_bucket: name of the versioned source bucket; source_key_arn: the key its objects
        are encrypted with (the role decrypts with it).
    destination_bucket_arn: the versioned bucket in the other region;
        destination_key_arn: the key (ARN or alias ARN) replicas are encrypted with there.
    """

    name: str
    account_id: str
    source_bucket: str
    source_key_arn: str
    destination_bucket_arn: str
    destination_key_arn: str

    def __post_init__(self) -> None:
        if not self.destination_bucket_arn.startswith("arn:aws:s3:::"):
            raise ValueError(f"destination_bucket_arn={self.destination_bucket_arn!r}: give the bucket ARN, arn:aws:s3:::<name>")
        if not self.destination_key_arn.startswith("arn:aws:kms:"):
            raise ValueError(f"destination_key_arn={self.destination_key_arn!r}: give a KMS key or alias ARN")


class BucketReplication(Construct):
    """Every object, every version and delete marker of the source bucket is copied to the
    destination, re-encrypted with the destination's key; the role can do nothing else."""

    def __init__(self, scope: Construct, id: str, props: BucketReplicationProps, *, after: Sequence[ITerraformDependable] = ()) -> None:
        """after: what must exist first, e.g. the source bucket's versioning (S3 refuses
        replication on an unversioned bucket)."""
        super().__init__(scope, id)
        source_arn = f"arn:aws:s3:::{props.source_bucket}"
        role = IamRole(
            self,
            "role",
            name=props.name,
            assume_role_policy=service_trust_policy("s3.amazonaws.com", source_account=props.account_id, source_arn=source_arn),
            tags={"Name": props.name},
        )
        statements = [
            {"Sid": "ReadSourceConfiguration", "Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": source_arn},
            {
                "Sid": "ReadSourceVersions",
                "Effect": "Allow",
                "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
                "Resource": f"{source_arn}/*",
            },
            {
                "Sid": "WriteReplicas",
                "Effect": "Allow",
                "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                "Resource": f"{props.destination_bucket_arn}/*",
            },
            {"Sid": "DecryptSource", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": props.source_key_arn},
            # The destination key by alias: its ARN is not known in the source's region.
            {
                "Sid": "EncryptReplicas",
                "Effect": "Allow",
                "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
                "Resource": "*",
                "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": f"alias/{props.destination_key_arn.split(':alias/', 1)[1]}"}}
                if ":alias/" in props.destination_key_arn
                else {"StringEquals": {"aws:ResourceAccount": props.account_id}},
            },
        ]
        IamRolePolicy(self, "policy", name="replicate", role=role.id, policy=json.dumps({"Version": "2012-10-17", "Statement": statements}))
        self.configuration = S3BucketReplicationConfigurationA(
            self,
            "configuration",
            bucket=props.source_bucket,
            role=role.arn,
            depends_on=list(after),
            rule=[
                S3BucketReplicationConfigurationRule(
                    id="to-dr-region",
                    status="Enabled",
                    filter=S3BucketReplicationConfigurationRuleFilter(prefix=""),
                    delete_marker_replication=S3BucketReplicationConfigurationRuleDeleteMarkerReplication(status="Enabled"),
                    source_selection_criteria=S3BucketReplicationConfigurationRuleSourceSelectionCriteria(
                        sse_kms_encrypted_objects=S3BucketReplicationConfigurationRuleSourceSelectionCriteriaSseKmsEncryptedObjects(status="Enabled")
                    ),
                    destination=S3BucketReplicationConfigurationRuleDestination(
                        bucket=props.destination_bucket_arn,
                        encryption_configuration=S3BucketReplicationConfigurationRuleDestinationEncryptionConfiguration(replica_kms_key_id=props.destination_key_arn),
                    ),
                )
            ],
        )
