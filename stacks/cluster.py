"""Layer `cluster`: the environment's EKS cluster, its nodes, add-ons, IRSA roles and access."""
from __future__ import annotations

from collections.abc import Sequence

from catalog.naming import NODE_GENERATIONS, name_prefix, resource_name, secret_arn_pattern
from constructs import Construct
from constructs.cluster_access import ClusterAccess, ClusterAccessProps
from constructs.eks_addon import EksAddon, EksAddonProps
from constructs.eks_cluster import EksCluster, EksClusterProps
from constructs.irsa_policies import CLUSTER_TAG
from constructs.node_group import GROUP_LABEL, NodeGroup, NodeGroupProps, Taint
from constructs.node_security_group import NodeSecurityGroup, NodeSecurityGroupProps
from constructs.platform_roles import SERVICE_ACCOUNTS, PlatformRoles, PlatformRolesProps
from environments.schema import SYSTEM_NODE_GROUP, Environment
from stacks.base import SparkiStack
from stacks.props import props_from
from stacks.run_settings import RunSettings

# The vpc-cni add-on's configuration (keys of the aws-vpc-cni chart's values at the pinned
# version, which the add-on's configuration schema follows): Kubernetes NetworkPolicy enforced
# by the eBPF node agent, which logs every policy verdict (enablePolicyEventLogs) and sends them
# to the control-plane log group (enableCloudWatchLogs; the role allows that group only), where
# the command center's denied-flows panel reads them. The agent's README: event logs cost about
# one CPU core per node.
VPC_CNI_CONFIGURATION = {
    "enableNetworkPolicy": "true",
    "nodeAgent": {"enablePolicyEventLogs": "true", "enableCloudWatchLogs": "true"},
}


