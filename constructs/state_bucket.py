"""The S3 bucket that holds an environment's Terraform state."""
from __future__ import annotations

import json
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
)
from cdktf_cdktf_provider_aws.s3_bucket_ownership_controls import (
    S3BucketOwnershipControls,
    S3BucketOwnershipControlsRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import (
    S3BucketVersioningA,
    S3BucketVersioningVersioningConfiguration,
)

from constructs import Construct
from constructs.kms_key import EncryptionKey, EncryptionKeyProps


@dataclass(frozen=True)
class StateBucketProps:
    """Settings for the state bucket.

    bucket_name: globally unique name, e.g. "sparki-dev-tfstate-111111111111".
    key_alias: alias of the bucket's own KMS key, without "alias/".
    noncurrent_version_days: how long overwritten state versions are kept; default 90, >= 1.
    kms_deletion_window_days: 7..30; default 30.
    force_destroy: allow destroy to empty the bucket; default False (state must survive).
    """

    bucket_name: str
    key_alias: str
    account_id: str
    noncurrent_version_days: int = 90
    kms_deletion_window_days: int = 30
    force_destroy: bool = False

    def __post_init__(self) -> None:
        if self.noncurrent_version_days < 1:
            raise ValueError(f"noncurrent_version_days={self.noncurrent_version_days}: must be at least 1")
        if not 3 <= len(self.bucket_name) <= 63 or self.bucket_name.lower() != self.bucket_name:
            raise ValueError(f"bucket_name={self.bucket_name!r}: must be 3-63 lowercase characters")


def tls_only_policy(bucket_arn: str) -> str:
    """Deny every request that does not use TLS (CIS / AWS Foundational S3.5)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [bucket_arn, f"{bucket_arn}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        }
    )


class StateBucket(Construct):
    """Versioned, KMS-encrypted, private, TLS-only bucket; old state versions expire."""

    def __init__(self, scope: Construct, id: str, props: StateBucketProps) -> None:
        super().__init__(scope, id)
        self.key = EncryptionKey(
            self,
            "key",
            EncryptionKeyProps(
                alias=props.key_alias,
                description=f"Encrypts Terraform state in {props.bucket_name}",
                account_id=props.account_id,
                deletion_window_days=props.kms_deletion_window_days,
            ),
        )
        bucket = S3Bucket(
            self,
            "bucket",
            bucket=props.bucket_name,
            force_destroy=props.force_destroy,
            tags={"Name": props.bucket_name},
        )
        S3BucketOwnershipControls(
            self,
            "ownership",
            bucket=bucket.id,
            rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
        )
        S3BucketPublicAccessBlock(
            self,
            "public_access_block",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )
        S3BucketVersioningA(
            self,
            "versioning",
            bucket=bucket.id,
            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
        )
        S3BucketServerSideEncryptionConfigurationA(
            self,
            "encryption",
            bucket=bucket.id,
            rule=[
                S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default=S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
                        sse_algorithm="aws:kms", kms_master_key_id=self.key.key_arn
                    ),
                    # S3 Bucket Keys cut KMS request costs for the many small state writes.
                    bucket_key_enabled=True,
                )
            ],
        )
        S3BucketPolicy(self, "policy", bucket=bucket.id, policy=tls_only_policy(bucket.arn))
        S3BucketLifecycleConfiguration(
            self,
            "lifecycle",
            bucket=bucket.id,
            rule=[
                S3BucketLifecycleConfigurationRule(
                    id="expire-noncurrent-state",
                    status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                    noncurrent_version_expiration=[
                        S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                            noncurrent_days=props.noncurrent_version_days
                        )
                    ],
                    abort_incomplete_multipart_upload=[
                        S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(days_after_initiation=7)
                    ],
                )
            ],
        )
        self.bucket_name: str = bucket.bucket
        self.bucket_arn: str = bucket.arn
        self.key_arn: str = self.key.key_arn
