"""Unit tests of constructs/node_group.py."""
from __future__ import annotations

import json

import pytest

from constructs.node_group import GROUP_LABEL, NODE_MANAGED_POLICIES, NodeGroup, NodeGroupProps, Taint
from tests.support import assert_rejected, of_type, synth_fixture

DATA_KEY = "arn:aws:kms:us-east-1:123456789012:key/data"
MINIMAL = dict(
    name_prefix="sparki-t",
    group="system",
    cluster_name="t-eks",
    cluster_version="1.33",
    subnet_ids=("subnet-a", "subnet-b"),
    instance_types=("m6i.large",),
    min_size=1,
    desired_size=2,
    max_size=3,
    root_volume_key_arn=DATA_KEY,
)
FULL = dict(
    MINIMAL,
    group="workload",
    instance_types=("m7g.large", "m6g.large"),
    capacity_type="SPOT",
    architecture="arm64",
    disk_size_gib=100,
    labels={"sparki.io/pool": "workload"},
    taints=(Taint(key="dedicated", value="batch", effect="NO_SCHEDULE"), Taint(key="CriticalAddonsOnly", effect="NO_EXECUTE")),
    max_unavailable_percent=25,
    instance_tags={"sparki.io/cluster": "t-eks"},
    security_group_ids=("sg-nodes",),
)


minimal = synth_fixture(lambda s: NodeGroup(s, "nodes", NodeGroupProps(**MINIMAL)))
full = synth_fixture(lambda s: NodeGroup(s, "nodes", NodeGroupProps(**FULL)))
green_frozen = synth_fixture(lambda s: NodeGroup(s, "nodes", NodeGroupProps(**MINIMAL, generation="green", frozen=True)))


def only(doc, rtype):
    (item,) = of_type(doc, rtype).values()
    return item


# -- launch template: IMDS, volumes, SSH ------------------------------------------------------------


@pytest.mark.parametrize("which", ["minimal", "full"])
def test_imdsv2_required_with_hop_limit_one(request, which):
    template = only(request.getfixturevalue(which), "aws_launch_template")
    assert template["metadata_options"] == {
        "http_endpoint": "enabled",
        "http_tokens": "required",
        "http_put_response_hop_limit": 1,
        "instance_metadata_tags": "disabled",
    }


def test_root_volume_is_encrypted_gp3_with_the_data_key(minimal, full):
    for doc, size in ((minimal, 50), (full, 100)):
        (mapping,) = only(doc, "aws_launch_template")["block_device_mappings"]
        assert mapping["device_name"] == "/dev/xvda"
        assert mapping["ebs"] == {
            "volume_type": "gp3",
            "volume_size": size,
            "encrypted": "true",
            "kms_key_id": DATA_KEY,
            "delete_on_termination": "true",
        }


def test_no_ssh_key_no_remote_access_no_public_address(minimal):
    template = only(minimal, "aws_launch_template")
    assert "key_name" not in template and "network_interfaces" not in template and "user_data" not in template
    assert "remote_access" not in only(minimal, "aws_eks_node_group")


def test_launched_resources_are_tagged(minimal, full):
    specs = only(full, "aws_launch_template")["tag_specifications"]
    assert [s["resource_type"] for s in specs] == ["instance", "volume", "network-interface"]
    assert all(s["tags"] == {"Name": "sparki-t-workload", "sparki.io/cluster": "t-eks"} for s in specs)
    assert all(s["tags"] == {"Name": "sparki-t-system"} for s in only(minimal, "aws_launch_template")["tag_specifications"])


# -- node group -------------------------------------------------------------------------------------


def test_minimal_group_follows_cluster_with_rolling_updates(minimal):
    group = only(minimal, "aws_eks_node_group")
    assert group["node_group_name"] == "sparki-t-system" and group["cluster_name"] == "t-eks"
    assert group["version"] == "1.33"
    assert group["capacity_type"] == "ON_DEMAND" and group["ami_type"] == "AL2023_x86_64_STANDARD"
    assert group["scaling_config"] == {"min_size": 1, "desired_size": 2, "max_size": 3}
    assert group["update_config"] == {"max_unavailable_percentage": 33}
    assert group["labels"] == {GROUP_LABEL: "system"}
    assert "taint" not in group and "disk_size" not in group
    assert group["lifecycle"] == {"ignore_changes": ["scaling_config[0].desired_size"]}
    assert group["node_repair_config"] == {"enabled": True}
    assert group["launch_template"]["version"].endswith(".latest_version}")


