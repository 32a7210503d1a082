"""Layer `platform-config`: every custom resource of the platform's components.

A `kubernetes_manifest` of a custom kind cannot even plan before its CRD exists, so these live
one stack after `platform`, whose charts install the CRDs.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from constructs import Construct
from constructs.kube_objects import KubeObjects
from environments.schema import Environment
from stacks.base import SparkiStack
from stacks.cluster_connection import ClusterConnection, kubernetes_provider
from stacks.run_settings import RunSettings


class PlatformConfigStack(SparkiStack):
    """Exports nothing."""

    layer = "platform-config"
    aws_provider = False

    def __init__(
        self,
        scope: Construct,
        env: Environment,
        run: RunSettings,
        *,
        connection: ClusterConnection,
        custom_resources: Sequence[Mapping[str, Any]],
    ) -> None:
        super().__init__(scope, env, run)
        kubernetes = kubernetes_provider(self, connection)
        KubeObjects(self, "resources", custom_resources, provider=kubernetes)
