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
