"""Every rule of environments/observability_settings.py, one failing example each on the real
data, and the promises the data keep: production keeps 30 days, HA where controllers are HA."""
from __future__ import annotations

import pytest

import environments
from tests.environments.mistakes import assert_refused

ENVS = environments.load()
TEAM = {"name": "platform", "slack_channel": "#platform-alerts"}


@pytest.mark.parametrize(
    "env, path, value, field, says",
    [
        ("dev", "observability.prometheus_retention_days", 0, "observability.prometheus_retention_days", "1..365"),
        ("prod", "observability.prometheus_retention_days", 15, "observability.prometheus_retention_days", "at least 30 days"),
        ("dev", "observability.prometheus_retention_gib", 9, "observability.prometheus_volume_gib", "no headroom"),
        ("dev", "observability.prometheus_volume_gib", 5, "observability.prometheus_volume_gib", "10..16384"),
        ("staging", "observability.prometheus_replicas", 1, "observability.prometheus_replicas", "not highly available"),
        ("prod", "observability.alertmanager_replicas", 1, "observability.alertmanager_replicas", "not highly available"),
        ("dev", "observability.teams", [], "observability.teams", "is empty"),
        ("dev", "observability.teams", [TEAM, TEAM], "observability.teams[1].name", "name each team once"),
        ("dev", "observability.teams", [{**TEAM, "name": "Platform"}], "observability.teams[0].name", "not a team name"),
        ("dev", "observability.teams", [{**TEAM, "slack_channel": "platform"}], "observability.teams[0].slack_channel", "not a Slack channel"),
        ("dev", "observability.default_team", "nobody", "observability.default_team", "not one of the teams"),
        ("dev", "observability.heartbeat_url", "http://heartbeat.example/ping", "observability.heartbeat_url", "not an https:// URL"),
        ("prod", "observability.page_critical", False, "observability.page_critical", "must page someone"),
    ],
)
def test_rule(env, path, value, field, says):
    assert_refused(env, path, value, field, says)


def test_production_keeps_a_month_of_metrics_and_pages():
    prod = ENVS["prod"].observability
    assert prod.prometheus_retention_days >= 30 and prod.page_critical


@pytest.mark.parametrize("name", sorted(ENVS))
def test_prometheus_and_alertmanager_are_ha_wherever_controllers_are(name):
    env = ENVS[name]
    if env.platform.controller_replicas >= 2:
        assert env.observability.prometheus_replicas >= 2 and env.observability.alertmanager_replicas >= 2
