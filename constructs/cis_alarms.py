"""CIS AWS Foundations monitoring: a metric filter on the trail's log group and an alarm for each."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.cloudwatch_log_metric_filter import (
    CloudwatchLogMetricFilter,
    CloudwatchLogMetricFilterMetricTransformation,
)
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm

from constructs import Construct


@dataclass(frozen=True)
class CisCheck:
    """control: the CIS AWS Foundations Benchmark v3.0.0 recommendation (4.x);
    key: logical id and metric name stem; pattern: CloudWatch Logs filter pattern."""

    control: str
    key: str
    title: str
    pattern: str

    @property
    def metric(self) -> str:
        return "".join(part.capitalize() for part in self.key.split("_"))


def _any_event(*names: str) -> str:
    return " || ".join(f"($.eventName = {n})" for n in names)


# The filter patterns of CIS AWS Foundations Benchmark v3.0.0, section 4 (Monitoring).
CIS_CHECKS: tuple[CisCheck, ...] = (
    CisCheck(
        "4.1", "unauthorized_api_calls", "Unauthorized API calls",
        '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && '
        '($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }',
    ),
    CisCheck(
        "4.2", "console_signin_without_mfa", "Management console sign-in without MFA",
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
        '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    ),
    CisCheck(
        "4.3", "root_account_usage", "Usage of the root account",
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    ),
    CisCheck(
        "4.4", "iam_policy_changes", "IAM policy changes",
        "{ " + _any_event(
            "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy",
            "PutUserPolicy", "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion",
            "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy",
            "AttachGroupPolicy", "DetachGroupPolicy",
        ) + " }",
    ),
    CisCheck(
        "4.5", "cloudtrail_changes", "CloudTrail configuration changes",
        "{ " + _any_event("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging") + " }",
    ),
    CisCheck(
        "4.6", "console_signin_failures", "Management console authentication failures",
        '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    ),
    CisCheck(
        "4.7", "kms_key_disabled_or_deleted", "Disabling or scheduled deletion of customer-managed keys",
        "{ ($.eventSource = kms.amazonaws.com) && (" + _any_event("DisableKey", "ScheduleKeyDeletion") + ") }",
    ),
    CisCheck(
        "4.8", "s3_bucket_policy_changes", "S3 bucket policy changes",
        "{ ($.eventSource = s3.amazonaws.com) && (" + _any_event(
            "PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication",
            "DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication",
        ) + ") }",
    ),
    CisCheck(
        "4.9", "config_changes", "AWS Config configuration changes",
        "{ ($.eventSource = config.amazonaws.com) && (" + _any_event(
            "StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder",
        ) + ") }",
    ),
    CisCheck(
        "4.10", "security_group_changes", "Security group changes",
        "{ " + _any_event(
            "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup",
        ) + " }",
    ),
    CisCheck(
        "4.11", "nacl_changes", "Network ACL changes",
        "{ " + _any_event(
            "CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry",
            "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation",
        ) + " }",
    ),
    CisCheck(
        "4.12", "network_gateway_changes", "Network gateway changes",
        "{ " + _any_event(
            "CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway", "CreateInternetGateway",
            "DeleteInternetGateway", "DetachInternetGateway",
        ) + " }",
    ),
    CisCheck(
        "4.13", "route_table_changes", "Route table changes",
        "{ ($.eventSource = ec2.amazonaws.com) && (" + _any_event(
            "CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation", "DeleteRouteTable",
            "DeleteRoute", "DisassociateRouteTable",
        ) + ") }",
    ),
    CisCheck(
        "4.14", "vpc_changes", "VPC changes",
        "{ " + _any_event(
            "CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection", "CreateVpcPeeringConnection",
            "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection", "AttachClassicLinkVpc", "DetachClassicLinkVpc",
            "DisableVpcClassicLink", "EnableVpcClassicLink",
        ) + " }",
    ),
)


@dataclass(frozen=True)
class CisAlarmsProps:
    """Settings for the CIS monitoring.

    name: prefix of alarm and filter names, e.g. "sparki-dev".
    log_group_name: the CloudTrail log group the filters search.
    topic_arn: where every alarm goes (the alarm topic).
    namespace: CloudWatch namespace of the metrics; default "Sparki/CIS".
    checks: which checks; default all of CIS_CHECKS.
    """

    name: str
    log_group_name: str
    topic_arn: str
    namespace: str = "Sparki/CIS"
    checks: Sequence[CisCheck] = CIS_CHECKS

    def __post_init__(self) -> None:
        keys = [c.key for c in self.checks]
        if len(set(keys)) != len(keys):
            raise ValueError(f"checks: a key is repeated in {keys}")
        for check in self.checks:
            if not re.fullmatch(r"[a-z][a-z0-9_]*", check.key):
                raise ValueError(f"checks: key {check.key!r} must be lowercase snake_case (it becomes a logical id)")
            if not (check.pattern.startswith("{") and check.pattern.endswith("}")):
                raise ValueError(f"checks: {check.key} pattern must be a JSON filter pattern in braces")


class CisAlarms(Construct):
    """One metric filter and one alarm per CIS check; an alarm fires on the first matching
    event in five minutes and notifies the topic. alarm_names: key -> alarm name."""

    def __init__(self, scope: Construct, id: str, props: CisAlarmsProps) -> None:
        super().__init__(scope, id)
        self.alarm_names: dict[str, str] = {}
        for check in props.checks:
            CloudwatchLogMetricFilter(
                self,
                f"{check.key}_filter",
                name=f"{props.name}-cis-{check.key.replace('_', '-')}",
                log_group_name=props.log_group_name,
                pattern=check.pattern,
                metric_transformation=CloudwatchLogMetricFilterMetricTransformation(
                    name=check.metric, namespace=props.namespace, value="1"
                ),
            )
            alarm_name = f"{props.name}-cis-{check.control}-{check.key.replace('_', '-')}"
            CloudwatchMetricAlarm(
                self,
                f"{check.key}_alarm",
                alarm_name=alarm_name,
                alarm_description=f"CIS {check.control}: {check.title}",
                namespace=props.namespace,
                metric_name=check.metric,
                statistic="Sum",
                period=300,
                evaluation_periods=1,
                threshold=1,
                comparison_operator="GreaterThanOrEqualToThreshold",
                # No matching event means nothing happened, not that data is missing.
                treat_missing_data="notBreaching",
                alarm_actions=[props.topic_arn],
                tags={"Name": alarm_name},
            )
            self.alarm_names[check.key] = alarm_name
