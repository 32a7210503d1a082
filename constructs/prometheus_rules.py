"""Prometheus rule groups as plain data: the shape every rule module returns, the labels and
annotations every alert carries, and where its runbook lives. No cdktf: the same dicts become
PrometheusRule objects (constructs/components_rules.py) and promtool's rule files (tests).

Every alert has labels `severity` (critical pages, warning opens a ticket, info is only seen)
and `owner` (the team Alertmanager routes it to), annotations `summary`, `description` and
`runbook_url` (docs/runbooks/<file>.md#<alert name in lower case>). Annotations use only
$labels templates, never $value, so a promtool unit test can state them exactly.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SEVERITIES = ("critical", "warning", "info")
# The teams the rules written here route to (`owner`): the platform team and the team owning
# the Sparki services. SLO alerts carry their definition's owner. Alertmanager's routing
# (environments' [observability] teams) must know every owner.
OWNERS = ("platform", "sparki")
# Where docs/runbooks/ of this repository is browsable; tests map the URL back to the file.
RUNBOOK_BASE = "https://git.sparki.example/platform/sparki/blob/main/docs/runbooks/"

Rule = Mapping[str, Any]


@dataclass(frozen=True)
class Group:
    """One rule group: Prometheus evaluates its rules in order, so a recording is read by the
    rules after it in the same evaluation. interval: "" keeps the global interval."""

    name: str
    rules: tuple[Rule, ...]
    interval: str = ""

    def as_dict(self) -> dict[str, Any]:
        group: dict[str, Any] = {"name": self.name}
        if self.interval:
            group["interval"] = self.interval
        group["rules"] = [dict(r) for r in self.rules]
        return group


def record(name: str, expr: str, labels: Mapping[str, str] | None = None) -> Rule:
    rule: dict[str, Any] = {"record": name, "expr": expr}
    if labels:
        rule["labels"] = dict(labels)
    return rule


def runbook_url(page: str, alert: str) -> str:
    return f"{RUNBOOK_BASE}{page}.md#{alert.lower()}"


def alert(
    name: str,
    expr: str,
    *,
    for_: str,
    severity: str,
    owner: str,
    summary: str,
    description: str,
    runbook: str,
    labels: Mapping[str, str] | None = None,
) -> Rule:
    """One alert; `runbook` names the page in docs/runbooks/ (without .md), whose section
    heading is the alert's name."""
    if severity not in SEVERITIES:
        raise ValueError(f"alert {name}: severity {severity!r} is not one of {', '.join(SEVERITIES)}")
    if not owner:
        raise ValueError(f"alert {name}: owner is empty; name the team it routes to")
    rule: dict[str, Any] = {"alert": name, "expr": expr}
    if for_:
        rule["for"] = for_
    rule["labels"] = {**(labels or {}), "severity": severity, "owner": owner}
    rule["annotations"] = {"summary": summary, "description": description, "runbook_url": runbook_url(runbook, name)}
    return rule


def alerts_of(groups: Sequence[Group]) -> list[Rule]:
    return [r for g in groups for r in g.rules if "alert" in r]


def records_of(groups: Sequence[Group]) -> list[Rule]:
    return [r for g in groups for r in g.rules if "record" in r]
