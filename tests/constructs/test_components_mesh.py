"""Unit tests of constructs/components_mesh.py: one Istio release across the four charts, values
the chart really reads, istiod on the system nodes with its replicas and PDB, node agents on
every node, and the PeerAuthentication mode each environment's data asks for."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from constructs import components_mesh as mesh
from constructs.addon_contract import ComponentContext, check_components
from constructs.platform_roles import SERVICE_ACCOUNTS
from tests.constructs.platform_support import ENVS, context

VALUES = Path(__file__).resolve().parents[1] / "kubernetes" / "charts" / f"istio-{mesh.ISTIO_VERSION}"
# The four charts and the values.yaml each reads (tests/kubernetes/charts/istio-<version>/).
CHARTS = {"base": "base", "istiod": "istiod", "cni": "cni", "ztunnel": "ztunnel"}
# Maps whose content is free-form Kubernetes (or a profile name the chart's zzz_profile reads).
FREE_FORM = {"resources", "nodeSelector", "tolerations", "seccompProfile", "env", "profile"}


def by_chart(ctx: ComponentContext) -> dict:
    return {c.chart: c for c in mesh.components(ctx)}


@pytest.mark.parametrize("name", sorted(ENVS))
def test_the_four_charts_come_from_one_istio_release(name):
    components = mesh.components(context(name))
    assert sorted(c.chart for c in components) == sorted(CHARTS)
    assert {(c.repository, c.version) for c in components} == {(mesh.ISTIO_REPOSITORY, mesh.ISTIO_VERSION)}
    images = [c.values.get("global", c.values) for c in components if c.chart != "base"]
    assert all(i["hub"] == mesh.ISTIO_HUB and i["tag"] == mesh.ISTIO_VERSION for i in images)


@pytest.mark.parametrize("name", sorted(ENVS))
def test_components_and_custom_resources_keep_the_contract(name):
    ctx = context(name)
    check_components(name, mesh.components(ctx), mesh.custom_resources(ctx), service_accounts=SERVICE_ACCOUNTS)


def _unknown_keys(ours: dict, upstream: dict, path: str = "") -> list[str]:
    unknown = []
    for key, value in ours.items():
        where = f"{path}{key}"
        if key in FREE_FORM:
            continue
        if key not in upstream:
            unknown.append(where)
        elif isinstance(value, dict) and isinstance(upstream[key], dict) and upstream[key]:
            unknown += _unknown_keys(value, upstream[key], f"{where}.")
    return unknown


@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_every_value_set_is_one_the_chart_reads(chart):
    upstream = yaml.safe_load((VALUES / f"{CHARTS[chart]}.values.yaml").read_text())
    defaults = {**upstream.pop("_internal_defaults_do_not_set"), **upstream}
    assert _unknown_keys(dict(by_chart(context("prod"))[chart].values), defaults) == []


def test_the_key_check_catches_a_misspelt_value():
    upstream = yaml.safe_load((VALUES / "istiod.values.yaml").read_text())["_internal_defaults_do_not_set"]
    assert _unknown_keys({"trustedZtunnelNamspace": "kube-system", "global": {"hubb": "x"}}, upstream) == [
        "trustedZtunnelNamspace", "global.hubb",
    ]


@pytest.mark.parametrize("name", sorted(ENVS))
def test_istiod_runs_on_the_system_group_with_the_datas_replicas(name):
    ctx = context(name)
    values = by_chart(ctx)["istiod"].values
    replicas = ctx.platform.controller_replicas
    assert values["nodeSelector"] == dict(ctx.system_node_selector)
    assert values["tolerations"] == [dict(t) for t in ctx.system_tolerations]
    assert values["autoscaleEnabled"] is False and values["replicaCount"] == replicas
    # The chart renders its PodDisruptionBudget only for more than one replica.
    assert values["global"]["defaultPodDisruptionBudget"]["enabled"] is (replicas > 1)
    assert values["pdb"] == {"minAvailable": 1}
    assert set(values["resources"]["requests"]) == {"cpu", "memory"} and "memory" in values["resources"]["limits"]
    assert values["seccompProfile"] == {"type": "RuntimeDefault"}
    assert values["env"]["PILOT_ENABLE_AMBIENT"] == "true"


def test_staging_and_prod_run_more_than_one_istiod():
    for name in ("staging", "prod"):
        assert by_chart(context(name))["istiod"].values["global"]["defaultPodDisruptionBudget"]["enabled"] is True


def test_node_agents_run_on_every_node_in_kube_system_and_istiod_trusts_that_ztunnel():
    charts = by_chart(context("prod"))
    for chart in ("cni", "ztunnel"):
        assert charts[chart].namespace == mesh.NODE_AGENT_NAMESPACE and not charts[chart].owns_namespace
        # A DaemonSet pod that does not tolerate a taint leaves that node's pods outside the mesh.
        assert charts[chart].values["tolerations"] == [{"operator": "Exists"}]
        assert set(charts[chart].values["resources"]["requests"]) == {"cpu", "memory"}
    assert charts["cni"].values["ambient"]["enabled"] is True and charts["cni"].values["chained"] is True
    assert charts["istiod"].values["trustedZtunnelNamespace"] == charts["ztunnel"].namespace


def test_istio_system_stays_restricted_and_admits_only_ztunnel_and_the_api_server():
    ctx = context("prod")
    base = by_chart(ctx)["base"]
    assert base.owns_namespace and base.namespace == mesh.ROOT_NAMESPACE and base.pod_security == "restricted"
    allows = {(a.direction, a.ports, a.namespaces, a.cidrs) for a in base.network_allows}
    assert allows == {("ingress", (15012,), (mesh.NODE_AGENT_NAMESPACE,), ()), ("ingress", (15017,), (), (ctx.vpc_cidr,))}


@pytest.mark.parametrize("name", sorted(ENVS))
def test_mesh_wide_peer_authentication_takes_the_mode_from_the_data(name):
    ctx = context(name)
    root = [r for r in mesh.custom_resources(ctx) if r["metadata"]["namespace"] == mesh.ROOT_NAMESPACE]
    assert root == [{
        "apiVersion": "security.istio.io/v1",
        "kind": "PeerAuthentication",
        "metadata": {"name": "default", "namespace": mesh.ROOT_NAMESPACE},
        "spec": {"mtls": {"mode": ENVS[name].platform.mesh_mode}},
    }]


def test_staging_and_prod_accept_only_mutual_tls():
    assert {ENVS[name].platform.mesh_mode for name in ("staging", "prod")} == {"STRICT"}


def test_under_strict_the_load_balancer_reaches_only_the_app_port_of_labelled_pods():
    ctx = context("prod")
    exceptions = [r for r in mesh.custom_resources(ctx) if r["metadata"]["namespace"] != mesh.ROOT_NAMESPACE]
    assert sorted(r["metadata"]["namespace"] for r in exceptions) == sorted(ctx.platform.app_namespaces)
    key, value = mesh.LOAD_BALANCED_LABEL
    for r in exceptions:
        assert r["spec"] == {
            "selector": {"matchLabels": {key: value}},
            "mtls": {"mode": "STRICT"},
            "portLevelMtls": {str(ctx.platform.app_port): {"mode": "PERMISSIVE"}},
        }


def test_permissive_needs_no_port_exception():
    assert [r["metadata"]["name"] for r in mesh.custom_resources(context("prod", mesh_mode="PERMISSIVE"))] == ["default"]


def test_mesh_off_installs_nothing():
    ctx = context("dev", mesh_mode="off")
    assert mesh.components(ctx) == () and mesh.custom_resources(ctx) == ()
