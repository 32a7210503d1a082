"""VPC flow logs to an encrypted CloudWatch log group, through a role only flow logs may assume."""
from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.flow_log import FlowLog
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy

from constructs import Construct
from constructs.kms_key import EncryptionKey, EncryptionKeyProps
from constructs.log_group import encrypted_log_group
from constructs.policy_document import PolicyDocument
from constructs.trust_policy import service_trust_policy

# The default (version 2) flow log fields, then what the default hides: pkt-srcaddr/pkt-dstaddr
# are the addresses of the packet itself (a pod behind the node's ENI, a client behind a NAT
# gateway or load balancer) where srcaddr/dstaddr name the interface; flow-direction tells
# ingress from egress; traffic-path and the pkt-*-aws-service fields say where egress went. VPC
# User Guide, "Flow log records" (available fields), read 2026-11.
FLOW_LOG_FIELDS = (
    "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol",
    "packets", "bytes", "start", "end", "action", "log-status",
    "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr",
    "flow-direction", "traffic-path", "pkt-src-aws-service", "pkt-dst-aws-service",
)
# "$${" is Terraform's escape for a literal "${": the format's placeholders are not references.
FLOW_LOG_FORMAT = " ".join(f"$${{{name}}}" for name in FLOW_LOG_FIELDS)


@dataclass(frozen=True)
class FlowLogSettings:
    """name: prefix of the log group (/<name>/vpc-flow-logs), role and key alias.
    key_arn: the key the log group is encrypted with; default None: a key of its own, usable
        only for this log group, with key_deletion_window_days."""

    name: str
    region: str
    account_id: str
    vpc_id: str
    retention_days: int
    key_arn: str | None = None
    key_deletion_window_days: int = 30


def add_flow_logs(scope: Construct, props: FlowLogSettings) -> CloudwatchLogGroup:
    """Every packet decision of the VPC, logged; returns the log group. The ids are the
    Network construct's own, so resources keep their addresses."""
    log_group_name = f"/{props.name}/vpc-flow-logs"
    log_group_arn = f"arn:aws:logs:{props.region}:{props.account_id}:log-group:{log_group_name}"
    key_arn = props.key_arn
    if key_arn is None:
        key = EncryptionKey(
            scope,
            "flow_log_key",
            EncryptionKeyProps(
                alias=f"{props.name}-flow-logs",
                description=f"Encrypts the VPC flow logs of {props.name}",
                account_id=props.account_id,
                deletion_window_days=props.key_deletion_window_days,
            ),
        )
        key.grant_to_service(
            f"logs.{props.region}.amazonaws.com",
            sid="CloudWatchLogsUsesKeyForThisLogGroup",
            actions=("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"),
            conditions={"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": log_group_arn}},
        )
        key_arn = key.key_arn
    group = encrypted_log_group(scope, "flow_log_group", log_group_name, props.retention_days, key_arn)
    role = IamRole(
        scope,
        "flow_log_role",
        name=f"{props.name}-vpc-flow-logs",
        # Confused-deputy guard (VPC User Guide, "IAM role for publishing flow logs to
        # CloudWatch Logs"): only flow logs of this account in this region.
        assume_role_policy=service_trust_policy(
            "vpc-flow-logs.amazonaws.com",
            source_account=props.account_id,
            source_arn=f"arn:aws:ec2:{props.region}:{props.account_id}:vpc-flow-log/*",
        ),
        tags={"Name": f"{props.name}-vpc-flow-logs"},
    )
    # A policy document, not a JSON string, so checkov's IAM checks can read it.
    policy = PolicyDocument(
        scope,
        "flow_log_policy_document",
        [
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                "Resource": [group.arn, f"{group.arn}:*"],
            }
        ],
    )
    IamRolePolicy(scope, "flow_log_policy", name="write-flow-logs", role=role.id, policy=policy.json)
    FlowLog(
        scope,
        "flow_log",
        vpc_id=props.vpc_id,
        traffic_type="ALL",
        log_format=FLOW_LOG_FORMAT,
        log_destination_type="cloud-watch-logs",
        log_destination=group.arn,
        iam_role_arn=role.arn,
        max_aggregation_interval=60,
        tags={"Name": f"{props.name}-vpc-flow-logs"},
    )
    return group
