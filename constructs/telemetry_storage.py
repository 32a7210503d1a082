"""The AWS side of the log and search stores: Loki's bucket (chunks and TSDB index), the
Elasticsearch snapshot bucket, the key both are encrypted with, and the two IRSA roles that may
use them (Loki's pods; the Elasticsearch nodes, which write snapshots themselves)."""
from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.s3_bucket_logging import S3BucketLoggingA

from catalog.naming import name_prefix
from constructs import Construct
from constructs.irsa_role import IrsaRole, IrsaRoleProps
from constructs.kms_key import EncryptionKey, EncryptionKeyProps
from constructs.log_bucket import LogBucket, LogBucketProps
from constructs.private_bucket import PrivateBucket, PrivateBucketProps
from constructs.telemetry_values import SERVICE_ACCOUNTS, bucket_names

# The compactor deletes what is older than the retention; the lifecycle rule is the backstop
# for anything it leaves behind (a chunk written while it was down), a week later.
LOKI_EXPIRY_MARGIN_DAYS = 7
# Overwritten or deleted versions: long enough to undo a mistaken delete, short enough that
# the compactor's and SLM's deletions free the space within a month.
NONCURRENT_DAYS = 14
# What each role does with its bucket. Loki reads, writes and deletes chunks and index files;
# the repository-s3 module of Elasticsearch also lists and aborts multipart uploads.
LOKI_OBJECT_ACTIONS = ("s3:GetObject", "s3:PutObject", "s3:DeleteObject")
SNAPSHOT_BUCKET_ACTIONS = ("s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions")
SNAPSHOT_OBJECT_ACTIONS = ("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts")
KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")


@dataclass(frozen=True)
class TelemetryStorageProps:
    """Settings for the telemetry buckets and roles.

    env: the environment; buckets are named by telemetry_values.bucket_names(), roles
        sparki-<env>-obs-loki and sparki-<env>-obs-elasticsearch, each trusting the service
        account telemetry_values.SERVICE_ACCOUNTS names for it.
    account_id: owns the key (administered through IAM) and names the buckets.
    region: the buckets' region; the roles may use the key only through S3 there.
    access_log_bucket: the security layer's access-log bucket; both buckets log requests there.
    loki_retention_days: the compactor's retention; S3 expires objects a week after it.
    oidc_provider_arn / oidc_issuer_host: the cluster's IRSA identity provider.
    key_deletion_window_days: 7..30; default 30.
    """

    env: str
    account_id: str
    region: str
    access_log_bucket: str
    loki_retention_days: int
    oidc_provider_arn: str
    oidc_issuer_host: str
    key_deletion_window_days: int = 30

    def __post_init__(self) -> None:
        if self.loki_retention_days < 1:
            raise ValueError(f"loki_retention_days={self.loki_retention_days}: must be at least 1")


class TelemetryStorage(Construct):
    """Two private, KMS-encrypted, TLS-only, access-logged buckets and one role per bucket that
    reaches that bucket and the key only. Outputs: bucket_names ("loki", "es-snapshots"),
    role_arns (by service account: "loki", "elasticsearch"), key_arn."""

    def __init__(self, scope: Construct, id: str, props: TelemetryStorageProps) -> None:
        super().__init__(scope, id)
        prefix, account = name_prefix(props.env), props.account_id
        names = bucket_names(props.env, account)
        key = EncryptionKey(
            self,
            "key",
            EncryptionKeyProps(
                alias=f"{prefix}-telemetry",
                description=f"{prefix}: Loki chunks and index, Elasticsearch snapshots",
                account_id=account,
                deletion_window_days=props.key_deletion_window_days,
            ),
        )
        loki = LogBucket(
            self,
            "loki",
            LogBucketProps(
                bucket_name=names["loki"],
                kms_key_arn=key.key_arn,
                expire_after_days=props.loki_retention_days + LOKI_EXPIRY_MARGIN_DAYS,
                noncurrent_days=NONCURRENT_DAYS,
                access_log_bucket=props.access_log_bucket,
            ),
        )
        # No expiry of current objects: a snapshot reuses the files of earlier ones, so age says
        # nothing about whether a file is still needed. SLM retention deletes whole snapshots.
        snapshots = PrivateBucket(
            self,
            "snapshots",
            PrivateBucketProps(
                bucket_name=names["es-snapshots"],
                kms_key_arn=key.key_arn,
                lifecycle_rule_id="expire-noncurrent-snapshot-files",
                noncurrent_days=NONCURRENT_DAYS,
            ),
        )
        S3BucketLoggingA(self, "snapshots_access_logging", bucket=snapshots.bucket_id, target_bucket=props.access_log_bucket, target_prefix=f"{names['es-snapshots']}/")

        def role(id: str, name: str, bucket_arn: str, bucket_actions: tuple[str, ...], object_actions: tuple[str, ...]) -> IrsaRole:
            return IrsaRole(
                self,
                id,
                IrsaRoleProps(
                    name=f"{prefix}-obs-{name}",
                    namespace=SERVICE_ACCOUNTS[name][0],
                    service_account=SERVICE_ACCOUNTS[name][1],
                    oidc_provider_arn=props.oidc_provider_arn,
                    oidc_issuer_host=props.oidc_issuer_host,
                    statements=(
                        {"Sid": "Bucket", "Effect": "Allow", "Action": list(bucket_actions), "Resource": bucket_arn},
                        {"Sid": "Objects", "Effect": "Allow", "Action": list(object_actions), "Resource": f"{bucket_arn}/*"},
                        # Only through S3: the key cannot be used directly with these credentials.
                        {
                            "Sid": "Key",
                            "Effect": "Allow",
                            "Action": list(KEY_ACTIONS),
                            "Resource": key.key_arn,
                            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{props.region}.amazonaws.com"}},
                        },
                    ),
                ),
            )

        loki_role = role("loki_role", "loki", loki.bucket_arn, ("s3:ListBucket",), LOKI_OBJECT_ACTIONS)
        snapshot_role = role("snapshot_role", "elasticsearch", snapshots.bucket_arn, SNAPSHOT_BUCKET_ACTIONS, SNAPSHOT_OBJECT_ACTIONS)
        self.key_arn: str = key.key_arn
        self.bucket_names: dict[str, str] = {"loki": loki.bucket_name, "es-snapshots": snapshots.bucket_name}
        self.role_arns: dict[str, str] = {"loki": loki_role.role_arn, "elasticsearch": snapshot_role.role_arn}
