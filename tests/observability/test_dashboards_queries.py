"""Every query of every dashboard is well formed for its data source: PromQL parses
(promql-parser) and reads only metrics a component exports (constructs/metric_sources.py) or a
recording rule records; LogQL selects streams by Fluent Bit's labels with balanced, parseable
pipelines; CloudWatch queries name real namespaces, statistics and Logs Insights commands;
Elasticsearch and Jaeger queries carry what their plugins need."""
from __future__ import annotations

import re
from typing import Any

import promql_parser
import pytest

from catalog.naming import grafana_log_groups
from constructs import grafana_datasources as ds
from constructs import metric_sources
from constructs.dashboard_panels import LOG_LABELS
from tests.observability.dashboard_support import contexts, recorded, targets

ENVS = sorted(contexts())
CLOUDWATCH_NAMESPACES = {"AWS/Events", "AWS/WAFV2", "AWS/RDS"}
STATISTICS = {"Sum", "Average", "Minimum", "Maximum", "SampleCount"}
INSIGHTS_COMMANDS = {"fields", "filter", "stats", "sort", "limit", "parse", "display", "dedup", "unmask"}
_MATCHER = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*')
_SELECTOR = re.compile(r"\{([^{}]*)\}")
_LINE_FILTER = re.compile(r'(\|=|!=|\|~|!~)\s*"((?:[^"\\]|\\.)*)"')
# LogQL's range functions PromQL lacks, and the PromQL function of the same shape.
LOGQL_RANGE_FUNCTIONS = {"bytes_over_time": "count_over_time", "bytes_rate": "rate"}
_RANGE = re.compile(r"\[([^\]]*)\]")


def metric_names(expr: Any, out: set[str]) -> set[str]:
    """Every metric a parsed PromQL expression selects."""
    if isinstance(expr, promql_parser.VectorSelector):
        out.add(expr.name or next(m.value for m in expr.matchers.matchers if m.name == "__name__"))
    for attribute in ("lhs", "rhs", "expr", "vector_selector", "param"):
        child = getattr(expr, attribute, None)
        if isinstance(child, promql_parser.Expr):
            metric_names(child, out)
    for child in getattr(expr, "args", None) or ():
        metric_names(child, out)
    return out


def queries(env: str, plugin: str) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{uid}/{panel['title']}", t) for uid, panel, t in targets(env) if t["datasource"]["type"] == plugin]


def check_logql(expr: str) -> None:
    """AssertionError naming what is wrong with a LogQL query."""
    depth = {"(": 0, "[": 0}
    without_strings = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    for char in without_strings:
        if char in "([":
            depth[char] += 1
        elif char in ")]":
            depth["(" if char == ")" else "["] -= 1
            assert min(depth.values()) >= 0, f"{expr}: closes what it never opened"
    assert depth == {"(": 0, "[": 0}, f"{expr}: unbalanced brackets"
    selectors = _SELECTOR.findall(without_strings)
    assert selectors, f"{expr}: no stream selector"
    for raw in _SELECTOR.finditer(expr):
        matchers = raw.group(1).split(",")
        parsed = [_MATCHER.fullmatch(m) for m in matchers]
        assert all(parsed), f"{expr}: a label matcher that is not label op \"value\": {raw.group(0)}"
        assert {m.group(1) for m in parsed} <= set(LOG_LABELS), f"{expr}: selects on a label Fluent Bit does not give Loki"
        # Loki refuses a selector whose every matcher matches the empty string.
        assert any(m.group(2) == "=" and m.group(3) or m.group(2) == "=~" and not re.fullmatch(m.group(3), "") for m in parsed), f"{expr}: matches everything"
    for op, pattern in _LINE_FILTER.findall(expr):
        if "~" in op:
            re.compile(pattern.encode().decode("unicode_escape"))
    for window in _RANGE.findall(without_strings):
        promql_parser.parse_duration(window.strip())
    if not expr.startswith("{"):
        # A metric query is PromQL around log ranges: with each log range replaced by a
        # series range it must parse as PromQL.
        as_promql = re.sub(r'\{[^{}]*\}(?:\s*(?:\|=|!=|\|~|!~)\s*"(?:[^"\\]|\\.)*")*\s*\[', "logs[", expr)
        for logql_only, promql_twin in LOGQL_RANGE_FUNCTIONS.items():
            as_promql = as_promql.replace(f"{logql_only}(", f"{promql_twin}(")
        promql_parser.parse(as_promql)


