"""Which metric names each component of the stack exports: the list a rule or a dashboard
panel may read without recording it itself. Each entry names where the names come from
upstream. Histograms list their _bucket, _count and _sum series.

This branch (obs-logs) holds the entries of the log, search and trace components only, in the
shape of helper A's constructs/metric_sources.py (obs-rules); the lead unions both at merge,
set by set for the keys both have (loki, jaeger, elasticsearch-exporter).
"""
from __future__ import annotations


def _histogram(name: str) -> frozenset[str]:
    return frozenset({f"{name}_bucket", f"{name}_count", f"{name}_sum"})


METRIC_SOURCES: dict[str, frozenset[str]] = {
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
