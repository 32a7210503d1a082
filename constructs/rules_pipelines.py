"""Alerts on the telemetry pipelines losing data: Fluent Bit -> Loki for logs, OTLP -> Jaeger
(an OpenTelemetry Collector build) -> Elasticsearch for traces, and Elasticsearch's health.
A pipeline that drops data silently is found only when someone needs the data; these alerts
make the drop itself the incident."""
from __future__ import annotations

from constructs.prometheus_rules import Group, alert

# Elasticsearch's default disk watermarks: at 85% used it allocates no new shards to the node,
# at 90% it moves shards away, at 95% (flood stage) it makes indices read-only.
LOW_WATERMARK, HIGH_WATERMARK = 0.85, 0.90
_PUSH = 'route=~"loki_api_v1_push|api_prom_push"'


def _logs() -> Group:
    return Group("sparki-log-pipeline", (
        alert("FluentBitOutputErrors", "sum by (name) (rate(fluentbit_output_errors_total[5m])) > 0",
              for_="15m", severity="warning", owner="platform", runbook="log-pipeline",
              summary="Fluent Bit output {{ $labels.name }} keeps failing",
              description="Chunks sent by output {{ $labels.name }} have failed for 15 minutes; Fluent Bit retries them, and buffers fill meanwhile."),
        alert("FluentBitRecordsDropped",
              "sum by (name) (rate(fluentbit_output_retries_failed_total[5m])) > 0 "
              "or sum by (name) (rate(fluentbit_output_dropped_records_total[5m])) > 0",
              for_="5m", severity="critical", owner="platform", runbook="log-pipeline",
              summary="Fluent Bit output {{ $labels.name }} is dropping logs",
              description="Retries are exhausted or records are discarded: container logs are lost for good."),
        alert("LokiDiscardingSamples", "sum by (reason) (rate(loki_discarded_samples_total[5m])) > 0",
              for_="15m", severity="warning", owner="platform", runbook="log-pipeline",
              summary="Loki discards log lines ({{ $labels.reason }})",
              description="Loki refuses lines it received, for reason {{ $labels.reason }} (rate limit, line too long, too old...); they are lost."),
        alert("LokiPushErrors",
              f'sum(rate(loki_request_duration_seconds_count{{{_PUSH}, status_code=~"5.."}}[5m])) '
              f"/ sum(rate(loki_request_duration_seconds_count{{{_PUSH}}}[5m])) > 0.05",
              for_="10m", severity="critical", owner="platform", runbook="log-pipeline",
              summary="Loki fails more than 5% of log pushes",
              description="Ingestion answers 5xx; Fluent Bit retries, then drops."),
    ))


def _traces() -> Group:
    accepted = "sum by (receiver) (rate(otelcol_receiver_accepted_spans_total[5m]))"
    refused = "sum by (receiver) (rate(otelcol_receiver_refused_spans_total[5m]))"
    return Group("sparki-trace-pipeline", (
        alert("TraceSpansRefused", f"{refused} / ({accepted} + {refused}) > 0.01", for_="15m",
              severity="warning", owner="platform", runbook="trace-pipeline",
              summary="Jaeger refuses more than 1% of spans on {{ $labels.receiver }}",
              description="Senders get errors back (memory limiter, bad payloads); their spans are lost unless the SDK retries."),
        alert("TraceExportFailing", "sum by (exporter) (rate(otelcol_exporter_send_failed_spans_total[5m])) > 0",
              for_="15m", severity="warning", owner="platform", runbook="trace-pipeline",
              summary="Jaeger fails to write spans through {{ $labels.exporter }}",
              description="Writes to the span store have failed for 15 minutes; spans wait in the queue until it fills."),
        alert("TraceExportQueueFull", "sum by (exporter) (rate(otelcol_exporter_enqueue_failed_spans_total[5m])) > 0",
              for_="5m", severity="critical", owner="platform", runbook="trace-pipeline",
              summary="Jaeger's {{ $labels.exporter }} queue is full: spans are dropped",
              description="Spans that cannot be queued are discarded; traces have gaps from now on."),
    ))


def _elasticsearch() -> Group:
    used = "1 - elasticsearch_filesystem_data_available_bytes / elasticsearch_filesystem_data_size_bytes"
    return Group("sparki-elasticsearch", (
        alert("ElasticsearchClusterRed", 'elasticsearch_cluster_health_status{color="red"} == 1', for_="5m",
              severity="critical", owner="platform", runbook="elasticsearch",
              summary="Elasticsearch cluster {{ $labels.cluster }} is red",
              description="At least one primary shard is unassigned: searches miss data and writes to it fail (traces and logs are lost)."),
        alert("ElasticsearchClusterYellow", 'elasticsearch_cluster_health_status{color="yellow"} == 1', for_="30m",
              severity="warning", owner="platform", runbook="elasticsearch",
              summary="Elasticsearch cluster {{ $labels.cluster }} is yellow",
              description="Replica shards are unassigned for 30 minutes; one more node loss can lose data."),
        alert("ElasticsearchDiskLowWatermark", f"{used} > {LOW_WATERMARK}", for_="15m", severity="warning",
              owner="platform", runbook="elasticsearch",
              summary="Elasticsearch node {{ $labels.name }} is past the low disk watermark",
              description="More than 85% of its data disk is used; Elasticsearch allocates no new shards to it."),
        alert("ElasticsearchDiskHighWatermark", f"{used} > {HIGH_WATERMARK}", for_="5m", severity="critical",
              owner="platform", runbook="elasticsearch",
              summary="Elasticsearch node {{ $labels.name }} is past the high disk watermark",
              description="More than 90% of its data disk is used; shards move away, and at 95% indices become read-only."),
    ))


def groups() -> list[Group]:
    return [_logs(), _traces(), _elasticsearch()]
