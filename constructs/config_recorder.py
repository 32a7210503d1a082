"""AWS Config for the account: recorder, delivery channel to the audit bucket, CIS Config rules."""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdktf_cdktf_provider_aws.config_config_rule import ConfigConfigRule, ConfigConfigRuleSource
from cdktf_cdktf_provider_aws.config_configuration_recorder import (
    ConfigConfigurationRecorder,
    ConfigConfigurationRecorderRecordingGroup,
)
from cdktf_cdktf_provider_aws.config_configuration_recorder_status import ConfigConfigurationRecorderStatus
from cdktf_cdktf_provider_aws.config_delivery_channel import (
    ConfigDeliveryChannel,
    ConfigDeliveryChannelSnapshotDeliveryProperties,
)
from cdktf_cdktf_provider_aws.iam_service_linked_role import IamServiceLinkedRole

from constructs import Construct
from constructs.kms_key import EncryptionKey
from constructs.log_bucket import ServiceWriter

CONFIG_SERVICE = "config.amazonaws.com"


@dataclass(frozen=True)
class ManagedRule:
    """An AWS managed Config rule and the CIS AWS Foundations v3.0.0 control it evaluates."""

    identifier: str
    cis: str
    parameters: Mapping[str, str] = field(default_factory=dict)


# The CIS controls that apply to the state, security and network layers and to the data and
# cluster layers that follow (RDS, EC2 metadata); each is an AWS managed rule. Controls without a
# managed rule (3.3 Config in every region, 1.20 Access Analyzer) are covered by the resources
# themselves; see docs/security.md.
CIS_RULES: tuple[ManagedRule, ...] = (
    ManagedRule("IAM_ROOT_ACCESS_KEY_CHECK", "1.4"),
    ManagedRule("ROOT_ACCOUNT_MFA_ENABLED", "1.5"),
    ManagedRule("ROOT_ACCOUNT_HARDWARE_MFA_ENABLED", "1.6"),
    ManagedRule("IAM_PASSWORD_POLICY", "1.8-1.9", {"MinimumPasswordLength": "14", "PasswordReusePrevention": "24"}),
    ManagedRule("MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS", "1.10"),
    ManagedRule("IAM_USER_UNUSED_CREDENTIALS_CHECK", "1.12", {"maxCredentialUsageAge": "45"}),
    ManagedRule("ACCESS_KEYS_ROTATED", "1.14", {"maxAccessKeyAge": "90"}),
    ManagedRule("IAM_USER_NO_POLICIES_CHECK", "1.15"),
    ManagedRule("IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS", "1.16"),
    ManagedRule("S3_BUCKET_SSL_REQUESTS_ONLY", "2.1.1"),
    ManagedRule("S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC", "2.1.4"),
    ManagedRule("EC2_EBS_ENCRYPTION_BY_DEFAULT", "2.2.1"),
    ManagedRule("RDS_STORAGE_ENCRYPTED", "2.3.1"),
    ManagedRule("RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED", "2.3.2"),
    ManagedRule("RDS_INSTANCE_PUBLIC_ACCESS_CHECK", "2.3.3"),
    ManagedRule("MULTI_REGION_CLOUD_TRAIL_ENABLED", "3.1"),
    ManagedRule("CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED", "3.2"),
    ManagedRule("CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED", "3.4 of v1.4.0"),
    ManagedRule("CLOUDTRAIL_S3_BUCKET_ACCESS_LOGGING", "3.4"),
    ManagedRule("CLOUD_TRAIL_ENCRYPTION_ENABLED", "3.5"),
    ManagedRule("CMK_BACKING_KEY_ROTATION_ENABLED", "3.6"),
    ManagedRule("VPC_FLOW_LOGS_ENABLED", "3.7"),
    ManagedRule("NACL_NO_UNRESTRICTED_SSH_RDP", "5.1"),
    ManagedRule("RESTRICTED_INCOMING_TRAFFIC", "5.2-5.3", {"blockedPort1": "22", "blockedPort2": "3389"}),
    ManagedRule("VPC_DEFAULT_SECURITY_GROUP_CLOSED", "5.4"),
    ManagedRule("EC2_IMDSV2_CHECK", "5.6"),
)


