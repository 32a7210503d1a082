"""Grafana's data sources: the uids every dashboard panel names, and their provisioning entries.

The dashboards (constructs/dashboards_*.py) refer to data sources by uid only, so the uids are
fixed here and the observability stack's Grafana provisions exactly these (provisioning()).
Pure Python: no cdktf import.

No keys anywhere: CloudWatch uses the AWS SDK's default chain, which in the Grafana pod is its
IRSA web identity (the read-only role of the observability-aws stack); Elasticsearch's password
is read by Grafana from a mounted file at start-up ($__file{}), never written into the JSON.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PROMETHEUS = "prometheus"
ALERTMANAGER = "alertmanager"
LOKI = "loki"
JAEGER = "jaeger"
ELASTICSEARCH_LOGS = "elasticsearch-logs"
ELASTICSEARCH_TRACES = "elasticsearch-traces"
CLOUDWATCH = "cloudwatch"

# Jaeger's Elasticsearch storage writes one span index per day, "jaeger-span-YYYY-MM-DD"
# (jaeger's default index prefix); spans carry their start time in startTimeMillis.
TRACE_INDEX = "jaeger-span-*"
TRACE_TIME_FIELD = "startTimeMillis"
# Log search indices (data streams named logs-<dataset>-<namespace>, Elastic's convention).
LOG_INDEX = "logs-*"
LOG_TIME_FIELD = "@timestamp"
# Where Grafana finds the Elasticsearch user's credentials and the cluster's CA (files mounted
# from Kubernetes Secrets by the Grafana component).
ELASTICSEARCH_SECRET_DIR = "/etc/grafana/elasticsearch"


@dataclass(frozen=True)
class DataSource:
    """One Grafana data source.

    uid: what panels name; stable (renaming it breaks every panel that uses it).
    plugin: Grafana's plugin type id, e.g. "prometheus".
    name: shown in Grafana's pickers.
    in_cluster: True when its URL is a Kubernetes service the observability stack gives
        (provisioning(endpoints=...)); False for AWS APIs (CloudWatch).
    json_data: the plugin's settings (Grafana's jsonData), without secrets.
    """

    uid: str
    plugin: str
    name: str
    in_cluster: bool = True
    json_data: Mapping[str, Any] = field(default_factory=dict)


def _elasticsearch(uid: str, name: str, index: str, time_field: str, extra: Mapping[str, Any]) -> DataSource:
    return DataSource(
        uid,
        "elasticsearch",
        name,
        json_data={"index": index, "timeField": time_field, "tlsAuthWithCACert": True, **extra},
    )


def data_sources(region: str) -> tuple[DataSource, ...]:
    """Every data source a dashboard may name; CloudWatch defaults to the environment's region."""
    return (
        DataSource(PROMETHEUS, "prometheus", "Prometheus", json_data={"httpMethod": "POST", "timeInterval": "30s"}),
        DataSource(ALERTMANAGER, "alertmanager", "Alertmanager", json_data={"implementation": "prometheus", "handleGrafanaManagedAlerts": False}),
        # Trace ids in log lines link to Jaeger.
        DataSource(
            LOKI,
            "loki",
            "Loki",
            json_data={"maxLines": 1000, "derivedFields": [{"name": "trace_id", "matcherRegex": r"trace_id=(\w+)", "url": "$${__value.raw}", "datasourceUid": JAEGER}]},
        ),
        DataSource(JAEGER, "jaeger", "Jaeger", json_data={"tracesToLogsV2": {"datasourceUid": LOKI, "filterByTraceID": True}}),
        _elasticsearch(ELASTICSEARCH_LOGS, "Elasticsearch logs", LOG_INDEX, LOG_TIME_FIELD, {"logMessageField": "message", "logLevelField": "log.level"}),
        _elasticsearch(ELASTICSEARCH_TRACES, "Elasticsearch traces", TRACE_INDEX, TRACE_TIME_FIELD, {}),
        DataSource(CLOUDWATCH, "cloudwatch", "CloudWatch", in_cluster=False, json_data={"authType": "default", "defaultRegion": region}),
    )


def uids(region: str = "us-east-1") -> frozenset[str]:
    """The uids data_sources() provisions (the same in every region)."""
    return frozenset(source.uid for source in data_sources(region))


def provisioning(region: str, endpoints: Mapping[str, str]) -> list[dict[str, Any]]:
    """Grafana's provisioning `datasources` list (the kube-prometheus-stack chart's
    grafana.additionalDataSources takes it as is).

    endpoints: uid -> URL for every in-cluster data source, e.g. {PROMETHEUS:
        "http://kps-prometheus.monitoring.svc:9090", ...}; the component that runs each service
        knows its name. A missing or unknown uid is a ValueError naming it.
    """
    sources = data_sources(region)
    wanted = {s.uid for s in sources if s.in_cluster}
    missing, unknown = sorted(wanted - set(endpoints)), sorted(set(endpoints) - wanted)
    if missing or unknown:
        raise ValueError(f"grafana data source endpoints: missing {missing}, unknown {unknown}; give one URL per in-cluster uid of {sorted(wanted)}")
    entries = []
    for source in sources:
        entry: dict[str, Any] = {
            "name": source.name,
            "uid": source.uid,
            "type": source.plugin,
            "access": "proxy",
            "editable": False,
            "isDefault": source.uid == PROMETHEUS,
            "jsonData": dict(source.json_data),
        }
        if source.in_cluster:
            entry["url"] = endpoints[source.uid]
        if source.plugin == "elasticsearch":
            entry["basicAuth"] = True
            entry["basicAuthUser"] = f"$__file{{{ELASTICSEARCH_SECRET_DIR}/username}}"
            entry["secureJsonData"] = {
                "basicAuthPassword": f"$__file{{{ELASTICSEARCH_SECRET_DIR}/password}}",
                "tlsCACert": f"$__file{{{ELASTICSEARCH_SECRET_DIR}/ca.crt}}",
            }
        entries.append(entry)
    return entries
