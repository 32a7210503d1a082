"""Prometheus Operator CRDs group: the monitoring.coreos.com CRDs, installed in the `platform`
stack so the `observability` stack's PrometheusRules and ServiceMonitors can plan (a
`kubernetes_manifest` of a custom kind cannot plan before its CRD exists).

Their own release, not kube-prometheus-stack's `crds.enabled`: Helm never upgrades CRDs a
chart ships in crds/, while this chart ships them as templates, so a version bump updates
them. Its operator version must equal kube-prometheus-stack's (components_prometheus.py).
"""
from __future__ import annotations

from constructs.addon_contract import Component, ComponentContext
from constructs.controller_values import crd_kinds

REPOSITORY = "https://prometheus-community.github.io/helm-charts"
CHART = ("prometheus-operator-crds", REPOSITORY, "31.0.1")
# The operator version whose CRDs the chart carries (its appVersion).
OPERATOR_VERSION = "v0.93.1"
KINDS = {
    "monitoring.coreos.com": (
        "Alertmanager", "AlertmanagerConfig", "PodMonitor", "Probe", "Prometheus", "PrometheusAgent",
        "PrometheusRule", "ScrapeConfig", "ServiceMonitor", "ThanosRuler",
    ),
}


def components(ctx: ComponentContext) -> tuple[Component, ...]:
    name, repository, version = CHART
    return (
        Component(
            name=name,
            chart=name,
            repository=repository,
            version=version,
            # CRDs are cluster-scoped; kube-system only keeps Helm's record of the release.
            namespace="kube-system",
            owns_namespace=False,
            values={},
            crds=crd_kinds(KINDS),
        ),
    )
