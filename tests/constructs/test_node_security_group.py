"""Unit tests of constructs/node_security_group.py."""
from __future__ import annotations

import pytest

from constructs.node_security_group import CONTROL_PLANE_PORTS, NodeSecurityGroup, NodeSecurityGroupProps
from tests.support import of_type, one, synth_fixture

PROPS = dict(name="t-eks-nodes", cluster_name="t-eks", vpc_id="vpc-1", cluster_security_group_id="sg-cluster")


doc = synth_fixture(lambda s: NodeSecurityGroup(s, "nodes", NodeSecurityGroupProps(**PROPS)))


def node_group_ref(doc):
    (logical_id,) = of_type(doc, "aws_security_group")
    return f"${{aws_security_group.{logical_id}.id}}"


def rules(doc, rtype, target):
    return sorted(
        (r.get("referenced_security_group_id") or r.get("cidr_ipv4"), r["ip_protocol"], r.get("from_port"), r.get("to_port"))
        for r in of_type(doc, rtype).values()
        if r["security_group_id"] == target
    )


def test_group_has_no_inline_rules_and_the_load_balancer_controller_tag(doc):
    group = one(doc, "aws_security_group")
    assert "ingress" not in group and "egress" not in group
    assert group["vpc_id"] == "vpc-1"
    assert group["tags"] == {"Name": "t-eks-nodes", "kubernetes.io/cluster/t-eks": "owned"}


def test_nodes_admit_each_other_and_the_control_plane_only(doc):
    nodes = node_group_ref(doc)
    assert rules(doc, "aws_vpc_security_group_ingress_rule", nodes) == sorted(
        [(nodes, "-1", None, None)] + [("sg-cluster", "tcp", port, port) for port in CONTROL_PLANE_PORTS]
    )


def test_kubelet_and_webhook_ports_are_open_to_the_control_plane():
    # terraform-aws-modules/eks v20's node rules toward the cluster group, port for port.
    assert sorted(CONTROL_PLANE_PORTS) == [443, 4443, 6443, 8443, 9443, 10250]


def test_cluster_group_admits_the_nodes_on_443_only(doc):
    assert rules(doc, "aws_vpc_security_group_ingress_rule", "sg-cluster") == [(node_group_ref(doc), "tcp", 443, 443)]


def test_nodes_may_connect_anywhere(doc):
    assert rules(doc, "aws_vpc_security_group_egress_rule", node_group_ref(doc)) == [("0.0.0.0/0", "-1", None, None)]


def test_every_rule_says_why(doc):
    for rtype in ("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"):
        assert all(len(r["description"]) > 20 for r in of_type(doc, rtype).values())


def test_empty_names_are_rejected():
    with pytest.raises(ValueError, match="must not be empty"):
        NodeSecurityGroupProps(**{**PROPS, "cluster_name": ""})
