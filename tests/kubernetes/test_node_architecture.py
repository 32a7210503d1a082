"""Nothing lands on a Graviton (arm64) node group unless it publishes arm64 images.

Placement is read from what the cluster receives: a pod can run on a group when it tolerates
every NoSchedule/NoExecute taint of the group and its nodeSelector matches the group's labels
(including kubernetes.io/arch). Whatever can land on an arm64 group must be listed, with its
source, in catalog/architectures.py.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
import yaml

from catalog import architectures
from catalog.naming import parse_stack_name
from constructs.node_group import GROUP_LABEL
from tests.kubernetes.conftest import ENVS

# Node group taint effects as EKS names them -> as Kubernetes does; PreferNoSchedule repels nobody.
HARD_EFFECTS = {"NO_SCHEDULE": "NoSchedule", "NO_EXECUTE": "NoExecute"}


def group_nodes(group) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """The labels and hard taints every node of a group carries."""
    labels = {**group.labels, GROUP_LABEL: group.name, "kubernetes.io/arch": group.architecture, "kubernetes.io/os": "linux"}
    taints = [(t.key, t.value, HARD_EFFECTS[t.effect]) for t in group.taints if t.effect in HARD_EFFECTS]
    return labels, taints


def tolerates(toleration: Mapping[str, Any], taint: tuple[str, str, str]) -> bool:
    key, value, effect = taint
    if toleration.get("effect") not in (None, "", effect):
        return False
    if toleration.get("operator") == "Exists":
        return toleration.get("key") in (None, "", key)
    return toleration.get("key") == key and toleration.get("value", "") == value


def can_land(placement: Mapping[str, Any], labels: Mapping[str, str], taints: list[tuple[str, str, str]]) -> bool:
    tolerations = placement.get("tolerations") or []
    selector = placement.get("nodeSelector") or {}
    return all(any(tolerates(t, taint) for t in tolerations) for taint in taints) and all(labels.get(k) == v for k, v in selector.items())


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
    return _mappings(values, lambda m: "tolerations" in m or "nodeSelector" in m)


def pod_specs(obj: Any) -> Iterator[Mapping[str, Any]]:
    return _mappings(obj, lambda m: isinstance(m.get("containers"), list))


def release_values(release: Mapping[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for document in release.get("values", []):
        merged.update(yaml.safe_load(document))
    return merged


def arm_groups(env) -> list:
    return [g for g in env.cluster.node_groups if g.architecture == "arm64"]


def landing_on_arm(env_name: str, platform_stacks, platform_objects) -> dict[str, str]:
    """What in env_name's platform stacks can run on one of its arm64 groups: name -> what."""
    found: dict[str, str] = {}
    for group in arm_groups(ENVS[env_name]):
        labels, taints = group_nodes(group)
        for stack, doc in platform_stacks.items():
            if parse_stack_name(stack)[0] != env_name:
                continue
            for release in doc.get("resource", {}).get("helm_release", {}).values():
                if any(can_land(p, labels, taints) for p in [{}, *placements(release_values(release))]):
                    found[release["chart"]] = "chart"
            for obj in platform_objects[stack]:
                for spec in pod_specs(obj):
                    if can_land(spec, labels, taints):
                        for container in [*spec["containers"], *spec.get("initContainers", [])]:
                            found[container["image"].rsplit(":", 1)[0]] = "image"
    return found


def test_some_environment_runs_graviton_nodes():
    assert any(arm_groups(env) for env in ENVS.values()), "no node group is arm64: the catalogue below would check nothing"


@pytest.mark.parametrize("env_name", sorted(ENVS))
def test_everything_that_can_land_on_arm64_publishes_arm64(env_name, platform_stacks, platform_objects):
    found = landing_on_arm(env_name, platform_stacks, platform_objects)
    listed = {"chart": architectures.CHARTS, "image": architectures.IMAGES}
    missing = sorted(f"{kind} {name}" for name, kind in found.items() if name not in listed[kind])
    assert not missing, (
        f"{env_name}: {', '.join(missing)} can be scheduled onto an arm64 node group but are not in catalog/architectures.py; "
        "list them with the source that shows arm64 images, or keep them off the group (nodeSelector kubernetes.io/arch: amd64)"
    )
    if arm_groups(ENVS[env_name]):
        # The system group's controllers tolerate its taint: the walk must see them.
        assert "cert-manager" in found and "public.ecr.aws/aquasecurity/kube-bench" in found, sorted(found)


@pytest.mark.parametrize("env_name", sorted(ENVS))
def test_unlisted_workloads_stay_off_arm64(env_name, platform_stacks, platform_objects):
    """Loki, Jaeger and the Sparki namespaces carry no toleration of the system taint: the walk
    must not count them, or the test above would pass by listing everything."""
    found = landing_on_arm(env_name, platform_stacks, platform_objects)
    assert not {"loki", "jaeger", "prometheus-elasticsearch-exporter", "curlimages/curl"} & set(found)


@pytest.mark.parametrize("env_name", sorted(ENVS))
def test_every_addon_publishes_arm64_where_a_group_is_arm64(env_name, stacks):
    """EKS add-ons run DaemonSets on every node (or are placed by AWS): all must be multi-arch."""
    if not arm_groups(ENVS[env_name]):
        pytest.skip(f"{env_name} has no arm64 group")
    addons = {
        a["addon_name"]
        for name, doc in stacks.items()
        if parse_stack_name(name)[0] == env_name
        for a in doc.get("resource", {}).get("aws_eks_addon", {}).values()
    }
    assert addons and not addons - set(architectures.ADDONS), sorted(addons - set(architectures.ADDONS))


@pytest.mark.parametrize(
    "placement, lands",
    [
        ({}, False),
        ({"tolerations": [{"operator": "Exists"}]}, True),
        ({"tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"}]}, True),
        ({"tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"}], "nodeSelector": {"kubernetes.io/arch": "amd64"}}, False),
        ({"tolerations": [{"key": "CriticalAddonsOnly", "value": "true"}], "nodeSelector": {GROUP_LABEL: "system"}}, True),
        ({"tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists", "effect": "NoExecute"}]}, False),
        ({"tolerations": [{"key": "other", "operator": "Exists"}]}, False),
    ],
)
def test_placement_rules(placement, lands):
    taints = [("CriticalAddonsOnly", "true", "NoSchedule")]
    labels = {GROUP_LABEL: "system", "kubernetes.io/arch": "arm64"}
    assert can_land(json.loads(json.dumps(placement)), labels, taints) is lands
