"""SLO rules from environment data: the recordings every SLO gets and the burn-rate alerts.

The record names below are the interface the SLO dashboard reads (constructs/components_
dashboards.py); every series carries the labels `slo`, `service`, `sli` and `owner` of its
definition (environments/slo_settings.py), so one panel query serves every SLO. Pure Python, no
cdktf: tests feed the same groups to promtool.

Recordings (ratios are 0..1):
- error_ratio(w) for w in WINDOWS and PERIOD: share of bad requests over the window.
- ERRORS_RATE / REQUESTS_RATE: bad and all requests per second over 5m; the period ratio sums
  them over 30 days, which weighs busy hours as they were (an average of ratios would not).
- OBJECTIVE: the objective as a ratio (99.9 -> 0.999); ERROR_BUDGET: 1 - OBJECTIVE.
- BURN_RATE: error_ratio(1h) / ERROR_BUDGET (1 spends the budget exactly over the window).
- BUDGET_REMAINING: 1 - error_ratio(PERIOD) / ERROR_BUDGET; below 0 the budget is spent.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from catalog.metric_contract import KUBERNETES_API, SOURCES, le_pattern, source_of
from constructs.prometheus_rules import Group, Rule, alert, record

SLO_LABELS = ("slo", "service", "sli", "owner")
# The SRE workbook's multi-window, multi-burn-rate alerting windows (chapter 5, table 5-8).
WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
PERIOD = "30d"

ERRORS_RATE = "slo:sli_errors:rate5m"
REQUESTS_RATE = "slo:sli_requests:rate5m"
OBJECTIVE = "slo:objective:ratio"
ERROR_BUDGET = "slo:error_budget:ratio"
BURN_RATE = "slo:burn_rate:ratio_rate1h"
BUDGET_REMAINING = "slo:error_budget_remaining:ratio"


def error_ratio(window: str) -> str:
    """The record holding the share of bad requests over `window` (one of WINDOWS or PERIOD)."""
    if window not in (*WINDOWS, PERIOD):
        raise ValueError(f"window {window!r} is not recorded; use one of {', '.join((*WINDOWS, PERIOD))}")
    return f"slo:sli_error:ratio_rate{window}"


# (alert, severity, for, ((long window, short window, burn rate), ...)): both windows of a pair
# must burn faster than the rate, so the alert fires within the short window of a real burn and
# resets as soon as the burn stops. Page: 2% of the budget in 1h or 5% in 6h; ticket: 10% in 3
# days or the whole budget at this pace (SRE workbook, table 5-8).
BURN_ALERTS = (
    ("SloErrorBudgetBurnFast", "critical", "2m", (("1h", "5m", 14.4), ("6h", "30m", 6.0))),
    ("SloErrorBudgetBurnSlow", "warning", "15m", (("1d", "2h", 3.0), ("3d", "6h", 1.0))),
)


def _selectors(slo: Any) -> str:
    source = SOURCES[source_of(slo.service)]
    return source.selector if source_of(slo.service) == KUBERNETES_API else f'service="{slo.service}"'


def _bad_and_total(slo: Any, window: str) -> tuple[str, str]:
    """PromQL for bad and all requests per second over `window`."""
    source = SOURCES[source_of(slo.service)]
    sel = _selectors(slo)
    if slo.sli == "availability":
        total = f"sum(rate({source.requests}{{{sel}}}[{window}]))"
        return f'sum(rate({source.requests}{{{sel}, code=~"5.."}}[{window}]))', total
    # Latency: every request lands in le="+Inf"; the good ones also in the threshold's bucket.
    total = f'sum(rate({source.latency}{{{sel}, le="+Inf"}}[{window}]))'
    good = f'sum(rate({source.latency}{{{sel}, le=~"{le_pattern(slo.threshold_seconds)}"}}[{window}]))'
    return f"({total} - {good})", total


def labels_of(slo: Any) -> dict[str, str]:
    return {"slo": slo.name, "service": slo.service, "sli": slo.sli, "owner": slo.owner}


def group(slo: Any) -> Group:
    """Every recording and both burn-rate alerts of one SLO (an SloSettings)."""
    labels = labels_of(slo)
    match = f'{{slo="{slo.name}"}}'
    budget = slo.error_budget
    rules: list[Rule] = []
    for window in WINDOWS:
        bad, total = _bad_and_total(slo, window)
        rules.append(record(error_ratio(window), f"{bad} / {total}", labels))
    bad, total = _bad_and_total(slo, "5m")
    rules += [
        record(ERRORS_RATE, bad, labels),
        record(REQUESTS_RATE, total, labels),
        record(error_ratio(PERIOD), f"sum_over_time({ERRORS_RATE}{match}[{PERIOD}]) / sum_over_time({REQUESTS_RATE}{match}[{PERIOD}])", labels),
        record(OBJECTIVE, f"vector({round(slo.objective / 100, 10)})", labels),
        record(ERROR_BUDGET, f"vector({budget})", labels),
        record(BURN_RATE, f"{error_ratio('1h')}{match} / {budget}", labels),
        record(BUDGET_REMAINING, f"1 - {error_ratio(PERIOD)}{match} / {budget}", labels),
    ]
    for name, severity, for_, pairs in BURN_ALERTS:
        expr = " or ".join(
            f"({error_ratio(long)}{match} > {rate * budget:.6g} and {error_ratio(short)}{match} > {rate * budget:.6g})"
            for long, short, rate in pairs
        )
        speed = " or ".join(f"{rate:g}x over {long} and {short}" for long, short, rate in pairs)
        rules.append(alert(
            name, expr, for_=for_, severity=severity, owner=slo.owner, runbook="slo",
            labels={"slo": slo.name, "service": slo.service, "sli": slo.sli},
            summary=f"SLO {slo.name} is burning its error budget ({'page' if severity == 'critical' else 'ticket'})",
            description=(f"{slo.service} {slo.sli} errors spend the {slo.window_days}-day budget of the "
                         f"{slo.objective:g}% objective at {speed} the sustainable rate."),
        ))
    return Group(f"slo-{slo.name}", tuple(rules))


def groups(slos: Sequence[Any]) -> list[Group]:
    return [group(slo) for slo in slos]
