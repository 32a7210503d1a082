"""The anomaly alerts under `promtool test rules`: a week and a half of traffic with a daily
cycle and noise, then one hour that leaves the band (traffic collapsing at the daily peak, 5%
errors, p99 ten times slower, a backlog). Each alert fires after its 20 minutes and not before;
the same week without the incident stays silent."""
from __future__ import annotations

import math
import random

import pytest

from catalog.metric_contract import SPARKI_BUCKETS
from constructs.rules_anomaly import ALERTS
from tests.observability.rule_support import alert_rule, expected_alert, promtool, unit_test_file

DAY = 1440
# The incident starts at a daily peak of the eighth day (a week of history for the baseline).
START, LENGTH = 7 * DAY + 360, 60
END = START + LENGTH + 30


def daily(minute: int, mean: float, swing: float) -> float:
    return mean + swing * math.sin(2 * math.pi * minute / DAY)


def incident(minute: int, incident_on: bool) -> bool:
    return incident_on and START <= minute < START + LENGTH


def traffic(incident_on: bool, kind: str) -> dict[str, str]:
    """Counter (and gauge) series for END minutes of the service "api" (queue: "worker")."""
    rng = random.Random(13)
    total = bad = 0
    fine = {le: 0 for le in (*SPARKI_BUCKETS, "+Inf")}
    totals, bads, depths = [], [], []
    buckets: dict[object, list[int]] = {le: [] for le in fine}
    for minute in range(END + 1):
        on = incident(minute, incident_on)
        rps = 0.5 if on and kind == "request_rate" else daily(minute, 20, 8) + rng.uniform(-1, 1)
        share = 0.05 if on and kind == "error_ratio" else 0.002 + rng.uniform(-0.0005, 0.0005)
        slow = on and kind == "latency_p99"
        count = round(rps * 60)
        total += count
        bad += round(count * share)
        totals.append(total)
        bads.append(bad)
        fast_share = 0.99 + 0.005 * math.sin(2 * math.pi * minute / DAY)
        shares = ({0.25: 0.5, 0.5: 0.7, 1.0: 0.9, 2.5: 0.995} if slow
                  else {0.005: 0.05, 0.01: 0.15, 0.025: 0.35, 0.05: 0.6, 0.1: 0.85, 0.25: fast_share, 0.5: 0.999})
        for le in fine:
            below = 1.0 if le == "+Inf" else max([s for bound, s in shares.items() if bound <= le], default=0.0)
            fine[le] += round(count * below)
            buckets[le].append(fine[le])
        depths.append(800 if on and kind == "queue_depth" else round(daily(minute, 40, 30) + rng.uniform(-5, 5)))
    text = lambda values: " ".join(map(str, values))  # noqa: E731
    series = {
        'sparki_http_requests_total{service="api", code="200"}': text(t - b for t, b in zip(totals, bads, strict=True)),
        'sparki_http_requests_total{service="api", code="500"}': text(bads),
    }
    if kind == "latency_p99":
        series.update({f'sparki_http_request_duration_seconds_bucket{{service="api", le="{le if le == "+Inf" else f"{le:g}"}"}}': text(v)
                       for le, v in buckets.items()})
    if kind == "queue_depth":
        series['sparki_queue_depth{service="worker", queue="emails"}'] = text(depths)
    return series


LABELS = {
    "request_rate": {"service": "api"},
    "error_ratio": {"service": "api"},
    "latency_p99": {"service": "api"},
    "queue_depth": {"service": "worker", "queue": "emails"},
}


@pytest.mark.parametrize("signal", list(ALERTS))
def test_anomaly_fires_after_twenty_minutes_out_of_band_and_not_in_a_normal_week(signal, prod_rule_files, tmp_path):
    alert = ALERTS[signal]
    firing = [expected_alert(alert_rule("prod", alert), LABELS[signal])]

    def test(name: str, incident_on: bool, late: list) -> dict:
        return {"name": name, "interval": "1m",
                "input_series": [{"series": s, "values": v} for s, v in traffic(incident_on, signal).items()],
                "alert_rule_test": [
                    {"eval_time": f"{START - 30}m", "alertname": alert, "exp_alerts": []},
                    {"eval_time": f"{START + 10}m", "alertname": alert, "exp_alerts": []},
                    {"eval_time": f"{START + 40}m", "alertname": alert, "exp_alerts": late},
                ]}

    path = unit_test_file(prod_rule_files["sparki-anomaly"], "5m",
                          [test("incident", True, firing), test("normal week", False, [])], tmp_path / "anomaly-test.yaml")
    result = promtool("test", "rules", str(path))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
