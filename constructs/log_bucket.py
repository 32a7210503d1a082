"""An S3 bucket that AWS services deliver logs into: private, versioned, KMS, TLS-only, aging out."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cdktf_cdktf_provider_aws.s3_bucket_logging import S3BucketLoggingA

from constructs import Construct
from constructs.kms_key import EncryptionKey
from constructs.private_bucket import PrivateBucket, PrivateBucketProps, check_bucket_name

# S3 lifecycle by default does not transition objects under 128 KB: Glacier's per-object
# overhead (40 KB billed, a request each) would cost more than it saves on small log files.
# We keep that default and say so, rather than archive every 2 KB CloudTrail digest.
SMALL_OBJECTS_STAY = "all_storage_classes_128K"


@dataclass(frozen=True)
class ServiceWriter:
    """An AWS service that delivers objects into the bucket, under one prefix only.

    sid: statement id prefix, e.g. "CloudTrail".
    service: the service principal, e.g. "cloudtrail.amazonaws.com".
    prefix: the key prefix it writes under, e.g. "cloudtrail/AWSLogs/111111111111/"; non-empty.
    condition: pins the writer to this account's resource (aws:SourceArn / aws:SourceAccount);
        required, so the bucket never admits the service on behalf of anyone else.
    bucket_actions: actions on the bucket the service performs before writing; default
        ("s3:GetBucketAcl",), () for none.
    owner_acl: the service sends x-amz-acl bucket-owner-full-control and the policy requires
        it; default True (CloudTrail, Config). False for S3 server access logging.
    """

    sid: str
    service: str
    prefix: str
    condition: Mapping[str, Any]
    bucket_actions: Sequence[str] = ("s3:GetBucketAcl",)
    owner_acl: bool = True

    def __post_init__(self) -> None:
        if not self.condition:
            raise ValueError(f"ServiceWriter {self.sid}: condition must not be empty; pin the writer to this account")
        if not self.prefix or self.prefix.startswith("/"):
            raise ValueError(f"ServiceWriter {self.sid}: prefix={self.prefix!r} must be a non-empty key prefix without a leading '/'")

    def statements(self, bucket_arn: str) -> list[dict]:
        result = []
        if self.bucket_actions:
            result.append(
                {
                    "Sid": f"{self.sid}ChecksBucket",
                    "Effect": "Allow",
                    "Principal": {"Service": self.service},
                    "Action": list(self.bucket_actions),
                    "Resource": bucket_arn,
                    "Condition": dict(self.condition),
                }
            )
        condition = {k: dict(v) for k, v in self.condition.items()}
        if self.owner_acl:
            condition.setdefault("StringEquals", {})["s3:x-amz-acl"] = "bucket-owner-full-control"
        result.append(
            {
                "Sid": f"{self.sid}Writes",
                "Effect": "Allow",
                "Principal": {"Service": self.service},
                "Action": "s3:PutObject",
                "Resource": f"{bucket_arn}/{self.prefix}*",
                "Condition": condition,
            }
        )
        return result


def grant_access_log_delivery(key: EncryptionKey, account_id: str) -> None:
    """S3 server access logs land in a bucket whose default encryption is `key`; the log
    delivery service encrypts as the writer, so the key must admit it."""
    key.grant_to_service(
        "logging.s3.amazonaws.com",
        sid="S3ServerAccessLogsEncrypt",
        actions=("kms:GenerateDataKey*",),
        conditions={"StringEquals": {"aws:SourceAccount": account_id}},
    )


@dataclass(frozen=True)
class LogBucketProps:
    """Settings for a log bucket.

    bucket_name: globally unique, 3-63 lowercase characters, e.g. "sparki-dev-audit-111111111111".
    kms_key_arn: default encryption (SSE-KMS with an S3 bucket key).
    expire_after_days: objects are deleted after this many days; >= 1.
    archive_after_days: objects of 128 KB and more move to Glacier Flexible Retrieval after this
        many days; default None: never. Must come before expire_after_days.
    noncurrent_days: days an overwritten or deleted version is kept; default 30, >= 1.
    access_log_bucket: bucket that receives this bucket's S3 server access logs, under
        "<bucket_name>/"; default None: no access logging (a log bucket's own log bucket).
    writers: ServiceWriters admitted by the bucket policy; default none.
    force_destroy: let destroy empty the bucket; default False.
    """

    bucket_name: str
    kms_key_arn: str
    expire_after_days: int
    archive_after_days: int | None = None
    noncurrent_days: int = 30
    access_log_bucket: str | None = None
    writers: Sequence[ServiceWriter] = field(default_factory=tuple)
    force_destroy: bool = False

    def __post_init__(self) -> None:
        check_bucket_name(self.bucket_name)
        if self.expire_after_days < 1:
            raise ValueError(f"expire_after_days={self.expire_after_days}: must be at least 1")
        if self.archive_after_days is not None and not 1 <= self.archive_after_days < self.expire_after_days:
            raise ValueError(f"archive_after_days={self.archive_after_days}: must be at least 1 and before expire_after_days={self.expire_after_days}")
        if self.noncurrent_days < 1:
            raise ValueError(f"noncurrent_days={self.noncurrent_days}: must be at least 1")
        if self.access_log_bucket == self.bucket_name:
            raise ValueError("access_log_bucket: a bucket cannot receive its own access logs (each delivery would log another)")
        sids = [w.sid for w in self.writers]
        if len(set(sids)) != len(sids):
            raise ValueError(f"writers: sid repeated in {sids}; give each writer its own sid")


class LogBucket(PrivateBucket):
    """A private, versioned, KMS-encrypted, TLS-only bucket; the services it names may write
    under their prefix; objects archive and expire on schedule.

    bucket_name / bucket_arn: the bucket. ready_bucket_name: the same name, read from the
    bucket policy, so that a service which checks the policy when it is configured (CloudTrail,
    Config) is created only after the policy exists.
    """

    def __init__(self, scope: Construct, id: str, props: LogBucketProps) -> None:
        super().__init__(
            scope,
            id,
            PrivateBucketProps(
                bucket_name=props.bucket_name,
                kms_key_arn=props.kms_key_arn,
                lifecycle_rule_id="archive-then-expire",
                noncurrent_days=props.noncurrent_days,
                expire_after_days=props.expire_after_days,
                archive_after_days=props.archive_after_days,
                transition_minimum_object_size=SMALL_OBJECTS_STAY,
                force_destroy=props.force_destroy,
            ),
        )
        for writer in props.writers:
            self.add_to_resource_policy(*writer.statements(self.bucket_arn))
        if props.access_log_bucket:
            S3BucketLoggingA(self, "access_logging", bucket=self.bucket_id, target_bucket=props.access_log_bucket, target_prefix=f"{props.bucket_name}/")
