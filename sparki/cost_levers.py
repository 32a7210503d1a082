"""The levers docs/cost.md offers, each a change to the synthesized stacks of one environment that
the estimate (sparki/cost.py) prices like any other: the saving is the difference of two runs of
the same code, never a number written by hand.
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from catalog import prices
from catalog.naming import parse_stack_name
from sparki.cost import estimate_stack, estimate_stacks, total
from sparki.cost_pricers import ec2_hour, rds_hour

Stacks = dict[str, dict]


def _each(stacks: Stacks, rtype: str):
    for doc in stacks.values():
        yield from doc.get("resource", {}).get(rtype, {}).values()


def graviton(stacks: Stacks) -> Stacks:
    """Every node group on the Graviton family of the same shape, with the arm64 AMI."""
    out = copy.deepcopy(stacks)
    for group in _each(out, "aws_eks_node_group"):
        types = []
        for t in group["instance_types"]:
            family, _, size = t.partition(".")
            types.append(f"{prices.GRAVITON.get(family, family)}.{size}")
        group["instance_types"] = list(dict.fromkeys(types))
        group["ami_type"] = "AL2023_ARM_64_STANDARD"
    return out


def spot_workloads(stacks: Stacks) -> Stacks:
    """Every node group but the system group on spot capacity."""
    out = copy.deepcopy(stacks)
    for group in _each(out, "aws_eks_node_group"):
        if not str(group.get("node_group_name", "")).endswith("-system"):
            group["capacity_type"] = "SPOT"
    return out


def on_demand(stacks: Stacks) -> Stacks:
    """Every node group on on-demand capacity: what spot saves today, as the reverse lever."""
    out = copy.deepcopy(stacks)
    for group in _each(out, "aws_eks_node_group"):
        group["capacity_type"] = "ON_DEMAND"
    return out


def at_max_size(stacks: Stacks) -> Stacks:
    """Every node group scaled out to its max_size: the autoscaler's cost ceiling."""
    out = copy.deepcopy(stacks)
    for group in _each(out, "aws_eks_node_group"):
        group["scaling_config"]["desired_size"] = group["scaling_config"]["max_size"]
    return out


def log_retention(days: int) -> Callable[[Stacks], Stacks]:
    def change(stacks: Stacks) -> Stacks:
        out = copy.deepcopy(stacks)
        for group in _each(out, "aws_cloudwatch_log_group"):
            group["retention_in_days"] = min(group.get("retention_in_days") or 3653, days)
        return out
    change.__doc__ = f"Every log group kept at most {days} days."
    return change


def endpoints_through_nat(stacks: Stacks) -> float:
    """What removing the interface endpoints saves once their traffic (usage.endpoint_gb each)
    is processed by a NAT gateway instead; negative when the endpoints are the cheaper way."""
    saving = 0.0
    for name, doc in stacks.items():
        if not doc.get("resource", {}).get("aws_vpc_endpoint"):
            continue
        lines = [line for line in estimate_stack(name, doc) if line.kind == "VPC interface endpoints"]
        if lines and doc.get("resource", {}).get("aws_nat_gateway"):
            usage = prices.USAGE[parse_stack_name(name)[0]]
            saving += total(lines) - len(lines) * usage.endpoint_gb * prices.NAT_GATEWAY_GB
    return saving


def commitment_saving(stacks: Stacks) -> float:
    """What 1-year commitments save on the steady base: min_size nodes of on-demand groups, and
    every RDS and ElastiCache instance (they run all month)."""
    saving = 0.0
    h = prices.HOURS_PER_MONTH
    for group in _each(stacks, "aws_eks_node_group"):
        if group.get("capacity_type", "ON_DEMAND") == "ON_DEMAND":
            base = group["scaling_config"]["min_size"]
            saving += base * ec2_hour(group["instance_types"][0]) * h * prices.COMMITMENT_SAVING["ec2"]
    for db in _each(stacks, "aws_db_instance"):
        copies = 2 if db.get("multi_az") else 1
        saving += copies * rds_hour(db["instance_class"]) * h * prices.COMMITMENT_SAVING["rds"]
    # Cache nodes as the estimate prices them (a DR secondary's node type is its primary's).
    nodes = sum(line.monthly for line in estimate_stacks(stacks) if line.kind == "ElastiCache nodes")
    return saving + nodes * prices.COMMITMENT_SAVING["cache"]


def cost_of(stacks: Mapping[str, dict]) -> float:
    return total(estimate_stacks(stacks))


@dataclass(frozen=True)
class Lever:
    name: str
    what: str
    change: Callable[[Stacks], Stacks] | None = None
    saving: Callable[[Stacks], float] | None = None

    def delta(self, stacks: Stacks) -> float:
        """Monthly USD the lever adds (negative: saves) for one environment's stacks."""
        if self.saving:
            return -self.saving(stacks)
        return cost_of(self.change(stacks)) - cost_of(stacks)


LEVERS = (
    Lever("Graviton nodes", "node groups on the Graviton family of the same shape (arm64 images needed)", graviton),
    Lever("spot for workloads", "every node group but system on spot capacity", spot_workloads),
    Lever("no spot", "every node group on demand: what spot saves today, reversed", on_demand),
    Lever("ceiling: nodes at max_size", "every node group scaled out to max_size (not a saving: what the autoscaler may spend)", at_max_size),
    Lever("1-year commitments", "Compute Savings Plan on min_size nodes, reserved RDS and ElastiCache nodes", saving=commitment_saving),
    Lever("log retention 30 days", "every log group kept 30 days at most", log_retention(30)),
    Lever("NAT instead of endpoints", "interface endpoints removed; their traffic through NAT", saving=endpoints_through_nat),
)
