"""Layer `platform-config`: every custom resource of the platform's components.

A `kubernetes_manifest` of a custom kind cannot even plan before its CRD exists, so these live
one stack after `platform`, whose charts install the CRDs.
"""
from __future__ import annotations

from constructs.kube_objects import KubeObjects
from environments.schema import Environment
from stacks.cluster_connection import ClusterConnection
from stacks.kubernetes_stack import KubernetesStack
from stacks.platform_components import PlatformComponents


class PlatformConfigStack(KubernetesStack):
    """Exports nothing."""

    layer = "platform-config"

    def compose(self, env: Environment, connection: ClusterConnection, platform: PlatformComponents) -> None:
        KubeObjects(self, "resources", platform.custom_resources, provider=self.kubernetes)
