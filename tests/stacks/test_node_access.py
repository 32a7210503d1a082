"""Who reaches the database and the cache, read from the synthesized data and cluster stacks of
every environment: the nodes' own security group, and nothing else."""
from __future__ import annotations

import re

import pytest

import environments
from catalog.naming import resource_name, stack_name
from constructs.node_security_group import CONTROL_PLANE_PORTS
from tests.support import of_type

ENVS = environments.load()
REMOTE = re.compile(r"^\$\{data\.terraform_remote_state\.cross-stack-reference-input-(?P<stack>[\w-]+)\.outputs\.(?P<output>[\w-]+)\}$")
# Every resource type that can open a security group; the data stack may use the first only.
RULE_TYPES = ("aws_vpc_security_group_ingress_rule", "aws_security_group_rule")


@pytest.fixture(params=list(ENVS))
def env(request):
    return ENVS[request.param]


def node_group_id(cluster_doc, env) -> str:
    """Logical id of the nodes' security group in the cluster stack."""
    (logical_id,) = [k for k, g in of_type(cluster_doc, "aws_security_group").items() if g["name"] == resource_name(env.name, "eks-nodes")]
    return logical_id


def resolve(reference: str, stacks: dict) -> str:
    """What a cross-stack reference in one stack stands for in the stack that exports it."""
    match = REMOTE.match(reference)
    assert match, f"{reference} is not a cross-stack reference"
    return stacks[match["stack"]]["output"][match["output"]]["value"]


def test_stores_admit_the_node_security_group_and_nothing_else(stacks, env):
    data, cluster = stacks[stack_name(env.name, "data")], stacks[stack_name(env.name, "cluster")]
    nodes = f"${{aws_security_group.{node_group_id(cluster, env)}.id}}"
    groups = of_type(data, "aws_security_group")
    for group in groups.values():
        assert "ingress" not in group and group["egress"] == [], group["name"]
    assert not of_type(data, "aws_security_group_rule")
    admitted = {}
    for rule in of_type(data, "aws_vpc_security_group_ingress_rule").values():
        assert not {"cidr_ipv4", "cidr_ipv6", "prefix_list_id"} & set(rule)
        assert rule["ip_protocol"] == "tcp" and rule["from_port"] == rule["to_port"]
        assert resolve(rule["referenced_security_group_id"], stacks) == nodes
        admitted[rule["security_group_id"].split(".")[1]] = rule["from_port"]
    # Each store's group has one rule, on its own port: PostgreSQL 5432, Redis/Valkey 6379.
    assert set(admitted) == set(groups)
    assert sorted(admitted.values()) == [5432, 6379]


def test_every_node_group_carries_the_node_security_group_only(stacks, env):
    cluster = stacks[stack_name(env.name, "cluster")]
    nodes = f"${{aws_security_group.{node_group_id(cluster, env)}.id}}"
    templates = of_type(cluster, "aws_launch_template").values()
    assert len(templates) == len(env.cluster.node_groups)
    assert all(t["vpc_security_group_ids"] == [nodes] for t in templates)


def test_the_node_security_group_is_not_the_control_planes(stacks, env):
    cluster = stacks[stack_name(env.name, "cluster")]
    logical_id = node_group_id(cluster, env)
    (eks_id,) = of_type(cluster, "aws_eks_cluster")
    primary = f"${{aws_eks_cluster.{eks_id}.vpc_config[0].cluster_security_group_id}}"
    rules = of_type(cluster, "aws_vpc_security_group_ingress_rule").values()
    # The control plane's group admits the nodes on 443; the nodes' group admits the control
    # plane's on the kubelet and webhook ports, and itself.
    assert [(r["from_port"], r["referenced_security_group_id"]) for r in rules if r["security_group_id"] == primary] == [
        (443, f"${{aws_security_group.{logical_id}.id}}")
    ]
    assert sorted(r["from_port"] for r in rules if r["referenced_security_group_id"] == primary) == sorted(CONTROL_PLANE_PORTS)
