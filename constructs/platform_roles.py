"""IRSA roles of the cluster's platform components: one per service account, each with the
policy constructs/irsa_policies.py writes for its component."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup

from catalog.naming import SHIPPER_LOG_GROUPS, control_plane_log_group
from constructs import Construct
from constructs.container_insights import add_container_insights_log_groups
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
    policy_verdict_writer,
    secrets_reader,
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
    "external-secrets": ("external-secrets", "external-secrets"),
    "kube-bench": ("kube-bench", "kube-bench"),
}


@dataclass(frozen=True)
class PlatformRolesProps(IrsaPolicyScope):
    """Settings for the platform components' roles: the IrsaPolicyScope the policies are scoped
    to (cluster_name, region, account_id, vpc_id, volume_key_arn, and hosted_zone_ids, the
    Route 53 zones external-dns and cert-manager may change: at least one), and

    name_prefix: role names are <name_prefix>-<component>, e.g. "sparki-dev-eks".
    logs_key_arn / log_retention_days: encryption and retention of the shippers' log groups.
    secret_arns / secrets_key_arn: the environment's Secrets Manager secrets (an ARN pattern,
        catalog.naming.secret_arn_pattern) and their key, which External Secrets may read.
    oidc_provider_arn / oidc_issuer_host: the cluster's IRSA identity provider.
    kube_bench: create the role kube-bench sends CIS findings to Security Hub with; default
        True. False where Security Hub is off: kube-bench then only prints its report.
    """

    name_prefix: str
    logs_key_arn: str
    log_retention_days: int
    secret_arns: str
    secrets_key_arn: str
    oidc_provider_arn: str
    oidc_issuer_host: str
    kube_bench: bool = True

    def __post_init__(self) -> None:
        if not self.hosted_zone_ids:
            raise ValueError("hosted_zone_ids: external-dns and cert-manager need at least one hosted zone")
        secrets = f"arn:aws:secretsmanager:{self.region}:{self.account_id}:secret:"
        if not self.secret_arns.startswith(secrets) or self.secret_arns == f"{secrets}*":
            raise ValueError(f"secret_arns: {self.secret_arns!r} must name this environment's secrets, e.g. '{secrets}sparki-dev/*'")
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

        policies: dict[str, dict[str, Any]] = {
            "ebs-csi-driver": {"statements": ebs_csi_driver(props)},
            # ENI and IP assignment cannot be scoped to one cluster's resources; AWS's managed
            # policy is the documented minimum for the VPC CNI. Its network policy agent (same
            # pod, same role) sends policy verdicts to the control-plane log group.
            "vpc-cni": {
                "managed_policy_arns": ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"],
                "statements": policy_verdict_writer(
                    f"arn:aws:logs:{props.region}:{props.account_id}:log-group:{control_plane_log_group(props.cluster_name)}"
                ),
            },
            "load-balancer-controller": {"statements": load_balancer_controller(props)},
            "cluster-autoscaler": {"statements": cluster_autoscaler(props)},
            "external-dns": {"statements": external_dns(props)},
            "cert-manager": {"statements": cert_manager(props)},
            "log-shipper": {"statements": log_writer(shipper_groups("log-shipper"))},
            "metrics-shipper": {"statements": metrics_shipper(shipper_groups("metrics-shipper"))},
            "external-secrets": {"statements": secrets_reader(props.secret_arns, props.secrets_key_arn, props.region)},
            "kube-bench": {"statements": kube_bench(props)},
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
