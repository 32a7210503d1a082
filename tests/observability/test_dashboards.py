"""What the issue promises of the dashboards, in every environment: five of them, at least 50
panels, unique panel ids and titles per dashboard, every panel and query on a data source that
is provisioned, delivered as sidecar ConfigMaps by a component that keeps the add-on contract;
and the SLO dashboard has the panels of every SLO definition."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from constructs import components_dashboards, components_prometheus, grafana_datasources
from constructs.addon_contract import Component, ContractError, check_components
from constructs.dashboards_slo import panels_for
from constructs.observability_roles import OBSERVABILITY_SERVICE_ACCOUNTS
from constructs.platform_roles import SERVICE_ACCOUNTS
from tests.observability.dashboard_support import contexts, dashboards, panels, plugin_of, targets

ENVS = sorted(contexts())
PROVISIONED = {(s.plugin, s.uid) for s in grafana_datasources.data_sources("eu-west-1")}


@pytest.mark.parametrize("env", ENVS)
def test_five_dashboards_with_at_least_fifty_panels(env):
    models = dashboards(env)
    assert len(models) == len(components_dashboards.DASHBOARDS) >= 5
    assert sum(len(panels(m)) for m in models.values()) >= 50


@pytest.mark.parametrize("env", ENVS)
def test_panel_ids_and_titles_are_unique_per_dashboard(env):
    for uid, model in dashboards(env).items():
        ids = [p["id"] for p in model["panels"]]
        titles = [p["title"] for p in panels(model)]
        assert len(ids) == len(set(ids)), f"{uid}: duplicate panel ids"
        assert len(titles) == len(set(titles)), f"{uid}: duplicate titles {sorted(t for t in titles if titles.count(t) > 1)}"
        assert all(isinstance(i, int) and i > 0 for i in ids), f"{uid}: a panel without an id"


@pytest.mark.parametrize("env", ENVS)
def test_every_panel_and_query_names_a_provisioned_data_source(env):
    for uid, model in dashboards(env).items():
        for panel in panels(model):
            source = panel.get("datasource")
            assert source and (source["type"], source["uid"]) in PROVISIONED, f"{uid}/{panel['title']}: data source {source}"
            assert panel["targets"], f"{uid}/{panel['title']}: no query"
    for uid, panel, target in targets(env):
        source = target["datasource"]
        assert (source["type"], source["uid"]) in PROVISIONED, f"{uid}/{panel['title']}: query data source {source}"
        assert plugin_of(target, panel) == panel["datasource"]["type"], f"{uid}/{panel['title']}: query and panel read different plugins"


@pytest.mark.parametrize("env", ENVS)
def test_every_slo_definition_has_its_panels(env):
    slo_board = dashboards(env)["sparki-slo"]
    titles = {p["title"] for p in panels(slo_board)}
    slos = contexts()[env].slos
    assert slos, f"{env} defines no SLOs"
    for slo in slos:
        expected = {p.build().title for p in panels_for(slo)}
        assert expected <= titles, f"{env}: SLO {slo.name} lacks {sorted(expected - titles)}"
        queries = [t["expr"] for p in panels(slo_board) if p["title"] in expected for t in p["targets"]]
        assert all(f'slo="{slo.name}"' in q for q in queries), f"{env}: a panel of {slo.name} reads another SLO's series"


@pytest.mark.parametrize("env", ENVS)
def test_the_component_delivers_one_sidecar_configmap_per_dashboard_and_keeps_the_contract(env):
    ctx = contexts()[env]
    (component,) = components_dashboards.components(ctx)
    assert component.chart == "" and component.namespace == components_dashboards.NAMESPACE
    assert [m["kind"] for m in component.manifests] == ["ConfigMap"] * len(dashboards(env))
    for manifest in component.manifests:
        assert manifest["metadata"]["labels"]["grafana_dashboard"] == "1"
        assert len(manifest["data"]) == 1
    owner = Component(name=components_dashboards.MONITORING_OWNER, chart="", repository="", version="", namespace="monitoring", values={},
                      manifests=({"kind": "ConfigMap", "metadata": {"name": "x", "namespace": "monitoring"}},))
    check_components(env, (owner, component))


def test_without_the_monitoring_owner_the_contract_refuses_the_component():
    (component,) = components_dashboards.components(contexts()[ENVS[0]])
    with pytest.raises(ContractError, match="kube-prometheus-stack"):
        check_components("t", (component,))


def test_an_oversized_dashboard_is_refused_with_its_uid():
    with pytest.raises(ValueError, match="'big'.*split it"):
        components_dashboards.config_map("big", {"panels": ["x" * components_dashboards.MAX_CONFIGMAP_BYTES]})


def test_provisioning_gives_every_uid_once_and_no_secret():
    in_cluster = {s.uid for s in grafana_datasources.data_sources("eu-west-1") if s.in_cluster}
    entries = grafana_datasources.provisioning("eu-west-1", {uid: f"http://{uid}.monitoring.svc" for uid in in_cluster})
    assert sorted(e["uid"] for e in entries) == sorted(grafana_datasources.uids())
    cloudwatch = next(e for e in entries if e["type"] == "cloudwatch")
    assert cloudwatch["jsonData"] == {"authType": "default", "defaultRegion": "eu-west-1"} and "url" not in cloudwatch
    secure = [value for e in entries for value in e.get("secureJsonData", {}).values()]
    assert secure and all(value.startswith("$__file{") for value in secure)
    assert [e["uid"] for e in entries if e["isDefault"]] == [grafana_datasources.PROMETHEUS]


@pytest.mark.parametrize(
    ("endpoints", "message"),
    [
        ({}, r"missing \['alertmanager'"),
        ({"nope": "http://x"}, r"unknown \['nope'\]"),
    ],
)
def test_provisioning_names_a_missing_or_unknown_endpoint(endpoints, message):
    with pytest.raises(ValueError, match=message):
        grafana_datasources.provisioning("eu-west-1", endpoints)


def test_the_docs_name_every_dashboard():
    text = (Path(__file__).resolve().parents[2] / "docs" / "observability-dashboards.md").read_text()
    for uid, model in dashboards(ENVS[0]).items():
        assert f"`{uid}`" in text and model["title"] in text, f"docs/observability-dashboards.md does not list {uid}"


@pytest.mark.parametrize("env", ENVS)
def test_grafana_provisions_every_uid_the_dashboards_name(env):
    roles = {**SERVICE_ACCOUNTS, **OBSERVABILITY_SERVICE_ACCOUNTS}
    ctx = dataclasses.replace(contexts()[env], role_arns={role: f"arn:aws:iam::123456789012:role/{role}" for role in roles})
    (stack,) = [c for c in components_prometheus.components(ctx) if c.name == components_dashboards.MONITORING_OWNER]
    provisioned = {(s["type"], s["uid"]) for s in stack.values["grafana"]["additionalDataSources"]}
    named = {(t["datasource"]["type"], t["datasource"]["uid"]) for _, _, t in targets(env)}
    assert named <= provisioned, f"{env}: Grafana does not provision {sorted(named - provisioned)}"
