"""Which node groups a pod can land on, from what the cluster receives: the node groups as the
cluster stack synthesizes them (labels, taints, AMI type) and a pod's nodeSelector, required
node affinity and tolerations.

A pod can land on a group when it tolerates every NoSchedule/NoExecute taint of the group and
its nodeSelector and required node affinity match the labels every node of the group carries.
Used by the Graviton guard (tests/kubernetes/test_node_architecture.py) and the capacity check
(sparki/capacity.py).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from catalog.aws import AMI_TYPE_BY_ARCHITECTURE

# Set by constructs/node_group.py on every node; repeated here because sparki/ reads output and
# does not import constructs (tests/kubernetes proves the two agree).
GROUP_LABEL = "sparki.io/node-group"
# Node group taint effects as EKS names them -> as Kubernetes does; PreferNoSchedule repels nobody.
HARD_EFFECTS = {"NO_SCHEDULE": "NoSchedule", "NO_EXECUTE": "NoExecute"}
_ARCHITECTURE_OF_AMI = {ami: arch for arch, ami in AMI_TYPE_BY_ARCHITECTURE.items()}


@dataclass(frozen=True)
class NodeGroup:
    """One synthesized aws_eks_node_group: what its nodes carry and how many there may be."""

    stack: str
    name: str
    instance_types: tuple[str, ...]
    max_size: int
    labels: Mapping[str, str]
    taints: tuple[tuple[str, str, str], ...]

    @property
    def architecture(self) -> str:
        return self.labels["kubernetes.io/arch"]


def node_groups(stack: str, doc: Mapping[str, Any]) -> list[NodeGroup]:
    """Every node group of one cluster stack's cdk.tf.json."""
    found = []
    for group in doc.get("resource", {}).get("aws_eks_node_group", {}).values():
        if group["ami_type"] not in _ARCHITECTURE_OF_AMI:
            raise ValueError(f"{stack}: node group {group['node_group_name']}: ami_type {group['ami_type']!r} is not one of catalog.aws.AMI_TYPE_BY_ARCHITECTURE")
        labels = {**(group.get("labels") or {}), "kubernetes.io/arch": _ARCHITECTURE_OF_AMI[group["ami_type"]], "kubernetes.io/os": "linux"}
        taints = tuple((t["key"], t.get("value", ""), HARD_EFFECTS[t["effect"]]) for t in group.get("taint") or [] if t["effect"] in HARD_EFFECTS)
        found.append(NodeGroup(stack, group["node_group_name"], tuple(group["instance_types"]), group["scaling_config"]["max_size"], labels, taints))
    return sorted(found, key=lambda g: g.name)


def tolerates(toleration: Mapping[str, Any], taint: tuple[str, str, str]) -> bool:
    key, value, effect = taint
    if toleration.get("effect") not in (None, "", effect):
        return False
    if toleration.get("operator") == "Exists":
        return toleration.get("key") in (None, "", key)
    return toleration.get("key") == key and toleration.get("value", "") == value


def _matches(expression: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    key, operator, values = expression["key"], expression["operator"], expression.get("values") or []
    if operator == "In":
        return labels.get(key) in values
    if operator == "NotIn":
        return labels.get(key) not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    raise ValueError(f"node affinity operator {operator!r} is not handled; add it to sparki/kubernetes/placement.py")


def affinity_allows(placement: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    """requiredDuringSchedulingIgnoredDuringExecution: any term whose expressions all match."""
    required = ((placement.get("affinity") or {}).get("nodeAffinity") or {}).get("requiredDuringSchedulingIgnoredDuringExecution")
    terms = (required or {}).get("nodeSelectorTerms") or []
    return not terms or any(all(_matches(e, labels) for e in term.get("matchExpressions") or []) for term in terms)


def can_land(placement: Mapping[str, Any], labels: Mapping[str, str], taints: tuple[tuple[str, str, str], ...] | list) -> bool:
    tolerations = placement.get("tolerations") or []
    selector = placement.get("nodeSelector") or {}
    return (
        all(any(tolerates(t, taint) for t in tolerations) for taint in taints)
        and all(labels.get(k) == v for k, v in selector.items())
        and affinity_allows(placement, labels)
    )
