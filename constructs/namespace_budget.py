"""The ResourceQuota and LimitRange of an application namespace, as manifests for KubeObjects:
one team's pods can neither take more than the namespace's share of the cluster nor run
without requests (which the quota and the autoscaler both count on)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from catalog.kubernetes import cpu_millicores, memory_bytes
from constructs.namespace_policies import MANAGED_BY, WHY


@dataclass(frozen=True)
class NamespaceBudgetProps:
    """Quantities are Kubernetes strings ("500m", "4Gi").

    requests_cpu / requests_memory / limits_memory / pods: the namespace's ResourceQuota.
    container_cpu / container_memory: a container's default request (memory: also its limit).
    container_max_cpu / container_max_memory: the most one container may ask for; the
        LimitRange makes container_max_cpu the CPU limit of a container that sets none.
    """

    requests_cpu: str
    requests_memory: str
    limits_memory: str
    pods: int
    container_cpu: str
    container_memory: str
    container_max_cpu: str
    container_max_memory: str

    def __post_init__(self) -> None:
        for name in ("requests_cpu", "container_cpu", "container_max_cpu"):
            if not cpu_millicores(getattr(self, name)):
                raise ValueError(f"{name}={getattr(self, name)!r}: not a CPU quantity, e.g. '500m' or '2'")
        for name in ("requests_memory", "limits_memory", "container_memory", "container_max_memory"):
            if not memory_bytes(getattr(self, name)):
                raise ValueError(f"{name}={getattr(self, name)!r}: not a memory quantity, e.g. '512Mi' or '4Gi'")
        if self.pods < 1:
            raise ValueError(f"pods={self.pods}: must be at least 1")


def _meta(name: str, namespace: str, why: str) -> dict[str, Any]:
    return {"name": name, "namespace": namespace, "labels": dict(MANAGED_BY), "annotations": {WHY: why}}


def namespace_budget(namespace: str, props: NamespaceBudgetProps) -> list[dict[str, Any]]:
    """[ResourceQuota "budget", LimitRange "container-defaults"] of one namespace."""
    quota = {
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": _meta("budget", namespace, "the namespace's share of the cluster (environment data: platform.namespace_budget)"),
        "spec": {"hard": {
            "requests.cpu": props.requests_cpu,
            "requests.memory": props.requests_memory,
            "limits.memory": props.limits_memory,
            "pods": str(props.pods),
        }},
    }
    limits = {
        "apiVersion": "v1",
        "kind": "LimitRange",
        "metadata": _meta("container-defaults", namespace, "requests for containers that set none, so the quota and the autoscaler can count them"),
        "spec": {"limits": [{
            "type": "Container",
            "defaultRequest": {"cpu": props.container_cpu, "memory": props.container_memory},
            # Memory limit = request: a leak is stopped at what the scheduler reserved.
            "default": {"cpu": props.container_max_cpu, "memory": props.container_memory},
            "max": {"cpu": props.container_max_cpu, "memory": props.container_max_memory},
        }]},
    }
    return [quota, limits]
