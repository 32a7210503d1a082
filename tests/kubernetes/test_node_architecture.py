"""Nothing lands on a Graviton (arm64) node group unless it publishes arm64 images.

Per cluster: each environment's `cluster` and, with a DR site, prod's `dr-cluster`, with the
Kubernetes stacks that deploy to it (the DR site: dr-platform, dr-platform-config) and its own
add-ons. Placement is read from what the cluster receives (sparki/kubernetes/placement.py): the
node groups as the cluster stack synthesizes them, and each release's or pod spec's tolerations,
nodeSelector and required node affinity. Whatever can land on an arm64 group must be listed, with
its source, in catalog/architectures.py.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest

from catalog import architectures
from catalog.naming import parse_stack_name, stack_name
from constructs.node_group import GROUP_LABEL
from sparki.capacity import cluster_of, release_values
from sparki.kubernetes import placement
from sparki.kubernetes.placement import can_land, node_groups
from stacks import KUBERNETES_LAYERS
from tests.kubernetes.conftest import CLUSTERS

IDS = [f"{env}-{layer}" for env, layer in CLUSTERS]


def _mappings(obj: Any, keep: Callable[[Mapping[str, Any]], bool]) -> Iterator[Mapping[str, Any]]:
    """Every mapping at any depth of obj that keep() accepts."""
    if isinstance(obj, Mapping):
        if keep(obj):
            yield obj
        for child in obj.values():
            yield from _mappings(child, keep)
    elif isinstance(obj, list):
        for child in obj:
            yield from _mappings(child, keep)


def placements(values: Any) -> Iterator[Mapping[str, Any]]:
    """Every mapping in chart values or an object that says where pods go; a release or pod
    spec that sets none is placed by the defaults, {}."""
    return _mappings(values, lambda m: "tolerations" in m or "nodeSelector" in m or "affinity" in m)


def pod_specs(obj: Any) -> Iterator[Mapping[str, Any]]:
    return _mappings(obj, lambda m: isinstance(m.get("containers"), list))


def arm_groups(stacks, env: str, layer: str) -> list:
    name = stack_name(env, layer)
    return [g for g in node_groups(name, stacks[name]) if g.architecture == "arm64"]


def cluster_stacks(stacks, env: str, layer: str) -> dict[str, dict]:
    """The Kubernetes stacks of env that deploy to its `layer` cluster."""
    return {
        name: doc for name, doc in stacks.items()
        if parse_stack_name(name)[0] == env and parse_stack_name(name)[1] in KUBERNETES_LAYERS and cluster_of(parse_stack_name(name)[1]) == layer
    }


def landing_on_arm(stacks, platform_objects, env: str, layer: str) -> dict[str, str]:
    """What the Kubernetes stacks of one cluster can run on one of its arm64 groups: name -> what."""
    found: dict[str, str] = {}
    for group in arm_groups(stacks, env, layer):
        for name, doc in cluster_stacks(stacks, env, layer).items():
            for release in doc.get("resource", {}).get("helm_release", {}).values():
                if any(can_land(p, group.labels, group.taints) for p in [{}, *placements(release_values(release))]):
                    found[release["chart"]] = "chart"
            for obj in platform_objects[name]:
                for spec in pod_specs(obj):
                    if can_land(spec, group.labels, group.taints):
                        for container in [*spec["containers"], *spec.get("initContainers", [])]:
                            image = container.get("image") or f"{obj['kind']} {obj['metadata']['name']} (image chosen by its operator)"
                            found[image.rsplit(":", 1)[0]] = "image"
    return found


def test_some_cluster_runs_graviton_nodes(stacks):
    assert any(arm_groups(stacks, env, layer) for env, layer in CLUSTERS), "no node group is arm64: the catalogue below would check nothing"


def test_the_dr_cluster_is_walked_on_its_own():
    assert ("prod", "dr-cluster") in CLUSTERS, CLUSTERS


def test_placement_uses_the_node_groups_label():
    assert placement.GROUP_LABEL == GROUP_LABEL


@pytest.mark.parametrize("env, layer", CLUSTERS, ids=IDS)
def test_everything_that_can_land_on_arm64_publishes_arm64(env, layer, stacks, platform_objects):
    found = landing_on_arm(stacks, platform_objects, env, layer)
    listed = {"chart": architectures.CHARTS, "image": architectures.IMAGES}
    missing = sorted(f"{kind} {name}" for name, kind in found.items() if name not in listed[kind])
    assert not missing, (
        f"{env} {layer}: {', '.join(missing)} can be scheduled onto an arm64 node group but are not in catalog/architectures.py; "
        "list them with the source that shows arm64 images, or keep them off the group (nodeSelector kubernetes.io/arch: amd64)"
    )
    if arm_groups(stacks, env, layer):
        # The system group's controllers tolerate its taint: the walk must see them on this cluster.
        assert "cert-manager" in found and "public.ecr.aws/aquasecurity/kube-bench" in found, sorted(found)


@pytest.mark.parametrize("env, layer", CLUSTERS, ids=IDS)
def test_unlisted_workloads_stay_off_arm64(env, layer, stacks, platform_objects):
    """Loki, Jaeger and the Sparki namespaces carry no toleration of the system taint: the walk
    must not count them, or the test above would pass by listing everything."""
    found = landing_on_arm(stacks, platform_objects, env, layer)
    assert not {"loki", "jaeger", "prometheus-elasticsearch-exporter", "curlimages/curl"} & set(found)


@pytest.mark.parametrize("env, layer", CLUSTERS, ids=IDS)
def test_every_addon_publishes_arm64_where_a_group_is_arm64(env, layer, stacks):
    """EKS add-ons run DaemonSets on every node (or are placed by AWS): all must be multi-arch."""
    if not arm_groups(stacks, env, layer):
        pytest.skip(f"{env} {layer} has no arm64 group")
    addons = {a["addon_name"] for a in stacks[stack_name(env, layer)].get("resource", {}).get("aws_eks_addon", {}).values()}
    assert addons and not addons - set(architectures.ADDONS), sorted(addons - set(architectures.ADDONS))
