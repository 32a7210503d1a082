"""Anomaly detection for the Sparki services in plain PromQL: a seasonal baseline (the same hour
last week), the week's standard deviation, and a z-score per key signal; alerts when a signal
leaves its band for long enough while traffic is large enough to mean something.

Record names (the dashboards read them; labels: service, and queue for queue depth):
- SIGNALS[s].record: the signal itself, over 5m.
- baseline(s): the signal's mean over the hour centred on this time one week ago.
- stddev(s): its standard deviation over the last week.
- zscore(s): (signal - baseline) / stddev, the stddev floored so a flat week does not divide
  by zero.
"""
from __future__ import annotations

from dataclasses import dataclass

from catalog.metric_contract import SPARKI_LATENCY, SPARKI_QUEUE_DEPTH, SPARKI_REQUESTS
from constructs.prometheus_rules import Group, alert, record

# The hour centred on this moment last week: the range [t-1w-30m, t-1w+30m].
_SEASON_OFFSET = "10050m"
Z_THRESHOLD = 3
# Below this many requests a second, a few requests move ratios and quantiles by chance.
MIN_REQUESTS_PER_SECOND = 1
REQUEST_RATE = "service:sparki_http_requests:rate5m"


@dataclass(frozen=True)
class Signal:
    """record/expr: the signal's recording; floor: the smallest stddev believed (in the
    signal's unit); upward_only: a drop is good news (errors, latency, backlog) and pages
    nobody; gate: extra condition for the alert (volume); what: words for the summary."""

    record: str
    expr: str
    floor: float
    upward_only: bool
    gate: str
    what: str


SIGNALS = {
    "request_rate": Signal(
        REQUEST_RATE, f"sum by (service) (rate({SPARKI_REQUESTS}[5m]))", 0.1, False,
        f"{REQUEST_RATE} > {MIN_REQUESTS_PER_SECOND} or {REQUEST_RATE}:baseline_1w > {MIN_REQUESTS_PER_SECOND}",
        "request rate"),
    "error_ratio": Signal(
        "service:sparki_http_errors:ratio_rate5m",
        f'sum by (service) (rate({SPARKI_REQUESTS}{{code=~"5.."}}[5m])) / sum by (service) (rate({SPARKI_REQUESTS}[5m]))',
        0.001, True, f"{REQUEST_RATE} > {MIN_REQUESTS_PER_SECOND}", "error ratio"),
    "latency_p99": Signal(
        "service:sparki_http_request_duration_seconds:p99_rate5m",
        f"histogram_quantile(0.99, sum by (service, le) (rate({SPARKI_LATENCY}[5m])))",
        0.005, True, f"{REQUEST_RATE} > {MIN_REQUESTS_PER_SECOND}", "p99 latency"),
    "queue_depth": Signal(
        "service_queue:sparki_queue_depth:max5m", f"max by (service, queue) (max_over_time({SPARKI_QUEUE_DEPTH}[5m]))",
        1.0, True, "service_queue:sparki_queue_depth:max5m > 100", "queue depth"),
}
ALERTS = {
    "request_rate": "RequestRateAnomaly",
    "error_ratio": "ErrorRatioAnomaly",
    "latency_p99": "LatencyAnomaly",
    "queue_depth": "QueueDepthAnomaly",
}


def baseline(signal: str) -> str:
    return f"{SIGNALS[signal].record}:baseline_1w"


def stddev(signal: str) -> str:
    return f"{SIGNALS[signal].record}:stddev_1w"


def zscore(signal: str) -> str:
    return f"{SIGNALS[signal].record}:zscore_1w"


def groups() -> list[Group]:
    rules = []
    for name, s in SIGNALS.items():
        rules += [
            record(s.record, s.expr),
            record(baseline(name), f"avg_over_time({s.record}[1h] offset {_SEASON_OFFSET})"),
            record(stddev(name), f"stddev_over_time({s.record}[1w])"),
            record(zscore(name), f"({s.record} - {baseline(name)}) / clamp_min({stddev(name)}, {s.floor:g})"),
        ]
    alerts = []
    for name, s in SIGNALS.items():
        z = zscore(name) if s.upward_only else f"abs({zscore(name)})"
        where = "{{ $labels.service }}" + (" queue {{ $labels.queue }}" if name == "queue_depth" else "")
        direction = "above" if s.upward_only else "away from"
        alerts.append(alert(
            ALERTS[name], f"{z} > {Z_THRESHOLD} and ({s.gate})", for_="20m", severity="warning", owner="sparki",
            runbook="anomaly",
            summary=f"{s.what.capitalize()} of {where} is unusual for this time of the week",
            description=(f"The {s.what} has been more than {Z_THRESHOLD} standard deviations {direction} the same hour "
                         "last week for 20 minutes."),
        ))
    # One group: Prometheus evaluates it in order, so the alerts read this evaluation's z-scores.
    return [Group("sparki-anomaly", (*rules, *alerts))]
