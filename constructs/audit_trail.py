"""The account's CloudTrail: every region, validated, encrypted, to S3 and to CloudWatch Logs."""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from cdktf_cdktf_provider_aws.cloudtrail import (
    Cloudtrail,
    CloudtrailAdvancedEventSelector,
    CloudtrailAdvancedEventSelectorFieldSelector,
)
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy

from constructs import Construct
from constructs.kms_key import EncryptionKey
from constructs.log_bucket import ServiceWriter
from constructs.log_group import encrypted_log_group
from constructs.trust_policy import service_trust_policy


def trail_arn(name: str, region: str, account_id: str) -> str:
    return f"arn:aws:cloudtrail:{region}:{account_id}:trail/{name}"


@dataclass(frozen=True)
class AuditTrailProps:
    """Settings for the trail.

    name: trail name, e.g. "sparki-dev-audit"; also names the log group "/<name>" and its role.
    bucket_name: the audit bucket; it must admit writer(...) (a LogBucket with that writer).
    s3_key_prefix: where the trail writes in the bucket; default "cloudtrail".
    kms_key_arn: encrypts the log files (the audit key); grant_key(key) admits CloudTrail to it.
    log_key_arn: encrypts the CloudWatch log group (the logs key).
    log_retention_days: CloudWatch retention; the CIS metric filters search this group.
    data_event_bucket_arns: buckets whose object-level calls are recorded (S3 data events),
        e.g. the Terraform state bucket; default none.
    """

    name: str
    region: str
    account_id: str
    bucket_name: str
    kms_key_arn: str
    log_key_arn: str
    log_retention_days: int
    s3_key_prefix: str = "cloudtrail"
    data_event_bucket_arns: Sequence[str] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for arn in self.data_event_bucket_arns:
            if not arn.startswith("arn:aws:s3:::") or "/" in arn:
                raise ValueError(f"data_event_bucket_arns: {arn!r} is not a bucket ARN like 'arn:aws:s3:::my-bucket'")
        if self.s3_key_prefix.startswith("/") or self.s3_key_prefix.endswith("/"):
            raise ValueError(f"s3_key_prefix={self.s3_key_prefix!r}: give it without leading or trailing '/'")
        if self.log_retention_days < 1:
            raise ValueError(f"log_retention_days={self.log_retention_days}: must be at least 1")

    @property
    def arn(self) -> str:
        return trail_arn(self.name, self.region, self.account_id)

    def grant_key(self, key: EncryptionKey) -> None:
        """What kms_key_arn's key must allow: CloudTrail encrypting this account's trails."""
        # CloudTrail's documentation recommends aws:SourceArn (the trails) over aws:SourceAccount.
        trails = f"arn:aws:cloudtrail:*:{self.account_id}:trail/*"
        key.grant_to_service(
            "cloudtrail.amazonaws.com",
            sid="CloudTrailEncryptsThisAccountsTrails",
            actions=("kms:GenerateDataKey*",),
            conditions={"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": trails, "aws:SourceArn": trails}},
        )
        # CreateTrail/UpdateTrail check the key; that call carries no encryption context.
        key.grant_to_service(
            "cloudtrail.amazonaws.com", sid="CloudTrailDescribesKey", actions=("kms:DescribeKey",), conditions={"StringLike": {"aws:SourceArn": trails}}
        )

    def writer(self) -> ServiceWriter:
        """What the audit bucket must admit: this trail, and only into its own prefix."""
        return ServiceWriter(
            sid="CloudTrail",
            service="cloudtrail.amazonaws.com",
            prefix=f"{self.s3_key_prefix}/AWSLogs/{self.account_id}/",
            condition={"StringEquals": {"aws:SourceArn": self.arn}},
        )


class AuditTrail(Construct):
    """A multi-region trail with log file validation, KMS-encrypted, delivered to the audit
    bucket and to an encrypted log group (the CIS alarms read the latter).

    Management events are recorded read and write: GetSecretValue and KMS Decrypt are read
    management events, which is how access to secrets is audited (Secrets Manager has no data
    events). Object-level S3 events are recorded for the data_event_bucket_arns.
    """

    def __init__(self, scope: Construct, id: str, props: AuditTrailProps) -> None:
        super().__init__(scope, id)
        group = encrypted_log_group(self, "log_group", f"/{props.name}", props.log_retention_days, props.log_key_arn)
        role = IamRole(
            self,
            "logs_role",
            name=f"{props.name}-to-logs",
            assume_role_policy=service_trust_policy(
                "cloudtrail.amazonaws.com",
                unguarded_because="CloudTrail User Guide ('Role policy document for CloudTrail to use CloudWatch Logs "
                "for monitoring'): confused-deputy prevention is not applicable to this role, CloudTrail does not support "
                "aws:SourceArn/aws:SourceAccount on it, and a condition on them makes CreateTrail refuse the role. "
                "Another account cannot pass this role to its trail (iam:PassRole is same-account), and it may only "
                "write this trail's log group",
            ),
            tags={"Name": f"{props.name}-to-logs"},
        )
        IamRolePolicy(
            self,
            "logs_policy",
            name="deliver-trail-to-logs",
            role=role.id,
            policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                            "Resource": f"{group.arn}:log-stream:*",
                        }
                    ],
                }
            ),
        )
        selectors = [
            CloudtrailAdvancedEventSelector(
                name="Management events, read and write",
                field_selector=[CloudtrailAdvancedEventSelectorFieldSelector(field="eventCategory", equal_to=["Management"])],
            )
        ]
        if props.data_event_bucket_arns:
            selectors.append(
                CloudtrailAdvancedEventSelector(
                    name="Object-level events of the audited buckets",
                    field_selector=[
                        CloudtrailAdvancedEventSelectorFieldSelector(field="eventCategory", equal_to=["Data"]),
                        CloudtrailAdvancedEventSelectorFieldSelector(field="resources.type", equal_to=["AWS::S3::Object"]),
                        CloudtrailAdvancedEventSelectorFieldSelector(
                            field="resources.ARN", starts_with=[f"{arn}/" for arn in props.data_event_bucket_arns]
                        ),
                    ],
                )
            )
        trail = Cloudtrail(
            self,
            "trail",
            name=props.name,
            s3_bucket_name=props.bucket_name,
            s3_key_prefix=props.s3_key_prefix,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            kms_key_id=props.kms_key_arn,
            cloud_watch_logs_group_arn=f"{group.arn}:*",
            cloud_watch_logs_role_arn=role.arn,
            advanced_event_selector=selectors,
            tags={"Name": props.name},
        )
        self.trail_arn: str = trail.arn
        self.log_group_name: str = group.name
        self.log_group_arn: str = group.arn
