"""Every cluster's pods fit its node groups with every HPA at its maximum (sparki/capacity.py),
read from the session's synthesized output; figures in docs/capacity.md."""
from __future__ import annotations

import pytest

from catalog.kubernetes import JAEGER, LOKI_READ, LOKI_WRITE
from sparki.capacity import fits
from sparki.capacity_charts import EXCEPTIONS
from tests.kubernetes.conftest import CLUSTERS, ENVS

# Where the check finds each [platform.autoscaling.<name>] component.
AUTOSCALED_SOURCE = {LOKI_READ: "loki read", LOKI_WRITE: "loki write", JAEGER: "jaeger jaeger"}
@pytest.fixture(scope="module")
def capacity(stacks):
    return fits(stacks)


@pytest.mark.parametrize("env, layer", CLUSTERS, ids=[f"{e}-{c}" for e, c in CLUSTERS])
def test_pods_fit_their_node_groups_at_maxima(env, layer, capacity):
    groups = [g for g in capacity[0] if (g.env, g.cluster) == (env, layer)]
    assert groups, f"{env} {layer}: no node groups read from the output"
    problems = [line for g in groups for line in g.problems()]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("env, layer", CLUSTERS, ids=[f"{e}-{c}" for e, c in CLUSTERS])
def test_every_group_carries_the_daemonsets(env, layer, capacity):
    """Fluent Bit runs on every node: a group without it means the walk missed a cluster's stacks."""
    for group in (g for g in capacity[0] if (g.env, g.cluster) == (env, layer)):
        assert any(p.daemon and p.source == "fluent-bit fluent-bit" for p in group.pods), group.group.name


@pytest.mark.parametrize("env", sorted(ENVS))
def test_autoscaled_components_count_at_their_maximum(env, capacity):
    rows = ENVS[env].platform.autoscaling
    counted = {p.source: p.count for g in capacity[0] if (g.env, g.cluster) == (env, "cluster") for p in g.pods}
    assert rows, f"{env}: no [platform.autoscaling.*] rows: nothing to check"
    for name, row in rows.items():
        assert counted.get(AUTOSCALED_SOURCE[name]) == row.max_replicas, f"{env} {name}: counted {counted.get(AUTOSCALED_SOURCE[name])}"


def test_every_container_without_requests_has_a_reason(capacity):
    unrequested = set(capacity[1])
    assert not unrequested - set(EXCEPTIONS), (
        f"{sorted(unrequested - set(EXCEPTIONS))}: no requests in the output; set them, or add a reason to sparki/capacity_charts.py EXCEPTIONS"
    )
    assert not set(EXCEPTIONS) - unrequested, f"stale EXCEPTIONS (they now set requests or are gone): {sorted(set(EXCEPTIONS) - unrequested)}"
