"""Layer `platform`: what runs inside the cluster before any workload does. Namespaces with
their Pod Security levels, default service accounts without tokens, NetworkPolicies (default
deny, then explicit allows), RBAC for the access-entry groups, and every component's Helm
release (the charts install their CRDs; custom resources wait for `platform-config`)."""
from __future__ import annotations

from constructs.kube_objects import KubeObjects
from constructs.namespace_budget import NamespaceBudgetProps, namespace_budget
from constructs.namespace_policies import AMBIENT, application_policies, namespace
from constructs.platform_rbac import platform_rbac
from environments.schema import MONITORING_NAMESPACE, Environment
from stacks.cluster_connection import ClusterConnection, helm_provider
from stacks.component_install import Fenced, cluster_network, component_namespaces, component_policies, install
from stacks.kubernetes_stack import KubernetesStack
from stacks.platform_components import PlatformComponents
from stacks.props import props_from


class PlatformStack(KubernetesStack):
    """Exports: namespaces (name -> Pod Security level) of every namespace it creates."""

    layer = "platform"

    def compose(self, env: Environment, connection: ClusterConnection, platform: PlatformComponents) -> None:
        kubernetes = self.kubernetes
        helm = helm_provider(self, connection)
        settings, version = env.platform, env.cluster.kubernetes_version
        network = cluster_network(env)
        mesh = AMBIENT if settings.mesh_mode != "off" else {}
        namespaces = [namespace(ns, "restricted", version, labels=mesh) for ns in settings.app_namespaces]
        policies = []
        for ns in settings.app_namespaces:
            policies += application_policies(
                ns, network, app_namespaces=settings.app_namespaces, app_port=settings.app_port,
                metrics_port=settings.metrics_port, monitoring=MONITORING_NAMESPACE, ambient=bool(mesh),
            )
        namespaces += component_namespaces(platform.components, version)
        policies += component_policies(platform.components, network)
        fenced = Fenced(self, namespaces, policies, provider=kubernetes)
        rbac = platform_rbac(env.cluster.app_namespaces, settings.app_namespaces)
        KubeObjects(self, "rbac", rbac, provider=kubernetes, after=list(fenced.namespaces.values()))
        budget = props_from(NamespaceBudgetProps, settings.namespace_budget)
        budgets = [m for ns in settings.app_namespaces for m in namespace_budget(ns, budget)]
        KubeObjects(self, "namespace_budgets", budgets, provider=kubernetes, after=list(fenced.namespaces.values()))
        install(self, platform.components, fenced, kubernetes=kubernetes, helm=helm)
        self.namespaces: dict[str, str] = {m["metadata"]["name"]: m["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] for m in namespaces}