@pytest.mark.parametrize("env", ENVS)
def test_every_promql_query_parses_and_reads_only_exported_or_recorded_metrics(env):
    known = metric_sources.exported() | recorded(env)
    checked = 0
    for where, target in queries(env, "prometheus"):
        try:
            parsed = promql_parser.parse(target["expr"])
        except ValueError as error:
            pytest.fail(f"{where}: {target['expr']!r} does not parse: {error}")
        unknown = metric_names(parsed, set()) - known
        assert not unknown, f"{where}: reads {sorted(unknown)}, which no component exports and no rule records; add them to constructs/metric_sources.py"
        checked += 1
    assert checked >= 40


@pytest.mark.parametrize("env", ENVS)
def test_every_logql_query_is_well_formed(env):
    found = queries(env, "loki")
    assert found
    for where, target in found:
        try:
            check_logql(target["expr"])
        except (AssertionError, ValueError, re.error) as error:
            pytest.fail(f"{where}: {error}")


@pytest.mark.parametrize(
    "expr",
    [
        '{namespace="a"',
        '{app="a"} |= "x"',
        '{namespace=~".*"}',
        'sum(count_over_time({namespace="a"} [5q]))',
        'sum(count_over_time({namespace="a"} [5m])',
        '{namespace="a"} |~ "(unclosed"',
    ],
)
def test_the_logql_check_refuses_broken_queries(expr):
    with pytest.raises((AssertionError, ValueError, re.error)):
        check_logql(expr)


@pytest.mark.parametrize("env", ENVS)
def test_every_cloudwatch_query_is_well_formed(env):
    ctx = contexts()[env]
    found = queries(env, "cloudwatch")
    assert found
    for where, target in found:
        # Only CloudFront-scope WAF metrics (no Region dimension) live outside the environment's region.
        cloudfront_acl = target.get("namespace") == "AWS/WAFV2" and "Region" not in target.get("dimensions", {})
        assert target["region"] == ("us-east-1" if cloudfront_acl else ctx.region), f"{where}: region {target['region']}"
        if target["queryMode"] == "Metrics":
            assert target["namespace"] in CLOUDWATCH_NAMESPACES, f"{where}: namespace {target['namespace']}"
            assert target["metricName"] and target["statistic"] in STATISTICS, f"{where}: metric or statistic"
            assert target["dimensions"] and all(isinstance(v, str) and v for v in target["dimensions"].values()), f"{where}: dimensions"
        else:
            assert target["logGroupNames"] and all(g.startswith("/") for g in target["logGroupNames"]), f"{where}: log groups"
            commands = [part.strip().split(" ", 1)[0] for part in target["expression"].split(" | ")]
            assert set(commands) <= INSIGHTS_COMMANDS, f"{where}: {commands} are not all Logs Insights commands"


@pytest.mark.parametrize("env", ENVS)
def test_every_elasticsearch_and_jaeger_query_is_complete(env):
    time_fields = {ds.ELASTICSEARCH_LOGS: ds.LOG_TIME_FIELD, ds.ELASTICSEARCH_TRACES: ds.TRACE_TIME_FIELD}
    found = queries(env, "elasticsearch")
    assert found
    for where, target in found:
        assert target["query"] and target["metrics"] and target["bucketAggs"], where
        histograms = [agg for agg in target["bucketAggs"] if agg["type"] == "date_histogram"]
        assert [agg["field"] for agg in histograms] == [time_fields[target["datasource"]["uid"]]], f"{where}: buckets by the data source's time field"
    jaeger = queries(env, "jaeger")
    assert jaeger
    for where, target in jaeger:
        assert target["queryType"] == "search" and target["service"], where


@pytest.mark.parametrize("env", ENVS)
def test_the_debugging_dashboard_shows_slow_statements_from_the_database_log(env):
    """The slow-query view: Logs Insights over the PostgreSQL log the data layer exports, parsing
    the duration log_min_duration_statement writes; one panel lists them, one groups them."""
    postgres = grafana_log_groups(env)["postgresql"]
    slow = [t for uid, _, t in targets(env) if uid == "sparki-debugging" and t.get("queryMode") == "Logs"
            and t["logGroupNames"] == [postgres] and 'parse @message "duration: * ms' in t["expression"]]
    assert len(slow) == 2
    assert any("sort ms desc" in t["expression"] for t in slow)
    assert any("by statement" in t["expression"] and "max(ms)" in t["expression"] for t in slow)
