"""The alert and recording rules written for this platform, as PrometheusRule objects in the
monitoring namespace. The Prometheus Operator selects them by the label `sparki.io/rules`,
never by a Helm release label, so they survive a release rename.

Rule content lives in constructs/rules_*.py as plain data; rule_files() gives tests the same
groups promtool checks. docs/observability-alerts.md lists every alert.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from constructs import rules_anomaly, rules_pipelines, rules_platform, rules_slo
from constructs.addon_contract import Component, ComponentContext
from constructs.monitoring import MONITORING, RULES_LABEL
from constructs.prometheus_rules import Group

NAMESPACE = MONITORING


def rule_groups(ctx: ComponentContext) -> dict[str, list[Group]]:
    """Every group, by the PrometheusRule object that carries it."""
    return {
        "sparki-slos": rules_slo.groups(ctx.slos),
        "sparki-platform": rules_platform.groups(ctx.platform.app_namespaces, ctx.database_max_connections),
        "sparki-pipelines": rules_pipelines.groups(),
        "sparki-anomaly": rules_anomaly.groups(),
    }


def components(ctx: ComponentContext) -> tuple[Component, ...]:
    """None: the rules need no release; kube-prometheus-stack's operator loads them."""
    return ()


def custom_resources(ctx: ComponentContext) -> list[Mapping[str, Any]]:
    return [
        {
            "apiVersion": "monitoring.coreos.com/v1",
            "kind": "PrometheusRule",
            "metadata": {"name": name, "namespace": NAMESPACE, "labels": dict(RULES_LABEL)},
            "spec": {"groups": [g.as_dict() for g in groups]},
        }
        for name, groups in rule_groups(ctx).items()
    ]
