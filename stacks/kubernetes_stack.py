"""What the layers inside the cluster (`platform`, `platform-config`) share: no AWS provider,
the kubernetes provider on the cluster connection, and the collected platform components."""
from __future__ import annotations

from typing import Any

from constructs import Construct
from environments.schema import Environment
from stacks.base import SparkiStack
from stacks.cluster_connection import ClusterConnection, kubernetes_provider
from stacks.platform_components import PlatformComponents
from stacks.run_settings import RunSettings


class KubernetesStack(SparkiStack):
    """A Kubernetes layer: the subclass's compose() adds its objects through `self.kubernetes`."""

    aws_provider = False

    def __init__(
        self,
        scope: Construct,
        env: Environment,
        run: RunSettings,
        *,
        connection: ClusterConnection,
        platform: PlatformComponents,
        **inputs: Any,
    ) -> None:
        super().__init__(scope, env, run)
        self.kubernetes = kubernetes_provider(self, connection)
        self.compose(env, connection, platform, **inputs)

    def compose(self, env: Environment, connection: ClusterConnection, platform: PlatformComponents, **inputs: Any) -> None:
        """`platform`: the components this layer installs; `inputs`: other stacks' exports."""
        raise NotImplementedError(f"{type(self).__name__} must define compose()")