@dataclass(frozen=True)
class ConfigRecorderProps:
    """Settings for AWS Config.

    name: prefix of every name, e.g. "sparki-prod".
    bucket_name: the audit bucket; it must admit writer(...).
    kms_key_arn: encrypts the delivered snapshots and history (the audit key); grant_key(key) admits Config.
    s3_key_prefix: default "config".
    snapshot_frequency: configuration snapshot delivery; default "TwentyFour_Hours".
    rules: managed rules to evaluate; default CIS_RULES; () for recording only.
    """

    name: str
    account_id: str
    bucket_name: str
    kms_key_arn: str
    s3_key_prefix: str = "config"
    snapshot_frequency: str = "TwentyFour_Hours"
    rules: Sequence[ManagedRule] = CIS_RULES

    def __post_init__(self) -> None:
        allowed = ("One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours")
        if self.snapshot_frequency not in allowed:
            raise ValueError(f"snapshot_frequency={self.snapshot_frequency!r}: use one of {', '.join(allowed)}")
        identifiers = [r.identifier for r in self.rules]
        if len(set(identifiers)) != len(identifiers):
            raise ValueError(f"rules: an identifier is repeated in {identifiers}")
        if self.s3_key_prefix.startswith("/") or self.s3_key_prefix.endswith("/"):
            raise ValueError(f"s3_key_prefix={self.s3_key_prefix!r}: give it without leading or trailing '/'")

    @property
    def delivery_prefix(self) -> str:
        return f"{self.s3_key_prefix}/AWSLogs/{self.account_id}/Config/"

    def grant_key(self, key: EncryptionKey) -> None:
        """What kms_key_arn's key must allow: the delivery channel writing encrypted snapshots."""
        key.grant_to_service(
            CONFIG_SERVICE,
            sid="ConfigDeliversEncryptedSnapshots",
            actions=("kms:Decrypt", "kms:GenerateDataKey*"),
            conditions={"StringEquals": {"aws:SourceAccount": self.account_id}},
        )

    def writer(self) -> ServiceWriter:
        """What the audit bucket must admit: Config of this account, into its own prefix."""
        return ServiceWriter(
            sid="Config",
            service=CONFIG_SERVICE,
            prefix=self.delivery_prefix,
            condition={"StringEquals": {"aws:SourceAccount": self.account_id}},
            bucket_actions=("s3:GetBucketAcl", "s3:ListBucket"),
        )


class ConfigRecorder(Construct):
    """Records every supported resource type (global ones too) with Config's service-linked
    role, delivers encrypted to the audit bucket, and evaluates the given managed rules.
    rule_names: identifier -> Config rule name."""

    def __init__(self, scope: Construct, id: str, props: ConfigRecorderProps) -> None:
        super().__init__(scope, id)
        # The service-linked role, not a role of our own: Security Hub's CIS control for AWS Config
        # (Config.1) requires it. It delivers through the bucket policy and the key policy, which
        # admit config.amazonaws.com for this account (writer(), grant_key()). An
        # account where it already exists imports it once (docs/security.md).
        role = IamServiceLinkedRole(self, "service_role", aws_service_name=CONFIG_SERVICE, tags={"Name": f"{props.name}-config"})
        recorder = ConfigConfigurationRecorder(
            self,
            "recorder",
            name=props.name,
            role_arn=role.arn,
            recording_group=ConfigConfigurationRecorderRecordingGroup(all_supported=True, include_global_resource_types=True),
        )
        channel = ConfigDeliveryChannel(
            self,
            "delivery_channel",
            name=props.name,
            s3_bucket_name=props.bucket_name,
            s3_key_prefix=props.s3_key_prefix,
            s3_kms_key_arn=props.kms_key_arn,
            snapshot_delivery_properties=ConfigDeliveryChannelSnapshotDeliveryProperties(delivery_frequency=props.snapshot_frequency),
            depends_on=[recorder],
        )
        ConfigConfigurationRecorderStatus(self, "status", name=recorder.name, is_enabled=True, depends_on=[channel])
        self.rule_names: dict[str, str] = {}
        for managed in props.rules:
            rule_name = f"{props.name}-{managed.identifier.lower().replace('_', '-')}"
            ConfigConfigRule(
                self,
                managed.identifier.lower(),
                name=rule_name,
                description=f"CIS {managed.cis}",
                source=ConfigConfigRuleSource(owner="AWS", source_identifier=managed.identifier),
                input_parameters=json.dumps(dict(managed.parameters)) if managed.parameters else None,
                depends_on=[recorder],
                tags={"Name": rule_name},
            )
            self.rule_names[managed.identifier] = rule_name
        self.recorder_name: str = recorder.name