def test_full_group_carries_spot_labels_and_taints(full):
    group = only(full, "aws_eks_node_group")
    assert group["capacity_type"] == "SPOT" and group["instance_types"] == ["m7g.large", "m6g.large"]
    assert group["ami_type"] == "AL2023_ARM_64_STANDARD"
    assert group["labels"] == {"sparki.io/pool": "workload", GROUP_LABEL: "workload"}
    assert group["taint"] == [
        {"key": "dedicated", "value": "batch", "effect": "NO_SCHEDULE"},
        {"key": "CriticalAddonsOnly", "effect": "NO_EXECUTE"},
    ]
    assert group["update_config"] == {"max_unavailable_percentage": 25}


def test_node_role_has_only_the_minimal_managed_policies(minimal):
    role = only(minimal, "aws_iam_role")
    assert role["name"] == "sparki-t-system-node"
    trust = json.loads(role["assume_role_policy"])["Statement"]
    assert [(s["Principal"], s["Action"]) for s in trust] == [({"Service": "ec2.amazonaws.com"}, "sts:AssumeRole")]
    attached = sorted(a["policy_arn"] for a in of_type(minimal, "aws_iam_role_policy_attachment").values())
    assert attached == sorted(NODE_MANAGED_POLICIES)
    assert not any("CNI" in arn for arn in attached), "the VPC CNI has its own IRSA role"
    assert not of_type(minimal, "aws_iam_role_policy")


# -- validation --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(group="System"), "group='System'"),
        (dict(instance_types=()), "must not be empty"),
        (dict(capacity_type="RESERVED"), "capacity_type='RESERVED'"),
        (dict(capacity_type="SPOT"), "at least two instance_types"),
        (dict(architecture="x86_64"), "architecture='x86_64'"),
        (dict(architecture="arm64"), "instance_types m6i.large are not arm64"),
        (dict(instance_types=("m6i.large", "t4g.large")), "instance_types t4g.large are not amd64"),
        (dict(min_size=3, desired_size=2), "need 0 <= min <= desired <= max"),
        (dict(min_size=0, desired_size=0, max_size=0), "max >= 1"),
        (dict(disk_size_gib=10), "disk_size_gib=10"),
        (dict(max_unavailable_percent=0), "max_unavailable_percent=0"),
        (dict(labels={GROUP_LABEL: "x"}), "is set by the construct"),
        (dict(generation="purple"), "generation='purple'"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    assert_rejected(NodeGroupProps, MINIMAL, changes, message)


def test_invalid_taint_effect_is_rejected():
    with pytest.raises(ValueError, match="effect='NoSchedule'"):
        Taint(key="dedicated", effect="NoSchedule")


def test_security_groups_go_on_the_launch_template_only_when_given(minimal, full):
    # Without them EKS attaches the cluster security group; with them, only these.
    assert "vpc_security_group_ids" not in only(minimal, "aws_launch_template")
    assert only(full, "aws_launch_template")["vpc_security_group_ids"] == ["sg-nodes"]
    assert "vpc_config" not in only(full, "aws_eks_node_group")


def test_a_green_generation_is_named_apart_and_a_frozen_one_ignores_every_change(minimal, green_frozen):
    group, template = only(green_frozen, "aws_eks_node_group"), only(green_frozen, "aws_launch_template")
    assert group["node_group_name"] == template["name"] == "sparki-t-system-green"
    assert group["labels"][GROUP_LABEL] == "system"
    assert group["lifecycle"]["ignore_changes"] == template["lifecycle"]["ignore_changes"] == "all"
    assert only(minimal, "aws_eks_node_group")["node_group_name"] == "sparki-t-system"
    assert "lifecycle" not in only(minimal, "aws_launch_template")
