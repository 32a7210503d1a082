"""The few panel shapes the Grafana dashboards use, on grafana-foundation-sdk's typed builders.

A dashboard module describes panels (title, what they read, unit); Board places them in rows,
numbers them and encodes the result. Every query names its data source by a uid of
constructs/grafana_datasources.py. Pure Python: no cdktf import.

Log queries select streams by the labels Fluent Bit gives Loki (LOG_LABELS); the tests refuse a
selector on any other label.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from grafana_foundation_sdk.builders import cloudwatch, dashboard, elasticsearch, logs, loki, prometheus, stat, table, timeseries
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import cloudwatch as cloudwatch_model
from grafana_foundation_sdk.models.dashboard import DashboardCursorSync, DataSourceRef

from constructs import grafana_datasources as ds

# Stream labels Fluent Bit gives every container log line it pushes to Loki
# (constructs/components_logging.py, its Loki output); pod names stay in the JSON line.
LOG_LABELS = ("job", "cluster", "namespace", "container")
PLUGINS = {source.uid: source.plugin for source in ds.data_sources("us-east-1")}
# A panel per row-third and its height: three panels side by side, readable on a laptop.
WIDTH, HEIGHT = 8, 8

Panel = cogbuilder.Builder[Any]


def ref(uid: str) -> DataSourceRef:
    """The reference a panel and its queries carry; KeyError for a uid nobody provisions."""
    return DataSourceRef(type_val=PLUGINS[uid], uid=uid)


class JaegerQuery(cogvariants.Dataquery):
    """A Jaeger trace search (the SDK has no Jaeger query type): service, optional operation,
    tags (logfmt, e.g. "error=true") and minimum duration, as Grafana's Jaeger plugin reads it."""

    def __init__(self, ref_id: str, service: str, tags: str = "", min_duration: str = "", limit: int = 20) -> None:
        self.ref_id, self.service, self.tags, self.min_duration, self.limit = ref_id, service, tags, min_duration, limit

    def to_json(self) -> dict[str, object]:
        payload: dict[str, object] = {"refId": self.ref_id, "queryType": "search", "service": self.service, "limit": self.limit, "datasource": ref(ds.JAEGER)}
        if self.tags:
            payload["tags"] = self.tags
        if self.min_duration:
            payload["minDuration"] = self.min_duration
        return payload


class JaegerSearch(cogbuilder.Builder[JaegerQuery]):
    def __init__(self, service: str, tags: str = "", min_duration: str = "") -> None:
        self._internal = JaegerQuery("A", service, tags, min_duration)

    def build(self) -> JaegerQuery:
        return self._internal


def _refs(count: int) -> list[str]:
    return [chr(ord("A") + i) for i in range(count)]


def promql(title: str, description: str, queries: Sequence[tuple[str, str]], unit: str = "short", *, kind: str = "timeseries", width: int = WIDTH) -> Panel:
    """A Prometheus panel: queries are (expression, legend) pairs; kind "timeseries" or "stat"
    (the last value of each series)."""
    panel = (stat.Panel() if kind == "stat" else timeseries.Panel()).title(title).description(description).unit(unit)
    for ref_id, (expr, legend) in zip(_refs(len(queries)), queries, strict=True):
        query = prometheus.Dataquery().expr(expr).legend_format(legend).ref_id(ref_id).datasource(ref(ds.PROMETHEUS))
        panel = panel.with_target(query.instant() if kind == "stat" else query)
    return panel.datasource(ref(ds.PROMETHEUS)).span(width).height(HEIGHT)


def alert_list(title: str, description: str, matchers: str, *, width: int = WIDTH) -> Panel:
    """Alerts firing now, from Prometheus' ALERTS series (matchers without braces)."""
    expr = f'sum by (alertname, severity, owner) (ALERTS{{alertstate="firing", {matchers}}})'
    query = prometheus.Dataquery().expr(expr).instant().legend_format("{{alertname}}").ref_id("A").datasource(ref(ds.PROMETHEUS))
    return table.Panel().title(title).description(description).with_target(query).datasource(ref(ds.PROMETHEUS)).span(width).height(HEIGHT)


def logql(title: str, description: str, expr: str, *, legend: str = "", width: int = WIDTH) -> Panel:
    """A Loki panel: a log query shows the lines, a metric query (starting with a function,
    e.g. sum by (namespace) (count_over_time(...))) a time series."""
    query = loki.Dataquery().expr(expr).ref_id("A").datasource(ref(ds.LOKI))
    if expr.startswith("{"):
        return logs.Panel().title(title).description(description).with_target(query.max_lines(500)).datasource(ref(ds.LOKI)).span(width).height(HEIGHT)
    return timeseries.Panel().title(title).description(description).with_target(query.legend_format(legend)).datasource(ref(ds.LOKI)).span(width).height(HEIGHT)


