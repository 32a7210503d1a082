"""What an EKS node of an EC2 type offers pods: vCPUs, memory, pods, and what the kubelet keeps
back (no cdktf imports; sparki/capacity.py checks the node groups against it).

vCPUs: catalog.aws.ec2_vcpus. Memory: "Amazon EC2 instance types" (Amazon EC2 Instance Types
guide, general purpose / compute / memory optimised / burstable tables), written down from
those tables, not re-read from this offline machine: the current families of
catalog.aws.EC2_FAMILIES have 4 GiB per vCPU (m), 2 (c) or 8 (r); the burstable t sizes are
listed. Pods per node: "Maximum IP addresses per network interface" (same
guide) gives network interfaces x IPv4 addresses each; without prefix delegation (our VPC CNI
configuration, stacks/cluster.py) EKS allows interfaces x (addresses - 1) + 2 pods, the formula
of amazon-eks-ami's eni-max-pods.txt.

The reserve: Amazon Linux 2023 nodes boot through nodeadm (awslabs/amazon-eks-ami, nodeadm
internal/kubelet/config.go), which sets kubeReserved from the same formula as the AL2
bootstrap.sh it replaced: memory 11 MiB per pod the node can hold + 255 MiB; CPU 6% of the first
core, 1% of the second, 0.5% of the third and fourth, 0.25% of every further one; and
evictionHard memory.available 100 MiB. Allocatable = capacity - kubeReserved - eviction.
Memory capacity here is the nominal size; the kernel's MemTotal, which the kubelet reports, is a
few percent lower, so a group within ~5% of full is already tight (docs/capacity.md).
"""
from __future__ import annotations

from dataclasses import dataclass

from catalog.aws import ec2_instance_problem, ec2_vcpus

MIB = 2**20
GIB = 2**30
_GIB_PER_VCPU = {"m": 4, "c": 2, "r": 8}
_BURSTABLE_GIB = {"nano": 0.5, "micro": 1, "small": 2, "medium": 4, "large": 8, "xlarge": 16, "2xlarge": 32}
# (network interfaces, IPv4 addresses per interface) by size; the burstable t sizes differ.
_INTERFACES = {
    "medium": (2, 4), "large": (3, 10), "xlarge": (4, 15), "2xlarge": (4, 15), "4xlarge": (8, 30),
    "8xlarge": (8, 30), "12xlarge": (8, 30), "16xlarge": (15, 50), "24xlarge": (15, 50),
    "32xlarge": (15, 50), "48xlarge": (15, 50),
}
_BURSTABLE_INTERFACES = {
    "nano": (2, 2), "micro": (2, 2), "small": (3, 4), "medium": (3, 6), "large": (3, 12),
    "xlarge": (4, 15), "2xlarge": (4, 15),
}
KUBE_RESERVED_MIB_PER_POD = 11
KUBE_RESERVED_MIB_BASE = 255
EVICTION_HARD_MIB = 100
# (cores from, cores to, share reserved of each core in the band), nodeadm's CPU bands.
_CPU_BANDS = ((0, 1, 0.06), (1, 2, 0.01), (2, 4, 0.005), (4, 10**6, 0.0025))


@dataclass(frozen=True)
class NodeShape:
    """One node of an instance type: capacity, the pods it may hold, and what is allocatable."""

    instance_type: str
    vcpus: int
    memory_bytes: int
    max_pods: int

    @property
    def reserved_millicores(self) -> int:
        return round(sum(max(0, min(self.vcpus, high) - low) * share * 1000 for low, high, share in _CPU_BANDS))

    @property
    def reserved_bytes(self) -> int:
        return (KUBE_RESERVED_MIB_PER_POD * self.max_pods + KUBE_RESERVED_MIB_BASE + EVICTION_HARD_MIB) * MIB

    @property
    def allocatable_millicores(self) -> int:
        return self.vcpus * 1000 - self.reserved_millicores

    @property
    def allocatable_bytes(self) -> int:
        return self.memory_bytes - self.reserved_bytes


def node_shape(instance_type: str) -> NodeShape:
    """The shape of an EC2 type we accept; ValueError naming the type for one this table lacks."""
    problem = ec2_instance_problem(instance_type)
    family, _, size = instance_type.partition(".")
    burstable = family.startswith("t")
    gib = _BURSTABLE_GIB.get(size) if burstable else None
    vcpus = ec2_vcpus(instance_type) if not problem else None
    if vcpus and not burstable:
        gib = vcpus * _GIB_PER_VCPU.get(family[0], 0) or None
    interfaces = (_BURSTABLE_INTERFACES if burstable else _INTERFACES).get(size)
    if problem or not vcpus or not gib or not interfaces:
        raise ValueError(f"{instance_type!r}: no node shape in catalog/ec2_capacity.py; add its memory and network interfaces")
    count, addresses = interfaces
    return NodeShape(instance_type, vcpus, int(gib * GIB), count * (addresses - 1) + 2)
