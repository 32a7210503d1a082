"""Unit tests of constructs/network_acls.py, through the Network construct that creates them."""
from __future__ import annotations

import ipaddress

import pytest

from constructs.network import Network, NetworkProps, plan_subnets
from constructs.network_acls import ADMIN_PORTS, NetworkAclsProps, database_tier_rules, open_tier_rules
from tests.support import assert_rejected, of_type, one, synth_fixture

PROPS = dict(name="sparki-t", region="us-east-1", account_id="123456789012", vpc_cidr="10.0.0.0/16", azs=("us-east-1a", "us-east-1b", "us-east-1c"), nat_mode="single")
PORTS = (5432, 6379)
PRIVATE = [cidr for _, cidr in plan_subnets(PROPS["vpc_cidr"], PROPS["azs"])["private"]]


doc = synth_fixture(lambda s: Network(s, "network", NetworkProps(**PROPS, database_ports=PORTS)))


def acl(doc, tier):
    (found,) = [a for a in of_type(doc, "aws_network_acl").values() if a["tags"]["Name"] == f"sparki-t-{tier}"]
    return found


def entries_of(nacl, direction):
    """Entries without the attributes cdktf writes as null (attribute-as-block lists carry all)."""
    return [{k: v for k, v in e.items() if v is not None} for e in nacl[direction]]


def admits_from_world(entry, port):
    """Whether an allow entry lets the internet in on port (TCP or UDP)."""
    return (
        entry["action"] == "allow"
        and entry["cidr_block"] in ("0.0.0.0/0", "::/0")
        and (entry["protocol"] in ("-1", "all") or (entry["protocol"] in ("tcp", "udp", "6", "17") and entry["from_port"] <= port <= entry["to_port"]))
    )


def test_default_acl_has_no_rules_so_denies_everything(doc):
    default = one(doc, "aws_default_network_acl")
    assert default["default_network_acl_id"].endswith(".default_network_acl_id}")
    assert "ingress" not in default and "egress" not in default and "subnet_ids" not in default
    assert default["lifecycle"] == {"ignore_changes": ["subnet_ids"]}


def test_every_subnet_is_in_its_tiers_acl(doc):
    subnets = of_type(doc, "aws_subnet")
    for tier in ("public", "private", "database"):
        expected = sorted(f"${{aws_subnet.{k}.id}}" for k, s in subnets.items() if s["tags"]["Tier"] == tier)
        assert sorted(acl(doc, tier)["subnet_ids"]) == expected
    assert sum(len(a["subnet_ids"]) for a in of_type(doc, "aws_network_acl").values()) == len(subnets)


@pytest.mark.parametrize("port", ADMIN_PORTS)
def test_no_acl_admits_the_internet_to_remote_administration(doc, port):
    # CIS 5.1 / EC2.21, judged entry by entry as the Config rule does.
    for nacl in of_type(doc, "aws_network_acl").values():
        assert not [e for e in entries_of(nacl, "ingress") if admits_from_world(e, port)], nacl["tags"]["Name"]


@pytest.mark.parametrize("tier", ["public", "private"])
def test_open_tiers_keep_every_other_port_and_the_vpc(doc, tier):
    entries = entries_of(acl(doc, tier), "ingress")
    assert {"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "10.0.0.0/16", "from_port": 0, "to_port": 0} in entries
    for port in (0, 21, 23, 80, 443, 3388, 3390, 8080, 32768, 65535):
        for protocol in ("tcp", "udp"):
            assert [e for e in entries if e["protocol"] == protocol and admits_from_world(e, port)], (protocol, port)
    assert [e for e in entries if e["protocol"] == "icmp" and e["icmp_type"] == -1]
    assert entries_of(acl(doc, tier), "egress") == [{"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0}]


def test_database_tier_admits_only_the_private_subnets_on_the_data_ports(doc):
    database = acl(doc, "database")
    assert sorted((e["cidr_block"], e["protocol"], e["from_port"], e["to_port"]) for e in database["ingress"]) == sorted(
        (cidr, "tcp", port, port) for cidr in PRIVATE for port in PORTS
    )
    assert sorted((e["cidr_block"], e["protocol"], e["from_port"], e["to_port"]) for e in database["egress"]) == sorted(
        (cidr, "tcp", 1024, 65535) for cidr in PRIVATE
    )
    assert all(e["action"] == "allow" for e in database["ingress"] + database["egress"])


def test_private_subnets_lie_outside_the_database_tier():
    plan = plan_subnets(PROPS["vpc_cidr"], PROPS["azs"])
    for _, db in plan["database"]:
        assert not any(ipaddress.ip_network(db).overlaps(ipaddress.ip_network(p)) for p in PRIVATE)


def test_rule_numbers_are_unique_per_direction():
    for ingress, egress in (open_tier_rules("10.0.0.0/16"), database_tier_rules(PRIVATE + ["10.0.96.0/19"], PORTS)):
        for entries in (ingress, egress):
            numbers = [e["rule_no"] for e in entries]
            assert len(numbers) == len(set(numbers))
            assert len(entries) <= 20  # the default per-ACL quota per direction


def test_without_data_ports_the_database_tier_admits_nothing():
    assert database_tier_rules(PRIVATE, ())[0] == []


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(database_ports=(22,)), "not data ports"),
        (dict(database_ports=(70000,)), "not data ports"),
        (dict(subnet_ids={"public": []}), "give public, private and database"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    base = dict(name="t", vpc_id="vpc-1", vpc_cidr="10.0.0.0/16", default_network_acl_id="acl-1", subnet_ids={"public": [], "private": [], "database": []}, private_cidrs=PRIVATE)
    assert_rejected(NetworkAclsProps, base, changes, message)
