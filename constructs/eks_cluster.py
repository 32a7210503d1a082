"""The EKS control plane: cluster role, encrypted control-plane logs, the cluster itself and its
IAM OIDC provider for IRSA."""
from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import Fn, TerraformLocal, TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.eks_cluster import (
    EksCluster as EksClusterResource,
)
from cdktf_cdktf_provider_aws.eks_cluster import (
    EksClusterAccessConfig,
    EksClusterEncryptionConfig,
    EksClusterEncryptionConfigProvider,
    EksClusterKubernetesNetworkConfig,
    EksClusterUpgradePolicy,
    EksClusterVpcConfig,
    EksClusterZonalShiftConfig,
)
from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment

from catalog.aws import LOG_RETENTION_DAYS
from catalog.naming import control_plane_log_group
from constructs import Construct
from constructs.log_group import encrypted_log_group
from constructs.policy_document import PolicyDocument
from constructs.trust_policy import service_trust_policy

# Every control-plane log type EKS offers (CIS EKS 2.1.1; checkov CKV_AWS_37).
CONTROL_PLANE_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
# SHA-1 thumbprint of the root CA behind oidc.eks.<region>.amazonaws.com, the same in every
# commercial region; AWS's EKS guide and eksctl use this value. It is a constant so that the stack
# needs no tls provider (the offline mirror holds hashicorp/aws only). IAM additionally checks the
# issuer against its own library of trusted root CAs, so a CA rotation does not break IRSA.
EKS_OIDC_ROOT_CA_THUMBPRINT = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
# Service CIDR outside every VPC range we use (10.0.0.0/8), fixed so it never changes under us.
SERVICE_IPV4_CIDR = "172.20.0.0/16"


@dataclass(frozen=True)
class EksClusterProps:
    """Settings for the control plane.

    name: the cluster name, e.g. "sparki-dev-eks".
    region / account_id: where the cluster lives; the cluster role trusts EKS only for this
        cluster (confused-deputy guard).
    kubernetes_version: e.g. "1.33".
    subnet_ids: private subnets in at least two AZs; the control plane's network interfaces and
        the private endpoint live there.
    secrets_key_arn: KMS key that envelope-encrypts Kubernetes secrets.
    logs_key_arn: KMS key of the control-plane log group.
    log_retention_days: retention of the control-plane log group; a CloudWatch value, default 90.
    public_access_cidrs: public IPv4 ranges allowed to reach the public endpoint; default none,
        which turns the public endpoint off. 0.0.0.0/0 is refused.
    prevent_destroy: refuse `terraform destroy` of the cluster (production); default False.
    """

    name: str
    region: str
    account_id: str
    kubernetes_version: str
    subnet_ids: Sequence[str]
    secrets_key_arn: str
    logs_key_arn: str
    log_retention_days: int = 90
    public_access_cidrs: Sequence[str] = ()
    prevent_destroy: bool = False

    def __post_init__(self) -> None:
        if len(self.subnet_ids) < 2:
            raise ValueError(f"subnet_ids: {len(self.subnet_ids)} given; EKS needs subnets in at least two availability zones")
        if self.log_retention_days not in LOG_RETENTION_DAYS:
            raise ValueError(f"log_retention_days={self.log_retention_days}: not a CloudWatch retention value")
        for cidr in self.public_access_cidrs:
            try:
                net = ipaddress.ip_network(cidr, strict=True)
            except ValueError as exc:
                raise ValueError(f"public_access_cidrs: {cidr!r} is not a network ({exc})") from None
            if net.prefixlen == 0:
                raise ValueError(f"public_access_cidrs: {cidr} opens the API server to the whole internet; list specific ranges")
            if net.version != 4:
                raise ValueError(f"public_access_cidrs: {cidr} is IPv6; EKS public access takes IPv4 ranges")


