"""Unit tests of the observability stack's metric components (components_prometheus,
components_cloudwatch_exporter, prometheus_values): every value is a key of the chart at the
pinned version (tests/kubernetes/charts/), and the settings the issue asks for are in the values
Helm receives: retention, HA, label selection, EKS-managed rules off, secrets from ExternalSecrets."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from constructs import components_cloudwatch_exporter as cwe
from constructs import components_prometheus as kps
from constructs import grafana_datasources
from constructs import prometheus_values as pv
from constructs.monitoring import RULES_LABEL, STORAGE_CLASS
from tests.constructs.platform_support import ENVS, observability, observability_ctx
from tests.constructs.test_component_values import PASS_THROUGH, merged

CHARTS = Path(__file__).resolve().parents[1] / "kubernetes" / "charts"
KPS_DIR = CHARTS / f"kube-prometheus-stack-{kps.KUBE_PROMETHEUS_STACK[2]}"
# Subcharts: their section of kube-prometheus-stack's values is the subchart's own values.yaml.
SUBCHARTS = {"grafana": "grafana", "kube-state-metrics": "kube-state-metrics"}
# Maps rendered whole (toYaml) into a Kubernetes or operator object, Alertmanager's or Grafana's
# own configuration: what is below them is that program's vocabulary, not the chart's. The two
# operator specs are checked one level down against the chart's own listing.
KPS_PASS_THROUGH = PASS_THROUGH | {"prometheusSpec", "alertmanagerSpec", "config", "grafana.ini", "labels", "storageSpec"}
# Keys a chart's templates read that its values.yaml lists only in comments, with where.
TEMPLATE_ONLY = {
    # templates/servicemonitor.yaml: .Values.serviceMonitor.interval / .timeout
    "prometheus-yet-another-cloudwatch-exporter": {"serviceMonitor.interval", "serviceMonitor.timeout"},
    # grafana's templates/serviceaccount.yaml: .Values.serviceAccount.annotations
    "kube-prometheus-stack": {"grafana.serviceAccount.annotations"},
}


def unknown_keys(values: dict, defaults, prefix: str = "") -> list[str]:
    unknown = []
    for key, value in values.items():
        path = f"{prefix}{key}"
        if not isinstance(defaults, dict) or key not in defaults:
            unknown.append(path)
        elif isinstance(value, dict) and isinstance(defaults[key], dict) and defaults[key] and key not in KPS_PASS_THROUGH:
            unknown.extend(unknown_keys(value, defaults[key], f"{path}."))
    return unknown


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def by_name(env: str):
    return {c.name: c for c in observability(env).components}


def values(env: str, name: str) -> dict:
    return json.loads(json.dumps(by_name(env)[name].values))


@pytest.mark.parametrize("env", sorted(ENVS))
def test_kube_prometheus_stack_values_are_keys_of_the_chart_and_its_subcharts(env):
    given = values(env, "kube-prometheus-stack")
    defaults = load(KPS_DIR / "kube-prometheus-stack.values.yaml")
    own = {k: v for k, v in given.items() if k not in SUBCHARTS}
    unknown = unknown_keys(own, defaults)
    for key, chart in SUBCHARTS.items():
        sub = merged(load(KPS_DIR / f"{chart}.values.yaml"), defaults.get(key) or {})
        unknown += [f"{key}.{k}" for k in unknown_keys(given.get(key, {}), sub)]
    # The parts rendered into operator objects: their keys are the CRD's, checked one level down.
    spec_keys = {"prometheus.prometheusSpec": defaults["prometheus"]["prometheusSpec"], "alertmanager.alertmanagerSpec": defaults["alertmanager"]["alertmanagerSpec"]}
    for path, spec_defaults in spec_keys.items():
        section, key = path.split(".")
        unknown += [f"{path}.{k}" for k in given[section][key] if k not in spec_defaults]
    unknown = set(unknown) - TEMPLATE_ONLY["kube-prometheus-stack"]
    assert not unknown, f"kube-prometheus-stack {kps.KUBE_PROMETHEUS_STACK[2]} has no such values: {sorted(unknown)}"


@pytest.mark.parametrize("name, file", [("node-exporter", "prometheus-node-exporter.values.yaml"), ("cloudwatch-exporter", None)])
def test_exporter_values_are_keys_of_their_charts(name, file):
    component = by_name("prod")[name]
    path = KPS_DIR / file if file else CHARTS / f"yace-{cwe.CHART[2]}" / "prometheus-yet-another-cloudwatch-exporter.values.yaml"
    assert component.version in str(path) or name == "node-exporter"
    unknown = set(unknown_keys(values("prod", name), load(path))) - TEMPLATE_ONLY.get(component.chart, set())
    assert not unknown, f"{component.chart} {component.version} has no such values: {unknown}"


def test_node_exporter_is_the_version_kube_prometheus_stack_pins():
    chart = load(KPS_DIR / "kube-prometheus-stack.values.yaml")
    assert chart["prometheus-node-exporter"]["prometheus"]["monitor"]["jobLabel"] == values("prod", "node-exporter")["prometheus"]["monitor"]["jobLabel"]
    assert kps.NODE_EXPORTER[2] == "4.56.1"  # kube-prometheus-stack 88.5.3's Chart.yaml dependency


@pytest.mark.parametrize("env", sorted(ENVS))
def test_prometheus_keeps_what_the_environment_says_on_encrypted_gp3(env):
    o = ENVS[env].observability
    spec = values(env, "kube-prometheus-stack")["prometheus"]["prometheusSpec"]
    assert spec["retention"] == f"{o.prometheus_retention_days}d" and spec["retentionSize"] == f"{o.prometheus_retention_gib}GiB"
    claim = spec["storageSpec"]["volumeClaimTemplate"]["spec"]
    assert claim["storageClassName"] == STORAGE_CLASS and claim["resources"]["requests"]["storage"] == f"{o.prometheus_volume_gib}Gi"
    assert spec["replicas"] == o.prometheus_replicas
    if env == "prod":
        assert o.prometheus_retention_days >= 30


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_prometheus_and_alertmanager_run_highly_available(env):
    given = values(env, "kube-prometheus-stack")
    assert given["prometheus"]["prometheusSpec"]["replicas"] >= 2 and given["alertmanager"]["alertmanagerSpec"]["replicas"] >= 2
    assert given["prometheus"]["podDisruptionBudget"]["enabled"] and given["alertmanager"]["podDisruptionBudget"]["enabled"]


def test_selection_is_by_label_never_by_the_helm_release():
    spec = values("prod", "kube-prometheus-stack")["prometheus"]["prometheusSpec"]
    for kind in ("rule", "serviceMonitor", "podMonitor", "probe", "scrapeConfig"):
        assert spec[f"{kind}SelectorNilUsesHelmValues"] is False, kind
    assert spec["ruleSelector"] == {"matchLabels": RULES_LABEL}
    assert values("prod", "kube-prometheus-stack")["defaultRules"]["labels"] == RULES_LABEL
    assert "release" not in json.dumps(spec)


def test_default_rules_aws_runs_are_off_each_with_a_reason():
    given = values("prod", "kube-prometheus-stack")
    rules = given["defaultRules"]["rules"]
    for group in ("etcd", "kubeControllerManager", "kubeSchedulerAlerting", "kubeSchedulerRecording", "kubeProxy"):
        assert rules[group] is False, group
    chart_groups = load(KPS_DIR / "kube-prometheus-stack.values.yaml")["defaultRules"]["rules"]
    assert set(rules) <= set(chart_groups)
    assert all(len(reason) > 30 for reason in (*pv.EKS_MANAGED_RULES.values(), *pv.EKS_MANAGED_TARGETS.values()))
    for target in ("kubeEtcd", "kubeControllerManager", "kubeScheduler", "kubeProxy"):
        assert given[target] == {"enabled": False}


def test_crds_come_from_the_platform_not_this_release():
    component = by_name("prod")["kube-prometheus-stack"]
    assert component.values["crds"] == {"enabled": False} and "prometheus-operator-crds" in component.depends_on


@pytest.mark.parametrize("env", sorted(ENVS))
def test_grafana_admin_and_alertmanager_receivers_come_from_external_secrets(env):
    given = values(env, "kube-prometheus-stack")
    targets = {r["spec"]["target"]["name"] for r in observability(env).custom_resources if r["kind"] == "ExternalSecret"}
    assert given["grafana"]["admin"]["existingSecret"] in targets
    assert set(given["alertmanager"]["alertmanagerSpec"]["secrets"]) <= targets
    assert "adminPassword" not in given["grafana"]


def test_grafana_loads_dashboards_from_the_sidecar_label_and_reads_cloudwatch_through_irsa():
    grafana = values("prod", "kube-prometheus-stack")["grafana"]
    assert grafana["sidecar"]["dashboards"]["label"] == "grafana_dashboard" and grafana["sidecar"]["dashboards"]["labelValue"] == "1"
    assert grafana["serviceAccount"]["annotations"]["eks.amazonaws.com/role-arn"].endswith(":role/sparki-prod-obs-grafana")


def test_node_exporter_alone_is_privileged_and_says_why():
    components = by_name("prod")
    loose = {c.name: c for c in components.values() if c.pod_security != "restricted"}
    assert set(loose) == {"node-exporter"} and "hostPath" in loose["node-exporter"].pod_security_reason


def test_cloudwatch_exporter_exports_the_series_the_rules_read():
    config = cwe.exporter_config(observability_ctx("prod"))
    names = cwe.series(config)
    for prefix in ("aws_rds_database_connections_", "aws_elasticache_curr_connections_", "aws_wafv2_blocked_requests_"):
        assert any(n.startswith(prefix) for n in names), prefix
    assert all(job["searchTags"][1] == {"key": "Environment", "value": "^prod$"} for job in config["discovery"]["jobs"])
    given = values("prod", "cloudwatch-exporter")
    assert yaml.safe_load(given["config"]) == config
    assert given["serviceAccount"]["annotations"]["eks.amazonaws.com/role-arn"].endswith(":role/sparki-prod-obs-cloudwatch-exporter")


def test_grafana_provisions_exactly_the_uids_the_dashboards_name():
    grafana = values("prod", "kube-prometheus-stack")["grafana"]
    provisioned = {source["uid"] for source in grafana["additionalDataSources"]}
    assert provisioned == grafana_datasources.uids()
    assert grafana["sidecar"]["datasources"]["defaultDatasourceEnabled"] is False
    (cloudwatch,) = [s for s in grafana["additionalDataSources"] if s["uid"] == grafana_datasources.CLOUDWATCH]
    assert cloudwatch["jsonData"]["authType"] == "default" and "secureJsonData" not in cloudwatch
