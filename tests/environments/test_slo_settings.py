"""Every rule of environments/slo_settings.py, one failing example each (applied to the real
data), and the promises the real environments' SLOs keep."""
from __future__ import annotations

import pytest

import environments
from catalog.metric_contract import KUBERNETES_API, SOURCES, source_of
from tests.environments.mistakes import DELETE, assert_refused

ENVS = environments.load()


@pytest.mark.parametrize(
    "env, path, value, field, says",
    [
        ("prod", "slos[0].objective", 100.0, "slos[0].objective", "strictly between 0 and 100"),
        ("dev", "slos[0].objective", 0.0, "slos[0].objective", "strictly between 0 and 100"),
        ("dev", "slos[0].objective", "99.9", "slos[0].objective", "given '99.9' (a string)"),
        ("staging", "slos[0].window_days", 28, "slos[0].window_days", "use 30"),
        ("dev", "slos[0].sli", "errors", "slos[0].sli", "use one of availability, latency"),
        ("dev", "slos[0].threshold_seconds", 1.0, "slos[0].threshold_seconds", "availability SLI"),
        ("prod", "slos[1].threshold_seconds", 0.7, "slos[1].threshold_seconds", "not a bucket of kubernetes-api's latency histogram"),
        ("prod", "slos[3].threshold_seconds", 0.3, "slos[3].threshold_seconds", "not a bucket of api's latency histogram; use one of 0.005"),
        ("dev", "slos[1].threshold_seconds", DELETE, "slos[1].threshold_seconds", "required for a latency SLI"),
        ("dev", "slos[1].name", "kubernetes-api-availability", "slos[1].name", "already the name of slos[0]"),
        ("dev", "slos[0].name", "API availability", "slos[0].name", "is not an SLO name"),
        ("dev", "slos[2].service", "Api", "slos[2].service", "is not a service name"),
        ("dev", "slos[2].owner", "App Team", "slos[2].owner", "is not a team name"),
        ("prod", "slos[2].owner", "payments", "slos[2].owner", "'payments' is not a team alerts route to; use one of platform, sparki"),
        ("dev", "slos[2].colour", "red", "slos[2].colour", "unknown field"),
        ("dev", "slos", DELETE, "slos", "is required"),
        ("dev", "slos", [{"name": "api-availability", "service": "api", "sli": "availability", "objective": 99.0}], "slos", "no SLO for 'kubernetes-api'"),
        ("dev", "slos", [{"name": "k8s-availability", "service": KUBERNETES_API, "sli": "availability", "objective": 99.0}], "slos", "no SLO for a Sparki service"),
    ],
)
def test_slo_rule_refuses_with_one_line(env, path, value, field, says):
    assert_refused(env, path, value, field, says)


@pytest.mark.parametrize("name", environments.NAMES)
def test_every_environment_measures_the_api_server_and_a_sparki_service(name):
    services = {s.service for s in ENVS[name].slos}
    assert KUBERNETES_API in services and services - {KUBERNETES_API}


@pytest.mark.parametrize("name", environments.NAMES)
def test_latency_thresholds_are_buckets_and_budgets_match_objectives(name):
    for slo in ENVS[name].slos:
        assert slo.error_budget == pytest.approx(1 - slo.objective / 100)
        if slo.sli == "latency":
            assert slo.threshold_seconds in SOURCES[source_of(slo.service)].buckets


def test_objectives_never_loosen_towards_production():
    for dev, staging, prod in zip(*(ENVS[n].slos for n in environments.NAMES), strict=True):
        assert dev.name == staging.name == prod.name
        assert dev.objective <= staging.objective <= prod.objective