class EksCluster(Construct):
    """A private-endpoint EKS cluster with encrypted secrets, every control-plane log type in an
    encrypted log group, access managed by access entries only, and an OIDC provider for IRSA."""

    def __init__(self, scope: Construct, id: str, props: EksClusterProps) -> None:
        super().__init__(scope, id)
        role = IamRole(
            self,
            "role",
            name=f"{props.name}-cluster",
            description=f"EKS control plane of {props.name}",
            # Confused-deputy guard, which EKS accepts for cluster roles (EKS User Guide,
            # "Cross-service confused deputy prevention in Amazon EKS"): only this cluster.
            assume_role_policy=service_trust_policy(
                "eks.amazonaws.com",
                source_account=props.account_id,
                source_arn=f"arn:aws:eks:{props.region}:{props.account_id}:cluster/{props.name}",
                actions=("sts:AssumeRole", "sts:TagSession"),
            ),
            tags={"Name": f"{props.name}-cluster"},
        )
        # AmazonEKSClusterPolicy is all a cluster with managed node groups needs; the Auto Mode
        # policies (compute, storage, load balancing, networking) stay off.
        policy_attachment = IamRolePolicyAttachment(
            self, "cluster_policy", role=role.name, policy_arn="arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
        )
        # The EKS key's policy delegates to IAM, so the control plane needs these to wrap and
        # unwrap secret data keys.
        key_use = PolicyDocument(
            self,
            "secrets_key_use",
            [{"Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], "Resource": props.secrets_key_arn}],
        )
        key_policy = IamRolePolicy(self, "secrets_key_policy", name="encrypt-secrets", role=role.id, policy=key_use.json)
        # Created before the cluster: otherwise EKS creates it on first write, unencrypted and
        # kept forever.
        log_group = encrypted_log_group(self, "log_group", control_plane_log_group(props.name), props.log_retention_days, props.logs_key_arn)
        public = bool(props.public_access_cidrs)
        cluster = EksClusterResource(
            self,
            "cluster",
            name=props.name,
            version=props.kubernetes_version,
            role_arn=role.arn,
            vpc_config=EksClusterVpcConfig(
                subnet_ids=list(props.subnet_ids),
                endpoint_private_access=True,
                endpoint_public_access=public,
                public_access_cidrs=list(props.public_access_cidrs) if public else None,
            ),
            access_config=EksClusterAccessConfig(
                # Access entries only: no aws-auth ConfigMap, and the identity that ran Terraform
                # gets no hidden cluster-admin; admins are listed explicitly.
                authentication_mode="API",
                bootstrap_cluster_creator_admin_permissions=False,
            ),
            # The managed add-ons (vpc-cni, kube-proxy, coredns) are installed explicitly and
            # pinned; EKS's unmanaged copies would only be overwritten.
            bootstrap_self_managed_addons=False,
            encryption_config=EksClusterEncryptionConfig(
                resources=["secrets"], provider=EksClusterEncryptionConfigProvider(key_arn=props.secrets_key_arn)
            ),
            enabled_cluster_log_types=list(CONTROL_PLANE_LOG_TYPES),
            kubernetes_network_config=EksClusterKubernetesNetworkConfig(ip_family="ipv4", service_ipv4_cidr=SERVICE_IPV4_CIDR),
            # Extended support costs six times the standard rate; upgrade instead.
            upgrade_policy=EksClusterUpgradePolicy(support_type="STANDARD"),
            zonal_shift_config=EksClusterZonalShiftConfig(enabled=True),
            tags={"Name": props.name},
            depends_on=[log_group, policy_attachment, key_policy],
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True) if props.prevent_destroy else None,
        )
        issuer = cluster.identity.get(0).oidc.get(0).issuer
        oidc = IamOpenidConnectProvider(
            self,
            "oidc_provider",
            url=issuer,
            client_id_list=["sts.amazonaws.com"],
            thumbprint_list=[EKS_OIDC_ROOT_CA_THUMBPRINT],
            tags={"Name": f"{props.name}-irsa"},
        )

        self.cluster_name: str = cluster.name
        self.cluster_arn: str = cluster.arn
        self.cluster_version: str = cluster.version
        self.endpoint: str = cluster.endpoint
        self.certificate_authority: str = cluster.certificate_authority.get(0).data
        # EKS creates this security group and attaches it to the control plane's interfaces (and
        # to managed nodes whose launch template names no security group of its own).
        self.cluster_security_group_id: str = cluster.vpc_config.cluster_security_group_id
        self.oidc_issuer_url: str = issuer
        # A local, so that policies embedding the host hold a plain reference: an inline
        # replace(..., "https://", "") would put quotes inside JSON strings.
        self.oidc_issuer_host: str = TerraformLocal(self, "oidc_issuer_host", Fn.replace(issuer, "https://", "")).as_string
        self.oidc_provider_arn: str = oidc.arn
        self.log_group_name: str = log_group.name
        self.role_arn: str = role.arn
