"""Alertmanager's configuration, rendered in Python from the environment's teams.

Routing: the Watchdog heartbeat to the dead man's switch; then by the alerts' `owner` label to
the owning team (unknown owners to the default team); within a team by `severity`: critical
pages through PagerDuty (or goes to Slack where nobody is on call), warning goes to Slack, info
is only kept in Alertmanager's UI. A critical alert inhibits the warning of the same alertname
on the same target. Every credential is a file (`*_file`) mounted from a Secret that External
Secrets fills from Secrets Manager; the configuration itself holds none. Pure Python.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# The chart mounts each alertmanagerSpec.secrets entry here (the operator's convention).
SECRETS_ROOT = "/etc/alertmanager/secrets"
WATCHDOG = "Watchdog"
# The chart's InfoInhibitor alert exists only to inhibit info alerts; it is never sent.
INFO_INHIBITOR = "InfoInhibitor"
NULL = "null"
# What identifies "the same target" across severities: an alert of a node, a pod or a volume
# carries the label naming it; those it lacks compare as empty, hence equal.
TARGET_LABELS = ("alertname", "namespace", "instance", "pod", "persistentvolumeclaim")
GROUP_BY = ("alertname", "namespace", "owner", "severity")


@dataclass(frozen=True)
class Team:
    """name: the alerts' `owner` value; slack_channel: where its notifications go."""

    name: str
    slack_channel: str


def slack_key(team: str) -> str:
    return f"slack-{team}"


def pagerduty_key(team: str) -> str:
    return f"pagerduty-{team}"


HEARTBEAT_KEY = "heartbeat-token"


def secret_keys(teams: Sequence[Team], page_critical: bool) -> tuple[str, ...]:
    """Every key the receivers secret must hold (what the ExternalSecret fetches)."""
    keys = [slack_key(t.name) for t in teams]
    if page_critical:
        keys += [pagerduty_key(t.name) for t in teams]
    return (*keys, HEARTBEAT_KEY)


def _matcher(label: str, value: str) -> str:
    return f'{label}="{value}"'


def render(
    teams: Sequence[Team],
    *,
    default_team: str,
    page_critical: bool,
    heartbeat_url: str,
    secret: str,
) -> dict[str, Any]:
    """The whole configuration; `secret` is the name of the Secret mounted under SECRETS_ROOT."""
    if default_team not in {t.name for t in teams}:
        raise ValueError(f"default_team {default_team!r} is not one of the teams {[t.name for t in teams]}")
    files = f"{SECRETS_ROOT}/{secret}"
    receivers: list[dict[str, Any]] = [
        {"name": NULL},
        {
            "name": "watchdog",
            "webhook_configs": [
                {"url": heartbeat_url, "send_resolved": False, "http_config": {"authorization": {"credentials_file": f"{files}/{HEARTBEAT_KEY}"}}},
            ],
        },
    ]
    team_routes = []
    for team in teams:
        slack = f"{team.name}-slack"
        receivers.append({
            "name": slack,
            "slack_configs": [{
                "api_url_file": f"{files}/{slack_key(team.name)}",
                "channel": team.slack_channel,
                "send_resolved": True,
                "title": '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.severity }})',
                "text": '{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.runbook_url }}\n{{ end }}',
            }],
        })
        critical = slack
        if page_critical:
            critical = f"{team.name}-pagerduty"
            receivers.append({
                "name": critical,
                "pagerduty_configs": [{
                    "routing_key_file": f"{files}/{pagerduty_key(team.name)}",
                    "send_resolved": True,
                    "description": '{{ .CommonLabels.alertname }}: {{ .CommonAnnotations.summary }}',
                    "links": [{"href": '{{ .CommonAnnotations.runbook_url }}', "text": "runbook"}],
                }],
            })
        severities = [
            {"receiver": critical, "matchers": [_matcher("severity", "critical")]},
            {"receiver": slack, "matchers": [_matcher("severity", "warning")]},
            {"receiver": NULL, "matchers": [_matcher("severity", "info")]},
        ]
        # An alert without a known severity still reaches the team's channel (the fallback).
        team_routes.append({"receiver": slack, "matchers": [_matcher("owner", team.name)], "routes": severities})
    fallback = next(r for r in team_routes if r["matchers"] == [_matcher("owner", default_team)])
    route = {
        "receiver": fallback["receiver"],
        "group_by": list(GROUP_BY),
        "group_wait": "30s",
        "group_interval": "5m",
        "repeat_interval": "4h",
        "routes": [
            # Every minute, so the switch notices within minutes that alerting stopped.
            {"receiver": "watchdog", "matchers": [_matcher("alertname", WATCHDOG)], "group_wait": "0s", "group_interval": "1m", "repeat_interval": "1m"},
            {"receiver": NULL, "matchers": [_matcher("alertname", INFO_INHIBITOR)]},
            *team_routes,
            # Owners no team claims: the default team's severities, so nothing is dropped.
            {"receiver": fallback["receiver"], "matchers": ['owner=~".*"'], "routes": fallback["routes"]},
        ],
    }
    inhibit = [
        {"source_matchers": [_matcher("severity", "critical")], "target_matchers": ['severity=~"warning|info"'], "equal": list(TARGET_LABELS)},
        {"source_matchers": [_matcher("severity", "warning")], "target_matchers": [_matcher("severity", "info")], "equal": list(TARGET_LABELS)},
        # The chart's InfoInhibitor fires while a namespace has info alerts only.
        {"source_matchers": [_matcher("alertname", INFO_INHIBITOR)], "target_matchers": [_matcher("severity", "info")], "equal": ["namespace"]},
    ]
    return {"global": {"resolve_timeout": "5m"}, "route": route, "receivers": receivers, "inhibit_rules": inhibit, "templates": []}
