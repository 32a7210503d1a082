"""One realistic failing and one healthy input per alert of rules_platform and rules_pipelines,
for `promtool test rules` (test_alert_units.py). Series use the labels the exporters really
attach (the ones the alerts keep); values use promtool's expanding notation: 'a+bxn' is a, a+b,
... a+n*b one sample per interval. All cases run against prod's rules (max_connections 500).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    """failing/healthy: {series: values}; at: eval time when the failing input has fired;
    quiet_at: an earlier time when it has not yet (the `for` holds it back); labels: the
    firing alert's labels from its expression."""

    alert: str
    file: str
    failing: dict[str, str]
    healthy: dict[str, str]
    at: str
    quiet_at: str
    labels: dict[str, str] = field(default_factory=dict)
    interval: str = "1m"


NODE = 'node="ip-10-30-12-7.ec2.internal"'
PVC = 'namespace="monitoring", persistentvolumeclaim="prometheus-db-prometheus-0"'
FS = 'mountpoint="/", instance="10.30.12.7:9100", device="/dev/nvme0n1p1", fstype="xfs"'
ES = 'cluster="sparki-es", name="sparki-es-default-0"'
K8S, CERTS, DATA = "sparki-platform", "sparki-platform", "sparki-platform"
PIPES = "sparki-pipelines"


def _node_condition(alert: str, condition: str, status: str, bad: str, good: str, at: str, quiet: str) -> Case:
    series = f'kube_node_status_condition{{condition="{condition}", status="{status}", {NODE}}}'
    return Case(alert, K8S, {series: bad}, {series: good}, at, quiet,
                {"condition": condition, "status": status, "node": "ip-10-30-12-7.ec2.internal"})


def _crash(alert: str, namespace: str, pod: str, container: str) -> Case:
    series = f'kube_pod_container_status_waiting_reason{{namespace="{namespace}", pod="{pod}", container="{container}", reason="CrashLoopBackOff"}}'
    return Case(alert, K8S, {series: "0+0x5 1+0x40"}, {series: "0+0x45"}, "40m", "12m",
                {"namespace": namespace, "pod": pod, "container": container, "reason": "CrashLoopBackOff"})


def _counter(alert: str, file: str, series: str, rising: str, labels: dict[str, str], at: str = "25m", quiet: str = "10m") -> Case:
    """A counter that keeps rising (failing) against one that rose once, long ago (healthy)."""
    return Case(alert, file, {series: rising}, {series: "7+0x30"}, at, quiet, labels)


