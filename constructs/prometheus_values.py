"""The values of the kube-prometheus-stack release, part by part (pure Python).

Every key here exists in the chart's values.yaml at the pinned version (vendored under
tests/kubernetes/charts/, checked by tests/constructs/test_components_prometheus.py).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from constructs.addon_contract import ComponentContext
from constructs.controller_values import RESTRICTED_CONTAINER, resources, spread, system_placement
from constructs.grafana_datasources import ELASTICSEARCH_SECRET_DIR
from constructs.monitoring import RULES_LABEL, SCRAPE_LABEL, STORAGE_CLASS

# Short object names: kps-prometheus, kps-alertmanager, kps-operator (the chart's fullname).
FULLNAME = "kps"
PROMETHEUS_SERVICE = f"{FULLNAME}-prometheus"
ALERTMANAGER_SERVICE = f"{FULLNAME}-alertmanager"
PROMETHEUS_PORT = 9090
ALERTMANAGER_PORT = 9093
ALERTMANAGER_MESH_PORT = 9094
OPERATOR_PORT = 10250
KUBE_STATE_METRICS_PORT = 8080
GRAFANA_PORT = 3000
KUBE_STATE_METRICS_TELEMETRY_PORT = 8081
# The config reloaders' web port (Prometheus and Alertmanager pods).
RELOADER_PORT = 8080
# Every port the stack's pods reach each other on (kube-state-metrics and the reloaders share 8080).
INTERNAL_PORTS = tuple(sorted({
    PROMETHEUS_PORT, ALERTMANAGER_PORT, ALERTMANAGER_MESH_PORT, KUBE_STATE_METRICS_PORT,
    KUBE_STATE_METRICS_TELEMETRY_PORT, RELOADER_PORT, GRAFANA_PORT, OPERATOR_PORT,
}))
GRAFANA_SERVICE_ACCOUNT = "grafana"
# Grafana's database is the chart's default, SQLite in the pod (grafana.ini sets no [database]):
# more pods would each hold their own sessions, annotations and alert state.
GRAFANA_REPLICAS = 1
# The Secret (in monitoring) holding username, password and ca.crt of Grafana's Elasticsearch user.
GRAFANA_ELASTICSEARCH_SECRET = "grafana-elasticsearch"
# The kube-prometheus-stack default rule groups that cannot work on EKS, and why: AWS runs the
# control plane, so these components expose no scrape target to the cluster and their rules
# would only ever report them absent or evaluate to nothing.
EKS_MANAGED_RULES: dict[str, str] = {
    "etcd": "etcd runs inside the EKS control plane; its metrics are not reachable from the cluster",
    "kubeControllerManager": "the controller manager runs inside the EKS control plane; no endpoint to scrape",
    "kubeSchedulerAlerting": "the scheduler runs inside the EKS control plane; no endpoint to scrape",
    "kubeSchedulerRecording": "the scheduler runs inside the EKS control plane; no endpoint to scrape",
    "windows": "the cluster has no Windows nodes",
}
# Scrape jobs the chart would create for the same components (kubeProxy: EKS's kube-proxy
# add-on binds its metrics to 127.0.0.1, so the job would only report it down).
EKS_MANAGED_TARGETS: dict[str, str] = {
    "kubeEtcd": EKS_MANAGED_RULES["etcd"],
    "kubeControllerManager": EKS_MANAGED_RULES["kubeControllerManager"],
    "kubeScheduler": EKS_MANAGED_RULES["kubeSchedulerAlerting"],
    "kubeProxy": "the kube-proxy add-on serves metrics on 127.0.0.1:10249 only; Prometheus cannot reach it",
}
# Selection by label: everything unless it opts out (never by the Helm release label).
EVERY_MONITOR = {"matchExpressions": [{"key": SCRAPE_LABEL, "operator": "NotIn", "values": ["false"]}]}
ALL_NAMESPACES: dict[str, Any] = {}


def _volume(gib: int) -> dict[str, Any]:
    return {
        "volumeClaimTemplate": {
            "spec": {"storageClassName": STORAGE_CLASS, "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": f"{gib}Gi"}}}
        }
    }


def _placement(ctx: ComponentContext, app: Mapping[str, str]) -> dict[str, Any]:
    return {**system_placement(ctx), "topologySpreadConstraints": spread(dict(app))}


def prometheus(ctx: ComponentContext) -> dict[str, Any]:
    o = ctx.observability
    selector_off = {f"{kind}SelectorNilUsesHelmValues": False for kind in ("rule", "serviceMonitor", "podMonitor", "probe", "scrapeConfig")}
    spec = {
        **selector_off,
        "ruleSelector": {"matchLabels": dict(RULES_LABEL)},
        "ruleNamespaceSelector": ALL_NAMESPACES,
        "serviceMonitorSelector": EVERY_MONITOR,
        "serviceMonitorNamespaceSelector": ALL_NAMESPACES,
        "podMonitorSelector": EVERY_MONITOR,
        "podMonitorNamespaceSelector": ALL_NAMESPACES,
        "probeSelector": EVERY_MONITOR,
        "probeNamespaceSelector": ALL_NAMESPACES,
        "retention": f"{o.prometheus_retention_days}d",
        "retentionSize": f"{o.prometheus_retention_gib}GiB",
        "replicas": o.prometheus_replicas,
        "replicaExternalLabelName": "prometheus_replica",
        "externalLabels": {"cluster": ctx.cluster_name, "environment": ctx.env},
        "storageSpec": _volume(o.prometheus_volume_gib),
        "podAntiAffinity": "soft",
        "resources": resources("500m", "2Gi", "4Gi"),
        **_placement(ctx, {"app.kubernetes.io/name": "prometheus"}),
    }
    return {
        "prometheusSpec": spec,
        "podDisruptionBudget": {"enabled": o.prometheus_replicas >= 2, "minAvailable": 1},
    }


def alertmanager(ctx: ComponentContext, config: Mapping[str, Any], secret: str) -> dict[str, Any]:
    o = ctx.observability
    return {
        "config": dict(config),
        "alertmanagerSpec": {
            # Mounted at /etc/alertmanager/secrets/<secret>: the receivers' *_file credentials.
            "secrets": [secret],
            "replicas": o.alertmanager_replicas,
            "retention": "120h",
            "storage": _volume(2),
            "podAntiAffinity": "soft",
            "resources": resources("50m", "128Mi", "256Mi"),
            **_placement(ctx, {"app.kubernetes.io/name": "alertmanager"}),
        },
        "podDisruptionBudget": {"enabled": o.alertmanager_replicas >= 2, "minAvailable": 1},
    }


def operator(ctx: ComponentContext) -> dict[str, Any]:
    return {
        "resources": resources("100m", "128Mi", "512Mi"),
        # The config-reloader sidecar the operator adds to Prometheus and Alertmanager: the chart
        # leaves it without requests, so no node reserved room for it (docs/capacity.md). The
        # limit is the operator's former default.
        "prometheusConfigReloader": {"resources": resources("10m", "25Mi", "50Mi")},
        **system_placement(ctx),
        "admissionWebhooks": {"patch": {**system_placement(ctx)}},
    }


def kube_state_metrics(ctx: ComponentContext) -> dict[str, Any]:
    return {
        "fullnameOverride": "kube-state-metrics",
        "containerSecurityContext": dict(RESTRICTED_CONTAINER),
        "resources": resources("50m", "128Mi", "512Mi"),
        **system_placement(ctx),
    }


def grafana(ctx: ComponentContext, admin_secret: str, data_sources: list[dict[str, Any]], role_arn: str) -> dict[str, Any]:
    return {
        # One pod, no autoscaling: catalog/kubernetes.py FIXED_REPLICAS["grafana"] says why.
        "replicas": GRAFANA_REPLICAS,
        "admin": {"existingSecret": admin_secret, "userKey": "admin-user", "passwordKey": "admin-password"},
        # Grafana's CloudWatch data source signs with the pod's IRSA role (read-only).
        "serviceAccount": {"create": True, "name": GRAFANA_SERVICE_ACCOUNT, "annotations": {"eks.amazonaws.com/role-arn": role_arn}},
        "sidecar": {
            # Both watchers (dashboards, data sources) take these; the chart sets none.
            "resources": resources("10m", "64Mi", "256Mi"),
            "dashboards": {"enabled": True, "label": "grafana_dashboard", "labelValue": "1", "searchNamespace": "ALL"},
            # The data sources below carry the uids the dashboards name; the chart's own
            # Prometheus and Alertmanager entries would be second copies under other uids.
            "datasources": {"enabled": True, "defaultDatasourceEnabled": False, "alertmanager": {"enabled": False}},
        },
        "additionalDataSources": data_sources,
        # The Elasticsearch data sources read user, password and CA from these files
        # (grafana_datasources.ELASTICSEARCH_SECRET_DIR); optional, so Grafana starts before
        # the search layer has created the Secret.
        "extraSecretMounts": [{
            "name": "elasticsearch", "mountPath": ELASTICSEARCH_SECRET_DIR, "secretName": GRAFANA_ELASTICSEARCH_SECRET,
            "readOnly": True, "optional": True, "defaultMode": 0o440,
        }],
        # Dashboards are code: the UI cannot change what the next apply would revert.
        "defaultDashboardsEditable": False,
        "grafana.ini": {"users": {"allow_sign_up": False}, "auth.anonymous": {"enabled": False}, "analytics": {"reporting_enabled": False, "check_for_updates": False}},
        "resources": resources("100m", "256Mi", "512Mi"),
        **system_placement(ctx),
    }
