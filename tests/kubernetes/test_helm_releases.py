"""Every Helm release pins chart, repository and exact version, and its values parse; the
settings the policy cares about (security context, resources, replicas, placement) are read
from the values as Helm will receive them."""
from __future__ import annotations

import re

import pytest
import yaml

from constructs import components_metrics
from constructs.addon_contract import EXACT_VERSION
from tests.kubernetes.conftest import ENVS

RESTRICTED = {"allowPrivilegeEscalation": False, "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}}


def releases(platform_stacks):
    for name, doc in platform_stacks.items():
        for logical, release in doc.get("resource", {}).get("helm_release", {}).items():
            yield name, logical, release


def values_of(release) -> dict:
    merged: dict = {}
    for document in release.get("values", []):
        merged.update(yaml.safe_load(document))
    return merged


def test_every_release_pins_chart_repository_and_exact_version(platform_stacks):
    found = list(releases(platform_stacks))
    assert found
    for stack, logical, release in found:
        where = f"{stack} {logical}"
        assert release["chart"] and "/" not in release["chart"], where
        assert re.match(r"^(https|oci)://", release["repository"]), where
        assert EXACT_VERSION.match(release["version"]), where
        assert release.get("create_namespace") is False, f"{where}: the platform creates namespaces (with their policies)"
        assert release.get("atomic") is True and release.get("wait") is True, where
        assert not any(k.startswith("set") for k in release), f"{where}: values only, so every setting parses and is tested here"


def test_every_releases_values_parse_as_one_mapping(platform_stacks):
    for stack, logical, release in releases(platform_stacks):
        for document in release["values"]:
            assert isinstance(yaml.safe_load(document), dict), f"{stack} {logical}"


def _metrics_release(platform_stacks, env):
    (release,) = [r for s, _, r in releases(platform_stacks) if s == f"sparki-{env}-platform" and r["name"] == "metrics-server"]
    return release, values_of(release)


@pytest.mark.parametrize("env", list(ENVS))
def test_metrics_server_runs_restricted_on_the_system_group_with_a_budget(platform_stacks, env):
    release, values = _metrics_release(platform_stacks, env)
    assert release["version"] == components_metrics.CHART_VERSION
    assert release["namespace"] == components_metrics.NAMESPACE
    assert values["image"]["tag"] == components_metrics.IMAGE_TAG
    assert RESTRICTED.items() <= values["securityContext"].items()
    assert values["securityContext"]["readOnlyRootFilesystem"] is True
    assert values["replicas"] >= 2 and values["podDisruptionBudget"] == {"enabled": True, "maxUnavailable": 1}
    assert values["resources"]["requests"]["cpu"] and values["resources"]["requests"]["memory"]
    system = ENVS[env].cluster.system_group
    assert set(values["nodeSelector"].values()) == {system.name}
    assert {(t["key"], t["value"]) for t in values["tolerations"]} == {(t.key, t.value) for t in system.taints}

