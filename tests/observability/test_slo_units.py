"""The burn-rate alerts of prod's SLOs under `promtool test rules`, at the SRE workbook's burn
rates: a total outage pages within the 5-minute short window; 15x pages through 1h/5m, 7x
through 6h/30m; 4x opens a ticket after 18 hours, 1.5x through 3d/6h; 0.9x never alerts. Traffic
is 100 requests a second; the series are counters built minute by minute from phases of
(minutes, share of bad requests)."""
from __future__ import annotations

import math

import pytest

from constructs.rules_slo import labels_of
from tests.observability.rule_support import ENVS, expected_alert, groups_of, promtool, unit_test_file

FAST, SLOW = "SloErrorBudgetBurnFast", "SloErrorBudgetBurnSlow"
PER_MINUTE = 6000
SLOS = {s.name: s for s in ENVS["prod"].slos}


def counters(phases: list[tuple[int, float]]) -> tuple[str, str]:
    """(bad, total) counter values, one sample a minute."""
    bad, total, bad_values, total_values = 0, 0, ["0"], ["0"]
    for minutes, share in phases:
        for _ in range(minutes):
            bad += round(PER_MINUTE * share)
            total += PER_MINUTE
            bad_values.append(str(bad))
            total_values.append(str(total))
    return " ".join(bad_values), " ".join(total_values)


def series(slo_name: str, phases: list[tuple[int, float]], le: str = "") -> dict[str, str]:
    """Input series of an SLO, as its source exports them; `le`: how the threshold bucket's
    label is written (Prometheus 2 keeps "1", Prometheus 3 normalises to "1.0")."""
    slo = SLOS[slo_name]
    bad, total = counters(phases)
    good = " ".join(str(int(t) - int(b)) for t, b in zip(total.split(), bad.split(), strict=True))
    if slo.service == "kubernetes-api":
        base = 'job="apiserver", verb="LIST", resource="pods"'
        requests, latency = "apiserver_request_total", "apiserver_request_duration_seconds_bucket"
    else:
        base = f'service="{slo.service}"'
        requests, latency = "sparki_http_requests_total", "sparki_http_request_duration_seconds_bucket"
    if slo.sli == "availability":
        return {f'{requests}{{{base}, code="200"}}': good, f'{requests}{{{base}, code="500"}}': bad}
    le = le or f"{slo.threshold_seconds:g}"
    return {f'{latency}{{{base}, le="{le}"}}': good, f'{latency}{{{base}, le="+Inf"}}': total}


def alert_of(slo_name: str, alert: str) -> dict:
    group = next(g for g in groups_of("prod")["sparki-slos"] if g.name == f"slo-{slo_name}")
    return next(r for r in group.rules if r.get("alert") == alert)


def run(tmp_path, prod_rule_files, slo_name: str, inputs: dict[str, str], checks: list[tuple[str, str, bool]], interval: str = "1m"):
    """checks: (eval time, alert, whether it fires then)."""
    labels = labels_of(SLOS[slo_name])
    test = {"interval": "1m", "input_series": [{"series": s, "values": v} for s, v in inputs.items()], "alert_rule_test": [
        {"eval_time": at, "alertname": alert, "exp_alerts": [expected_alert(alert_of(slo_name, alert), labels)] if fires else []}
        for at, alert, fires in checks
    ]}
    path = unit_test_file(prod_rule_files["sparki-slos"], interval, [test], tmp_path / "slo-test.yaml")
    result = promtool("test", "rules", str(path))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("slo_name, le", [
    ("api-availability", ""), ("web-availability", ""), ("kubernetes-api-availability", ""),
    ("api-latency", ""), ("kubernetes-api-latency", "1"), ("kubernetes-api-latency", "1.0"),
])
def test_an_outage_pages_within_the_short_window(slo_name, le, tmp_path, prod_rule_files):
    # The 1h ratio passes 14.4x after 14.4 x budget x 60 minutes (0.9 for a 99.9% objective,
    # 8.6 for 99%), then the alert's 2 minutes `for`: inside the 5m window's reach at 99.9%.
    detect = math.ceil(14.4 * SLOS[slo_name].error_budget * 60) + 2
    assert SLOS[slo_name].objective < 99.9 or detect <= 5
    inputs = series(slo_name, [(180, 0.0), (30, 1.0)], le)
    run(tmp_path, prod_rule_files, slo_name, inputs, [("179m", FAST, False), ("181m", FAST, False), (f"{180 + detect + 1}m", FAST, True)])


def test_watches_do_not_count_against_the_api_latency_slo(tmp_path, prod_rule_files):
    inputs = series("kubernetes-api-latency", [(240, 0.0)])
    slow_watch = series("kubernetes-api-latency", [(180, 0.0), (60, 1.0)])
    inputs.update({k.replace('verb="LIST"', 'verb="WATCH"'): v for k, v in slow_watch.items()})
    run(tmp_path, prod_rule_files, "kubernetes-api-latency", inputs, [("200m", FAST, False), ("240m", FAST, False)])


def test_fifteen_times_the_budget_pages_through_the_hour_window(tmp_path, prod_rule_files):
    # 1.5% bad against a 0.1% budget: the 1h ratio passes 14.4x after about 58 minutes.
    inputs = series("api-availability", [(360, 0.0), (120, 0.015)])
    run(tmp_path, prod_rule_files, "api-availability", inputs, [("410m", FAST, False), ("430m", FAST, True)])


def test_seven_times_the_budget_pages_through_the_six_hour_window(tmp_path, prod_rule_files):
    # 0.7% bad: below the 1h pair's 14.4x for ever; the 6h ratio passes 6x after about 309 minutes.
    inputs = series("api-availability", [(360, 0.0), (400, 0.007)])
    run(tmp_path, prod_rule_files, "api-availability", inputs,
        [("640m", FAST, False), ("700m", FAST, True)], interval="5m")


def test_four_times_the_budget_opens_a_ticket_and_pages_nobody(tmp_path, prod_rule_files):
    # 0.4% bad after three healthy days: the 1d ratio passes 3x, and the 3d ratio 1x, after 18
    # hours (both pairs detect a steady burn b after 72/b hours; the 1d pair resets sooner).
    inputs = series("api-availability", [(4320, 0.0), (1200, 0.004)])
    start = 4320
    run(tmp_path, prod_rule_files, "api-availability", inputs, [
        (f"{start + 1020}m", SLOW, False), (f"{start + 1140}m", SLOW, True), (f"{start + 1140}m", FAST, False),
    ], interval="5m")


def test_one_and_a_half_times_the_budget_opens_a_ticket_through_the_three_day_window(tmp_path, prod_rule_files):
    # 0.15% bad: below the 1d pair's 3x for ever; the 3d ratio passes 1x after 48 hours.
    inputs = series("api-availability", [(4320, 0.0), (3000, 0.0015)])
    start = 4320
    run(tmp_path, prod_rule_files, "api-availability", inputs, [
        (f"{start + 2760}m", SLOW, False), (f"{start + 2940}m", SLOW, True), (f"{start + 2940}m", FAST, False),
    ], interval="5m")


def test_a_burn_below_one_never_alerts(tmp_path, prod_rule_files):
    inputs = series("api-availability", [(5760, 0.0009)])
    checks = [(at, alert, False) for at in ("60m", "6h", "1d", "3d", "4d") for alert in (FAST, SLOW)]
    run(tmp_path, prod_rule_files, "api-availability", inputs, checks, interval="5m")