class ClusterStack(SparkiStack):
    """Exports: cluster_name, cluster_endpoint, cluster_certificate_authority, oidc_provider_arn,
    oidc_issuer_url, node_security_group_id, irsa_role_arns (component -> role ARN) and
    service_accounts (component -> (namespace, service account) each role trusts)."""

    layer = "cluster"

    def __init__(
        self,
        scope: Construct,
        env: Environment,
        run: RunSettings,
        *,
        eks_key_arn: str,
        data_key_arn: str,
        logs_key_arn: str,
        secrets_key_arn: str,
        vpc_id: str,
        private_subnet_ids: Sequence[str],
    ) -> None:
        super().__init__(scope, env, run)
        settings = env.cluster
        name = resource_name(env.name, "eks")
        cluster = EksCluster(
            self,
            "eks",
            EksClusterProps(
                name=name,
                region=env.region,
                account_id=env.account_id,
                kubernetes_version=settings.kubernetes_version,
                subnet_ids=private_subnet_ids,
                secrets_key_arn=eks_key_arn,
                logs_key_arn=logs_key_arn,
                log_retention_days=env.log_retention_days,
                public_access_cidrs=settings.public_access_cidrs,
                prevent_destroy=env.is_production,
            ),
        )
        roles = PlatformRoles(
            self,
            "irsa",
            PlatformRolesProps(
                name_prefix=name,
                cluster_name=name,
                region=env.region,
                account_id=env.account_id,
                vpc_id=vpc_id,
                hosted_zone_ids=settings.hosted_zone_ids,
                volume_key_arn=data_key_arn,
                logs_key_arn=logs_key_arn,
                log_retention_days=env.log_retention_days,
                # Replicated secrets keep their home environment's names in the DR region.
                secret_arns=secret_arn_pattern(env.home, env.region, env.account_id),
                secrets_key_arn=secrets_key_arn,
                oidc_provider_arn=cluster.oidc_provider_arn,
                oidc_issuer_host=cluster.oidc_issuer_host,
                kube_bench=env.security.enable_security_hub,
            ),
        )
        versions = settings.addons

        def addon(addon_name: str, version: str, **extra) -> EksAddon:
            props = EksAddonProps(cluster_name=cluster.cluster_name, addon_name=addon_name, version=version, **extra)
            return EksAddon(self, addon_name.replace("-", "_"), props)

        # Nodes only become Ready with pod networking in place, so these come first (the cluster
        # is created without EKS's unmanaged copies).
        networking = [
            addon(
                "vpc-cni",
                versions.vpc_cni,
                service_account_role_arn=roles.role_arns["vpc-cni"],
                configuration=VPC_CNI_CONFIGURATION,
                after=roles.roles["vpc-cni"].permissions,
            ),
            addon("kube-proxy", versions.kube_proxy),
            addon("eks-pod-identity-agent", versions.pod_identity_agent),
        ]
        # The nodes' own group, not the cluster's primary one (which also covers the control
        # plane's interfaces): the data stores admit exactly this group.
        node_security_group = NodeSecurityGroup(
            self,
            "node_security_group",
            NodeSecurityGroupProps(
                name=resource_name(env.name, "eks-nodes"),
                cluster_name=name,
                vpc_id=vpc_id,
                cluster_security_group_id=cluster.cluster_security_group_id,
            ),
        )
        # Blue-green: every group once per generation present; blue keeps the logical ids and
        # names an environment had before generations existed.
        self.node_groups: dict[tuple[str, str], NodeGroup] = {}
        for generation, group in ((g, group) for g in settings.node_generations.present for group in settings.node_groups):
            props = props_from(
                NodeGroupProps,
                group,
                rename={"name": "group"},
                convert={"taints": lambda taints: [Taint(key=t.key, value=t.value, effect=t.effect) for t in taints]},
                extra=dict(
                    name_prefix=name_prefix(env.name),
                    cluster_name=cluster.cluster_name,
                    cluster_version=cluster.cluster_version,
                    subnet_ids=private_subnet_ids,
                    root_volume_key_arn=data_key_arn,
                    # The EBS CSI driver's role may attach volumes only to instances with this tag.
                    instance_tags={CLUSTER_TAG: name},
                    security_group_ids=[node_security_group.security_group_id],
                    after=[a.resource for a in networking],
                    generation=generation,
                    frozen=generation == settings.node_generations.retiring_generation,
                ),
            )
            suffix = "" if generation == NODE_GENERATIONS[0] else f"_{generation}"
            self.node_groups[(group.name, generation)] = NodeGroup(self, f"{group.name.replace('-', '_')}_nodes{suffix}", props)
        # Deployments need nodes to schedule on; created before them, EKS reports the add-on
        # degraded and Terraform gives up.
        system_nodes = {GROUP_LABEL: SYSTEM_NODE_GROUP}
        # Cluster-critical Deployments (CoreDNS, the EBS CSI controller) run on the system group
        # and tolerate whatever taints the data gives it: only they land there.
        critical = [{"key": t.key, "operator": "Exists"} for t in settings.system_group.taints]
        nodes = [g.resource for g in self.node_groups.values()]
        addon(
            "coredns",
            versions.coredns,
            configuration={"nodeSelector": system_nodes, "tolerations": critical},
            after=nodes,
        )
        addon(
            "aws-ebs-csi-driver",
            versions.ebs_csi_driver,
            service_account_role_arn=roles.role_arns["ebs-csi-driver"],
            configuration={
                "controller": {
                    # Every volume and snapshot carries the cluster's tag; the driver's role acts
                    # on nothing else.
                    "extraVolumeTags": {CLUSTER_TAG: name},
                    "nodeSelector": system_nodes,
                    "tolerations": critical,
                }
            },
            after=[*nodes, *roles.roles["ebs-csi-driver"].permissions],
        )
        # Node auto-repair (on in every node group) acts on the health conditions this agent
        # reports; it must run on every node, so it tolerates every taint.
        addon(
            "eks-node-monitoring-agent",
            versions.node_monitoring_agent,
            configuration={"nodeAgent": {"tolerations": [{"operator": "Exists"}]}},
            after=nodes,
        )
        ClusterAccess(
            self,
            "access",
            ClusterAccessProps(
                cluster_name=cluster.cluster_name,
                admin_role_arns=settings.admin_role_arns,
                developer_role_arns=settings.developer_role_arns,
                auditor_role_arns=settings.auditor_role_arns,
                deployer_role_arns=settings.deployer_role_arns,
                app_namespaces=settings.app_namespaces,
            ),
        )

        self.cluster_name: str = cluster.cluster_name
        self.cluster_endpoint: str = cluster.endpoint
        self.cluster_certificate_authority: str = cluster.certificate_authority
        self.oidc_provider_arn: str = cluster.oidc_provider_arn
        self.oidc_issuer_url: str = cluster.oidc_issuer_url
        self.node_security_group_id: str = node_security_group.security_group_id
        self.irsa_role_arns: dict[str, str] = dict(roles.role_arns)
        self.service_accounts: dict[str, tuple[str, str]] = dict(SERVICE_ACCOUNTS)
