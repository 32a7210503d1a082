"""Unit tests of constructs/network.py."""
from __future__ import annotations

import ipaddress
import json
import re

import pytest

from catalog.aws import INTERFACE_ENDPOINTS
from constructs.network import Network, NetworkProps, plan_subnets
from tests.support import assert_rejected, of_type, synth_fixture

MINIMAL = dict(name="sparki-t", region="us-east-1", account_id="123456789012", vpc_cidr="10.0.0.0/16", azs=("us-east-1a", "us-east-1b"), nat_mode="single")
FULL = dict(
    MINIMAL,
    azs=("us-east-1a", "us-east-1b", "us-east-1c"),
    nat_mode="per_az",
    interface_endpoints=INTERFACE_ENDPOINTS,
    flow_log_retention_days=365,
    cluster_name="sparki-t-eks",
)


minimal = synth_fixture(lambda s: Network(s, "network", NetworkProps(**MINIMAL)))
full = synth_fixture(lambda s: Network(s, "network", NetworkProps(**FULL, flow_log_key_arn="arn:aws:kms:us-east-1:123456789012:key/abc")))


def subnets_by_tier(doc):
    tiers = {}
    for sub in of_type(doc, "aws_subnet").values():
        tiers.setdefault(sub["tags"]["Tier"], []).append(sub)
    return tiers


# -- subnet plan ----------------------------------------------------------------------------


@pytest.mark.parametrize("cidr", ["10.0.0.0/16", "172.16.0.0/18", "192.168.0.0/20"])
@pytest.mark.parametrize("count", [2, 3, 4])
def test_plan_is_disjoint_inside_the_vpc_and_one_subnet_per_az_and_tier(cidr, count):
    azs = [f"us-east-1{c}" for c in "abcd"[:count]]
    plan = plan_subnets(cidr, azs)
    vpc = ipaddress.ip_network(cidr)
    nets = [ipaddress.ip_network(c) for tier in plan.values() for _, c in tier]
    assert all(n.subnet_of(vpc) for n in nets)
    assert not any(a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1:])
    assert all([az for az, _ in plan[t]] == azs for t in plan)


def test_plan_is_stable_when_an_az_is_added():
    two = plan_subnets("10.0.0.0/16", ["us-east-1a", "us-east-1b"])
    three = plan_subnets("10.0.0.0/16", ["us-east-1a", "us-east-1b", "us-east-1c"])
    for tier in two:
        assert three[tier][:2] == two[tier]


def test_plan_gives_private_subnets_the_most_room():
    plan = plan_subnets("10.0.0.0/16", ["us-east-1a", "us-east-1b"])
    assert plan["private"][0] == ("us-east-1a", "10.0.0.0/19")
    assert plan["public"][0] == ("us-east-1a", "10.0.128.0/21")
    assert plan["database"][0] == ("us-east-1a", "10.0.160.0/21")


# -- minimal props ----------------------------------------------------------------------------


def test_minimal_has_three_tiers_per_az_and_one_nat(minimal):
    tiers = subnets_by_tier(minimal)
    assert {t: len(s) for t, s in tiers.items()} == {"public": 2, "private": 2, "database": 2}
    assert len(of_type(minimal, "aws_nat_gateway")) == 1
    assert len(of_type(minimal, "aws_eip")) == 1
    assert all(s["map_public_ip_on_launch"] is False for s in of_type(minimal, "aws_subnet").values())


def test_vpc_resolves_dns(minimal):
    (vpc,) = of_type(minimal, "aws_vpc").values()
    assert vpc["enable_dns_support"] and vpc["enable_dns_hostnames"]


def test_default_security_group_allows_nothing(minimal):
    (sg,) = of_type(minimal, "aws_default_security_group").values()
    assert sg["ingress"] == [] and sg["egress"] == []


def test_database_tier_has_no_route_to_the_internet(minimal):
    tables = of_type(minimal, "aws_route_table")
    db_ids = [k for k, v in tables.items() if v["tags"]["Name"].endswith("-database")]
    assert len(db_ids) == 1
    routes = of_type(minimal, "aws_route").values()
    assert not [r for r in routes if db_ids[0] in r["route_table_id"]]
    assert not any("route" in t for t in tables.values()), "inline routes would bypass this check"


def test_private_routes_go_through_nat_and_public_through_igw(minimal):
    routes = list(of_type(minimal, "aws_route").values())
    assert sum("nat_gateway_id" in r for r in routes) == 2
    assert sum("gateway_id" in r for r in routes) == 1
    assert all(r["destination_cidr_block"] == "0.0.0.0/0" for r in routes)


def test_load_balancer_subnet_tags(minimal, full):
    tiers = subnets_by_tier(minimal)
    assert all(s["tags"]["kubernetes.io/role/elb"] == "1" for s in tiers["public"])
    assert all(s["tags"]["kubernetes.io/role/internal-elb"] == "1" for s in tiers["private"])
    assert all("kubernetes.io/role/elb" not in s["tags"] for s in tiers["database"])
    assert all(s["tags"]["kubernetes.io/cluster/sparki-t-eks"] == "shared" for s in subnets_by_tier(full)["private"])


