"""Which metric names each component of the stack exports: the list a rule or a dashboard
panel may read without recording it itself (tests check every expression against it). Each
entry names where the names come from upstream; add a component's metrics here when a rule or
panel starts reading them. Histograms list their _bucket, _count and _sum series.
"""
from __future__ import annotations

from catalog.metric_contract import SPARKI_LATENCY, SPARKI_QUEUE_DEPTH, SPARKI_REQUESTS


def _histogram(name: str) -> frozenset[str]:
    return frozenset({f"{name}_bucket", f"{name}_count", f"{name}_sum"})


def _cloudwatch(prefix: str, metrics: tuple[str, ...], statistics: tuple[str, ...] = ("average", "maximum")) -> frozenset[str]:
    # prometheus/cloudwatch_exporter names a series aws_<namespace>_<metric>_<statistic>, in snake case.
    return frozenset(f"{prefix}_{m}_{s}" for m in metrics for s in statistics)


METRIC_SOURCES: dict[str, frozenset[str]] = {
    # kubernetes/kube-state-metrics docs/metrics/ (node, pod, deployment, PVC metrics).
    "kube-state-metrics": frozenset({
        "kube_node_status_condition", "kube_node_info", "kube_node_spec_unschedulable",
        "kube_pod_container_status_waiting_reason", "kube_pod_container_status_restarts_total",
        "kube_pod_status_phase", "kube_pod_info", "kube_deployment_status_replicas_available",
        "kube_deployment_status_replicas_unavailable", "kube_deployment_spec_replicas",
        "kube_persistentvolumeclaim_info", "kube_persistentvolumeclaim_resource_requests_storage_bytes",
    }),
    # prometheus/node_exporter collector/filesystem_common.go, meminfo, cpu.
    "node-exporter": frozenset({
        "node_filesystem_avail_bytes", "node_filesystem_size_bytes", "node_memory_MemAvailable_bytes",
        "node_memory_MemTotal_bytes", "node_cpu_seconds_total", "node_load1",
    }),
    # kubernetes/kubernetes pkg/kubelet/metrics (volume stats) and cAdvisor's container metrics.
    "kubelet": frozenset({
        "kubelet_volume_stats_available_bytes", "kubelet_volume_stats_capacity_bytes", "kubelet_volume_stats_used_bytes",
        "container_cpu_usage_seconds_total", "container_memory_working_set_bytes",
    }),
    # k8s.io/apiserver pkg/endpoints/metrics/metrics.go; EKS serves them on the API's /metrics.
    "apiserver": frozenset({"apiserver_request_total", *_histogram("apiserver_request_duration_seconds")}),
    # prometheus/prometheus: every target's `up`, and the rule manager's own metrics.
    "prometheus": frozenset({"up", "prometheus_rule_evaluation_failures_total", "prometheus_rule_group_last_duration_seconds"}),
    # prometheus/alertmanager notify/notify.go.
    "alertmanager": frozenset({"alertmanager_notifications_total", "alertmanager_notifications_failed_total"}),
    # cert-manager pkg/metrics/certificates.go.
    "cert-manager": frozenset({
        "certmanager_certificate_expiration_timestamp_seconds", "certmanager_certificate_ready_status",
        "certmanager_certificate_renewal_timestamp_seconds",
    }),
    # external-secrets pkg/controllers/externalsecret/esmetrics.
    "external-secrets": frozenset({
        "externalsecret_sync_calls_total", "externalsecret_sync_calls_error", "externalsecret_status_condition",
    }),
    # fluent-bit docs "Monitoring" (/api/v1/metrics/prometheus).
    "fluent-bit": frozenset({
        "fluentbit_output_proc_records_total", "fluentbit_output_errors_total", "fluentbit_output_retries_total",
        "fluentbit_output_retries_failed_total", "fluentbit_output_dropped_records_total", "fluentbit_input_records_total",
    }),
    # grafana/loki pkg/validation (discarded samples) and the server's request histogram.
    "loki": frozenset({"loki_discarded_samples_total", "loki_distributor_lines_received_total", *_histogram("loki_request_duration_seconds")}),
    # Jaeger v2 is an OpenTelemetry Collector build: its internal telemetry (collector docs
    # "Internal telemetry", Prometheus names with the _total suffix).
    "jaeger": frozenset({
        "otelcol_receiver_accepted_spans_total", "otelcol_receiver_refused_spans_total",
        "otelcol_exporter_sent_spans_total", "otelcol_exporter_send_failed_spans_total",
        "otelcol_exporter_enqueue_failed_spans_total",
    }),
    # prometheus-community/elasticsearch_exporter collector/cluster_health.go, nodes.go.
    "elasticsearch-exporter": frozenset({
        "elasticsearch_cluster_health_status", "elasticsearch_cluster_health_unassigned_shards",
        "elasticsearch_filesystem_data_available_bytes", "elasticsearch_filesystem_data_size_bytes",
    }),
    # prometheus/cloudwatch_exporter, for the statistics its configuration asks for.
    "cloudwatch-exporter": (
        _cloudwatch("aws_rds", ("database_connections", "cpuutilization", "freeable_memory"))
        | _cloudwatch("aws_elasticache", ("curr_connections", "engine_cpuutilization"))
        | _cloudwatch("aws_wafv2", ("blocked_requests", "allowed_requests"), ("sum",))
    ),
    # The contract every Sparki service exports (catalog/metric_contract.py).
    "sparki": frozenset({
        SPARKI_REQUESTS, SPARKI_LATENCY, SPARKI_LATENCY.removesuffix("_bucket") + "_count",
        SPARKI_LATENCY.removesuffix("_bucket") + "_sum", SPARKI_QUEUE_DEPTH,
    }),
}


