"""Tracing group: Jaeger v2 (an OpenTelemetry Collector distribution) receiving OTLP from the
applications, storing spans in the Elasticsearch cluster of the search group, and a nightly
index cleaner that deletes span indices older than [observability.tracing] retention_days.

The Jaeger pods follow CPU within [platform.autoscaling.jaeger]: a HorizontalPodAutoscaler and,
from two replicas, a PodDisruptionBudget (constructs/autoscaling.py), since the chart has neither.

Jaeger runs in the `search` namespace, beside the cluster: it reads its own user's password
(constructs/search_users.py: the jaeger user, its indices only) and the cluster's CA from
Secrets there, and a pod can mount secrets of its own namespace only.
"""
from __future__ import annotations

from typing import Any

from catalog.kubernetes import JAEGER
from constructs.addon_contract import Component, ComponentContext
from constructs.autoscaling import autoscaled
from constructs.controller_values import RESTRICTED_CONTAINER, RESTRICTED_POD, chart_release, resources, spread
from constructs.search_users import user
from constructs.telemetry_values import (
    ES_CA_SECRET,
    ES_URL,
    JAEGER_METRICS_PORT,
    JAEGER_OTLP_PORTS,
    SEARCH_NAMESPACE,
    es_password_env,
)

# jaegertracing/helm-charts charts/jaeger at tag jaeger-4.11.1 (6c602b5, 2026-06-14): version
# 4.11.1, appVersion 2.19.0 (Jaeger v2, one binary configured as an OTel Collector pipeline).
# Values keys checked against that tag's values.yaml.
CHART = ("jaeger", "https://jaegertracing.github.io/helm-charts", "4.11.1")
JAEGER_UID = 10001  # the images' user (cmd/jaeger and cmd/es-index-cleaner Dockerfiles)
CA_DIR = "/es-ca"
AUTH_DIR = "/es-auth"
POD_LABELS = {"app.kubernetes.io/name": "jaeger", "app.kubernetes.io/component": "all-in-one"}
# The chart's fullname for the release `jaeger`: its Deployment and Service.
DEPLOYMENT = "jaeger"
HEALTH_PORT = 13133
ES_USER = user("jaeger")


def jaeger_config(ctx: ComponentContext) -> dict[str, Any]:
    """The collector pipeline (the chart's `userconfig`): OTLP in, batched, into Elasticsearch;
    the query API for Grafana; health and Prometheus metrics."""
    grpc, http = JAEGER_OTLP_PORTS
    # A replica per index where a second node can hold it; on one node a replica would only
    # keep the cluster yellow.
    index = {"date_layout": "2006-01-02", "rollover_frequency": "day", "shards": 1, "replicas": min(1, ctx.observability.search.nodes - 1)}
    store = {
        "elasticsearch": {
            "server_urls": [ES_URL],
            # The user's Secret mounted as a file, which Jaeger watches: a rotated password is
            # picked up without a restart, and no password is in the values.
            "auth": {"basic": {"username": ES_USER.name, "password_file": f"{AUTH_DIR}/password"}},
            "tls": {"ca_file": f"{CA_DIR}/ca.crt"},
            # One index per day (jaeger-span-YYYY-MM-DD): the unit the index cleaner deletes.
            "indices": {kind: dict(index) for kind in ("spans", "services", "dependencies")},
        }
    }
    return {
        "service": {
            "extensions": ["jaeger_storage", "jaeger_query", "healthcheckv2"],
            "pipelines": {"traces": {"receivers": ["otlp"], "processors": ["batch"], "exporters": ["jaeger_storage_exporter"]}},
            "telemetry": {
                "resource": {"service.name": "jaeger"},
                "metrics": {"level": "detailed", "readers": [{"pull": {"exporter": {"prometheus": {"host": "0.0.0.0", "port": JAEGER_METRICS_PORT}}}}]},
            },
        },
        "extensions": {
            "healthcheckv2": {"use_v2": True, "http": {"endpoint": f"0.0.0.0:{HEALTH_PORT}"}},
            "jaeger_query": {"storage": {"traces": "primary_store"}},
            "jaeger_storage": {"backends": {"primary_store": store}},
        },
        "receivers": {"otlp": {"protocols": {"grpc": {"endpoint": f"0.0.0.0:{grpc}"}, "http": {"endpoint": f"0.0.0.0:{http}"}}}},
        "processors": {"batch": {}},
        "exporters": {"jaeger_storage_exporter": {"trace_storage": "primary_store"}},
    }


