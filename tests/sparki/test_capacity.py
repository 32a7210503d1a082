"""The capacity check on synthetic output: it can fail, it says why in one line, it never counts
a container without requests silently, and its tables agree with their sources."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from catalog.ec2_capacity import GIB, MIB, node_shape
from sparki.capacity import CapacityError, fits
from sparki.capacity_charts import CHARTS, EXCEPTIONS
from sparki.kubernetes.placement import can_land

CHART_DEFAULTS = Path(__file__).resolve().parent.parent / "constructs" / "charts"
SYSTEM_TAINT = {"effect": "NO_SCHEDULE", "key": "CriticalAddonsOnly", "value": "true"}


def cluster(max_size: int = 2, instance: str = "m6i.large") -> dict:
    group = {
        "node_group_name": "sparki-test-workload", "ami_type": "AL2023_x86_64_STANDARD", "instance_types": [instance],
        "scaling_config": {"max_size": max_size, "min_size": 1, "desired_size": 1}, "labels": {"sparki.io/node-group": "workload"},
    }
    system = {**group, "node_group_name": "sparki-test-system", "ami_type": "AL2023_ARM_64_STANDARD", "instance_types": ["m7g.large"],
              "labels": {"sparki.io/node-group": "system"}, "taint": [SYSTEM_TAINT]}
    return {"resource": {"aws_eks_node_group": {"w": group, "s": system}}}


def loki(read_max: int, read_cpu: str = "500m", resources: bool = True) -> dict:
    read = {"replicas": 2, "autoscaling": {"enabled": True, "maxReplicas": read_max}}
    if resources:
        read["resources"] = {"requests": {"cpu": read_cpu, "memory": "512Mi"}}
    values = {"deploymentMode": "SimpleScalable", "read": read, "write": {"replicas": 0}, "backend": {"replicas": 0},
              "singleBinary": {"replicas": 0}, "gateway": {"enabled": False}}
    return {"chart": "loki", "namespace": "loki", "values": [yaml.safe_dump(values)]}


def platform(*releases: dict, objects: tuple[dict, ...] = ()) -> dict:
    resource: dict = {"helm_release": {f"r{i}": r for i, r in enumerate(releases)}}
    if objects:
        resource["kubernetes_manifest"] = {f"m{i}": {"manifest": o} for i, o in enumerate(objects)}
    return {"resource": resource}


def outputs(*releases: dict, objects: tuple[dict, ...] = (), max_size: int = 2) -> dict:
    return {"sparki-test-cluster": cluster(max_size), "sparki-test-platform": platform(*releases, objects=objects)}


def problems(stacks: dict) -> list[str]:
    groups, _ = fits(stacks)
    return [line for g in groups for line in g.problems()]


def test_node_shape_follows_the_eks_reserve():
    shape = node_shape("m6i.large")
    assert (shape.vcpus, shape.memory_bytes, shape.max_pods) == (2, 8 * GIB, 29)
    assert shape.reserved_millicores == 70  # 6% of the first core, 1% of the second
    assert shape.reserved_bytes == (11 * 29 + 255 + 100) * MIB
    assert node_shape("m6i.2xlarge").reserved_millicores == 90  # + 0.5% of cores 3 and 4
    assert node_shape("m6i.4xlarge").reserved_millicores == 110  # + 0.25% of cores 5 to 16 (rounded)
    assert node_shape("t4g.large").max_pods == 35
    with pytest.raises(ValueError, match="'m6i.metal'.*catalog/ec2_capacity.py"):
        node_shape("m6i.metal")


def test_fits_at_the_hpa_maximum_and_fails_at_twice_it():
    # 2 x m6i.large: 1.93 vCPU allocatable each, 3.86 in all; 7 readers x 0.5 = 3.5 fits.
    assert problems(outputs(loki(7))) == []
    lines = problems(outputs(loki(14)))
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("test cluster node group sparki-test-workload: cpu needed at maxima 7.00 vCPU > available 3.86 vCPU")
    assert "raise the group's max_size" in line and "lower a maximum" in line


def test_a_larger_group_fixes_it():
    assert problems(outputs(loki(14), max_size=4)) == []


def test_daemonsets_come_off_every_node():
    fluent = {"chart": "fluent-bit", "namespace": "logs", "values": [yaml.safe_dump(
        {"resources": {"requests": {"cpu": "200m", "memory": "64Mi"}}, "tolerations": [{"operator": "Exists"}]})]}
    groups, _ = fits(outputs(loki(7), fluent))
    workload = next(g for g in groups if g.group.name == "sparki-test-workload")
    assert workload.daemons("cpu") == 200 and workload.available("cpu") == 2 * (1930 - 200)
    assert problems(outputs(loki(7), fluent))  # 3.5 > 3.46: the DaemonSet tips it over


def test_a_pod_larger_than_any_node_is_named():
    lines = problems(outputs(loki(1, read_cpu="3")))
    assert any("one loki read pod requests 3.00 vCPU cpu" in line for line in lines), lines


def test_a_container_without_requests_is_listed_not_counted():
    groups, unrequested = fits(outputs(loki(7, resources=False)))
    assert unrequested == ["loki read/read"]
    assert "loki read/read" not in EXCEPTIONS


def test_a_pod_template_and_its_hpa():
    deployment = {"kind": "Deployment", "metadata": {"name": "api", "namespace": "app"}, "spec": {"replicas": 2, "template": {"spec": {
        "containers": [{"name": "api", "resources": {"requests": {"cpu": "1", "memory": "1Gi"}}}],
        "initContainers": [{"name": "migrate", "resources": {"requests": {"cpu": "1500m", "memory": "64Mi"}}}]}}}}
    hpa = {"kind": "HorizontalPodAutoscaler", "metadata": {"name": "api", "namespace": "app"},
           "spec": {"maxReplicas": 3, "scaleTargetRef": {"kind": "Deployment", "name": "api"}}}
    groups, _ = fits(outputs(objects=(deployment, hpa)))
    workload = next(g for g in groups if g.group.name == "sparki-test-workload")
    assert workload.needed("cpu") == 3 * 1500 and workload.needed("memory") == 3 * GIB


def test_an_hpa_that_scales_nothing_counted_stops_the_check():
    hpa = {"kind": "HorizontalPodAutoscaler", "metadata": {"name": "ghost", "namespace": "app"},
           "spec": {"maxReplicas": 3, "scaleTargetRef": {"kind": "Deployment", "name": "ghost"}}}
    with pytest.raises(CapacityError, match="test cluster: the HorizontalPodAutoscaler of app/ghost scales nothing the check counts"):
        fits(outputs(loki(7), objects=(hpa,)))


def test_an_unknown_chart_stops_the_check():
    with pytest.raises(CapacityError, match="sparki-test-platform: chart 'mystery' has no row in sparki/capacity_charts.py"):
        fits(outputs({"chart": "mystery", "namespace": "x", "values": []}))


def test_a_pod_that_can_land_nowhere_stops_the_check():
    stray = loki(1)
    stray["values"] = [yaml.safe_dump({**yaml.safe_load(stray["values"][0]), "read": {
        **yaml.safe_load(stray["values"][0])["read"], "nodeSelector": {"sparki.io/node-group": "gpu"}}})]
    with pytest.raises(CapacityError, match="test cluster: loki read can land on no node group"):
        fits(outputs(stray))


@pytest.mark.parametrize(
    "placement, lands",
    [
        ({}, False),
        ({"tolerations": [{"operator": "Exists"}]}, True),
        ({"tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"}], "nodeSelector": {"kubernetes.io/arch": "amd64"}}, False),
        ({"tolerations": [{"key": "CriticalAddonsOnly", "value": "true"}], "nodeSelector": {"sparki.io/node-group": "system"}}, True),
        ({"tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists", "effect": "NoExecute"}]}, False),
        ({"tolerations": [{"operator": "Exists"}], "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/arch", "operator": "NotIn", "values": ["arm64"]}]}]}}}}, False),
        ({"tolerations": [{"operator": "Exists"}], "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchExpressions": [{"key": "sparki.io/node-group", "operator": "In", "values": ["system"]}]}]}}}}, True),
    ],
)
def test_placement_rules(placement, lands):
    taints = (("CriticalAddonsOnly", "true", "NoSchedule"),)
    labels = {"sparki.io/node-group": "system", "kubernetes.io/arch": "arm64"}
    assert can_land(json.loads(json.dumps(placement)), labels, taints) is lands


def _vendored(chart: str) -> dict | None:
    found = sorted(CHART_DEFAULTS.glob(f"{chart}-*/values.yaml"))
    found = [p for p in found if p.parent.name.removeprefix(f"{chart}-").lstrip("v")[:1].isdigit()]
    return yaml.safe_load(found[-1].read_text()) if found else None


VENDORED = sorted(chart for chart in CHARTS if _vendored(chart))


def test_the_vendored_charts_are_compared():
    assert {"loki", "jaeger", "cert-manager", "external-secrets", "fluent-bit"} <= set(VENDORED), VENDORED


@pytest.mark.parametrize("chart", VENDORED)
def test_chart_defaults_are_the_charts_own(chart):
    """Only charts with a values.yaml under tests/constructs/charts/ can be compared."""
    values = _vendored(chart)
    for workload in CHARTS[chart]:
        block = values
        for key in workload.block:
            block = block[key]
        if workload.replicas:
            assert block.get(workload.replicas) == workload.default_replicas, f"{chart} {workload.name}.{workload.replicas}"
        if workload.enabled:
            path, default = workload.enabled
            node = values
            for key in path:
                node = node[key]
            assert node == default, f"{chart} {'.'.join(path)}"
