"""Unit tests of constructs/client_security_group.py."""
from __future__ import annotations

import pytest

from constructs.client_security_group import ClientSecurityGroup, ClientSecurityGroupProps
from tests.support import assert_rejected, of_type, synth_fixture

MINIMAL = dict(name="sparki-t-db", description="db clients", vpc_id="vpc-1", port=5432)


minimal = synth_fixture(lambda s: ClientSecurityGroup(s, "sg", ClientSecurityGroupProps(**MINIMAL)))
full = synth_fixture(lambda s: ClientSecurityGroup(s, "sg", ClientSecurityGroupProps(**MINIMAL, client_security_group_ids=("sg-a", "sg-b", "sg-c"))))


def test_without_clients_nothing_gets_in_or_out(minimal):
    (sg,) = of_type(minimal, "aws_security_group").values()
    assert sg["name"] == "sparki-t-db" and sg["vpc_id"] == "vpc-1" and sg["tags"] == {"Name": "sparki-t-db"}
    assert sg["egress"] == [] and "ingress" not in sg
    assert of_type(minimal, "aws_vpc_security_group_ingress_rule") == {}


def test_each_client_group_gets_its_own_rule_on_the_one_port(full):
    (sg_id,) = of_type(full, "aws_security_group")
    rules = of_type(full, "aws_vpc_security_group_ingress_rule").values()
    assert sorted(r["referenced_security_group_id"] for r in rules) == ["sg-a", "sg-b", "sg-c"]
    for rule in rules:
        assert rule["security_group_id"] == f"${{aws_security_group.{sg_id}.id}}"
        assert (rule["ip_protocol"], rule["from_port"], rule["to_port"]) == ("tcp", 5432, 5432)
        assert rule["description"]
        assert not {"cidr_ipv4", "cidr_ipv6", "prefix_list_id"} & set(rule)


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(port=0), "1..65535"),
        (dict(port=70000), "1..65535"),
        (dict(client_security_group_ids=("sg-a", "sg-a")), "twice"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    assert_rejected(ClientSecurityGroupProps, MINIMAL, changes, message)
