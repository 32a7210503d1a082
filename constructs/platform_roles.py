"""IRSA roles of the cluster's platform components, each limited to what its component calls
and, where the API allows it, to this cluster's resources; plus the log groups the log and
metrics shippers write to.

Every statement that has to name Resource "*" either holds only actions AWS cannot scope to a
resource (Describe*, List*) or carries a condition that ties it to this cluster's tags.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup

from constructs import Construct
from constructs.irsa_role import IrsaRole, IrsaRoleProps

# component -> (namespace, service account). The Kubernetes platform layer installs each
# component with exactly this service account; the role trusts nothing else.
SERVICE_ACCOUNTS: dict[str, tuple[str, str]] = {
    "ebs-csi-driver": ("kube-system", "ebs-csi-controller-sa"),
    "vpc-cni": ("kube-system", "aws-node"),
    "load-balancer-controller": ("kube-system", "aws-load-balancer-controller"),
    "cluster-autoscaler": ("kube-system", "cluster-autoscaler"),
    "external-dns": ("external-dns", "external-dns"),
    "cert-manager": ("cert-manager", "cert-manager"),
    "log-shipper": ("amazon-cloudwatch", "fluent-bit"),
    "metrics-shipper": ("amazon-cloudwatch", "cloudwatch-agent"),
}
# Tag on every EBS volume and snapshot the CSI driver creates (its extraVolumeTags) and on every
# node instance; the driver's role acts only on resources carrying this cluster's value.
CLUSTER_TAG = "sparki.io/cluster"
# Tag the AWS Load Balancer Controller puts on everything it creates, valued with the cluster name.
LBC_TAG = "elbv2.k8s.aws/cluster"
# Container Insights log groups: fluent-bit writes the first three, the CloudWatch agent the last.
SHIPPER_LOG_GROUPS = {"log-shipper": ("application", "dataplane", "host"), "metrics-shipper": ("performance",)}
METRIC_NAMESPACES = ("ContainerInsights",)


def _allow(actions: Sequence[str], resources: Any, condition: dict | None = None) -> dict:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": list(actions), "Resource": resources}
    if condition:
        statement["Condition"] = condition
    return statement


@dataclass(frozen=True)
class PlatformRolesProps:
    """Settings for the platform components' roles.

    name_prefix: role names are <name_prefix>-<component>, e.g. "sparki-dev-eks".
    cluster_name / region / account_id / vpc_id: what the policies are scoped to.
    hosted_zone_ids: the Route 53 zones external-dns and cert-manager may change; at least one.
    volume_key_arn: KMS key the EBS CSI driver encrypts volumes with.
    logs_key_arn / log_retention_days: encryption and retention of the shippers' log groups.
    oidc_provider_arn / oidc_issuer_host: the cluster's IRSA identity provider.
    """

    name_prefix: str
    cluster_name: str
    region: str
    account_id: str
    vpc_id: str
    hosted_zone_ids: Sequence[str]
    volume_key_arn: str
    logs_key_arn: str
    log_retention_days: int
    oidc_provider_arn: str
    oidc_issuer_host: str

    def __post_init__(self) -> None:
        if not self.hosted_zone_ids:
            raise ValueError("hosted_zone_ids: external-dns and cert-manager need at least one hosted zone")
        for zone in self.hosted_zone_ids:
            if not zone.startswith("Z") or "/" in zone:
                raise ValueError(f"hosted_zone_ids: {zone!r} is not a hosted zone id (e.g. 'Z0123456789ABCDEFGHIJ')")


class PlatformRoles(Construct):
    """One IRSA role per entry of SERVICE_ACCOUNTS; roles[component].role_arn is exported."""

    def __init__(self, scope: Construct, id: str, props: PlatformRolesProps) -> None:
        super().__init__(scope, id)
        self._p = props
        self.log_groups: dict[str, CloudwatchLogGroup] = {}
        for component, kinds in SHIPPER_LOG_GROUPS.items():
            for kind in kinds:
                name = f"/aws/containerinsights/{props.cluster_name}/{kind}"
                self.log_groups[kind] = CloudwatchLogGroup(
                    self,
                    f"{kind}_log_group",
                    name=name,
                    retention_in_days=props.log_retention_days,
                    kms_key_id=props.logs_key_arn,
                    tags={"Name": name, "Component": component},
                )
        policies: dict[str, dict[str, Any]] = {
            "ebs-csi-driver": {"statements": self._ebs_csi_driver()},
            # ENI and IP assignment cannot be scoped to one cluster's resources; AWS's managed
            # policy is the documented minimum for the VPC CNI.
            "vpc-cni": {"managed_policy_arns": ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]},
            "load-balancer-controller": {"statements": self._load_balancer_controller()},
            "cluster-autoscaler": {"statements": self._cluster_autoscaler()},
            "external-dns": {"statements": self._external_dns()},
            "cert-manager": {"statements": self._cert_manager()},
            "log-shipper": {"statements": self._log_writer("log-shipper")},
            "metrics-shipper": {"statements": self._metrics_shipper()},
        }
        self.roles: dict[str, IrsaRole] = {}
        for component, (namespace, service_account) in SERVICE_ACCOUNTS.items():
            self.roles[component] = IrsaRole(
                self,
                component.replace("-", "_"),
                IrsaRoleProps(
                    name=f"{props.name_prefix}-{component}",
                    namespace=namespace,
                    service_account=service_account,
                    oidc_provider_arn=props.oidc_provider_arn,
                    oidc_issuer_host=props.oidc_issuer_host,
                    **policies[component],
                ),
            )
        self.role_arns: dict[str, str] = {c: r.role_arn for c, r in self.roles.items()}

    # -- ARNs ----------------------------------------------------------------------------------
    def _arn(self, service: str, resource: str, region: bool = True) -> str:
        p = self._p
        return f"arn:aws:{service}:{p.region if region else ''}:{p.account_id}:{resource}"

    def _zones(self) -> list[str]:
        return [f"arn:aws:route53:::hostedzone/{zone}" for zone in self._p.hosted_zone_ids]

    # -- policies ------------------------------------------------------------------------------
    def _ebs_csi_driver(self) -> list[dict]:
        p = self._p
        volume, snapshot, instance = self._arn("ec2", "volume/*"), self._arn("ec2", "snapshot/*"), self._arn("ec2", "instance/*")
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

    def _load_balancer_controller(self) -> list[dict]:
        """The controller's published policy (v2.x), narrowed: resources to this region and
        account, the VPC to ours, and tag conditions to this cluster's name instead of "any
        cluster". WAF Classic is left out (retired); start the controller with --enable-waf=false."""
        p = self._p
        sg = self._arn("ec2", "security-group/*")
        vpc = self._arn("ec2", f"vpc/{p.vpc_id}")
        elb = lambda r: self._arn("elasticloadbalancing", r)  # noqa: E731
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
            _allow(["ec2:GetCoipPoolUsage"], self._arn("ec2", "coip-pool/*")),
            _allow(["acm:DescribeCertificate"], self._arn("acm", "certificate/*")),
            _allow(["iam:GetServerCertificate"], f"arn:aws:iam::{p.account_id}:server-certificate/*"),
            _allow(["cognito-idp:DescribeUserPoolClient"], self._arn("cognito-idp", "userpool/*")),
            _allow(
                ["wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL"],
                [self._arn("wafv2", "regional/webacl/*/*"), balancers[0]],
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

    def _cluster_autoscaler(self) -> list[dict]:
        p = self._p
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
                self._arn("autoscaling", "autoScalingGroup:*:autoScalingGroupName/*"),
                {"StringEquals": {f"aws:ResourceTag/k8s.io/cluster-autoscaler/{p.cluster_name}": "owned"}},
            ),
            _allow(["eks:DescribeNodegroup"], self._arn("eks", f"nodegroup/{p.cluster_name}/*/*")),
        ]

    def _external_dns(self) -> list[dict]:
        return [
            _allow(["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResource"], self._zones()),
            _allow(["route53:ListHostedZones"], "*"),
        ]

    def _cert_manager(self) -> list[dict]:
        return [
            _allow(["route53:GetChange"], "arn:aws:route53:::change/*"),
            # DNS-01 only: TXT records named _acme-challenge.*, nothing else in the zones.
            _allow(
                ["route53:ChangeResourceRecordSets"],
                self._zones(),
                {
                    "ForAllValues:StringEquals": {"route53:ChangeResourceRecordSetsRecordTypes": ["TXT"]},
                    "ForAllValues:StringLike": {"route53:ChangeResourceRecordSetsNormalizedRecordNames": ["_acme-challenge.*"]},
                },
            ),
            _allow(["route53:ListResourceRecordSets"], self._zones()),
            _allow(["route53:ListHostedZonesByName"], "*"),
        ]

    def _log_writer(self, component: str) -> list[dict]:
        # The groups exist (created here, encrypted, with retention): no CreateLogGroup, so a
        # shipper cannot create an unencrypted group that is kept forever.
        groups = [self.log_groups[kind] for kind in SHIPPER_LOG_GROUPS[component]]
        resources = [arn for g in groups for arn in (g.arn, f"{g.arn}:*")]
        return [_allow(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], resources)]

    def _metrics_shipper(self) -> list[dict]:
        return [
            *self._log_writer("metrics-shipper"),
            _allow(["cloudwatch:PutMetricData"], "*", {"StringEquals": {"cloudwatch:namespace": list(METRIC_NAMESPACES)}}),
            _allow(["ec2:DescribeTags", "ec2:DescribeVolumes"], "*"),
        ]
