"""The private S3 bucket a CloudFront distribution serves from (written plainly until the
shared private-bucket construct lands; then this keeps only the CloudFront read statement)."""
from __future__ import annotations

import json
from collections.abc import Mapping

from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
)
from cdktf_cdktf_provider_aws.s3_bucket_ownership_controls import S3BucketOwnershipControls
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import S3BucketVersioningA

from constructs import Construct
from constructs.private_bucket import tls_only_policy


def origin_policy(bucket_arn: str, distribution_arn: str) -> str:
    """TLS only; objects readable by CloudFront on behalf of one distribution, nothing else."""
    policy = json.loads(tls_only_policy(bucket_arn))
    policy["Statement"].append(
        {
            "Sid": "CloudFrontReadsForOneDistribution",
            "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject",
            "Resource": f"{bucket_arn}/*",
            # Without the SourceArn any distribution, in any account, could read through OAC.
            "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}},
        }
    )
    return json.dumps(policy)


class OriginBucket(Construct):
    """Private (public access blocked, ACLs disabled), versioned, SSE-KMS; overwritten objects
    are kept noncurrent_days for a rollback, then expire. Its policy is set by
    admit_distribution(), once the distribution's ARN exists."""

    def __init__(
        self, scope: Construct, id: str, bucket_name: str, kms_key_arn: str, noncurrent_days: int, force_destroy: bool, tags: Mapping[str, str]
    ) -> None:
        super().__init__(scope, id)
        self._bucket = S3Bucket(self, "bucket", bucket=bucket_name, force_destroy=force_destroy, tags={**tags, "Name": bucket_name})
        bucket_id = self._bucket.id
        S3BucketOwnershipControls(self, "ownership", bucket=bucket_id, rule={"object_ownership": "BucketOwnerEnforced"})
        S3BucketPublicAccessBlock(
            self, "public_access_block", bucket=bucket_id,
            block_public_acls=True, block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True,
        )
        S3BucketVersioningA(self, "versioning", bucket=bucket_id, versioning_configuration={"status": "Enabled"})
        S3BucketServerSideEncryptionConfigurationA(
            self, "encryption", bucket=bucket_id,
            rule=[
                S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default={"sse_algorithm": "aws:kms", "kms_master_key_id": kms_key_arn},
                    # Every cache miss is a GetObject: a bucket key saves a KMS call on most of them.
                    bucket_key_enabled=True,
                )
            ],
        )
        S3BucketLifecycleConfiguration(
            self, "lifecycle", bucket=bucket_id,
            rule=[
                S3BucketLifecycleConfigurationRule(
                    id="expire-overwritten-assets",
                    status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                    noncurrent_version_expiration=[S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(noncurrent_days=noncurrent_days)],
                    abort_incomplete_multipart_upload=[S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(days_after_initiation=7)],
                )
            ],
        )
        self.bucket_name: str = self._bucket.bucket
        self.bucket_arn: str = self._bucket.arn
        self.regional_domain_name: str = self._bucket.bucket_regional_domain_name

    def admit_distribution(self, distribution_arn: str) -> None:
        S3BucketPolicy(self, "policy", bucket=self._bucket.id, policy=origin_policy(self._bucket.arn, distribution_arn))
