"""The infrastructure dashboard (nodes, pods, volumes, the observability stores, the data layer)
and the debugging dashboard (logs, traces, slow queries). Panels: docs/observability-dashboards.md.

The data layer is read from CloudWatch (AWS/RDS, the database's exported PostgreSQL log): the
RDS instance is named by catalog.naming.database_identifier, as the data layer names it.
"""
from __future__ import annotations

from catalog.naming import database_identifier, grafana_log_groups, name_prefix
from constructs import grafana_datasources as ds
from constructs.addon_contract import ComponentContext
from constructs.dashboard_panels import Board, cloudwatch_logs, cloudwatch_metric, elasticsearch_count, logql, promql, traces

# The log RDS exports for PostgreSQL (constructs/database.LOG_EXPORTS) and where it lands.
POSTGRES_LOG = "postgresql"
# log_min_duration_statement writes "duration: <ms> ms  statement: <sql>"; auto_explain's sampled
# plans are "duration: <ms> ms  plan: ..." (data layer, constructs/postgres_parameters.py).
SLOW_STATEMENTS = ('filter @message like /duration: / | parse @message "duration: * ms" as ms '
                   "| sort ms desc | display @timestamp, ms, @message | limit 50")
SLOW_STATEMENT_SHAPES = ('filter @message like /duration: [0-9.]+ ms  statement: / | parse @message "duration: * ms  statement: *" as ms, statement '
                         "| stats count(*) as slow_runs, avg(ms) as avg_ms, max(ms) as max_ms by statement | sort max_ms desc | limit 20")
ERROR_LINES = "(?i)(error|exception|panic|fatal)"


def _database(ctx: ComponentContext) -> dict[str, str]:
    return {"DBInstanceIdentifier": database_identifier(name_prefix(ctx.env))}


def infrastructure(ctx: ComponentContext) -> Board:
    db = _database(ctx)
    board = Board("sparki-infrastructure", "Sparki infrastructure", "Nodes, pods, volumes, the observability stores and the data layer", ["infrastructure"])
    board.row(
        "Nodes",
        [
            promql("Node CPU busy", "Share of CPU time not idle, per node",
                   [('1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))', "{{instance}}")], "percentunit"),
            promql("Node memory used", "Share of memory not available to new work, per node",
                   [("1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes", "{{instance}}")], "percentunit"),
            promql("Node root disk used", "Share of each node's root filesystem in use",
                   [('1 - node_filesystem_avail_bytes{mountpoint="/"} / node_filesystem_size_bytes{mountpoint="/"}', "{{instance}}")], "percentunit"),
            promql("Node network", "Bytes received and sent per node",
                   [('sum by (instance) (rate(node_network_receive_bytes_total{device!~"lo|veth.*|eni.*"}[5m]))', "{{instance}} in"),
                    ('sum by (instance) (rate(node_network_transmit_bytes_total{device!~"lo|veth.*|eni.*"}[5m]))', "{{instance}} out")], "Bps"),
            promql("Pods per node", "Pods scheduled on each node (the VPC CNI's IP limit caps it)",
                   [("count by (node) (kube_pod_info)", "{{node}}")]),
            promql("Nodes ready", "Nodes reporting Ready, and all nodes",
                   [('sum(kube_node_status_condition{condition="Ready", status="true"})', "ready"), ("count(kube_node_info)", "total")], kind="stat"),
        ],
    )
    board.row(
        "Pods",
        [
            promql("CPU by namespace", "CPU cores used by containers, per namespace",
                   [('sum by (namespace) (rate(container_cpu_usage_seconds_total{container!=""}[5m]))', "{{namespace}}")], "cores"),
            promql("Memory by namespace", "Working-set memory of containers, per namespace",
                   [('sum by (namespace) (container_memory_working_set_bytes{container!=""})', "{{namespace}}")], "bytes"),
            promql("CPU throttling", "Share of CFS periods throttled, per namespace: limits too tight",
                   [("sum by (namespace) (rate(container_cpu_cfs_throttled_periods_total[5m])) / sum by (namespace) (rate(container_cpu_cfs_periods_total[5m]))",
                     "{{namespace}}")], "percentunit"),
            promql("Pods by phase", "Pods in each phase across the cluster",
                   [("sum by (phase) (kube_pod_status_phase)", "{{phase}}")]),
            promql("Restarts (1h)", "Container restarts over the last hour, per namespace",
                   [("sum by (namespace) (increase(kube_pod_container_status_restarts_total[1h])) > 0", "{{namespace}}")]),
            promql("HPA replicas", "Current against maximum replicas of each HorizontalPodAutoscaler",
                   [("sum by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas)", "{{horizontalpodautoscaler}} current"),
                    ("sum by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas)", "{{horizontalpodautoscaler}} max")]),
        ],
    )
    board.row(
        "Volumes and stores",
        [
            promql("Volume usage", "Share of each PersistentVolumeClaim in use (Prometheus, Elasticsearch, Loki caches)",
                   [("kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes", "{{namespace}}/{{persistentvolumeclaim}}")], "percentunit"),
            promql("Claims not bound", "PersistentVolumeClaims pending or lost",
                   [('sum by (namespace, persistentvolumeclaim) (kube_persistentvolumeclaim_status_phase{phase!="Bound"}) > 0', "{{persistentvolumeclaim}}")], kind="stat"),
            promql("Prometheus series and samples", "Active series in the head block and samples appended per second",
                   [("sum(prometheus_tsdb_head_series)", "series"), ("sum(rate(prometheus_tsdb_head_samples_appended_total[5m]))", "samples/s")]),
            promql("Elasticsearch health", "Cluster status: 0 green, 1 yellow, 2 red",
                   [('max(elasticsearch_cluster_health_status{color="red"}) * 2 or max(elasticsearch_cluster_health_status{color="yellow"})', "status")], kind="stat"),
            promql("Elasticsearch disk free", "Free bytes on each data node's data path",
                   [("min by (name) (elasticsearch_filesystem_data_available_bytes)", "{{name}}")], "bytes"),
            promql("Log pipeline", "Records Fluent Bit sends, and its errors and dropped retries, per output",
                   [("sum by (name) (rate(fluentbit_output_proc_records_total[5m]))", "{{name}} sent"),
                    ("sum by (name) (rate(fluentbit_output_errors_total[5m]))", "{{name}} errors"),
                    ("sum by (name) (rate(fluentbit_output_retries_failed_total[5m]))", "{{name}} dropped")], "ops"),
        ],
    )
    board.row(
        "Data layer",
        [
            cloudwatch_metric("Database CPU", "RDS instance CPU", ctx.region, "AWS/RDS", [("CPUUtilization", db, "Average")], "percent"),
            cloudwatch_metric("Database connections", "Open connections to the database", ctx.region, "AWS/RDS", [("DatabaseConnections", db, "Maximum")]),
            cloudwatch_metric("Database free storage", "Free storage space (storage autoscaling grows it up to its maximum)",
                              ctx.region, "AWS/RDS", [("FreeStorageSpace", db, "Minimum")], "bytes"),
            cloudwatch_metric("Database memory", "Freeable memory of the instance", ctx.region, "AWS/RDS", [("FreeableMemory", db, "Minimum")], "bytes"),
            cloudwatch_metric("Database I/O latency", "Average read and write latency", ctx.region, "AWS/RDS",
                              [("ReadLatency", db, "Average"), ("WriteLatency", db, "Average")], "s"),
            cloudwatch_metric("Database replica lag", "Seconds a read replica is behind (empty without replicas)", ctx.region, "AWS/RDS",
                              [("ReplicaLag", db, "Maximum")], "s"),
        ],
    )
    return board


