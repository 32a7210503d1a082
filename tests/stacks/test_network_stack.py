"""The network layer as synthesized for the real environments."""
from __future__ import annotations

import json

import pytest

import environments
from catalog.naming import resource_name, stack_name
from constructs.network import plan_subnets
from tests.support import of_type, one

ENVS = environments.load()


@pytest.fixture(params=list(ENVS))
def env(request):
    return ENVS[request.param]


@pytest.fixture
def doc(stacks, env):
    return stacks[stack_name(env.name, "network")]


def entries(nacl, direction):
    return [{k: v for k, v in e.items() if v is not None} for e in nacl.get(direction, [])]


def acl(doc, env, tier):
    (found,) = [a for a in of_type(doc, "aws_network_acl").values() if a["tags"]["Name"] == resource_name(env.name, tier)]
    return found


@pytest.mark.parametrize("port", [22, 3389])
def test_no_network_acl_admits_the_internet_to_ssh_or_rdp(doc, port):
    """CIS 5.1 / Security Hub EC2.21, entry by entry like the AWS Config rule."""
    for nacl in [*of_type(doc, "aws_network_acl").values(), *of_type(doc, "aws_default_network_acl").values()]:
        for entry in entries(nacl, "ingress"):
            if entry["action"] != "allow" or entry["cidr_block"] not in ("0.0.0.0/0", "::/0"):
                continue
            assert entry["protocol"] not in ("-1", "all"), entry
            if entry["protocol"] in ("tcp", "udp", "6", "17"):
                assert not entry["from_port"] <= port <= entry["to_port"], entry


def test_default_network_acl_denies_everything(doc):
    default = one(doc, "aws_default_network_acl")
    assert not entries(default, "ingress") and not entries(default, "egress")
    (vpc_id,) = of_type(doc, "aws_vpc")
    assert default["default_network_acl_id"] == f"${{aws_vpc.{vpc_id}.default_network_acl_id}}"


def test_every_subnet_has_its_tiers_network_acl(doc, env):
    subnets = of_type(doc, "aws_subnet")
    for tier in ("public", "private", "database"):
        assert sorted(acl(doc, env, tier)["subnet_ids"]) == sorted(f"${{aws_subnet.{k}.id}}" for k, s in subnets.items() if s["tags"]["Tier"] == tier)


def test_database_tier_admits_only_the_private_subnets_on_the_data_ports(doc, env):
    private = [cidr for _, cidr in plan_subnets(env.network.vpc_cidr, env.azs)["private"]]
    database = acl(doc, env, "database")
    assert sorted((e["cidr_block"], e["from_port"], e["to_port"]) for e in entries(database, "ingress")) == sorted(
        (cidr, port, port) for cidr in private for port in (5432, 6379)
    )
    assert {e["cidr_block"] for e in entries(database, "egress")} == set(private)
    assert all(e["protocol"] == "tcp" and e["action"] == "allow" for e in entries(database, "ingress") + entries(database, "egress"))


def test_every_endpoint_has_a_policy_naming_this_account(doc, env):
    endpoints = of_type(doc, "aws_vpc_endpoint").values()
    services = sorted(e["service_name"].removeprefix(f"com.amazonaws.{env.region}.") for e in endpoints)
    assert services == sorted(["s3", "dynamodb", *env.network.interface_endpoints])
    for endpoint in endpoints:
        policy = json.loads(endpoint["policy"])
        first = policy["Statement"][0]
        assert first["Condition"]["StringEquals"]["aws:PrincipalAccount"] == env.account_id, endpoint["service_name"]
