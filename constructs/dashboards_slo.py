"""The SLO dashboard: one row per service level objective of the environment, generated from
the same typed definitions (environments/slo_settings.py, ComponentContext.slos) as the
recording rules and burn-rate alerts (constructs/rules_slo.py), and reading only those
recordings, selected by the definition's `slo` label.

Per SLO: the SLI against its objective, the error budget left over the 30-day window, and the
burn rates of the alerting windows (1 spends the budget exactly over the window; the page
thresholds are 14.4 and 6, the ticket ones 3 and 1).
"""
from __future__ import annotations

from typing import Any

from constructs import rules_slo
from constructs.addon_contract import ComponentContext
from constructs.dashboard_panels import Board, Panel, promql

# The burn-rate windows the alerts pair (short and long of each pair), worst first.
BURN_WINDOWS = ("5m", "1h", "6h", "3d")


def _sli_panel(slo: Any) -> Panel:
    sel = f'{{slo="{slo.name}"}}'
    what = "requests not answered 5xx" if slo.sli == "availability" else f"requests answered within {slo.threshold_seconds:g} s"
    return promql(
        f"{slo.name}: SLI",
        f"Share of {slo.service}'s {what} (1 hour and 30 days) against the objective of {slo.objective:g}%",
        [
            (f"1 - {rules_slo.error_ratio('1h')}{sel}", "SLI 1h"),
            (f"1 - {rules_slo.error_ratio(rules_slo.PERIOD)}{sel}", "SLI 30d"),
            (f"{rules_slo.OBJECTIVE}{sel}", "objective"),
        ],
        "percentunit",
    )


def _budget_panel(slo: Any) -> Panel:
    return promql(
        f"{slo.name}: error budget left",
        f"Share of the 30-day error budget ({100 - slo.objective:g}% of requests) not yet spent; below 0 the objective is missed",
        [(f'{rules_slo.BUDGET_REMAINING}{{slo="{slo.name}"}}', "budget left")],
        "percentunit",
        kind="stat",
    )


def _burn_panel(slo: Any) -> Panel:
    sel = f'{{slo="{slo.name}"}}'
    return promql(
        f"{slo.name}: burn rates",
        "Error ratio over each alerting window divided by the error budget; pages above 14.4 (1h and 5m) or 6 (6h and 30m)",
        [(f"{rules_slo.error_ratio(w)}{sel} / on (slo) {rules_slo.ERROR_BUDGET}{sel}", f"burn {w}") for w in BURN_WINDOWS],
    )


def panels_for(slo: Any) -> list[Panel]:
    """The three panels of one SLO definition."""
    return [_sli_panel(slo), _budget_panel(slo), _burn_panel(slo)]


def slo_dashboard(ctx: ComponentContext) -> Board:
    board = Board("sparki-slo", "Sparki SLOs", "Every service level objective: SLI, error budget left, burn rates", ["slo"])
    board.row(
        "Overview",
        [
            promql(
                "Error budget left, every SLO", "Budget left over the 30-day window per SLO; red below 0",
                [(f"min by (slo) ({rules_slo.BUDGET_REMAINING})", "{{slo}}")], "percentunit", kind="stat",
            ),
            promql(
                "Fastest burn (1h)", "The 1-hour burn rate of each SLO; above 14.4 it pages",
                [(f"max by (slo) ({rules_slo.BURN_RATE})", "{{slo}}")],
            ),
            promql(
                "SLO alerts firing", "Burn-rate alerts firing now, by SLO and severity",
                [('sum by (slo, severity) (ALERTS{alertstate="firing", slo!=""})', "{{slo}} {{severity}}")], kind="stat",
            ),
        ],
    )
    for slo in ctx.slos:
        board.row(f"{slo.name} ({slo.service}, {slo.sli}, {slo.objective:g}%)", panels_for(slo))
    return board