def debugging(ctx: ComponentContext) -> Board:
    apps = "|".join(ctx.platform.app_namespaces)
    db = _database(ctx)
    postgres_log = grafana_log_groups(ctx.env)[POSTGRES_LOG]
    board = Board("sparki-debugging", "Sparki debugging", "Logs, traces and slow queries for chasing one problem", ["debugging"])
    board.row(
        "Logs",
        [
            logql("Error lines by namespace", "Log lines that look like errors, per namespace",
                  f'sum by (namespace) (count_over_time({{namespace=~"{apps}"}} |~ "{ERROR_LINES}" [5m]))', legend="{{namespace}}"),
            logql("Application errors", "The latest error lines of the application namespaces",
                  f'{{namespace=~"{apps}"}} |~ "{ERROR_LINES}"', width=16),
            logql("Log volume by namespace", "Bytes of logs per namespace: a chatty release or a log loop",
                  'sum by (namespace) (bytes_over_time({namespace=~".+"} [5m]))', legend="{{namespace}}"),
            logql("Platform errors", "Error lines of the platform's own namespaces (monitoring, ingress, secrets, certificates)",
                  f'{{namespace=~"monitoring|kube-system|cert-manager|external-secrets"}} |~ "{ERROR_LINES}"', width=16),
            elasticsearch_count("Log search: errors by namespace", "Log documents at error level in the search indices, per namespace",
                                ds.ELASTICSEARCH_LOGS, 'log.level:("error" OR "fatal")', "kubernetes.namespace_name"),
        ],
    )
    board.row(
        "Traces",
        [
            promql("Spans received and refused", "Spans Jaeger's collector accepted and refused per second",
                   [("sum(rate(otelcol_receiver_accepted_spans_total[5m]))", "accepted"),
                    ("sum(rate(otelcol_receiver_refused_spans_total[5m]))", "refused")], "ops"),
            elasticsearch_count("Spans with errors by service", "Stored spans tagged error=true, per service",
                                ds.ELASTICSEARCH_TRACES, 'tags.key:"error" AND tags.value:"true"', "process.serviceName"),
            *[traces(f"Slow traces: {ns}", f"Traces of {ns} slower than one second", ns.removeprefix("sparki-"), min_duration="1s")
              for ns in ctx.platform.app_namespaces],
            *[traces(f"Failed traces: {ns}", f"Traces of {ns} with an error span", ns.removeprefix("sparki-"), tags="error=true")
              for ns in ctx.platform.app_namespaces],
        ],
    )
    board.row(
        "Database",
        [
            cloudwatch_logs("Slow queries", "Statements slower than the database's log_min_duration_statement, slowest first",
                            ctx.region, [postgres_log], SLOW_STATEMENTS, width=16),
            cloudwatch_logs("Slow statements by text", "The slow statements grouped by their text: how often each ran slow, its average and worst time",
                            ctx.region, [postgres_log], SLOW_STATEMENT_SHAPES, width=16),
            cloudwatch_metric("Database load (Performance Insights)", "Average active sessions, on CPU and waiting",
                              ctx.region, "AWS/RDS", [("DBLoadCPU", db, "Average"), ("DBLoadNonCPU", db, "Average")]),
            cloudwatch_logs("Database errors", "ERROR and FATAL lines of the PostgreSQL log", ctx.region, [postgres_log],
                            'filter @message like /(ERROR|FATAL):/ | stats count(*) as lines by bin(5m)'),
            promql("Queue depth", "Work waiting in each Sparki service's queues",
                   [("sum by (service, queue) (sparki_queue_depth)", "{{service}} {{queue}}")]),
        ],
    )
    return board
