"""The disaster-recovery rules: one failing example each, applied to the real data."""
from __future__ import annotations

import pytest

import environments
from catalog.aws import DR_SERVICES, supports_global_datastore
from environments.schema import ConfigError, check_disjoint
from tests.environments.mistakes import DELETE, assert_refused, edited

RAW = {name: environments.read(name) for name in environments.NAMES}
DR_TABLE = {"vpc_cidr": "10.19.0.0/16", "azs": ["us-west-2a", "us-west-2b"]}


@pytest.mark.parametrize(
    "env, path, value, field, says",
    [
        ("prod", "dr_region", DELETE, "dr_region", "may not turn DR off"),
        ("prod", "dr", DELETE, "dr", "give a [dr] table with vpc_cidr and azs"),
        ("dev", "dr", DR_TABLE, "dr", "given without dr_region"),
        ("prod", "dr.vpc_cidr", "10.30.128.0/17", "dr.vpc_cidr", "overlaps network.vpc_cidr 10.30.0.0/16"),
        ("prod", "dr.vpc_cidr", "10.31.0.0/24", "dr.vpc_cidr", "too small"),
        ("prod", "dr.vpc_cidr", "8.8.0.0/16", "dr.vpc_cidr", "RFC 1918"),
        ("prod", "dr.azs", ["us-west-2a"], "dr.azs", "needs 2..4 zones of us-west-2"),
        ("prod", "dr.azs", ["us-west-2a", "us-east-1b"], "dr.azs[1]", "not a zone of the DR region us-west-2"),
        ("prod", "dr.azs", ["us-west-2a", "us-west-2a"], "dr.azs[1]", "repeats azs[0]"),
        ("prod", "dr.standby_nodes", 0, "dr.standby_nodes", "1..3"),
        ("prod", "dr.promoted", "yes", "dr.promoted", "true or false"),
        ("prod", "data.cache.node_type", "cache.t4g.medium", "data.cache.node_type", "cannot join an ElastiCache global datastore"),
    ],
)
def test_each_dr_rule_names_environment_field_and_fix(env, path, value, field, says):
    assert_refused(env, path, value, field, says)


def test_a_dr_region_without_a_service_dr_uses_is_refused(monkeypatch):
    monkeypatch.setitem(DR_SERVICES, "a service only us-east-1 has", frozenset({"us-east-1"}))
    assert_refused("prod", "dr_region", "us-west-2", "dr_region", "does not offer a service only us-east-1 has")


@pytest.mark.parametrize(
    "env, path, value, field, says",
    [
        # Another environment's DR VPC, and a DR VPC on another environment's VPC.
        ("staging", "network.vpc_cidr", "10.31.0.0/20", "network.vpc_cidr", None),
        ("prod", "dr.vpc_cidr", "10.20.0.0/16", "dr.vpc_cidr", "10.20.0.0/16 overlaps staging's 10.20.0.0/16"),
    ],
)
def test_every_vpc_of_every_environment_stays_peerable(env, path, value, field, says):
    parsed = {name: environments.parse(name, edited(RAW[name], path, value) if name == env else RAW[name]) for name in environments.NAMES}
    with pytest.raises(ConfigError) as err:
        check_disjoint(parsed)
    # Promotion order: the later environment is the one named.
    assert err.value.field == ("dr.vpc_cidr" if env == "staging" else field)
    assert "peerable" in str(err.value)
    if says:
        assert says in str(err.value)


@pytest.mark.parametrize(
    "node_type, joins",
    [("cache.r7g.large", True), ("cache.m6g.xlarge", True), ("cache.t4g.medium", False), ("cache.r7g.medium", False), ("cache.t3.large", False)],
)
def test_global_datastore_node_types(node_type, joins):
    assert supports_global_datastore(node_type) is joins


def test_production_stands_by_in_its_dr_region():
    prod = environments.load()["prod"]
    assert prod.dr_region and prod.dr_region != prod.region and prod.dr is not None and not prod.dr.promoted
