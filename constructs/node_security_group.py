"""The security group of a cluster's managed nodes, and the rule that lets them reach the API.

The rules mirror terraform-aws-modules/eks (v20, node_groups.tf `node_security_group_rules` with
`node_security_group_enable_recommended_rules`, and main.tf's `ingress_nodes_443` on the cluster
security group), which follow the EKS User Guide, "View Amazon EKS security group requirements
for clusters". The self rule is wider than the module's (every protocol, see below).
"""
from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule

from constructs import Construct

# Ports the control plane opens on the nodes: the module's ingress_cluster_443,
# ingress_cluster_kubelet and ingress_cluster_{4443,6443,8443,9443}_webhook. Not the EKS guide's
# 1025-65535: a platform component whose webhook listens elsewhere adds its port here.
CONTROL_PLANE_PORTS = {
    443: "webhooks and aggregated APIs on 443",
    10250: "kubelet (logs, exec, metrics)",
    4443: "webhooks on 4443 (metrics-server)",
    6443: "webhooks on 6443",
    8443: "webhooks on 8443 (e.g. Gatekeeper)",
    9443: "webhooks on 9443 (e.g. the AWS Load Balancer Controller)",
}


@dataclass(frozen=True)
class NodeSecurityGroupProps:
    """Settings for the group.

    name: Terraform-visible name, e.g. "sparki-dev-eks-nodes".
    cluster_name: tags the group kubernetes.io/cluster/<name>=owned, which is how the AWS Load
        Balancer Controller finds the nodes' group to open target ports on.
    vpc_id: the cluster's VPC.
    cluster_security_group_id: the cluster's primary security group (on the control plane's
        network interfaces); it gets one rule here, nodes to the API on 443.
    """

    name: str
    cluster_name: str
    vpc_id: str
    cluster_security_group_id: str

    def __post_init__(self) -> None:
        if not self.name or not self.cluster_name:
            raise ValueError("name and cluster_name must not be empty")


class NodeSecurityGroup(Construct):
    """Nodes (and, with the VPC CNI, their pods) talk to each other freely, take from the control
    plane only the kubelet and webhook ports, reach the API on 443, and may open connections anywhere.
    Nothing else gets in: a store that admits this group admits the nodes and nothing more."""

    def __init__(self, scope: Construct, id: str, props: NodeSecurityGroupProps) -> None:
        super().__init__(scope, id)
        # No inline rules: every rule is its own resource, so adding one never rewrites the group
        # (and Terraform removes the allow-all egress AWS adds; egress_all below replaces it).
        group = SecurityGroup(
            self,
            "group",
            name=props.name,
            description=f"Managed nodes of {props.cluster_name}",
            vpc_id=props.vpc_id,
            tags={"Name": props.name, f"kubernetes.io/cluster/{props.cluster_name}": "owned"},
        )

        def ingress(rule_id: str, description: str, protocol: str, low: int | None, high: int | None, source: str, target: str) -> None:
            VpcSecurityGroupIngressRule(
                self,
                rule_id,
                security_group_id=target,
                referenced_security_group_id=source,
                ip_protocol=protocol,
                from_port=low,
                to_port=high,
                description=description,
                tags={"Name": f"{props.name}-{rule_id.replace('_', '-')}"},
            )

        # The module's ingress_self_coredns_tcp/udp and ingress_nodes_ephemeral, widened to every
        # protocol: pods take the node's group with the VPC CNI, and pod-to-pod traffic uses any
        # port and protocol. NetworkPolicy (the VPC CNI enforces it) is where it is narrowed.
        ingress("self", "Node to node and pod to pod, all traffic", "-1", None, None, group.id, group.id)
        for port, why in CONTROL_PLANE_PORTS.items():
            ingress(f"cluster_{port}", f"Control plane to nodes: {why}", "tcp", port, port, props.cluster_security_group_id, group.id)
        # The cluster security group admits only itself by default; nodes with their own group
        # need this to reach the API server.
        ingress("nodes_to_api", f"Nodes of {props.name} to the cluster API", "tcp", 443, 443, group.id, props.cluster_security_group_id)
        # The module's egress_all: nodes pull images, call AWS APIs (through endpoints or NAT),
        # reach the data stores and whatever the workloads call.
        VpcSecurityGroupEgressRule(
            self,
            "egress_all",
            security_group_id=group.id,
            ip_protocol="-1",
            cidr_ipv4="0.0.0.0/0",
            description="Nodes to anywhere: image registries, AWS APIs, data stores, workloads' outbound calls",
            tags={"Name": f"{props.name}-egress-all"},
        )
        self.security_group_id: str = group.id
