"""Service level objectives: typed environment data ([[slos]] in environments/<env>.toml).

From each definition constructs/rules_slo.py generates the SLI recordings, the error-budget
recordings and the multi-window multi-burn-rate alerts; the SLO dashboard reads the same
recordings. The metrics an SLI reads are catalog/metric_contract.py's.
"""
from __future__ import annotations

import re
from typing import Annotated

from pydantic import field_validator, model_validator

from catalog.metric_contract import KUBERNETES_API, SOURCES, source_of
from environments.model import Model, check_named_once, fail, matching, one_of

SLI_KINDS = ("availability", "latency")
# The burn-rate alert windows (1h .. 3d) and budget maths assume the 30-day window the Google
# SRE workbook sizes them for; another window would need other burn rates.
WINDOW_DAYS = 30
_NAME = re.compile(r"^[a-z][a-z0-9-]{1,40}[a-z0-9]$")
_LABEL_VALUE = re.compile(r"^[a-z][a-z0-9-]{0,40}$")


class SloSettings(Model):
    """One objective.

    name: unique within the environment, e.g. "api-availability"; the `slo` label of every
        recording and alert generated from it.
    service: "kubernetes-api" (the API server's metrics) or a Sparki service, the `service`
        label value its metrics carry under the application metric contract, e.g. "api".
    sli: "availability" (share of requests not answered 5xx) or "latency" (share of requests
        answered within threshold_seconds).
    objective: target percentage of good requests over the window, e.g. 99.9; above 0, below 100.
    threshold_seconds: latency SLIs only: the bound a good request stays within; must be one of
        the histogram's buckets (catalog/metric_contract.py).
    window_days: the compliance window; 30 (the burn-rate windows are sized for it).
    owner: the team paged for it (the alerts' `owner` label); default "platform".
    """

    name: Annotated[str, matching(_NAME, "is not an SLO name; use 3-42 lowercase letters, digits and '-', e.g. 'api-availability'")]
    service: Annotated[str, matching(_LABEL_VALUE, "is not a service name; use lowercase letters, digits and '-', e.g. 'api' or 'kubernetes-api'")]
    sli: Annotated[str, one_of(SLI_KINDS, "an SLI kind")]
    objective: float
    threshold_seconds: float | None = None
    window_days: int = WINDOW_DAYS
    owner: Annotated[str, matching(_LABEL_VALUE, "is not a team name; use lowercase letters, digits and '-', e.g. 'platform'")] = "platform"

    @field_validator("objective")
    @classmethod
    def _objective(cls, objective: float) -> float:
        if not 0 < objective < 100:
            fail("", f"{objective} is not a percentage strictly between 0 and 100; e.g. 99.9 (100 leaves no error budget)")
        return objective

    @field_validator("window_days")
    @classmethod
    def _window(cls, days: int) -> int:
        if days != WINDOW_DAYS:
            fail("", f"{days} is not supported; use {WINDOW_DAYS} (the burn-rate alert windows are sized for a {WINDOW_DAYS}-day budget)")
        return days

    @model_validator(mode="after")
    def _threshold(self) -> SloSettings:
        if self.sli == "availability" and self.threshold_seconds is not None:
            fail("threshold_seconds", "is set on an availability SLI; remove it, or use sli = \"latency\"")
        if self.sli == "latency":
            buckets = SOURCES[source_of(self.service)].buckets
            shown = ", ".join(f"{b:g}" for b in buckets)
            if self.threshold_seconds is None:
                fail("threshold_seconds", f"is required for a latency SLI; use one of the histogram's buckets: {shown}")
            if self.threshold_seconds not in buckets:
                fail("threshold_seconds", f"{self.threshold_seconds:g} is not a bucket of {self.service}'s latency histogram; use one of {shown}")
        return self

    @property
    def error_budget(self) -> float:
        """The share of requests that may fail over the window, e.g. 0.001 for 99.9."""
        return round(1 - self.objective / 100, 10)


def check_slos(slos: tuple[SloSettings, ...]) -> None:
    """Names unique; the Kubernetes API has an SLO in every environment."""
    check_named_once([s.name for s in slos], lambda name, first: f"{name!r} is already the name of slos[{first}]; name each SLO once")
    if not any(s.service == KUBERNETES_API for s in slos):
        fail("", f"has no SLO for {KUBERNETES_API!r}; every environment measures its API server (add an [[slos]] with service = \"{KUBERNETES_API}\")")
    if all(s.service == KUBERNETES_API for s in slos):
        fail("", "has no SLO for a Sparki service; add an [[slos]] with service = \"api\" (the application metric contract)")


def check_owners(slos: tuple[SloSettings, ...], teams: tuple[str, ...]) -> None:
    """Every SLO's owner is a team Alertmanager routes to ([observability] teams)."""
    for index, slo in enumerate(slos):
        if slo.owner not in teams:
            fail(f"[{index}].owner", f"{slo.owner!r} is not a team alerts route to; use one of {', '.join(teams)} ([observability] teams), or add the team there")
