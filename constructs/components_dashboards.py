"""Grafana dashboards as code: one ConfigMap per dashboard in the monitoring namespace, labelled
for the kube-prometheus-stack Grafana sidecar, which loads every ConfigMap carrying
`grafana_dashboard: "1"` (its default label) into Grafana; nothing else delivers them.

The dashboards are built in Python with grafana-foundation-sdk's typed builders
(constructs/dashboard_panels.py and the dashboards_*.py modules) at synth time; their data
sources are constructs/grafana_datasources.py's uids. docs/observability-dashboards.md says what
each one shows and how to add a panel.

A component without a Helm release (chart ""): the ConfigMaps are its manifests. The monitoring
namespace belongs to the Prometheus stack, so this one depends on it.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from constructs.addon_contract import Component, ComponentContext
from constructs.components_prometheus import KUBE_PROMETHEUS_STACK
from constructs.dashboard_panels import Board
from constructs.dashboards_operations import ci_pipeline, command_center
from constructs.dashboards_platform import debugging, infrastructure
from constructs.dashboards_slo import slo_dashboard
from constructs.monitoring import MONITORING

NAMESPACE = MONITORING
# The component that owns the monitoring namespace and runs Grafana with its sidecar.
MONITORING_OWNER = KUBE_PROMETHEUS_STACK[0]
SIDECAR_LABEL = {"grafana_dashboard": "1"}
DASHBOARDS: tuple[Callable[[ComponentContext], Board], ...] = (command_center, ci_pipeline, slo_dashboard, infrastructure, debugging)
# Kubernetes refuses a ConfigMap above 1 MiB; a dashboard near it is too big to read anyway.
MAX_CONFIGMAP_BYTES = 1024 * 1024


def dashboards(ctx: ComponentContext) -> dict[str, dict[str, Any]]:
    """uid -> the dashboard's JSON model, in DASHBOARDS order."""
    built = {}
    for make in DASHBOARDS:
        board = make(ctx)
        built[board.uid] = board.to_json()
    return built


def config_map(uid: str, model: dict[str, Any]) -> dict[str, Any]:
    body = json.dumps(model, sort_keys=True, separators=(",", ":"))
    if len(body.encode()) > MAX_CONFIGMAP_BYTES:
        raise ValueError(f"dashboard {uid!r}: {len(body.encode())} bytes does not fit a ConfigMap ({MAX_CONFIGMAP_BYTES}); split it")
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": f"grafana-dashboard-{uid}",
            "namespace": NAMESPACE,
            "labels": {**SIDECAR_LABEL, "app.kubernetes.io/name": "sparki-dashboards", "app.kubernetes.io/managed-by": "sparki"},
        },
        "data": {f"{uid}.json": body},
    }


def components(ctx: ComponentContext) -> tuple[Component, ...]:
    return (
        Component(
            name="grafana-dashboards",
            chart="",
            repository="",
            version="",
            namespace=NAMESPACE,
            values={},
            owns_namespace=False,
            depends_on=(MONITORING_OWNER,),
            manifests=tuple(config_map(uid, model) for uid, model in dashboards(ctx).items()),
        ),
    )