def jaeger_values(ctx: ComponentContext) -> dict[str, Any]:
    tracing = ctx.observability.tracing
    scaling = ctx.autoscaling[JAEGER]
    restricted_pod = {**RESTRICTED_POD, "runAsUser": JAEGER_UID, "runAsGroup": JAEGER_UID, "fsGroup": JAEGER_UID}
    ca_mount = {"name": "es-ca", "mountPath": CA_DIR, "readOnly": True}
    return {
        "userconfig": jaeger_config(ctx),
        "storage": {"type": "elasticsearch", "elasticsearch": {"url": ES_URL}},
        "jaeger": {
            # The autoscaler owns the count: null removes the key (the template renders
            # `replicas` only with hasKey), so a Helm upgrade never resets what it chose.
            "replicas": None,
            # The chart's default is Recreate (for its single-pod Badger setup): every
            # upgrade would drop spans; with Elasticsearch behind, pods can roll one by one.
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
            "extraVolumes": [
                {"name": "es-ca", "secret": {"secretName": ES_CA_SECRET}},
                {"name": "es-auth", "secret": {"secretName": ES_USER.secret}},
            ],
            "extraVolumeMounts": [ca_mount, {"name": "es-auth", "mountPath": AUTH_DIR, "readOnly": True}],
            # Jaeger does not call the Kubernetes API.
            "serviceAccount": {"automountServiceAccountToken": False},
            "podSecurityContext": restricted_pod,
            "securityContext": dict(RESTRICTED_CONTAINER),
            "resources": resources("100m", "256Mi", "1Gi"),
            **({"topologySpreadConstraints": spread(POD_LABELS)} if scaling.max_replicas > 1 else {}),
        },
        "esIndexCleaner": {
            "enabled": True,
            "numberOfDays": tracing.retention_days,
            # After midnight UTC, once yesterday's index stopped growing.
            "schedule": "15 0 * * *",
            # The cleaner reads ES_USERNAME, ES_PASSWORD and ES_TLS_* from its environment
            # (flags es.username, es.password, es.tls.*); the chart would otherwise put the
            # password into the values.
            "extraEnv": [
                {"name": "ES_USERNAME", "value": ES_USER.name},
                es_password_env(ES_USER.secret),
                {"name": "ES_TLS_ENABLED", "value": "true"},
                {"name": "ES_TLS_CA", "value": f"{CA_DIR}/ca.crt"},
            ],
            "extraSecretMounts": [{**ca_mount, "subPath": "", "secretName": ES_CA_SECRET}],
            "podSecurityContext": restricted_pod,
            "securityContext": {**RESTRICTED_CONTAINER, "runAsUser": JAEGER_UID},
            "resources": resources("10m", "32Mi", "128Mi"),
        },
    }


def jaeger(ctx: ComponentContext) -> Component:
    # The namespace and its allows (OTLP from the application namespaces, queries from
    # Grafana, scrapes from Prometheus) belong to the search group's `elasticsearch` component.
    # The chart has no autoscaling or budget values: both come as manifests.
    scaling = autoscaled(DEPLOYMENT, SEARCH_NAMESPACE, "Deployment", POD_LABELS, ctx.autoscaling[JAEGER])
    return chart_release(
        CHART, SEARCH_NAMESPACE, jaeger_values(ctx), owns_namespace=False, depends_on=("elasticsearch",), manifests=tuple(scaling),
    )


def custom_resources(ctx: ComponentContext) -> tuple[dict[str, Any], ...]:
    """The ServiceMonitor of Jaeger's own metrics (the chart has none): the Service's
    internal-metrics port, every 30 s."""
    monitor = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {"name": "jaeger", "namespace": SEARCH_NAMESPACE},
        "spec": {
            "selector": {"matchLabels": dict(POD_LABELS)},
            "endpoints": [{"port": "internal-metrics", "interval": "30s", "path": "/metrics"}],
        },
    }
    return (monitor,)


def components(ctx: ComponentContext) -> tuple[Component, ...]:
    return (jaeger(ctx),)
