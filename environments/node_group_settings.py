"""Settings of one EKS managed node group, its labels and taints."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from catalog.aws import (
    ARCHITECTURES,
    CAPACITY_TYPES,
    MAX_UNAVAILABLE_PERCENT,
    NODE_DISK_GIB,
    NODE_GROUP_NAME,
    TAINT_EFFECTS,
    ec2_architecture,
    ec2_instance_problem,
)
from environments.model import Model, each, fail, in_range, matching, one_of, rule

# The node group that runs cluster-critical add-ons (CoreDNS, the EBS CSI controller). Its
# taints are what those add-ons tolerate (stacks/cluster.py builds the tolerations from them).
SYSTEM_NODE_GROUP = "system"
# Label prefixes the kubelet and EKS reserve; EKS rejects node group labels that use them.
RESERVED_LABEL_PREFIXES = ("kubernetes.io/", "k8s.io/", "eks.amazonaws.com/")
_LABEL_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$")
_LABEL_PREFIX = re.compile(r"^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$")
_LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)?$")


def check_label_key(field_name: str, key: str) -> None:
    prefix, _, name = key.rpartition("/")
    if not _LABEL_NAME.match(name) or (prefix and not _LABEL_PREFIX.match(prefix)):
        fail(field_name, f"{key!r} is not a Kubernetes label key; use [prefix/]name, name up to 63 letters, digits, '-', '_', '.'")
    if any(key.startswith(p) or f".{p}" in key for p in RESERVED_LABEL_PREFIXES):
        fail(field_name, f"{key!r} uses a prefix reserved by Kubernetes/EKS ({', '.join(RESERVED_LABEL_PREFIXES)}); use your own, e.g. 'sparki.io/'")


def _at_least(low: int, why: str) -> Callable[[int], None]:
    def check(size: int) -> None:
        if size < low:
            fail("", f"given {size}; must be >= {low}{why}")

    return check


def _check_instance_type(field_name: str, itype: str) -> None:
    problem = ec2_instance_problem(itype)
    if problem:
        fail(field_name, problem)


# One group holds one architecture: what to do when a type is of the other one.
_ARCH_MISMATCH = {
    "amd64": "{itype!r} is Graviton (arm64) but architecture is amd64; use an x86 type (e.g. m6i, m7i, t3a) or set architecture = \"arm64\" with only Graviton types",
    "arm64": "{itype!r} is x86 (amd64) but architecture is arm64; use a Graviton type (a \"g\" after the generation digit, e.g. m7g, c7g, t4g) or set architecture = \"amd64\"",
}

LabelKey = Annotated[str, rule(lambda key: check_label_key("", key))]


class NodeTaint(Model):
    """A Kubernetes taint on every node of a group.

    effect: one of catalog.aws.TAINT_EFFECTS, e.g. "NO_SCHEDULE".
    value: default "" (key-only taints such as CriticalAddonsOnly).
    """

    key: LabelKey
    effect: Annotated[str, one_of(TAINT_EFFECTS, "a taint effect")]
    value: Annotated[str, matching(_LABEL_VALUE, "is not a valid taint value; use at most 63 letters, digits, '-', '_', '.'")] = ""


class NodeGroupSettings(Model):
    """One EKS managed node group.

    name: 2-20 lowercase letters, digits, '-'; the group's Terraform name is
        sparki-<env>-<name>. Every cluster has a "system" group (SYSTEM_NODE_GROUP).
    instance_types: EC2 types from catalog.aws.EC2_FAMILIES, e.g. ("m6i.large",); spot groups
        list at least two, so that one capacity pool running dry does not empty the group.
    min_size / desired_size / max_size: min <= desired <= max; the cluster autoscaler moves
        desired_size afterwards, Terraform only sets it at creation.
    capacity_type: "ON_DEMAND" (default) or "SPOT"; never SPOT for the system group or in
        production.
    architecture: the nodes' CPU, as the kubernetes.io/arch label names it: "amd64" (default)
        or "arm64" (Graviton; cheaper for the same shape, docs/cost.md). Every instance type
        must be of it, and every image that can run on the group must publish it
        (docs/cost.md, "Graviton node groups"). The Amazon Linux 2023 AMI type follows from it.
    disk_size_gib: encrypted gp3 root volume; default 50, 20..1000.
    labels / taints: Kubernetes node labels and taints; default none.
    max_unavailable_percent: share of nodes replaced at once during a rolling update;
        default 33, 1..100.
    """

    name: Annotated[str, matching(NODE_GROUP_NAME, "is invalid; use 2-20 lowercase letters, digits and '-', starting with a letter")]
    instance_types: Annotated[tuple[str, ...], each(_check_instance_type, unique="a type", empty='is empty; list at least one EC2 instance type, e.g. ["m6i.large"]')]
    min_size: Annotated[int, rule(_at_least(0, " (0 lets the autoscaler empty the group)"))]
    desired_size: int
    max_size: Annotated[int, rule(_at_least(1, ", or the group can never hold a node"))]
    capacity_type: Annotated[str, one_of(CAPACITY_TYPES, "a capacity type")] = "ON_DEMAND"
    architecture: Annotated[str, one_of(ARCHITECTURES, "a node architecture", "(the kubernetes.io/arch names: x86_64 is amd64)")] = "amd64"
    disk_size_gib: Annotated[int, in_range(*NODE_DISK_GIB, "GiB")] = 50
    labels: dict[str, str] = Field(default_factory=dict)
    taints: tuple[NodeTaint, ...] = ()
    max_unavailable_percent: Annotated[int, in_range(*MAX_UNAVAILABLE_PERCENT)] = 33

    @field_validator("labels")
    @classmethod
    def _labels(cls, labels: dict[str, str]) -> dict[str, str]:
        for key, value in labels.items():
            check_label_key("", key)
            if not _LABEL_VALUE.match(value):
                fail("", f"value {value!r} of {key!r} is not a Kubernetes label value; use at most 63 letters, digits, '-', '_', '.'")
        return labels

    @model_validator(mode="after")
    def _together(self) -> NodeGroupSettings:
        if not self.min_size <= self.desired_size <= self.max_size:
            fail("desired_size", f"min_size={self.min_size}, desired_size={self.desired_size}, max_size={self.max_size}: need min_size <= desired_size <= max_size")
        for index, itype in enumerate(self.instance_types):
            if ec2_architecture(itype) != self.architecture:
                fail(f"instance_types[{index}]", _ARCH_MISMATCH[self.architecture].format(itype=itype))
        if self.capacity_type == "SPOT":
            if self.name == SYSTEM_NODE_GROUP:
                fail("capacity_type", f"SPOT is not allowed for the '{SYSTEM_NODE_GROUP}' group: it runs cluster-critical add-ons; use ON_DEMAND")
            if len(self.instance_types) < 2:
                fail("instance_types", "a SPOT group needs at least two instance types, so that one capacity pool running dry does not empty it")
        if self.name == SYSTEM_NODE_GROUP and not any(t.effect in ("NO_SCHEDULE", "NO_EXECUTE") for t in self.taints):
            fail("taints", f"the '{SYSTEM_NODE_GROUP}' group needs a NO_SCHEDULE or NO_EXECUTE taint, e.g. CriticalAddonsOnly: cluster-critical add-ons tolerate it, other pods stay off")
        return self
