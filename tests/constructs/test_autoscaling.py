"""The HorizontalPodAutoscaler and PodDisruptionBudget helper (constructs/autoscaling.py), and the
environment data that feeds it (platform.autoscaling)."""
from __future__ import annotations

import pytest

import environments
from constructs.autoscaling import ScalingProps, autoscaled
from sparki.kubernetes.validate import validate_object
from stacks.props import props_from
from tests.environments.mistakes import assert_refused

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
    raw["platform"]["autoscaling"] = {"grafana": {"min_replicas": 2, "max_replicas": 4, "memory_percent": 80}}
    row = environments.parse("staging", raw).platform.autoscaling["grafana"]
    assert props_from(ScalingProps, row) == ScalingProps(2, 4, 70, 80, 300)


@pytest.mark.parametrize("env, row, field, says", [
    ("dev", {"min_replicas": 3, "max_replicas": 2}, "platform.autoscaling.grafana.max_replicas", "below min_replicas 3"),
    ("dev", {"min_replicas": 1, "max_replicas": 60}, "platform.autoscaling.grafana.max_replicas", "1..50"),
    ("prod", {"min_replicas": 1, "max_replicas": 3}, "platform.autoscaling.grafana.min_replicas", "not allowed in production"),
])
def test_bad_environment_rows_are_refused(env, row, field, says):
    assert_refused(env, "platform.autoscaling", {"grafana": row}, field, says)