# What the Grafana dashboards read besides the above (constructs/dashboards_*.py), same sources.
_DASHBOARD_READS: dict[str, frozenset[str]] = {
    # kube-state-metrics docs/metrics/workload (cronjob, job, deployment, daemonset, statefulset,
    # horizontalpodautoscaler) and storage/persistentvolumeclaim-metrics.md.
    "kube-state-metrics": frozenset({
        "kube_cronjob_status_last_successful_time", "kube_job_status_failed",
        "kube_deployment_status_observed_generation", "kube_deployment_metadata_generation",
        "kube_deployment_status_replicas_updated", "kube_daemonset_status_number_unavailable",
        "kube_statefulset_replicas", "kube_statefulset_status_replicas_ready",
        "kube_horizontalpodautoscaler_status_current_replicas", "kube_horizontalpodautoscaler_spec_max_replicas",
        "kube_persistentvolumeclaim_status_phase",
    }),
    # node_exporter collector/netdev_common.go.
    "node-exporter": frozenset({"node_network_receive_bytes_total", "node_network_transmit_bytes_total"}),
    # cAdvisor's CFS metrics (container_cpu_cfs_*), served by the kubelet.
    "kubelet": frozenset({"container_cpu_cfs_throttled_periods_total", "container_cpu_cfs_periods_total"}),
    # prometheus/prometheus: ALERTS (one series per pending or firing alert, rules/alerting.go),
    # config reload status (cmd/prometheus) and TSDB head statistics (tsdb/head.go).
    "prometheus": frozenset({
        "ALERTS", "prometheus_config_last_reload_successful", "prometheus_tsdb_head_series", "prometheus_tsdb_head_samples_appended_total",
    }),
    # prometheus/alertmanager config/coordinator.go.
    "alertmanager": frozenset({"alertmanager_config_last_reload_successful"}),
}
for _component, _names in _DASHBOARD_READS.items():
    METRIC_SOURCES[_component] = METRIC_SOURCES[_component] | _names


# The log, search and trace components' entries (helper C2's, obs-logs), same sources.
_TELEMETRY_READS: dict[str, frozenset[str]] = {
    # grafana/loki v3.6.12: pkg/distributor (lines and bytes received), pkg/validation
    # (discarded samples), pkg/ingester (flushes, WAL), pkg/compactor/metrics.go (compaction and
    # retention runs: the proof that retention is enforced), and the server's request histogram.
    "loki": frozenset({
        "loki_distributor_lines_received_total", "loki_distributor_bytes_received_total",
        "loki_discarded_samples_total", "loki_ingester_chunks_flushed_total",
        "loki_ingester_wal_disk_full_failures_total",
        "loki_compactor_apply_retention_operation_total",
        "loki_compactor_apply_retention_last_successful_run_timestamp_seconds",
        "loki_boltdb_shipper_compact_tables_operation_total",
        "loki_boltdb_shipper_compact_tables_operation_last_successful_run_timestamp_seconds",
        *_histogram("loki_request_duration_seconds"),
    }),
    # Jaeger v2 is an OpenTelemetry Collector build (jaegertracing/jaeger v2.19.0
    # cmd/jaeger/config: telemetry.metrics on :8888): the collector's internal telemetry, in
    # Prometheus names with the _total suffix.
    "jaeger": frozenset({
        "otelcol_receiver_accepted_spans_total", "otelcol_receiver_refused_spans_total",
        "otelcol_exporter_sent_spans_total", "otelcol_exporter_send_failed_spans_total",
        "otelcol_exporter_enqueue_failed_spans_total", "otelcol_processor_batch_batch_send_size_count",
    }),
    # prometheus-community/elasticsearch_exporter v1.11.0 (chart 7.4.0): collector/cluster_health.go,
    # nodes.go (filesystem, JVM), snapshots.go and slm.go (components_search.py turns es.slm on).
    "elasticsearch-exporter": frozenset({
        "elasticsearch_cluster_health_status", "elasticsearch_cluster_health_number_of_nodes",
        "elasticsearch_cluster_health_number_of_data_nodes", "elasticsearch_cluster_health_unassigned_shards",
        "elasticsearch_cluster_health_relocating_shards", "elasticsearch_cluster_health_number_of_pending_tasks",
        "elasticsearch_filesystem_data_available_bytes", "elasticsearch_filesystem_data_size_bytes",
        "elasticsearch_jvm_memory_used_bytes", "elasticsearch_jvm_memory_max_bytes",
        "elasticsearch_snapshot_stats_latest_snapshot_timestamp_seconds", "elasticsearch_snapshot_stats_number_of_snapshots",
        "elasticsearch_slm_stats_snapshots_failed_total", "elasticsearch_slm_stats_snapshots_taken_total",
        "elasticsearch_slm_stats_operation_mode",
    }),
}
for _component, _names in _TELEMETRY_READS.items():
    METRIC_SOURCES[_component] = METRIC_SOURCES.get(_component, frozenset()) | _names


def exported() -> frozenset[str]:
    """Every metric name some component exports."""
    return frozenset().union(*METRIC_SOURCES.values())


def exporter_of(metric: str) -> list[str]:
    return sorted(c for c, names in METRIC_SOURCES.items() if metric in names)
