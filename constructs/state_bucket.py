"""The S3 bucket that holds an environment's Terraform state."""
from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct
from constructs.kms_key import EncryptionKeyProps
from constructs.private_bucket import PrivateBucket, PrivateBucketProps, check_bucket_name


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
        check_bucket_name(self.bucket_name)


class StateBucket(PrivateBucket):
    """A private bucket with its own rotating key; current state never expires, overwritten
    versions do."""

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