def test_flow_logs_are_encrypted_with_a_key_scoped_to_the_log_group(minimal):
    (group,) = of_type(minimal, "aws_cloudwatch_log_group").values()
    assert group["retention_in_days"] == 90
    assert group["kms_key_id"].startswith("${aws_kms_key.")
    (key,) = of_type(minimal, "aws_kms_key").values()
    assert key["enable_key_rotation"] is True
    statements = json.loads(key["policy"])["Statement"]
    logs = [s for s in statements if s.get("Principal", {}).get("Service") == "logs.us-east-1.amazonaws.com"]
    assert logs[0]["Condition"]["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"].endswith(":log-group:/sparki-t/vpc-flow-logs")
    (flow,) = of_type(minimal, "aws_flow_log").values()
    assert flow["traffic_type"] == "ALL"


def test_flow_log_format_keeps_the_default_fields_and_adds_packet_addresses_and_direction(minimal):
    (flow,) = of_type(minimal, "aws_flow_log").values()
    fields = re.findall(r"\$\$\{([a-z0-9-]+)\}", flow["log_format"])
    # Every placeholder escaped, so Terraform passes it to AWS instead of reading a reference.
    assert flow["log_format"] == " ".join(f"$${{{f}}}" for f in fields)
    default = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
    assert fields[:14] == default.split()
    assert {"pkt-srcaddr", "pkt-dstaddr", "flow-direction"} <= set(fields)
    assert len(set(fields)) == len(fields)


def test_flow_log_role_is_limited_to_its_log_group(minimal):
    (policy,) = of_type(minimal, "aws_iam_role_policy").values()
    (document,) = minimal["data"]["aws_iam_policy_document"].values()
    assert policy["policy"].startswith("${data.aws_iam_policy_document.") and policy["policy"].endswith(".json}")
    (statement,) = document["statement"]
    assert statement["resources"][0].startswith("${aws_cloudwatch_log_group.network_flow_log_group")
    assert statement["resources"][1] == statement["resources"][0] + ":*"
    assert "*" not in "".join(statement["actions"])
    (role,) = of_type(minimal, "aws_iam_role").values()
    trust = json.loads(role["assume_role_policy"])["Statement"][0]
    assert trust["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012"},
        "ArnLike": {"aws:SourceArn": "arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*"},
    }


def test_gateway_endpoints_serve_private_and_database_route_tables(minimal):
    endpoints = of_type(minimal, "aws_vpc_endpoint").values()
    gateways = {e["service_name"]: e for e in endpoints if e["vpc_endpoint_type"] == "Gateway"}
    assert set(gateways) == {"com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.dynamodb"}
    assert all(len(g["route_table_ids"]) == 3 for g in gateways.values())
    assert not [e for e in endpoints if e["vpc_endpoint_type"] == "Interface"]
    assert not of_type(minimal, "aws_security_group")


def test_subnet_groups_use_database_subnets(minimal):
    (db,) = of_type(minimal, "aws_db_subnet_group").values()
    (cache,) = of_type(minimal, "aws_elasticache_subnet_group").values()
    assert db["name"] == "sparki-t-database" and cache["name"] == "sparki-t-cache"
    assert db["subnet_ids"] == cache["subnet_ids"] and len(db["subnet_ids"]) == 2
    assert all("aws_subnet.network_database_" in s for s in db["subnet_ids"])


# -- full props --------------------------------------------------------------------------------


def test_full_has_a_nat_gateway_and_private_route_table_per_az(full):
    assert len(of_type(full, "aws_nat_gateway")) == 3
    routes = [r for r in of_type(full, "aws_route").values() if "nat_gateway_id" in r]
    assert len({r["nat_gateway_id"] for r in routes}) == 3


def test_full_interface_endpoints_are_private_and_https_only_from_the_vpc(full):
    interfaces = [e for e in of_type(full, "aws_vpc_endpoint").values() if e["vpc_endpoint_type"] == "Interface"]
    assert sorted(e["service_name"].removeprefix("com.amazonaws.us-east-1.") for e in interfaces) == sorted(FULL["interface_endpoints"])
    assert all(e["private_dns_enabled"] and len(e["subnet_ids"]) == 3 for e in interfaces)
    (sg,) = of_type(full, "aws_security_group").values()
    assert [(i["from_port"], i["to_port"], i["cidr_blocks"]) for i in sg["ingress"]] == [(443, 443, ["10.0.0.0/16"])]
    assert sg["egress"] == []


def test_given_flow_log_key_is_used_and_no_key_is_created(full):
    assert not of_type(full, "aws_kms_key")
    (group,) = of_type(full, "aws_cloudwatch_log_group").values()
    assert group["kms_key_id"] == "arn:aws:kms:us-east-1:123456789012:key/abc"
    assert group["retention_in_days"] == 365


# -- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(nat_mode="double"), "nat_mode='double'"),
        (dict(interface_endpoints=("ec2messages",)), "interface_endpoints: unknown"),
        (dict(vpc_cidr="10.0.0.0/24"), "too small for three subnet tiers"),
        (dict(azs=("us-east-1a",)), "needs 2 to 4 availability zones"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    assert_rejected(NetworkProps, MINIMAL, changes, message.replace("(", r"\("))


@pytest.mark.parametrize("which", ["minimal", "full"])
def test_every_endpoint_has_a_policy_for_this_account(request, which):
    endpoints = of_type(request.getfixturevalue(which), "aws_vpc_endpoint").values()
    assert endpoints
    for endpoint in endpoints:
        statements = json.loads(endpoint["policy"])["Statement"]
        assert "123456789012" in json.dumps(statements[0]), endpoint["service_name"]
        assert all(s["Effect"] == "Allow" for s in statements)
