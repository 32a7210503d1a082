"""The ResourceQuota and LimitRange of an application namespace (constructs/namespace_budget.py)."""
from __future__ import annotations

import dataclasses

import pytest

from constructs.namespace_budget import NamespaceBudgetProps, namespace_budget

PROPS = NamespaceBudgetProps(requests_cpu="8", requests_memory="16Gi", limits_memory="32Gi", pods=60,
                             container_cpu="100m", container_memory="256Mi", container_max_cpu="2", container_max_memory="4Gi")


def test_the_quota_caps_the_namespace_totals():
    quota, _ = namespace_budget("sparki-api", PROPS)
    assert (quota["kind"], quota["metadata"]["namespace"]) == ("ResourceQuota", "sparki-api")
    assert quota["spec"]["hard"] == {"requests.cpu": "8", "requests.memory": "16Gi", "limits.memory": "32Gi", "pods": "60"}


def test_a_container_without_resources_gets_requests_and_a_memory_limit_equal_to_them():
    _, limits = namespace_budget("sparki-api", PROPS)
    (rule,) = limits["spec"]["limits"]
    assert rule["type"] == "Container"
    assert rule["defaultRequest"] == {"cpu": "100m", "memory": "256Mi"}
    assert rule["default"]["memory"] == rule["defaultRequest"]["memory"]
    assert rule["max"] == {"cpu": "2", "memory": "4Gi"}
    # The quota counts limits.memory, so every container must end up with one.
    assert "memory" in rule["default"]


@pytest.mark.parametrize("change, says", [
    (dict(requests_cpu="two"), "requests_cpu='two': not a CPU quantity"),
    (dict(container_memory="256MB"), "container_memory='256MB': not a memory quantity"),
    (dict(pods=0), "pods=0: must be at least 1"),
])
def test_bad_props_are_refused(change, says):
    with pytest.raises(ValueError, match=says.replace("(", r"\(")):
        dataclasses.replace(PROPS, **change)
