"""IAM policy statements of the cluster's platform components (constructs/platform_roles.py),
each limited to what its component calls and, where the API allows it, to this cluster's
resources.

Every statement that has to name Resource "*" either holds only actions AWS cannot scope to a
resource (Describe*, List*) or carries a condition that ties it to this cluster's tags.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from catalog.aws import SECURITY_HUB_KUBE_BENCH_PRODUCT, security_hub_product_arn

# Tag on every EBS volume and snapshot the CSI driver creates (its extraVolumeTags) and on every
# node instance; the driver's role acts only on resources carrying this cluster's value.
CLUSTER_TAG = "sparki.io/cluster"
# Tag the AWS Load Balancer Controller puts on everything it creates, valued with the cluster name.
LBC_TAG = "elbv2.k8s.aws/cluster"
METRIC_NAMESPACES = ("ContainerInsights",)


@dataclass(frozen=True)
class IrsaPolicyScope:
    """What the policies are scoped to: the cluster, its region, account and VPC, the hosted
    zones DNS components may change, and the key EBS volumes are encrypted with."""

    cluster_name: str
    region: str
    account_id: str
    vpc_id: str
    hosted_zone_ids: Sequence[str]
    volume_key_arn: str


def _allow(actions: Sequence[str], resources: Any, condition: dict | None = None) -> dict:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": list(actions), "Resource": resources}
    if condition:
        statement["Condition"] = condition
    return statement


def _arn(p: IrsaPolicyScope, service: str, resource: str, region: bool = True) -> str:
    return f"arn:aws:{service}:{p.region if region else ''}:{p.account_id}:{resource}"

def _zones(p: IrsaPolicyScope) -> list[str]:
    return [f"arn:aws:route53:::hostedzone/{zone}" for zone in p.hosted_zone_ids]

def ebs_csi_driver(p: IrsaPolicyScope) -> list[dict]:
    volume, snapshot, instance = _arn(p, "ec2", "volume/*"), _arn(p, "ec2", "snapshot/*"), _arn(p, "ec2", "instance/*")
    ours = {"StringEquals": {f"aws:ResourceTag/{CLUSTER_TAG}": p.cluster_name}}
    tagged_at_create = {"StringEquals": {f"aws:RequestTag/{CLUSTER_TAG}": p.cluster_name}}
    return [
        _allow(
            ["ec2:DescribeAvailabilityZones", "ec2:DescribeInstances", "ec2:DescribeSnapshots", "ec2:DescribeTags",
             "ec2:DescribeVolumes", "ec2:DescribeVolumesModifications"],
            "*",
        ),
        # New volumes and snapshots must carry this cluster's tag (the add-on's extraVolumeTags).
        _allow(["ec2:CreateVolume"], volume, tagged_at_create),
        _allow(["ec2:CreateSnapshot"], snapshot, tagged_at_create),
        _allow(["ec2:CreateVolume"], snapshot, ours),
        _allow(["ec2:CreateTags"], [volume, snapshot], {"StringEquals": {"ec2:CreateAction": ["CreateVolume", "CreateSnapshot"]}}),
        # Everything else only on this cluster's volumes, snapshots and nodes.
        _allow(["ec2:AttachVolume", "ec2:DetachVolume"], [volume, instance], ours),
        _allow(["ec2:ModifyVolume", "ec2:DeleteVolume", "ec2:CreateSnapshot"], volume, ours),
        _allow(["ec2:DeleteSnapshot"], snapshot, ours),
        _allow(
            ["ec2:CreateTags", "ec2:DeleteTags"],
            [volume, snapshot],
            {**ours, "ForAllValues:StringNotEquals": {"aws:TagKeys": [CLUSTER_TAG]}},
        ),
        # Volumes are encrypted with the environment's data key; EC2 uses it through grants.
        _allow(["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], p.volume_key_arn, {"Bool": {"kms:GrantIsForAWSResource": "true"}}),
        _allow(["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], p.volume_key_arn),
    ]

def load_balancer_controller(p: IrsaPolicyScope) -> list[dict]:
    """The controller's published policy (v2.x), narrowed: resources to this region and
    account, the VPC to ours, and tag conditions to this cluster's name instead of "any
    cluster". WAF Classic is left out (retired); start the controller with --enable-waf=false."""
    sg = _arn(p, "ec2", "security-group/*")
    vpc = _arn(p, "ec2", f"vpc/{p.vpc_id}")
    elb = lambda r: _arn(p, "elasticloadbalancing", r)  # noqa: E731
    balancers = [elb("loadbalancer/app/*/*"), elb("loadbalancer/net/*/*")]
    target_groups = elb("targetgroup/*/*")
    listeners = [elb("listener/app/*/*/*"), elb("listener/net/*/*/*")]
    rules = [elb("listener-rule/app/*/*/*"), elb("listener-rule/net/*/*/*")]
    ours = {"StringEquals": {f"aws:ResourceTag/{LBC_TAG}": p.cluster_name}}
    tagged_at_create = {"StringEquals": {f"aws:RequestTag/{LBC_TAG}": p.cluster_name}}
    return [
        _allow(
            ["iam:CreateServiceLinkedRole"],
            f"arn:aws:iam::{p.account_id}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing",
            {"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}},
        ),
        _allow(
            ["ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones",
             "ec2:DescribeInternetGateways", "ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeSubnets",
             "ec2:DescribeSecurityGroups", "ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces", "ec2:DescribeTags",
             "ec2:DescribeCoipPools", "ec2:DescribeIpamPools", "ec2:DescribeRouteTables",
             "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
             "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerCertificates",
             "elasticloadbalancing:DescribeListenerAttributes", "elasticloadbalancing:DescribeSSLPolicies",
             "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups",
             "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTargetHealth",
             "elasticloadbalancing:DescribeTags", "elasticloadbalancing:DescribeTrustStores",
             "elasticloadbalancing:DescribeCapacityReservation",
             "acm:ListCertificates", "iam:ListServerCertificates", "shield:GetSubscriptionState",
             # These two take no resource ARN at all.
             "elasticloadbalancing:SetWebAcl", "shield:CreateProtection"],
            "*",
        ),
        _allow(["ec2:GetSecurityGroupsForVpc"], [vpc, sg]),
        _allow(["ec2:GetCoipPoolUsage"], _arn(p, "ec2", "coip-pool/*")),
        _allow(["acm:DescribeCertificate"], _arn(p, "acm", "certificate/*")),
        _allow(["iam:GetServerCertificate"], f"arn:aws:iam::{p.account_id}:server-certificate/*"),
        _allow(["cognito-idp:DescribeUserPoolClient"], _arn(p, "cognito-idp", "userpool/*")),
        _allow(
            ["wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL"],
            [_arn(p, "wafv2", "regional/webacl/*/*"), balancers[0]],
        ),
        _allow(
            ["shield:DescribeProtection", "shield:DeleteProtection"],
            [f"arn:aws:shield::{p.account_id}:protection/*", balancers[0]],
        ),
        # Rules on any security group of our VPC: the controller opens the node security
        # group to the load balancers' own groups.
        _allow(["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], sg, {"ArnEquals": {"ec2:Vpc": vpc}}),
        _allow(["ec2:CreateSecurityGroup"], [sg, vpc], tagged_at_create),
        _allow(["ec2:CreateTags"], sg, {"StringEquals": {"ec2:CreateAction": "CreateSecurityGroup", f"aws:RequestTag/{LBC_TAG}": p.cluster_name}}),
        _allow(["ec2:CreateTags", "ec2:DeleteTags"], sg, {**ours, "Null": {f"aws:RequestTag/{LBC_TAG}": "true"}}),
        _allow(["ec2:DeleteSecurityGroup"], sg, ours),
        _allow(["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"], [*balancers, target_groups], tagged_at_create),
        _allow(
            ["elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule",
             "elasticloadbalancing:DeleteRule", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyListenerAttributes",
             "elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates",
             "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities"],
            [*balancers, *listeners, *rules],
        ),
        _allow(
            ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            [*balancers, target_groups],
            {**ours, "Null": {f"aws:RequestTag/{LBC_TAG}": "true"}},
        ),
        _allow(["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], [*listeners, *rules]),
        _allow(
            ["elasticloadbalancing:AddTags"],
            [*balancers, target_groups],
            {"StringEquals": {"elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"], f"aws:RequestTag/{LBC_TAG}": p.cluster_name}},
        ),
        _allow(
            ["elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType",
             "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteLoadBalancer",
             "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes",
             "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyCapacityReservation"],
            [*balancers, target_groups],
            ours,
        ),
        _allow(["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], target_groups, ours),
    ]

def cluster_autoscaler(p: IrsaPolicyScope) -> list[dict]:
    return [
        _allow(
            ["autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances",
             "autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeScalingActivities", "autoscaling:DescribeTags",
             "ec2:DescribeImages", "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplateVersions",
             "ec2:GetInstanceTypesFromInstanceRequirements"],
            "*",
        ),
        # EKS tags every managed node group's Auto Scaling group with this key; only those of
        # this cluster can be resized or have instances terminated.
        _allow(
            ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
            _arn(p, "autoscaling", "autoScalingGroup:*:autoScalingGroupName/*"),
            {"StringEquals": {f"aws:ResourceTag/k8s.io/cluster-autoscaler/{p.cluster_name}": "owned"}},
        ),
        _allow(["eks:DescribeNodegroup"], _arn(p, "eks", f"nodegroup/{p.cluster_name}/*/*")),
    ]

def external_dns(p: IrsaPolicyScope) -> list[dict]:
    return [
        _allow(["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResource"], _zones(p)),
        _allow(["route53:ListHostedZones"], "*"),
    ]

def cert_manager(p: IrsaPolicyScope) -> list[dict]:
    return [
        _allow(["route53:GetChange"], "arn:aws:route53:::change/*"),
        # DNS-01 only: TXT records named _acme-challenge.*, nothing else in the zones.
        _allow(
            ["route53:ChangeResourceRecordSets"],
            _zones(p),
            {
                "ForAllValues:StringEquals": {"route53:ChangeResourceRecordSetsRecordTypes": ["TXT"]},
                "ForAllValues:StringLike": {"route53:ChangeResourceRecordSetsNormalizedRecordNames": ["_acme-challenge.*"]},
            },
        ),
        _allow(["route53:ListResourceRecordSets"], _zones(p)),
        _allow(["route53:ListHostedZonesByName"], "*"),
    ]

def log_writer(group_arns: Sequence[str]) -> list[dict]:
    """Write streams and events into existing groups only: no CreateLogGroup, so a shipper
    cannot create an unencrypted group that is kept forever."""
    resources = [arn for g in group_arns for arn in (g, f"{g}:*")]
    return [_allow(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], resources)]


def policy_verdict_writer(group_arn: str) -> list[dict]:
    """The VPC CNI network policy agent's CloudWatch writes (aws-network-policy-agent README,
    enable-cloudwatch-logs): it lists log groups to find its own (DescribeLogGroups takes no
    resource), calls CreateLogGroup when that group is not on the first page -- allowed on
    exactly the existing, encrypted group, so the answer is ResourceAlreadyExists and no other
    group can appear -- and writes a stream per node into it."""
    return [
        _allow(["logs:DescribeLogGroups"], "*"),
        _allow(["logs:CreateLogGroup"], group_arn),
        *log_writer([group_arn]),
    ]


def metrics_shipper(group_arns: Sequence[str]) -> list[dict]:
    return [
        *log_writer(group_arns),
        _allow(["cloudwatch:PutMetricData"], "*", {"StringEquals": {"cloudwatch:namespace": list(METRIC_NAMESPACES)}}),
        _allow(["ec2:DescribeTags", "ec2:DescribeVolumes"], "*"),
    ]


def secrets_reader(secret_arns: str, key_arn: str, region: str) -> list[dict]:
    """Read the values of the secrets matching `secret_arns` (one environment's, e.g.
    arn:...:secret:sparki-dev/*) and decrypt them with their key, only when Secrets Manager
    asks KMS on the role's behalf. No ListSecrets: stores name each secret they read.
    Each secret's own resource policy must list the role as a reader as well."""
    return [
        _allow(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], secret_arns),
        _allow(["kms:Decrypt"], key_arn, {"StringEquals": {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com"}}),
    ]


def kube_bench(p: IrsaPolicyScope) -> list[dict]:
    """Findings into Security Hub as kube-bench's own product, nothing else: BatchImportFindings
    on that product's ARN cannot write findings of any other product."""
    return [_allow(["securityhub:BatchImportFindings"], security_hub_product_arn(p.region, SECURITY_HUB_KUBE_BENCH_PRODUCT))]
