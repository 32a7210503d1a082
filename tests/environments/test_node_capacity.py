"""Node autoscaling limits of each environment, as invariants over its data: every group can
grow, production keeps a node per zone and room for a surge, and capacity grows on the way to
production."""
from __future__ import annotations

import pytest

import environments
from catalog.aws import ec2_vcpus

ENVS = environments.load()
# The environments as built, DR sites included: a site keeps its home's max sizes.
BUILT = {**ENVS, **{f"{name}-dr-site": env.dr_site() for name, env in ENVS.items() if env.dr_site() is not None}}


def _max_vcpus(env) -> int:
    return sum(g.max_size * min(ec2_vcpus(t) for t in g.instance_types) for g in env.cluster.node_groups)


@pytest.mark.parametrize("name", list(BUILT))
def test_every_group_has_room_to_scale_up(name):
    for g in BUILT[name].cluster.node_groups:
        assert g.max_size > g.desired_size, f"{name}: {g.name} is at its max_size already ({g.max_size})"


@pytest.mark.parametrize("name", [n for n, e in ENVS.items() if e.is_production])
def test_production_keeps_a_node_per_zone_and_room_to_double(name):
    env = ENVS[name]
    for g in env.cluster.node_groups:
        assert g.min_size >= len(env.azs), f"{name}: {g.name} min_size {g.min_size} < {len(env.azs)} zones"
        assert g.max_size >= 2 * g.desired_size, f"{name}: {g.name} cannot double from {g.desired_size}"


def test_capacity_at_max_grows_from_dev_to_prod():
    ceilings = [_max_vcpus(ENVS[n]) for n in environments.NAMES]
    assert ceilings == sorted(ceilings), dict(zip(environments.NAMES, ceilings, strict=True))


@pytest.mark.parametrize("name", list(BUILT))
def test_namespace_quotas_fit_the_workload_groups_at_max(name):
    env = BUILT[name]
    promised = env.platform.namespace_budget.cpu_millicores * len(env.platform.app_namespaces)
    assert 0 < promised <= env.workload_millicores
