"""One customer-managed KMS key per purpose, each with the grants its purpose needs."""
from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct
from constructs.kms_key import EncryptionKey, EncryptionKeyProps, KeyGrant

PURPOSES = ("logs", "data", "eks", "secrets", "audit")
_USE = ("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey")


@dataclass(frozen=True)
class KeyRingProps:
    """Settings for the environment's keys.

    name: prefix of aliases, e.g. "sparki-dev" gives alias/sparki-dev-logs.
    deletion_window_days: 7..30, the same for every key of the ring.
    """

    name: str
    region: str
    account_id: str
    deletion_window_days: int = 30


def grants_for(purpose: str, region: str, account: str) -> list[KeyGrant]:
    """Non-IAM principals each purpose must admit; everything else goes through IAM policies."""
    if purpose == "logs":
        return [
            KeyGrant(
                sid="CloudWatchLogsEncryptsThisAccountsLogGroups",
                service=f"logs.{region}.amazonaws.com",
                actions=_USE,
                condition={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account}:log-group:*"}},
            )
        ]
    if purpose == "data":
        # EKS managed node groups launch encrypted EBS volumes through the Auto Scaling
        # service-linked role, which takes no IAM policy: the key policy must name it.
        slr = f"arn:aws:iam::{account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
        return [
            KeyGrant(sid="AutoScalingUsesKeyForNodeVolumes", role_arn=slr, actions=_USE, condition={"StringEquals": {"kms:CallerAccount": account}}),
            KeyGrant(
                sid="AutoScalingAttachesPersistentResources",
                role_arn=slr,
                actions=("kms:CreateGrant",),
                condition={"Bool": {"kms:GrantIsForAWSResource": "true"}},
            ),
        ]
    if purpose == "audit":
        same_account = {"StringEquals": {"aws:SourceAccount": account}}
        # CloudTrail's documentation recommends aws:SourceArn (the trails) over aws:SourceAccount.
        trails = f"arn:aws:cloudtrail:*:{account}:trail/*"
        return [
            KeyGrant(
                sid="CloudTrailEncryptsThisAccountsTrails",
                service="cloudtrail.amazonaws.com",
                actions=("kms:GenerateDataKey*",),
                condition={"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": trails, "aws:SourceArn": trails}},
            ),
            KeyGrant(
                # CreateTrail/UpdateTrail check the key; that call carries no encryption context.
                sid="CloudTrailDescribesKey",
                service="cloudtrail.amazonaws.com",
                actions=("kms:DescribeKey",),
                condition={"StringLike": {"aws:SourceArn": trails}},
            ),
            KeyGrant(
                # Alarms publish to the encrypted alarm topic.
                sid="CloudWatchPublishesAlarmsToEncryptedTopic",
                service="cloudwatch.amazonaws.com",
                actions=("kms:Decrypt", "kms:GenerateDataKey*"),
                condition=same_account,
            ),
            KeyGrant(
                # GuardDuty findings reach the alarm topic through an EventBridge rule.
                sid="EventBridgePublishesFindingsToEncryptedTopic",
                service="events.amazonaws.com",
                actions=("kms:Decrypt", "kms:GenerateDataKey*"),
                condition=same_account,
            ),
            KeyGrant(
                # The Config delivery channel writes encrypted snapshots to the audit bucket.
                sid="ConfigDeliversEncryptedSnapshots",
                service="config.amazonaws.com",
                actions=("kms:Decrypt", "kms:GenerateDataKey*"),
                condition=same_account,
            ),
            KeyGrant(
                # S3 server access logs land in a bucket whose default encryption is this key;
                # the log delivery service encrypts as the writer.
                sid="S3ServerAccessLogsEncrypt",
                service="logging.s3.amazonaws.com",
                actions=("kms:GenerateDataKey*",),
                condition=same_account,
            ),
        ]
    return []


class KeyRing(Construct):
    """A rotating key per purpose (PURPOSES). keys[purpose].key_arn is what other layers use."""

    def __init__(self, scope: Construct, id: str, props: KeyRingProps) -> None:
        super().__init__(scope, id)
        self.keys: dict[str, EncryptionKey] = {
            purpose: EncryptionKey(
                self,
                purpose,
                EncryptionKeyProps(
                    alias=f"{props.name}-{purpose}",
                    description=f"{props.name}: {purpose}",
                    account_id=props.account_id,
                    deletion_window_days=props.deletion_window_days,
                    grants=grants_for(purpose, props.region, props.account_id),
                ),
            )
            for purpose in PURPOSES
        }

    def arn(self, purpose: str) -> str:
        if purpose not in self.keys:
            raise KeyError(f"no key for purpose {purpose!r}; purposes: {', '.join(PURPOSES)}")
        return self.keys[purpose].key_arn
