"""Unit tests of environments/telemetry_settings.py: defaults, range rules and the production
rules, read from the models directly (the environment-level path is in test_mistakes)."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from environments.model import Problem
from environments.telemetry_settings import LogsSettings, SearchSettings, TracingSettings


def test_defaults_pass_the_production_rules():
    for model in (LogsSettings(), SearchSettings()):
        model.check_in(production=True)
    assert LogsSettings().retention_days >= 30


@pytest.mark.parametrize(
    ("model", "field", "value", "says"),
    [
        (LogsSettings, "retention_days", 29, "keep logs for 30..3650 days"),
        (LogsSettings, "mode", "Distributed", "is not a Loki deployment mode"),
        (LogsSettings, "replicas", 0, "1..9"),
        (LogsSettings, "volume_gib", 4, "5..500 GiB"),
        (SearchSettings, "nodes", 10, "1..9"),
        (SearchSettings, "volume_gib", 5, "10..16384 GiB"),
        (SearchSettings, "memory_gib", 1, "2..64 GiB"),
        (SearchSettings, "snapshot_hour_utc", 24, "0..23"),
        (SearchSettings, "snapshot_retention_days", 0, "1..3650"),
        (TracingSettings, "retention_days", 91, "keep traces for 1..90 days"),
        (TracingSettings, "retention_days", "7", "integer"),
    ],
)
def test_out_of_range_values_are_refused(model, field, value, says):
    with pytest.raises((Problem, ValidationError), match=says):
        model(**{field: value})


@pytest.mark.parametrize(
    ("settings", "production", "field", "says"),
    [
        (LogsSettings(mode="SingleBinary", replicas=1), True, "mode", "not allowed in production"),
        (LogsSettings(replicas=2), False, "replicas", "too few for SimpleScalable"),
        (LogsSettings(mode="SingleBinary", replicas=2), False, "replicas", "not replicated"),
        (SearchSettings(nodes=2), True, "nodes", "not allowed in production"),
    ],
)
def test_combinations_that_would_lose_data_are_refused(settings, production, field, says):
    with pytest.raises(Problem, match=says) as err:
        settings.check_in(production)
    assert err.value.field == field


@pytest.mark.parametrize(
    "settings",
    [LogsSettings(mode="SingleBinary", replicas=1), SearchSettings(nodes=1)],
)
def test_a_small_dev_environment_is_allowed(settings):
    settings.check_in(production=False)