CASES = (
    _node_condition("NodeNotReady", "Ready", "true", "1+0x10 0+0x30", "1+0x40", "35m", "15m"),
    _node_condition("NodeMemoryPressure", "MemoryPressure", "true", "0+0x10 1+0x20", "0+0x30", "25m", "12m"),
    _node_condition("NodeDiskPressure", "DiskPressure", "true", "0+0x10 1+0x20", "0+0x30", "25m", "12m"),
    # 3 GB an hour off a 100 GB root volume; healthy: half free and flat.
    Case("NodeRootFilesystemFillingUp", K8S,
         {f"node_filesystem_avail_bytes{{{FS}}}": "30000000000-50000000x300", f"node_filesystem_size_bytes{{{FS}}}": "100000000000+0x300"},
         {f"node_filesystem_avail_bytes{{{FS}}}": "50000000000+0x300", f"node_filesystem_size_bytes{{{FS}}}": "100000000000+0x300"},
         "300m", "150m", {"mountpoint": "/", "instance": "10.30.12.7:9100", "device": "/dev/nvme0n1p1", "fstype": "xfs"}),
    _crash("PlatformPodCrashLooping", "external-secrets", "external-secrets-7d9f6c5b8-x2k4q", "external-secrets"),
    _crash("AppPodCrashLooping", "sparki-api", "api-6c8d9f7b5-q8z2m", "api"),
    # 0.6 GB an hour off 100 GB: empty in a day and a half. Healthy: as full, but flat.
    Case("PersistentVolumeFillingUp", K8S,
         {f"kubelet_volume_stats_available_bytes{{{PVC}}}": "20000000000-10000000x600", f"kubelet_volume_stats_capacity_bytes{{{PVC}}}": "100000000000+0x600"},
         {f"kubelet_volume_stats_available_bytes{{{PVC}}}": "14000000000+0x600", f"kubelet_volume_stats_capacity_bytes{{{PVC}}}": "100000000000+0x600"},
         "600m", "480m", {"namespace": "monitoring", "persistentvolumeclaim": "prometheus-db-prometheus-0"}),
    # 3 GB an hour with 12 GB left. Healthy: as full, 60 MB an hour (days away).
    Case("PersistentVolumeFillingUpFast", K8S,
         {f"kubelet_volume_stats_available_bytes{{{PVC}}}": "12000000000-50000000x80", f"kubelet_volume_stats_capacity_bytes{{{PVC}}}": "100000000000+0x80"},
         {f"kubelet_volume_stats_available_bytes{{{PVC}}}": "9900000000-1000000x80", f"kubelet_volume_stats_capacity_bytes{{{PVC}}}": "100000000000+0x80"},
         "70m", "35m", {"namespace": "monitoring", "persistentvolumeclaim": "prometheus-db-prometheus-0"}),
    # Expiry timestamps in seconds after the test's start (time() is 0 there).
    Case("CertificateExpiringSoon", CERTS,
         {'certmanager_certificate_expiration_timestamp_seconds{name="api-tls", namespace="sparki-api"}': "864000+0x80"},
         {'certmanager_certificate_expiration_timestamp_seconds{name="api-tls", namespace="sparki-api"}': "5184000+0x80"},
         "70m", "30m", {"name": "api-tls", "namespace": "sparki-api"}),
    Case("CertificateExpiryImminent", CERTS,
         {'certmanager_certificate_expiration_timestamp_seconds{name="api-tls", namespace="sparki-api"}': "172800+0x30"},
         {'certmanager_certificate_expiration_timestamp_seconds{name="api-tls", namespace="sparki-api"}': "864000+0x30"},
         "20m", "5m", {"name": "api-tls", "namespace": "sparki-api"}),
    Case("CertificateNotReady", CERTS,
         {'certmanager_certificate_ready_status{name="api-tls", namespace="sparki-api", condition="False"}': "0+0x5 1+0x40"},
         {'certmanager_certificate_ready_status{name="api-tls", namespace="sparki-api", condition="False"}': "0+0x45"},
         "40m", "20m", {"name": "api-tls", "namespace": "sparki-api", "condition": "False"}),
    _counter("ExternalSecretSyncErrors", CERTS, 'externalsecret_sync_calls_error{name="app-secrets", namespace="sparki-api"}', "0+1x30",
             {"name": "app-secrets", "namespace": "sparki-api"}, at="30m"),
    Case("ExternalSecretNotReady", CERTS,
         {'externalsecret_status_condition{name="app-secrets", namespace="sparki-api", condition="Ready", status="False"}': "1+0x45"},
         {'externalsecret_status_condition{name="app-secrets", namespace="sparki-api", condition="Ready", status="False"}': "0+0x45"},
         "40m", "20m", {"name": "app-secrets", "namespace": "sparki-api", "condition": "Ready", "status": "False"}),
    _counter("AlertmanagerNotificationsFailing", DATA, 'alertmanager_notifications_failed_total{integration="slack", pod="alertmanager-main-0"}',
             "0+2x30", {"integration": "slack"}, quiet="8m"),
    # prod's max_connections is 500: the warning starts above 400.
    Case("DatabaseConnectionsNearLimit", DATA,
         {'aws_rds_database_connections_maximum{dbinstance_identifier="sparki-prod-db"}': "300+4x40"},
         {'aws_rds_database_connections_maximum{dbinstance_identifier="sparki-prod-db"}': "240+0x40"},
         "40m", "18m", {"dbinstance_identifier": "sparki-prod-db"}),
    Case("CacheConnectionsNearLimit", DATA,
         {'aws_elasticache_curr_connections_maximum{cache_cluster_id="sparki-prod-cache-001"}': "60000+0x30"},
         {'aws_elasticache_curr_connections_maximum{cache_cluster_id="sparki-prod-cache-001"}': "180+0x30"},
         "25m", "5m", {"cache_cluster_id": "sparki-prod-cache-001"}),
    Case("DatabaseWithoutConnections", DATA,
         {'aws_rds_database_connections_average{dbinstance_identifier="sparki-prod-db"}': "40+0x5 0+0x30"},
         {'aws_rds_database_connections_average{dbinstance_identifier="sparki-prod-db"}': "40+0x35"},
         "30m", "15m", {"dbinstance_identifier": "sparki-prod-db"}),
    _counter("FluentBitOutputErrors", PIPES, 'fluentbit_output_errors_total{name="loki.1", pod="fluent-bit-8xk2p"}', "0+3x30", {"name": "loki.1"}),
    Case("FluentBitRecordsDropped", PIPES,
         {'fluentbit_output_retries_failed_total{name="loki.1", pod="fluent-bit-8xk2p"}': "0+0x5 0+5x20",
          'fluentbit_output_dropped_records_total{name="loki.1", pod="fluent-bit-8xk2p"}': "0+0x25"},
         {'fluentbit_output_retries_failed_total{name="loki.1", pod="fluent-bit-8xk2p"}': "0+0x25",
          'fluentbit_output_dropped_records_total{name="loki.1", pod="fluent-bit-8xk2p"}': "0+0x25"},
         "20m", "8m", {"name": "loki.1"}),
    _counter("LokiDiscardingSamples", PIPES, 'loki_discarded_samples_total{reason="rate_limited", tenant="fake"}', "0+100x30", {"reason": "rate_limited"}),
    # 100 of 1,100 pushes a minute fail (9%); healthy: 10 of 1,010 (1%).
    Case("LokiPushErrors", PIPES,
         {'loki_request_duration_seconds_count{route="loki_api_v1_push", status_code="204"}': "0+1000x30",
          'loki_request_duration_seconds_count{route="loki_api_v1_push", status_code="500"}': "0+100x30"},
         {'loki_request_duration_seconds_count{route="loki_api_v1_push", status_code="204"}': "0+1000x30",
          'loki_request_duration_seconds_count{route="loki_api_v1_push", status_code="500"}': "0+10x30"},
         "20m", "5m"),
    Case("TraceSpansRefused", PIPES,
         {'otelcol_receiver_accepted_spans_total{receiver="otlp", transport="grpc"}': "0+6000x30",
          'otelcol_receiver_refused_spans_total{receiver="otlp", transport="grpc"}': "0+600x30"},
         {'otelcol_receiver_accepted_spans_total{receiver="otlp", transport="grpc"}': "0+6000x30",
          'otelcol_receiver_refused_spans_total{receiver="otlp", transport="grpc"}': "0+6x30"},
         "25m", "10m", {"receiver": "otlp"}),
    _counter("TraceExportFailing", PIPES, 'otelcol_exporter_send_failed_spans_total{exporter="jaeger_storage_exporter"}', "0+100x30",
             {"exporter": "jaeger_storage_exporter"}),
    Case("TraceExportQueueFull", PIPES,
         {'otelcol_exporter_enqueue_failed_spans_total{exporter="jaeger_storage_exporter"}': "0+0x5 0+200x20"},
         {'otelcol_exporter_enqueue_failed_spans_total{exporter="jaeger_storage_exporter"}': "0+0x25"},
         "20m", "8m", {"exporter": "jaeger_storage_exporter"}),
    Case("ElasticsearchClusterRed", PIPES,
         {'elasticsearch_cluster_health_status{cluster="sparki-es", color="red"}': "0+0x5 1+0x20"},
         {'elasticsearch_cluster_health_status{cluster="sparki-es", color="red"}': "0+0x25"},
         "20m", "8m", {"cluster": "sparki-es", "color": "red"}),
    Case("ElasticsearchClusterYellow", PIPES,
         {'elasticsearch_cluster_health_status{cluster="sparki-es", color="yellow"}': "1+0x45"},
         {'elasticsearch_cluster_health_status{cluster="sparki-es", color="yellow"}': "0+0x45"},
         "40m", "20m", {"cluster": "sparki-es", "color": "yellow"}),
    Case("ElasticsearchDiskLowWatermark", PIPES,
         {f"elasticsearch_filesystem_data_available_bytes{{{ES}}}": "13000000000+0x30", f"elasticsearch_filesystem_data_size_bytes{{{ES}}}": "100000000000+0x30"},
         {f"elasticsearch_filesystem_data_available_bytes{{{ES}}}": "30000000000+0x30", f"elasticsearch_filesystem_data_size_bytes{{{ES}}}": "100000000000+0x30"},
         "25m", "10m", {"cluster": "sparki-es", "name": "sparki-es-default-0"}),
    Case("ElasticsearchDiskHighWatermark", PIPES,
         {f"elasticsearch_filesystem_data_available_bytes{{{ES}}}": "8000000000+0x30", f"elasticsearch_filesystem_data_size_bytes{{{ES}}}": "100000000000+0x30"},
         {f"elasticsearch_filesystem_data_available_bytes{{{ES}}}": "13000000000+0x30", f"elasticsearch_filesystem_data_size_bytes{{{ES}}}": "100000000000+0x30"},
         "15m", "3m", {"cluster": "sparki-es", "name": "sparki-es-default-0"}),
)
