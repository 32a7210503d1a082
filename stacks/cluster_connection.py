"""How the Kubernetes layers reach the cluster: host and CA from the cluster stack's outputs,
credentials from `aws eks get-token` at plan/apply time. No token, kubeconfig or key is ever
in code, JSON or state; whoever runs Terraform needs an IAM role with an access entry (the
admin roles of cluster.admin_role_arns) and a network path to the private endpoint
(docs/platform.md "Where Terraform runs")."""
from __future__ import annotations

from dataclasses import dataclass

from cdktf import Fn
from cdktf_cdktf_provider_helm.provider import HelmProvider, HelmProviderKubernetes, HelmProviderKubernetesExec
from cdktf_cdktf_provider_kubernetes.provider import KubernetesProvider, KubernetesProviderExec

from constructs import Construct

EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1"


@dataclass(frozen=True)
class ClusterConnection:
    """cluster_name / endpoint / certificate_authority: the cluster stack's exports (the CA as EKS
    returns it, base64); region: where the cluster is."""

    cluster_name: str
    endpoint: str
    certificate_authority: str
    region: str

    def exec_args(self) -> list[str]:
        return ["eks", "get-token", "--cluster-name", self.cluster_name, "--region", self.region, "--output", "json"]


def kubernetes_provider(scope: Construct, connection: ClusterConnection) -> KubernetesProvider:
    return KubernetesProvider(
        scope,
        "kubernetes",
        host=connection.endpoint,
        cluster_ca_certificate=Fn.base64decode(connection.certificate_authority),
        exec=[KubernetesProviderExec(api_version=EXEC_API_VERSION, command="aws", args=connection.exec_args())],
    )


def helm_provider(scope: Construct, connection: ClusterConnection) -> HelmProvider:
    # helm provider 3.x: `kubernetes` is an attribute (an object), not a block.
    return HelmProvider(
        scope,
        "helm",
        kubernetes=HelmProviderKubernetes(
            host=connection.endpoint,
            cluster_ca_certificate=Fn.base64decode(connection.certificate_authority),
            exec=HelmProviderKubernetesExec(api_version=EXEC_API_VERSION, command="aws", args=connection.exec_args()),
        ),
    )
