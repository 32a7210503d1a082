"""The dashboards of every environment, built once per test session from the real environment
data (the SLOs included), and walkers over their panels and queries."""
from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any

import environments
from catalog.naming import resource_name
from constructs.addon_contract import ComponentContext
from constructs.components_dashboards import components
from constructs.components_rules import rule_groups
from stacks.platform_components import component_context


@functools.cache
def contexts() -> dict[str, ComponentContext]:
    return {name: component_context(env, cluster_name=resource_name(name, "eks"), role_arns={}) for name, env in environments.load().items()}


@functools.cache
def dashboards(env: str) -> dict[str, dict[str, Any]]:
    """uid -> the JSON model as the ConfigMap carries it (decoded again)."""
    (component,) = components(contexts()[env])
    return {uid.removesuffix(".json"): json.loads(body) for m in component.manifests for uid, body in m["data"].items()}


@functools.cache
def recorded(env: str) -> frozenset[str]:
    """Every series the environment's recording rules record (constructs/components_rules.py)."""
    groups = rule_groups(contexts()[env]).values()
    return frozenset(rule["record"] for group_list in groups for group in group_list for rule in group.rules if "record" in rule)


def panels(model: dict[str, Any]) -> list[dict[str, Any]]:
    """Every panel that shows data (rows are layout, not panels)."""
    return [p for p in model["panels"] if p["type"] != "row"]


def targets(env: str) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(dashboard uid, panel, target) for every query of every dashboard of `env`."""
    for uid, model in dashboards(env).items():
        for panel in panels(model):
            for target in panel["targets"]:
                yield uid, panel, target


def plugin_of(target: dict[str, Any], panel: dict[str, Any]) -> str:
    return (target.get("datasource") or panel["datasource"])["type"]
