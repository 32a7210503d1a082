"""A private S3 bucket: versioned, SSE-KMS with a bucket key, no public access, bucket-owner
objects, TLS-only, and a lifecycle rule that ages versions out. The state bucket and the log
buckets are this bucket with their own lifecycle and policy."""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleExpiration,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
    S3BucketLifecycleConfigurationRuleTransition,
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

# Incomplete multipart uploads are billed storage nobody can read; a week covers any real upload.
ABORT_INCOMPLETE_UPLOAD_DAYS = 7


def check_bucket_name(name: str) -> None:
    """S3's naming limits that a typo most often breaks; raises ValueError naming the prop."""
    if not 3 <= len(name) <= 63 or name.lower() != name:
        raise ValueError(f"bucket_name={name!r}: must be 3-63 lowercase characters")


def tls_only_policy(bucket_arn: str) -> str:
    """Deny every request that does not use TLS (CIS / AWS Foundational S3.5)."""
    return json.dumps({"Version": "2012-10-17", "Statement": [_deny_insecure_transport(bucket_arn)]})


def _deny_insecure_transport(bucket_arn: str) -> dict[str, Any]:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


@dataclass(frozen=True)
class PrivateBucketProps:
    """Settings for a private bucket.

    bucket_name: globally unique, 3-63 lowercase characters.
    kms_key_arn: an existing key for default encryption; or
    own_key: settings of a key the bucket creates for itself (child "key"); give exactly one.
    lifecycle_rule_id: id of the single lifecycle rule, e.g. "expire-noncurrent-state".
    noncurrent_days: days an overwritten or deleted version is kept; >= 1.
    expire_after_days: current objects are deleted after this many days; default None: never.
    archive_after_days: objects move to Glacier Flexible Retrieval after this many days; default
        None: never. Must come before expire_after_days.
    transition_minimum_object_size: S3's transition_default_minimum_object_size; default None
        leaves the attribute out (S3's own default applies).
    force_destroy: let destroy empty the bucket; default False.
    """

    bucket_name: str
    lifecycle_rule_id: str
    noncurrent_days: int
    kms_key_arn: str | None = None
    own_key: EncryptionKeyProps | None = None
    expire_after_days: int | None = None
    archive_after_days: int | None = None
    transition_minimum_object_size: str | None = None
    force_destroy: bool = False

    def __post_init__(self) -> None:
        check_bucket_name(self.bucket_name)
        if (self.kms_key_arn is None) == (self.own_key is None):
            raise ValueError(f"{self.bucket_name}: give exactly one of kms_key_arn or own_key")
        if self.noncurrent_days < 1:
            raise ValueError(f"noncurrent_days={self.noncurrent_days}: must be at least 1")
        if self.expire_after_days is not None and self.expire_after_days < 1:
            raise ValueError(f"expire_after_days={self.expire_after_days}: must be at least 1")
        if self.archive_after_days is not None and not 1 <= self.archive_after_days < (self.expire_after_days or float("inf")):
            raise ValueError(f"archive_after_days={self.archive_after_days}: must be at least 1 and before expire_after_days={self.expire_after_days}")


class PrivateBucket(Construct):
    """Versioned, KMS-encrypted, private, TLS-only bucket whose versions expire on schedule.

    Subclasses (StateBucket, LogBucket) keep their resources directly under their own id, so
    logical ids do not depend on this class existing. Outputs: bucket_id, bucket_name, bucket_arn,
    key_arn, key (the EncryptionKey, or None when kms_key_arn was given), ready_bucket_name
    (the name read from the bucket policy, for services that check the policy when created).
    """

    def __init__(self, scope: Construct, id: str, props: PrivateBucketProps) -> None:
        super().__init__(scope, id)
        self.key: EncryptionKey | None = EncryptionKey(self, "key", props.own_key) if props.own_key else None
        key_arn = self.key.key_arn if self.key else props.kms_key_arn
        bucket = S3Bucket(self, "bucket", bucket=props.bucket_name, force_destroy=props.force_destroy, tags={"Name": props.bucket_name})
        S3BucketOwnershipControls(self, "ownership", bucket=bucket.id, rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"))
        S3BucketPublicAccessBlock(
            self,
            "public_access_block",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )
        self.versioning = S3BucketVersioningA(self, "versioning", bucket=bucket.id, versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"))
        S3BucketServerSideEncryptionConfigurationA(
            self,
            "encryption",
            bucket=bucket.id,
            rule=[
                S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default=S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
                        sse_algorithm="aws:kms", kms_master_key_id=key_arn
                    ),
                    # Many small writes (state, log delivery): a bucket key saves a KMS call each.
                    bucket_key_enabled=True,
                )
            ],
        )
        self._statements: list[dict[str, Any]] = [_deny_insecure_transport(bucket.arn)]
        self._policy = S3BucketPolicy(self, "policy", bucket=bucket.id, policy=self._render_policy())
        transitions = None
        if props.archive_after_days is not None:
            transitions = [S3BucketLifecycleConfigurationRuleTransition(days=props.archive_after_days, storage_class="GLACIER")]
        expiration = None
        if props.expire_after_days is not None:
            expiration = [S3BucketLifecycleConfigurationRuleExpiration(days=props.expire_after_days)]
        S3BucketLifecycleConfiguration(
            self,
            "lifecycle",
            bucket=bucket.id,
            transition_default_minimum_object_size=props.transition_minimum_object_size,
            rule=[
                S3BucketLifecycleConfigurationRule(
                    id=props.lifecycle_rule_id,
                    status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                    transition=transitions,
                    expiration=expiration,
                    noncurrent_version_expiration=[
                        S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(noncurrent_days=props.noncurrent_days)
                    ],
                    abort_incomplete_multipart_upload=[
                        S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(days_after_initiation=ABORT_INCOMPLETE_UPLOAD_DAYS)
                    ],
                )
            ],
        )
        self.bucket_id: str = bucket.id
        self.bucket_name: str = bucket.bucket
        self.bucket_arn: str = bucket.arn
        self.key_arn: str = key_arn
        self.ready_bucket_name: str = self._policy.bucket

    def add_to_resource_policy(self, *statements: Mapping[str, Any]) -> None:
        """Append statements to the bucket policy, after the TLS-only deny."""
        self._statements.extend(dict(s) for s in statements)
        self._policy.policy = self._render_policy()

    def _render_policy(self) -> str:
        return json.dumps({"Version": "2012-10-17", "Statement": self._statements})
