"""A HorizontalPodAutoscaler and a PodDisruptionBudget for a component whose load varies
(catalog/kubernetes.py AUTOSCALED): either the chart's own autoscaling values, where the chart
has them (chart_values: Loki's read and write targets), or manifests for a component's
`manifests` where it has none (autoscaled: the Jaeger chart). The chart's switch wins where it
exists: with it the chart leaves `replicas` out of the workload, so a Helm upgrade does not reset
what the autoscaler chose, and Loki's writers get the preStop hook that flushes them on the way out.

Environment data ([platform.autoscaling.<name>], environments/platform_settings.py
ScalingSettings) gives the range per component; stacks/platform_components.component_context
maps every row to ScalingProps once, and a component reads ctx.autoscaling[name].
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from constructs.namespace_policies import MANAGED_BY, WHY

TARGET_KINDS = ("Deployment", "StatefulSet")


@dataclass(frozen=True)
class ScalingProps:
    """min_replicas / max_replicas: the autoscaler's range; 1 <= min <= max.
    cpu_percent: target average CPU utilisation of the pods' requests; default 70, 10..95.
    memory_percent: a second target on memory; default none (memory rarely falls with load).
    scale_down_seconds: how long load must stay low before pods are removed; default 300.
    """

    min_replicas: int
    max_replicas: int
    cpu_percent: int = 70
    memory_percent: int | None = None
    scale_down_seconds: int = 300

    def __post_init__(self) -> None:
        if not 1 <= self.min_replicas <= self.max_replicas:
            raise ValueError(f"min_replicas={self.min_replicas}, max_replicas={self.max_replicas}: need 1 <= min_replicas <= max_replicas")
        for name in ("cpu_percent", "memory_percent"):
            value = getattr(self, name)
            if value is not None and not 10 <= value <= 95:
                raise ValueError(f"{name}={value}: must be between 10 and 95")
        if not 0 <= self.scale_down_seconds <= 3600:
            raise ValueError(f"scale_down_seconds={self.scale_down_seconds}: must be between 0 and 3600")


def _metric(resource: str, percent: int) -> dict[str, Any]:
    return {"type": "Resource", "resource": {"name": resource, "target": {"type": "Utilization", "averageUtilization": percent}}}


def behavior(props: ScalingProps) -> dict[str, Any]:
    # Up fast, down slowly: a short lull must not remove pods a burst needs again.
    return {"scaleDown": {"stabilizationWindowSeconds": props.scale_down_seconds, "policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]}}


def chart_values(props: ScalingProps) -> dict[str, Any]:
    """The `autoscaling` values of charts that spell it the common way (enabled, minReplicas,
    maxReplicas, target*UtilizationPercentage, behavior: the Loki targets, Grafana's chart)."""
    values: dict[str, Any] = {
        "enabled": True,
        "minReplicas": props.min_replicas,
        "maxReplicas": props.max_replicas,
        "targetCPUUtilizationPercentage": props.cpu_percent,
        "behavior": behavior(props),
    }
    if props.memory_percent is not None:
        values["targetMemoryUtilizationPercentage"] = props.memory_percent
    return values


def autoscaled(name: str, namespace: str, target_kind: str, selector: dict[str, str], props: ScalingProps) -> list[dict[str, Any]]:
    """[HorizontalPodAutoscaler, PodDisruptionBudget] for the workload `name` of `target_kind`
    whose pods carry `selector`. The budget allows one pod down at a time, and only exists
    where min_replicas >= 2: with one replica it would block every node drain."""
    if target_kind not in TARGET_KINDS:
        raise ValueError(f"{name}: target_kind={target_kind!r}; use one of {', '.join(TARGET_KINDS)}")
    if not selector:
        raise ValueError(f"{name}: the selector is empty; a budget over every pod of {namespace} would block all drains")
    metrics = [_metric("cpu", props.cpu_percent)]
    if props.memory_percent is not None:
        metrics.append(_metric("memory", props.memory_percent))
    hpa = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(MANAGED_BY),
                     "annotations": {WHY: "replicas follow load within the environment's min/max (platform.autoscaling)"}},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": target_kind, "name": name},
            "minReplicas": props.min_replicas,
            "maxReplicas": props.max_replicas,
            "metrics": metrics,
            "behavior": behavior(props),
        },
    }
    if props.min_replicas < 2:
        return [hpa]
    pdb = {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(MANAGED_BY),
                     "annotations": {WHY: "a node drain takes one pod at a time; the others keep serving"}},
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": dict(selector)}},
    }
    return [hpa, pdb]
