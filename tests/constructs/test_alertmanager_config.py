"""The rendered Alertmanager configuration under amtool 0.25 (the Alertmanager release's own
parser): `amtool check-config` for every environment, and `amtool config routes test` for where
each severity and owner lands. Credentials are files the ExternalSecret fills, never values."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from constructs.alertmanager_config import SECRETS_ROOT, Team, render, secret_keys
from constructs.components_prometheus import RECEIVERS_SECRET, alertmanager_config, custom_resources
from tests.constructs.platform_support import ENVS, observability_ctx

AMTOOL = shutil.which("amtool")
TEAMS = (Team("platform", "#platform-alerts"), Team("sparki", "#sparki-alerts"))
HEARTBEAT = "https://heartbeat.example.com/ping"


@pytest.fixture(scope="module")
def amtool() -> str:
    assert AMTOOL, "amtool not found: install the Debian package prometheus-alertmanager (make tools)"
    return AMTOOL


def write(tmp_path: Path, config: dict) -> Path:
    path = tmp_path / "alertmanager.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def routes(amtool: str, config: Path, **labels: str) -> str:
    args = [amtool, "config", "routes", "test", f"--config.file={config}", *(f"{k}={v}" for k, v in labels.items())]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip()


@pytest.mark.parametrize("env", sorted(ENVS))
def test_amtool_accepts_every_environments_configuration(amtool, tmp_path, env):
    config = write(tmp_path, alertmanager_config(observability_ctx(env)))
    result = subprocess.run([amtool, "check-config", str(config)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


@pytest.mark.parametrize(
    "labels, paging, receiver",
    [
        ({"alertname": "Watchdog", "severity": "none"}, True, "watchdog"),
        ({"alertname": "NodeDown", "severity": "critical", "owner": "platform"}, True, "platform-pagerduty"),
        ({"alertname": "NodeDown", "severity": "critical", "owner": "platform"}, False, "platform-slack"),
        ({"alertname": "SloBurn", "severity": "critical", "owner": "sparki"}, True, "sparki-pagerduty"),
        ({"alertname": "PodCrashLooping", "severity": "warning", "owner": "sparki"}, True, "sparki-slack"),
        ({"alertname": "PodCrashLooping", "severity": "warning", "owner": "platform"}, True, "platform-slack"),
        ({"alertname": "CpuThrottling", "severity": "info", "owner": "platform"}, True, "null"),
        ({"alertname": "InfoInhibitor", "severity": "none"}, True, "null"),
        # Owners no team claims, and alerts without an owner, reach the default team.
        ({"alertname": "X", "severity": "critical", "owner": "nobody"}, True, "platform-pagerduty"),
        ({"alertname": "X", "severity": "warning"}, True, "platform-slack"),
        # A known owner with an unknown severity still reaches its channel.
        ({"alertname": "X", "severity": "page", "owner": "sparki"}, True, "sparki-slack"),
    ],
)
def test_routing_by_severity_and_owner(amtool, tmp_path, labels, paging, receiver):
    config = write(tmp_path, render(TEAMS, default_team="platform", page_critical=paging, heartbeat_url=HEARTBEAT, secret="s"))
    assert routes(amtool, config, **labels) == receiver


def test_critical_inhibits_warning_and_info_of_the_same_alert_on_the_same_target():
    config = render(TEAMS, default_team="platform", page_critical=True, heartbeat_url=HEARTBEAT, secret="s")
    (rule,) = [r for r in config["inhibit_rules"] if r["source_matchers"] == ['severity="critical"']]
    assert rule["target_matchers"] == ['severity=~"warning|info"']
    assert {"alertname", "namespace"} <= set(rule["equal"]) and {"instance", "pod"} <= set(rule["equal"])


def test_watchdog_repeats_every_minute_so_the_switch_notices_silence():
    config = render(TEAMS, default_team="platform", page_critical=True, heartbeat_url=HEARTBEAT, secret="s")
    (watchdog,) = [r for r in config["route"]["routes"] if r["receiver"] == "watchdog"]
    assert watchdog["repeat_interval"] == "1m" and watchdog["group_wait"] == "0s"


def _file_fields(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("_file") and isinstance(value, str):
                found.append(value)
            else:
                _file_fields(value, found)
    elif isinstance(node, list):
        for item in node:
            _file_fields(item, found)
    return found


@pytest.mark.parametrize("env", sorted(ENVS))
def test_every_credential_is_a_file_of_the_mounted_secret_that_the_external_secret_fills(env):
    ctx = observability_ctx(env)
    config = alertmanager_config(ctx)
    (external,) = [r for r in custom_resources(ctx) if r["metadata"]["name"] == RECEIVERS_SECRET]
    delivered = {d["secretKey"] for d in external["spec"]["data"]}
    files = _file_fields(config, [])
    assert files, "no *_file credential at all"
    for path in files:
        match = re.fullmatch(rf"{SECRETS_ROOT}/{RECEIVERS_SECRET}/([a-z0-9-]+)", path)
        assert match and match[1] in delivered, path
    assert delivered == set(secret_keys(tuple(Team(t.name, t.slack_channel) for t in ENVS[env].observability.teams), ENVS[env].observability.page_critical))
    text = yaml.safe_dump(config)
    assert "hooks.slack.com" not in text and "routing_key:" not in text and "api_url:" not in text


def test_default_team_must_be_a_team():
    with pytest.raises(ValueError, match="default_team 'ops'"):
        render(TEAMS, default_team="ops", page_critical=True, heartbeat_url=HEARTBEAT, secret="s")
