"""The autoscalers of the synthesized Kubernetes layers are the environment's [platform.autoscaling]
rows: every row has its HorizontalPodAutoscaler and every autoscaler its row, with the row's
range, targets and scale-down delay, and a PodDisruptionBudget exactly from two replicas up. The
metrics API they scale on is installed wherever one exists, and Grafana, on SQLite, keeps one pod.
(The objects' schemas: test_kubernetes_validation.py, which validates every object.)"""
from __future__ import annotations

from typing import Any

import pytest

from catalog.naming import stack_name
from constructs import components_metrics
from constructs.components_prometheus import KUBE_PROMETHEUS_STACK
from stacks import KUBERNETES_LAYERS
from tests.kubernetes.conftest import ENVS
from tests.kubernetes.test_helm_releases import values_of

Autoscaler = tuple[int, int, Any, Any, int, bool]


def env_stacks(env: str, platform_stacks: dict[str, dict]) -> list[str]:
    return [name for layer in KUBERNETES_LAYERS if (name := stack_name(env, layer)) in platform_stacks]


def releases(env: str, platform_stacks: dict[str, dict]) -> list[dict]:
    return [r for name in env_stacks(env, platform_stacks) for r in platform_stacks[name].get("resource", {}).get("helm_release", {}).values()]


def manifest_autoscalers(objects: list[dict]) -> dict[str, Autoscaler]:
    """name -> (min, max, cpu %, memory %, scale-down seconds, has a budget) of every
    HorizontalPodAutoscaler object; the budget is the PodDisruptionBudget of the same name."""
    budgets = {(o["metadata"]["namespace"], o["metadata"]["name"]) for o in objects if o["kind"] == "PodDisruptionBudget"}
    found = {}
    for obj in objects:
        if obj["kind"] != "HorizontalPodAutoscaler":
            continue
        spec, meta = obj["spec"], obj["metadata"]
        targets = {m["resource"]["name"]: m["resource"]["target"]["averageUtilization"] for m in spec["metrics"]}
        stabilise = spec["behavior"]["scaleDown"]["stabilizationWindowSeconds"]
        budget = (meta["namespace"], meta["name"]) in budgets
        found[meta["name"]] = (spec["minReplicas"], spec["maxReplicas"], targets.get("cpu"), targets.get("memory"), stabilise, budget)
    return found


def chart_autoscalers(release: dict) -> dict[str, Autoscaler]:
    """The same for the charts' own switches: a top-level part of the values with
    `autoscaling.enabled`, whose HPA the chart names <release>-<part> (Loki's loki-read, loki-write)
    and whose budget it makes while the part's `replicas` is above 1."""
    found = {}
    for part, values in values_of(release).items():
        scaling = values.get("autoscaling") if isinstance(values, dict) else None
        if not isinstance(scaling, dict) or not scaling.get("enabled"):
            continue
        stabilise = scaling["behavior"]["scaleDown"]["stabilizationWindowSeconds"]
        budget = values.get("replicas", 1) > 1
        found[f"{release['name']}-{part}"] = (
            scaling["minReplicas"], scaling["maxReplicas"], scaling.get("targetCPUUtilizationPercentage"),
            scaling.get("targetMemoryUtilizationPercentage"), stabilise, budget,
        )
    return found


def autoscalers(env: str, platform_stacks: dict[str, dict], platform_objects: dict[str, list[dict]]) -> dict[str, Autoscaler]:
    found: dict[str, Autoscaler] = {}
    for name in env_stacks(env, platform_stacks):
        found |= manifest_autoscalers(platform_objects[name])
    for release in releases(env, platform_stacks):
        found |= chart_autoscalers(release)
    return found


@pytest.mark.parametrize("env", list(ENVS))
def test_every_autoscaler_is_a_row_of_the_environment_and_every_row_has_its_autoscaler(platform_stacks, platform_objects, env):
    rows = ENVS[env].platform.autoscaling
    expected = {
        name: (r.min_replicas, r.max_replicas, r.cpu_percent, r.memory_percent, r.scale_down_seconds, r.min_replicas >= 2)
        for name, r in rows.items()
    }
    found = autoscalers(env, platform_stacks, platform_objects)
    unused = sorted(set(rows) - set(found))
    assert not unused, f"{env}: [platform.autoscaling] rows {unused} make no autoscaler; a component must read each row"
    stray = sorted(set(found) - set(rows))
    assert not stray, f"{env}: autoscalers {stray} have no [platform.autoscaling] row"
    assert found == expected


@pytest.mark.parametrize("env", list(ENVS))
def test_where_anything_autoscales_the_metrics_api_is_installed(platform_stacks, platform_objects, env):
    assert autoscalers(env, platform_stacks, platform_objects), f"{env}: no autoscaler found (Jaeger has one everywhere)"
    # The platform stack: one layer before the observability components it measures.
    platform = platform_stacks[stack_name(env, "platform")]
    servers = [r for r in platform["resource"]["helm_release"].values() if r["name"] == "metrics-server"]
    assert len(servers) == 1, f"{env}: autoscalers without the metrics API never scale"
    assert servers[0]["version"] == components_metrics.CHART_VERSION and values_of(servers[0])["replicas"] >= 1


@pytest.mark.parametrize("env", list(ENVS))
def test_grafana_keeps_one_pod_while_its_database_is_sqlite_in_the_pod(platform_stacks, env):
    (kps,) = [r for r in releases(env, platform_stacks) if r["name"] == KUBE_PROMETHEUS_STACK[0]]
    grafana = values_of(kps)["grafana"]
    database = grafana.get("grafana.ini", {}).get("database", {}).get("type", "sqlite3")
    assert database == "sqlite3", "Grafana has a shared database now: revisit catalog/kubernetes.py FIXED_REPLICAS and this test"
    assert grafana["replicas"] == 1, f"{env}: {grafana['replicas']} Grafana pods on SQLite each keep their own sessions"
    assert not grafana.get("autoscaling", {}).get("enabled"), f"{env}: Grafana on SQLite must not autoscale"