def cloudwatch_metric(
    title: str,
    description: str,
    region: str,
    namespace: str,
    metrics: Sequence[tuple[str, Mapping[str, str], str]],
    unit: str = "short",
    *,
    kind: str = "timeseries",
    width: int = WIDTH,
) -> Panel:
    """A CloudWatch metrics panel: metrics are (metric name, dimensions, statistic) in one
    namespace and region (CloudFront-scope WAF metrics live in us-east-1)."""
    panel = (stat.Panel() if kind == "stat" else timeseries.Panel()).title(title).description(description).unit(unit)
    for ref_id, (metric, dimensions, statistic) in zip(_refs(len(metrics)), metrics, strict=True):
        query = (
            cloudwatch.CloudWatchMetricsQuery()
            .query_mode(cloudwatch_model.CloudWatchQueryMode.METRICS)
            .metric_query_type(cloudwatch_model.MetricQueryType.SEARCH)
            .metric_editor_mode(cloudwatch_model.MetricEditorMode.BUILDER)
            .region(region)
            .namespace(namespace)
            .metric_name(metric)
            .dimensions(dict(dimensions))
            .match_exact(True)
            .statistic(statistic)
            .period("300")
            .label(f"{metric} ${{PROP('Dim.{next(iter(dimensions))}')}}" if dimensions else metric)
            .ref_id(ref_id)
            .datasource(ref(ds.CLOUDWATCH))
        )
        panel = panel.with_target(query)
    return panel.datasource(ref(ds.CLOUDWATCH)).span(width).height(HEIGHT)


def cloudwatch_logs(title: str, description: str, region: str, log_groups: Sequence[str], query: str, *, width: int = WIDTH) -> Panel:
    """A CloudWatch Logs Insights query over named log groups, shown as a table."""
    target = (
        cloudwatch.CloudWatchLogsQuery()
        .query_mode(cloudwatch_model.CloudWatchQueryMode.LOGS)
        .region(region)
        .log_group_names(list(log_groups))
        .expression(query)
        .ref_id("A")
        .datasource(ref(ds.CLOUDWATCH))
    )
    return table.Panel().title(title).description(description).with_target(target).datasource(ref(ds.CLOUDWATCH)).span(width).height(HEIGHT)


def elasticsearch_count(title: str, description: str, uid: str, query: str, terms: str, *, width: int = WIDTH) -> Panel:
    """Documents matching a Lucene query per `terms` field value over time, from one of the
    Elasticsearch data sources (its index pattern and time field are the data source's)."""
    time_field = ds.TRACE_TIME_FIELD if uid == ds.ELASTICSEARCH_TRACES else ds.LOG_TIME_FIELD
    target = (
        elasticsearch.Dataquery()
        .query(query)
        .time_field(time_field)
        .metrics([elasticsearch.Count().id("1")])
        .bucket_aggs([
            elasticsearch.Terms().id("2").field(terms).settings(elasticsearch.ElasticsearchTermsSettings().size("10").min_doc_count("1")),
            elasticsearch.DateHistogram().id("3").field(time_field).settings(elasticsearch.ElasticsearchDateHistogramSettings().interval("auto")),
        ])
        .ref_id("A")
        .datasource(ref(uid))
    )
    return timeseries.Panel().title(title).description(description).with_target(target).datasource(ref(uid)).span(width).height(HEIGHT)


def traces(title: str, description: str, service: str, *, tags: str = "", min_duration: str = "", width: int = WIDTH) -> Panel:
    """Recent traces of a service from Jaeger, as a table of trace ids linking to the trace."""
    search = JaegerSearch(service, tags, min_duration)
    return table.Panel().title(title).description(description).with_target(search).datasource(ref(ds.JAEGER)).span(width).height(HEIGHT)


class Board:
    """One dashboard: rows of panels, numbered 1.. in order (rows included) when encoded."""

    def __init__(self, uid: str, title: str, description: str, tags: Sequence[str]) -> None:
        self.uid = uid
        self._builder = (
            dashboard.Dashboard(title)
            .uid(uid)
            .description(description)
            .tags(["sparki", *tags])
            .timezone("utc")
            .time("now-6h", "now")
            .refresh("1m")
            .tooltip(DashboardCursorSync.CROSSHAIR)
        )

    def row(self, title: str, panels: Sequence[Panel]) -> Board:
        self._builder.with_row(dashboard.Row(title))
        for panel in panels:
            self._builder.with_panel(panel)
        return self

    def to_json(self) -> dict[str, Any]:
        model = self._builder.build()
        for number, panel in enumerate(model.panels or [], start=1):
            panel.id_val = number
        encoded: dict[str, Any] = json.loads(json.dumps(model, cls=JSONEncoder))
        return encoded
