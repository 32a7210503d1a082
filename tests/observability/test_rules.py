"""The rule groups of every environment: promtool accepts them, every alert carries what
Alertmanager and the on-call need (severity, owner, summary, a runbook that exists), every
metric read is exported or recorded, the PrometheusRule objects are selectable, and
docs/observability-alerts.md lists exactly these alerts."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import environments
from constructs import rules_anomaly, rules_slo
from constructs.components_rules import NAMESPACE, RULES_LABEL, custom_resources
from constructs.metric_sources import METRIC_SOURCES, exported
from constructs.prometheus_rules import OWNERS, RUNBOOK_BASE, SEVERITIES
from stacks.platform_components import component_context
from tests.observability import catalogue
from tests.observability.rule_support import ENVS, all_rules, metric_names, promtool, write_rule_files

ROOT = Path(__file__).resolve().parents[2]
RUNBOOKS = ROOT / "docs" / "runbooks"


def anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to '-'."""
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*$", page.read_text(), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in headings}


@pytest.mark.parametrize("env", environments.NAMES)
def test_promtool_accepts_every_rule_group(env, tmp_path):
    for name, path in write_rule_files(env, tmp_path).items():
        result = promtool("check", "rules", str(path))
        assert result.returncode == 0, f"{name}: {result.stdout}{result.stderr}"


@pytest.mark.parametrize("env", environments.NAMES)
def test_every_alert_has_severity_owner_summary_and_a_runbook_that_resolves(env):
    alerts = [r for r in all_rules(env) if "alert" in r]
    for rule in alerts:
        name, labels, notes = rule["alert"], rule["labels"], rule["annotations"]
        owners = set(OWNERS) | {slo.owner for slo in ENVS[env].slos}
        assert labels["severity"] in SEVERITIES and labels["owner"] in owners, name
        assert notes["summary"].strip() and notes["description"].strip(), name
        url = notes["runbook_url"]
        assert url.startswith(RUNBOOK_BASE), name
        page, _, anchor = url.removeprefix(RUNBOOK_BASE).partition("#")
        assert (RUNBOOKS / page).is_file(), f"{name}: docs/runbooks/{page} does not exist"
        assert anchor in anchors(RUNBOOKS / page), f"{name}: docs/runbooks/{page} has no section #{anchor}"


def test_links_between_runbooks_resolve():
    for page in RUNBOOKS.glob("*.md"):
        for target, anchor in re.findall(r"\]\(([\w.-]+\.md)?#([\w-]+)\)", page.read_text()):
            linked = RUNBOOKS / target if target else page
            assert anchor in anchors(linked), f"{page.name}: link to {target}#{anchor} does not resolve"


@pytest.mark.parametrize("env", environments.NAMES)
def test_at_least_twenty_alerts_are_written_here_and_names_do_not_repeat_within_a_group(env):
    names = {r["alert"] for r in all_rules(env) if "alert" in r}
    assert len(names) >= 20
    slo_alerts = [r for r in all_rules(env) if r.get("alert", "").startswith("Slo")]
    assert len(slo_alerts) == 2 * len(ENVS[env].slos)


@pytest.mark.parametrize("env", environments.NAMES)
def test_every_metric_read_is_exported_by_a_component_or_recorded_here(env):
    rules = all_rules(env)
    recorded = {r["record"] for r in rules if "record" in r}
    known = exported() | recorded
    for rule in rules:
        unknown = metric_names(rule["expr"]) - known
        assert not unknown, f"{rule.get('alert') or rule.get('record')} reads {sorted(unknown)}: add them to constructs/metric_sources.py with their source"


def test_the_records_dashboards_read_are_recorded():
    recorded = {r["record"] for r in all_rules("prod") if "record" in r}
    slo_names = {rules_slo.error_ratio(w) for w in (*rules_slo.WINDOWS, rules_slo.PERIOD)} | {
        rules_slo.ERRORS_RATE, rules_slo.REQUESTS_RATE, rules_slo.OBJECTIVE, rules_slo.ERROR_BUDGET,
        rules_slo.BURN_RATE, rules_slo.BUDGET_REMAINING}
    anomaly = {f(s) for s in rules_anomaly.SIGNALS for f in (rules_anomaly.baseline, rules_anomaly.stddev, rules_anomaly.zscore)}
    assert slo_names | anomaly <= recorded


def test_the_catalogue_names_an_upstream_source_per_component():
    text = Path(ROOT / "constructs" / "metric_sources.py").read_text()
    for component in METRIC_SOURCES:
        block = text.split(f'"{component}":', 1)[0].rsplit("\n", 2)[-2]
        assert block.strip().startswith("#"), f"{component}: name its upstream source in a comment above it"


@pytest.mark.parametrize("env", environments.NAMES)
def test_prometheus_rules_are_selected_by_label_in_the_monitoring_namespace(env):
    ctx = component_context(ENVS[env], cluster_name=f"sparki-{env}-eks", role_arns={})
    objects = custom_resources(ctx)
    assert objects
    for obj in objects:
        assert obj["kind"] == "PrometheusRule" and obj["apiVersion"] == "monitoring.coreos.com/v1"
        assert obj["metadata"]["namespace"] == NAMESPACE
        assert RULES_LABEL.items() <= obj["metadata"]["labels"].items()
        assert not any(k.startswith(("app.kubernetes.io/instance", "release")) for k in obj["metadata"]["labels"])
    groups = [g["name"] for obj in objects for g in obj["spec"]["groups"]]
    assert len(groups) == len(set(groups))


def test_the_docs_list_exactly_these_alerts_and_slos():
    text = catalogue.DOC.read_text()
    assert text == catalogue.generated(text), "docs/observability-alerts.md is stale; run .venv/bin/python -m tests.observability.catalogue"
    for name in {r["alert"] for r in all_rules("prod") if "alert" in r}:
        assert f"| {name} |" in text


@pytest.mark.parametrize("env", environments.NAMES)
def test_every_alert_owner_is_a_team_alertmanager_routes_to(env):
    teams = {t.name for t in ENVS[env].observability.teams}
    owners = {r["labels"]["owner"] for r in all_rules(env) if "alert" in r}
    assert owners <= teams, f"owners {sorted(owners - teams)} are not in [observability] teams of {env}"
