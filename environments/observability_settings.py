"""Settings of the observability layer: how long and how much Prometheus keeps, how many
replicas of each part run, and which teams alerts are routed to."""
from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, field_validator

from catalog.kubernetes import JAEGER, LOKI_READ, LOKI_WRITE
from environments.model import Model, Problem, check_named_once, fail, in_range, matching
from environments.telemetry_settings import LogsSettings, SearchSettings, TracingSettings

# The severities alert rules carry (label `severity`); routing knows exactly these.
SEVERITIES = ("critical", "warning", "info")
_TEAM = re.compile(r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$")
_SLACK_CHANNEL = re.compile(r"^#[a-z0-9][a-z0-9._-]{0,79}$")
_HTTPS = re.compile(r"^https://[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9._~/-]*)?$")
# Prometheus needs room beyond its size limit: the write-ahead log and the block being
# compacted are not counted against retention.size.
VOLUME_HEADROOM = 1.2


class TeamSettings(Model):
    """One team alerts are routed to by their `owner` label.

    name: the value of the alerts' `owner` label, e.g. "platform".
    slack_channel: the channel warnings (and, without paging, critical alerts) go to, e.g.
        "#platform-alerts"; the webhook URL comes from Secrets Manager, never from here.
    """

    name: Annotated[str, matching(_TEAM, "is not a team name; use 2-32 lowercase letters, digits and '-', e.g. \"platform\"")]
    slack_channel: Annotated[str, matching(_SLACK_CHANNEL, "is not a Slack channel; use '#' and a lowercase channel name, e.g. \"#platform-alerts\"")]


class ObservabilitySettings(Model):
    """Metrics and alerting.

    prometheus_retention_days: how long Prometheus keeps samples; 1..365, production at least 30.
    prometheus_retention_gib: the size limit on top (the oldest blocks go first when it is hit);
        the volume must be at least 1.2 times this (write-ahead log and compaction headroom).
    prometheus_volume_gib: each Prometheus replica's encrypted gp3 volume; 10..16384.
    prometheus_replicas: Prometheus replicas (each scrapes everything: HA, not sharding);
        1..3, at least 2 in staging and production.
    alertmanager_replicas: Alertmanager replicas, which gossip to send each notification once;
        1..5, at least 2 in staging and production.
    teams: the teams alerts route to by their `owner` label; at least one, each named once.
    default_team: the team that gets alerts whose owner is unknown; one of teams.
    heartbeat_url: the dead man's switch Alertmanager sends the always-firing Watchdog alert to
        every minute (https://; it raises its own alarm when the pings stop: the whole alerting
        path is down). Its bearer token comes from Secrets Manager, never from here.
    page_critical: critical alerts page the owning team through PagerDuty; false sends them to
        the team's Slack channel instead (an environment nobody is on call for); required true
        in production.
    logs / search / tracing: Loki, Elasticsearch and Jaeger (environments/telemetry_settings.py).
    """

    prometheus_retention_days: Annotated[int, in_range(1, 365, "days")]
    prometheus_retention_gib: Annotated[int, in_range(1, 13000, "GiB")]
    prometheus_volume_gib: Annotated[int, in_range(10, 16384, "GiB", "gp3 volumes take")]
    prometheus_replicas: Annotated[int, in_range(1, 3, "", "run Prometheus with")]
    alertmanager_replicas: Annotated[int, in_range(1, 5, "", "run Alertmanager with")]
    teams: tuple[TeamSettings, ...]
    default_team: str
    heartbeat_url: Annotated[str, matching(_HTTPS, "is not an https:// URL; e.g. \"https://heartbeat.example.com/ping/sparki-dev\"")]
    page_critical: bool = True
    logs: LogsSettings = Field(default_factory=LogsSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)
    tracing: TracingSettings = Field(default_factory=TracingSettings)

    @field_validator("teams")
    @classmethod
    def _teams(cls, teams: tuple[TeamSettings, ...]) -> tuple[TeamSettings, ...]:
        if not teams:
            fail("", 'is empty; name at least one team, e.g. [{ name = "platform", slack_channel = "#platform-alerts" }]')
        check_named_once([t.name for t in teams], lambda name, first: f"{name!r} is already the name of teams[{first}]; name each team once")
        return teams

    def check_in(self, production: bool, highly_available: bool) -> None:
        """`highly_available`: the environment runs its controllers with 2+ replicas ([platform]
        controller_replicas: staging and production); monitoring must not be the one part that
        goes down with a node drain there."""
        names = [t.name for t in self.teams]
        if self.default_team not in names:
            fail("default_team", f"{self.default_team!r} is not one of the teams ({', '.join(names)}); name one of them")
        if self.prometheus_volume_gib < self.prometheus_retention_gib * VOLUME_HEADROOM:
            fail("prometheus_volume_gib", f"{self.prometheus_volume_gib} GiB leaves no headroom over prometheus_retention_gib {self.prometheus_retention_gib}; use at least {int(self.prometheus_retention_gib * VOLUME_HEADROOM + 0.999)}")
        if production and self.prometheus_retention_days < 30:
            fail("prometheus_retention_days", f"{self.prometheus_retention_days} is too short for production; keep at least 30 days (a month of incidents and SLO windows)")
        for name in ("logs", "search"):
            try:
                getattr(self, name).check_in(production)
            except Problem as problem:
                raise problem.under(name) from None
        if production and not self.page_critical:
            fail("page_critical", "false is not allowed in production: critical alerts must page someone; set true")
        if highly_available:
            for field_name in ("prometheus_replicas", "alertmanager_replicas"):
                if getattr(self, field_name) < 2:
                    fail(field_name, f"{getattr(self, field_name)} is not highly available; staging and production run at least 2")

    def autoscaled(self) -> dict[str, tuple[int, str]]:
        """The variable-load components these settings run -> (the least min_replicas of each
        one's [platform.autoscaling] row, why): Loki's read and write paths exist only in
        SimpleScalable, and the writers never drop below the pods a push is replicated to."""
        running = {JAEGER: (1, "")}
        if self.logs.mode == "SimpleScalable":
            writers = (self.logs.replicas, "the writers never drop below observability.logs.replicas, the pods each push is replicated across")
            running |= {LOKI_READ: (1, ""), LOKI_WRITE: writers}
        return running

    @property
    def team_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.teams)
