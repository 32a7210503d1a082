"""Layer `observability`: metrics, alerting, dashboards, logs and traces inside the cluster.

Every observability component's release and custom resources (PrometheusRules,
ServiceMonitors, ExternalSecrets ...) in one stack: the CRDs they need were installed by the
`platform` stack's CRD charts, so the custom resources plan here, and each namespace's custom
resources are created before its releases (Alertmanager mounts the Secret an ExternalSecret
fills). Namespaces get the platform's treatment: Pod Security level, tokenless default
service account, default deny plus each component's allows.
"""
from __future__ import annotations

from typing import Any

from cdktf import ITerraformDependable

from constructs.kube_objects import KubeObjects, object_id
from constructs.storage_class import encrypted_gp3
from environments.schema import Environment
from stacks.cluster_connection import ClusterConnection, helm_provider
from stacks.component_install import Fenced, cluster_network, component_namespaces, component_policies, install
from stacks.kubernetes_stack import KubernetesStack
from stacks.platform_components import PlatformComponents


class ObservabilityStack(KubernetesStack):
    """Exports: namespaces (name -> Pod Security level) of every namespace it creates."""

    layer = "observability"

    def compose(self, env: Environment, connection: ClusterConnection, platform: PlatformComponents, **inputs: Any) -> None:
        kubernetes = self.kubernetes
        helm = helm_provider(self, connection)
        components = platform.components
        namespaces = component_namespaces(components, env.cluster.kubernetes_version)
        fenced = Fenced(self, namespaces, component_policies(components, cluster_network(env)), provider=kubernetes)
        storage = KubeObjects(self, "storage_classes", [encrypted_gp3(inputs["data_key_arn"], retain=env.is_production)], provider=kubernetes)
        resources = KubeObjects(self, "resources", platform.custom_resources, provider=kubernetes, after=list(fenced.namespaces.values()))
        first: dict[str, list[ITerraformDependable]] = {}
        for manifest in platform.custom_resources:
            ns = manifest["metadata"].get("namespace", "")
            first.setdefault(ns, list(storage.resources.values())).append(resources.resources[object_id(manifest)])
        for ns in fenced.namespaces:
            first.setdefault(ns, list(storage.resources.values()))
        install(self, components, fenced, kubernetes=kubernetes, helm=helm, first=first)
        self.namespaces: dict[str, str] = {m["metadata"]["name"]: m["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] for m in namespaces}
