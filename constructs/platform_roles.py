"""IRSA roles of the cluster's platform components: one per service account, each with the
policy constructs/irsa_policies.py writes for its component."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup

from constructs import Construct
from constructs.container_insights import SHIPPER_LOG_GROUPS, add_container_insights_log_groups
from constructs.irsa_policies import (
    IrsaPolicyScope,
    cert_manager,
    cluster_autoscaler,
    ebs_csi_driver,
    external_dns,
    kube_bench,
    load_balancer_controller,
    log_writer,
    metrics_shipper,
)
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
    "kube-bench": ("kube-bench", "kube-bench"),
}


@dataclass(frozen=True)
class PlatformRolesProps:
    """Settings for the platform components' roles.

    name_prefix: role names are <name_prefix>-<component>, e.g. "sparki-dev-eks".
    cluster_name / region / account_id / vpc_id: what the policies are scoped to.
    hosted_zone_ids: the Route 53 zones external-dns and cert-manager may change; at least one.
    volume_key_arn: KMS key the EBS CSI driver encrypts volumes with.
    logs_key_arn / log_retention_days: encryption and retention of the shippers' log groups.
    oidc_provider_arn / oidc_issuer_host: the cluster's IRSA identity provider.
    kube_bench: create the role kube-bench sends CIS findings to Security Hub with; default
        True. False where Security Hub is off: kube-bench then only prints its report.
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
    kube_bench: bool = True

    def __post_init__(self) -> None:
        if not self.hosted_zone_ids:
            raise ValueError("hosted_zone_ids: external-dns and cert-manager need at least one hosted zone")
        for zone in self.hosted_zone_ids:
            if not zone.startswith("Z") or "/" in zone:
                raise ValueError(f"hosted_zone_ids: {zone!r} is not a hosted zone id (e.g. 'Z0123456789ABCDEFGHIJ')")


class PlatformRoles(Construct):
    """One IRSA role per entry of SERVICE_ACCOUNTS (kube-bench's only with props.kube_bench);
    roles[component].role_arn is exported."""

    def __init__(self, scope: Construct, id: str, props: PlatformRolesProps) -> None:
        super().__init__(scope, id)
        # The shippers' groups live under this construct only because that is where they were
        # first created: moving them in the construct tree would change their logical ids, and
        # Terraform would replace the groups and the logs in them.
        self.log_groups: dict[str, CloudwatchLogGroup] = add_container_insights_log_groups(
            self, props.cluster_name, props.log_retention_days, props.logs_key_arn
        )

        def shipper_groups(component: str) -> list[str]:
            return [self.log_groups[kind].arn for kind in SHIPPER_LOG_GROUPS[component]]

        scope = IrsaPolicyScope(
            cluster_name=props.cluster_name,
            region=props.region,
            account_id=props.account_id,
            vpc_id=props.vpc_id,
            hosted_zone_ids=props.hosted_zone_ids,
            volume_key_arn=props.volume_key_arn,
        )
        policies: dict[str, dict[str, Any]] = {
            "ebs-csi-driver": {"statements": ebs_csi_driver(scope)},
            # ENI and IP assignment cannot be scoped to one cluster's resources; AWS's managed
            # policy is the documented minimum for the VPC CNI.
            "vpc-cni": {"managed_policy_arns": ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]},
            "load-balancer-controller": {"statements": load_balancer_controller(scope)},
            "cluster-autoscaler": {"statements": cluster_autoscaler(scope)},
            "external-dns": {"statements": external_dns(scope)},
            "cert-manager": {"statements": cert_manager(scope)},
            "log-shipper": {"statements": log_writer(shipper_groups("log-shipper"))},
            "metrics-shipper": {"statements": metrics_shipper(shipper_groups("metrics-shipper"))},
            "kube-bench": {"statements": kube_bench(scope)},
        }
        self.roles: dict[str, IrsaRole] = {}
        for component, (namespace, service_account) in SERVICE_ACCOUNTS.items():
            if component == "kube-bench" and not props.kube_bench:
                continue
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
