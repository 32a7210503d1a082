"""The S3 bucket that holds an environment's Terraform state."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from constructs import Construct
from constructs.kms_key import EncryptionKeyProps
from constructs.private_bucket import PrivateBucket, PrivateBucketProps, check_bucket_name


@dataclass(frozen=True)
class StateBucketProps:
    """Settings for the state bucket.

    bucket_name: globally unique name, e.g. "sparki-dev-tfstate-111111111111".
    key_alias: alias of the bucket's own KMS key, without "alias/".
    account_id: the account of the bucket and its key.
    backend_key_id: the kms_key_id Terraform's S3 backend sends with every upload (the key's
        alias ARN, stacks/base.py backend_kms_key_id); uploads may name it or the key ARN.
    noncurrent_version_days: how long overwritten state versions are kept; default 90, >= 1.
    kms_deletion_window_days: 7..30; default 30.
    force_destroy: allow destroy to empty the bucket; default False (state must survive).
    """

    bucket_name: str
    key_alias: str
    account_id: str
    backend_key_id: str
    noncurrent_version_days: int = 90
    kms_deletion_window_days: int = 30
    force_destroy: bool = False

    def __post_init__(self) -> None:
        if self.noncurrent_version_days < 1:
            raise ValueError(f"noncurrent_version_days={self.noncurrent_version_days}: must be at least 1")
        check_bucket_name(self.bucket_name)
        if not self.backend_key_id.startswith("arn:aws:kms:"):
            raise ValueError(f"backend_key_id={self.backend_key_id!r}: give the key or alias ARN the backend sends, arn:aws:kms:...")


def sse_kms_upload_denials(bucket_arn: str, key_arns: Sequence[str]) -> list[dict[str, Any]]:
    """Deny uploads that do not ask for SSE-KMS, or ask for it with a key not in key_arns.

    Terraform's S3 backend (stacks/base.py) sends both headers on every state, digest and lock
    upload: the algorithm and kms_key_id, which we give as the alias ARN. S3 documents the key
    condition against key ARNs, so both the key ARN and the alias ARN are accepted: whichever
    form S3 compares, Terraform is not locked out of its own state.
    """
    objects = f"{bucket_arn}/*"
    return [
        {
            "Sid": "DenyUploadsWithoutSseKms",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:PutObject",
            "Resource": objects,
            "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}},
        },
        {
            "Sid": "DenyUploadsWithAnotherKey",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:PutObject",
            "Resource": objects,
            "Condition": {
                "Null": {"s3:x-amz-server-side-encryption-aws-kms-key-id": "false"},
                "StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": list(key_arns)},
            },
        },
    ]


class StateBucket(PrivateBucket):
    """A private bucket with its own rotating key; current state never expires, overwritten
    versions do; uploads must ask for SSE-KMS with that key (sse_kms_upload_denials)."""

    def __init__(self, scope: Construct, id: str, props: StateBucketProps) -> None:
        super().__init__(
            scope,
            id,
            PrivateBucketProps(
                bucket_name=props.bucket_name,
                own_key=EncryptionKeyProps(
                    alias=props.key_alias,
                    description=f"Encrypts Terraform state in {props.bucket_name}",
                    account_id=props.account_id,
                    deletion_window_days=props.kms_deletion_window_days,
                ),
                lifecycle_rule_id="expire-noncurrent-state",
                noncurrent_days=props.noncurrent_version_days,
                force_destroy=props.force_destroy,
            ),
        )
        self.add_to_resource_policy(*sse_kms_upload_denials(self.bucket_arn, (self.key_arn, props.backend_key_id)))
