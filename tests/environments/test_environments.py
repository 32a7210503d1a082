"""Every validation rule of environments/, one failing example each, plus the real data."""
from __future__ import annotations

import dataclasses

import pytest

import environments
from environments.schema import ConfigError, Environment, NetworkSettings, StateSettings, check_disjoint

ENVS = environments.load()
DEV, STAGING, PROD = ENVS["dev"], ENVS["staging"], ENVS["prod"]


def net(env: Environment, **changes) -> NetworkSettings:
    return dataclasses.replace(env.network, **changes)


@pytest.mark.parametrize(
    "base, changes, field, says",
    [
        (DEV, dict(name="Dev"), "name", "lowercase"),
        (DEV, dict(account_id="12345"), "account_id", "12-digit"),
        (DEV, dict(account_id="12345678901a"), "account_id", "12-digit"),
        (DEV, dict(region="us-east-9"), "region", "not a known AWS region"),
        (PROD, dict(dr_region="mars-1"), "dr_region", "not a known AWS region"),
        (PROD, dict(dr_region="us-east-1"), "dr_region", "different region"),
        (DEV, dict(azs=("us-east-1a",)), "azs", "at least 2"),
        (DEV, dict(azs=("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e")), "azs", "at most 4"),
        (DEV, dict(azs=("us-east-1a", "us-east-1a")), "azs", "repeats"),
        (DEV, dict(azs=("us-east-1a", "us-west-2b")), "azs", "not a zone of region us-east-1"),
        (DEV, dict(network=net(DEV, vpc_cidr="10.10.0.0/33")), "network.vpc_cidr", "not a valid IPv4 network"),
        (DEV, dict(network=net(DEV, vpc_cidr="10.10.0.1/16")), "network.vpc_cidr", "host bits zero"),
        (DEV, dict(network=net(DEV, vpc_cidr="8.8.0.0/16")), "network.vpc_cidr", "RFC 1918"),
        (DEV, dict(network=net(DEV, vpc_cidr="10.10.0.0/24")), "network.vpc_cidr", "too small"),
        (DEV, dict(network=net(DEV, vpc_cidr="10.0.0.0/8")), "network.vpc_cidr", "larger than AWS allows"),
        (DEV, dict(network=net(DEV, nat_mode="none")), "network.nat_mode", "single, per_az"),
        (PROD, dict(network=net(PROD, nat_mode="single")), "network.nat_mode", "not allowed in production"),
        (DEV, dict(network=net(DEV, interface_endpoints=("ec2messages",))), "network.interface_endpoints", "unknown endpoint"),
        (DEV, dict(network=net(DEV, interface_endpoints=("sts", "sts"))), "network.interface_endpoints", "twice"),
        (DEV, dict(network=net(DEV, flow_log_retention_days=10)), "network.flow_log_retention_days", "retention value"),
        (DEV, dict(log_retention_days=0), "log_retention_days", "retention value"),
        (DEV, dict(state=StateSettings(noncurrent_version_days=0)), "state.noncurrent_version_days", "1..3650"),
        (DEV, dict(state=StateSettings(kms_deletion_window_days=5)), "state.kms_deletion_window_days", "7..30"),
        (PROD, dict(state=StateSettings(force_destroy=True)), "state.force_destroy", "not allowed in production"),
        (DEV, dict(tags={"Environment": "x"}), "tags", "set by the stacks"),
        (DEV, dict(tags={"aws:owner": "x"}), "tags", "not a valid tag key"),
        (DEV, dict(tags={"Owner": "x" * 300}), "tags", "at most 256"),
    ],
)
def test_each_rule_names_environment_field_and_fix(base, changes, field, says):
    with pytest.raises(ConfigError) as err:
        dataclasses.replace(base, **changes)
    message = str(err.value)
    assert err.value.field == field
    assert says in message
    assert f"environment '{changes.get('name', base.name)}'" in message
    assert "\n" not in message


def test_overlapping_cidrs_between_environments_are_rejected():
    clash = dataclasses.replace(STAGING, network=net(STAGING, vpc_cidr="10.10.128.0/17"))
    with pytest.raises(ConfigError, match=r"environment 'staging': field 'network.vpc_cidr': 10.10.128.0/17 overlaps dev's 10.10.0.0/16"):
        check_disjoint({"dev": DEV, "staging": clash})


def test_environment_registered_under_another_name_is_rejected():
    with pytest.raises(ConfigError, match="registered as 'qa' but named 'dev'"):
        check_disjoint({"qa": DEV})


def test_unknown_environment_selection_is_rejected():
    with pytest.raises(ConfigError, match="environment 'qa': field 'ENV': unknown environment; use one of dev, staging, prod"):
        environments.load(["qa"])


def test_load_selects_but_still_checks_every_environment():
    assert list(environments.load(["prod"])) == ["prod"]


# -- invariants of the real data ------------------------------------------------------------


def test_three_environments_with_disjoint_private_cidrs():
    assert list(ENVS) == ["dev", "staging", "prod"]
    nets = [e.vpc_network for e in ENVS.values()]
    assert all(n.is_private for n in nets)
    assert not any(a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1:])


def test_production_is_highly_available_and_keeps_logs_a_year():
    assert PROD.network.nat_mode == "per_az"
    assert len(PROD.azs) >= 3
    assert PROD.log_retention_days >= 365 and PROD.network.flow_log_retention_days >= 365
    assert not PROD.state.force_destroy
    assert PROD.dr_region and PROD.dr_region != PROD.region


def test_retention_grows_dev_to_prod():
    assert DEV.log_retention_days <= STAGING.log_retention_days <= PROD.log_retention_days
