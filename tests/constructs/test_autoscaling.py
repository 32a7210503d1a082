"""The HorizontalPodAutoscaler and PodDisruptionBudget helper (constructs/autoscaling.py): the
manifests, the chart values, and the mapping from the environment rows (platform.autoscaling;
its rules: tests/environments/test_autoscaling_settings.py)."""
from __future__ import annotations

import pytest

import environments
from constructs.autoscaling import ScalingProps, autoscaled, chart_values
from sparki.kubernetes.validate import validate_object
from stacks.props import props_from

SELECTOR = {"app.kubernetes.io/name": "grafana"}


def test_a_scaled_deployment_gets_an_autoscaler_and_a_budget_that_validate():
    hpa, pdb = autoscaled("grafana", "monitoring", "Deployment", SELECTOR, ScalingProps(2, 5, memory_percent=80))
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "grafana"}
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 5)
    assert [m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu", "memory"]
    assert pdb["spec"] == {"maxUnavailable": 1, "selector": {"matchLabels": SELECTOR}}
    for obj in (hpa, pdb):
        assert not validate_object(obj, "1.33", {}).error


def test_one_replica_gets_no_budget_that_would_block_every_drain():
    assert [o["kind"] for o in autoscaled("loki-read", "monitoring", "StatefulSet", SELECTOR, ScalingProps(1, 3))] == ["HorizontalPodAutoscaler"]


@pytest.mark.parametrize("args, says", [
    (dict(props=ScalingProps(2, 3), target_kind="DaemonSet"), "target_kind='DaemonSet'"),
    (dict(props=ScalingProps(2, 3), selector={}), "the selector is empty"),
])
def test_a_bad_target_is_refused(args, says):
    call = {"name": "x", "namespace": "monitoring", "target_kind": "Deployment", "selector": SELECTOR, **args}
    with pytest.raises(ValueError, match=says):
        autoscaled(**call)


@pytest.mark.parametrize("values, says", [
    (dict(min_replicas=3, max_replicas=2), "need 1 <= min_replicas <= max_replicas"),
    (dict(min_replicas=1, max_replicas=2, cpu_percent=100), "cpu_percent=100"),
    (dict(min_replicas=1, max_replicas=2, scale_down_seconds=-1), "scale_down_seconds=-1"),
])
def test_bad_props_are_refused(values, says):
    with pytest.raises(ValueError, match=says):
        ScalingProps(**values)


def test_environment_rows_map_onto_the_props():
    raw = environments.read("staging")
    raw["platform"]["autoscaling"]["jaeger"] = {"min_replicas": 2, "max_replicas": 4, "memory_percent": 80}
    row = environments.parse("staging", raw).platform.autoscaling["jaeger"]
    assert props_from(ScalingProps, row) == ScalingProps(2, 4, 70, 80, 300)


def test_chart_values_carry_the_same_range_targets_and_behaviour_as_the_manifests():
    props = ScalingProps(2, 5, cpu_percent=60, memory_percent=80, scale_down_seconds=600)
    (hpa, _) = autoscaled("loki-read", "loki", "Deployment", SELECTOR, props)
    values = chart_values(props)
    assert values["enabled"] is True
    assert (values["minReplicas"], values["maxReplicas"]) == (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"])
    targets = {m["resource"]["name"]: m["resource"]["target"]["averageUtilization"] for m in hpa["spec"]["metrics"]}
    assert (values["targetCPUUtilizationPercentage"], values["targetMemoryUtilizationPercentage"]) == (targets["cpu"], targets["memory"])
    assert values["behavior"] == hpa["spec"]["behavior"]
    assert "targetMemoryUtilizationPercentage" not in chart_values(ScalingProps(1, 2)), "no memory target unless asked: the chart's null stays"
