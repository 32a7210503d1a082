"""Every alert of rules_platform and rules_pipelines under `promtool test rules`: it fires on a
realistic failing input (and not before its `for` has passed), and stays silent on a healthy
one. SLO and anomaly alerts: test_slo_units.py, test_anomaly_units.py."""
from __future__ import annotations

import pytest

from constructs import rules_pipelines, rules_platform
from constructs.prometheus_rules import alerts_of
from tests.observability.alert_cases import CASES, Case
from tests.observability.rule_support import alert_rule, expected_alert, promtool, unit_test_file


def _series(inputs: dict[str, str]) -> list[dict[str, str]]:
    return [{"series": s, "values": v} for s, v in inputs.items()]


def test_every_platform_and_pipeline_alert_has_a_case():
    written = {r["alert"] for r in alerts_of([*rules_platform.groups(("sparki-api",), 100), *rules_pipelines.groups()])}
    cased = [c.alert for c in CASES]
    assert sorted(cased) == sorted(set(cased)), "one case per alert"
    assert written == set(cased)


@pytest.mark.parametrize("case", CASES, ids=[c.alert for c in CASES])
def test_alert_fires_on_failure_and_stays_silent_when_healthy(case: Case, prod_rule_files, tmp_path):
    rule = alert_rule("prod", case.alert)
    tests = [
        {"name": "failing", "interval": case.interval, "input_series": _series(case.failing), "alert_rule_test": [
            {"eval_time": case.quiet_at, "alertname": case.alert, "exp_alerts": []},
            {"eval_time": case.at, "alertname": case.alert, "exp_alerts": [expected_alert(rule, case.labels)]},
        ]},
        {"name": "healthy", "interval": case.interval, "input_series": _series(case.healthy), "alert_rule_test": [
            {"eval_time": case.quiet_at, "alertname": case.alert, "exp_alerts": []},
            {"eval_time": case.at, "alertname": case.alert, "exp_alerts": []},
        ]},
    ]
    path = unit_test_file(prod_rule_files[case.file], case.interval, tests, tmp_path / "test.yaml")
    result = promtool("test", "rules", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
