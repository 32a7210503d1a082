"""The Kubernetes layers: how they reach the cluster, what every namespace gets, and the
contract check on the component groups."""
from __future__ import annotations

import json
import types

import pytest
import yaml

import environments
from catalog.naming import parse_stack_name, stack_name
from constructs import components_cis as cis
from constructs.addon_contract import Component, ContractError
from constructs.namespace_policies import HBONE_PORT, PROBE_SNAT_CIDR
from constructs.telemetry_values import JAEGER_OTLP_PORTS
from sparki.kubernetes.objects import stack_objects
from stacks import DR_LAYERS, kubernetes_layers_of
from stacks.cluster_connection import EXEC_API_VERSION
from stacks.platform_components import collect, component_context

ENVS = environments.load()
KUBE_STACKS = [stack_name(e, layer) for e, env in ENVS.items() for layer in kubernetes_layers_of(env.dr_region is not None)]
FORBIDDEN = {"token", "config_path", "config_paths", "client_key", "client_certificate", "password", "username", "insecure"}


@pytest.mark.parametrize("name", KUBE_STACKS)
def test_providers_take_host_and_ca_from_the_cluster_stack_and_authenticate_with_get_token(stacks, name):
    home, layer = parse_stack_name(name)
    # A DR layer reaches the DR cluster, in the DR region.
    dr = layer in DR_LAYERS
    env = ENVS[home].dr_site() if dr else ENVS[home]
    cluster = stack_name(home, "dr-cluster" if dr else "cluster")
    providers = stacks[name]["provider"]
    assert "aws" not in providers
    configs = [providers["kubernetes"][0]] + ([providers["helm"][0]["kubernetes"]] if "helm" in providers else [])
    for config in configs:
        assert not FORBIDDEN & set(config)
        assert config["host"].startswith("${data.terraform_remote_state.") and f"{cluster}.outputs" in config["host"]
        assert config["cluster_ca_certificate"].startswith("${base64decode(data.terraform_remote_state.")
        (exec_,) = config["exec"] if isinstance(config["exec"], list) else [config["exec"]]
        assert exec_["api_version"] == EXEC_API_VERSION and exec_["command"] == "aws"
        args = exec_["args"]
        assert args[:2] == ["eks", "get-token"] and args[args.index("--region") + 1] == env.region
        assert "terraform_remote_state" in args[args.index("--cluster-name") + 1]


def test_platform_config_plans_after_platform(synth_dir):
    manifest = json.loads((synth_dir / "manifest.json").read_text())["stacks"]
    for env, settings in ENVS.items():
        assert stack_name(env, "platform") in manifest[stack_name(env, "platform-config")]["dependencies"]
        if settings.dr_region:
            assert stack_name(env, "dr-platform") in manifest[stack_name(env, "dr-platform-config")]["dependencies"]


@pytest.mark.parametrize("env", list(ENVS))
def test_application_namespaces_are_restricted_and_in_the_mesh(stacks, env):
    settings = ENVS[env].platform
    objects = stack_objects(stacks[stack_name(env, "platform")])
    namespaces = {o["metadata"]["name"]: o["metadata"]["labels"] for o in objects if o["kind"] == "Namespace"}
    for ns in settings.app_namespaces:
        labels = namespaces[ns]
        for mode in ("enforce", "audit", "warn"):
            assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"
            assert labels[f"pod-security.kubernetes.io/{mode}-version"] == f"v{ENVS[env].cluster.kubernetes_version}"
        assert (labels.get("istio.io/dataplane-mode") == "ambient") is (settings.mesh_mode != "off")
    accounts = {o["metadata"]["namespace"] for o in objects if o["kind"] == "ServiceAccount" and not o["automountServiceAccountToken"]}
    assert accounts == set(namespaces)
    denied = {o["metadata"]["namespace"] for o in objects if o["kind"] == "NetworkPolicy" and o["metadata"]["name"] == "default-deny"}
    assert denied == set(namespaces)
    assert all(o["metadata"]["annotations"]["sparki.io/why"] for o in objects if o["kind"] == "NetworkPolicy")


@pytest.mark.parametrize("env", list(ENVS))
def test_application_egress_reaches_only_dns_the_database_ports_jaeger_and_the_mesh(stacks, env):
    settings = ENVS[env].platform
    objects = stack_objects(stacks[stack_name(env, "platform")])
    for ns in settings.app_namespaces:
        egress = [r for o in objects if o["kind"] == "NetworkPolicy" and o["metadata"]["namespace"] == ns for r in o["spec"].get("egress", [])]
        ports = sorted({p["port"] for r in egress for p in r["ports"]})
        assert ports == sorted([53, *JAEGER_OTLP_PORTS, 5432, 6379] + ([HBONE_PORT] if settings.mesh_mode != "off" else []))
        for rule in egress:
            for peer in rule["to"]:
                assert "ipBlock" not in peer or not peer["ipBlock"]["cidr"].startswith("0.0.0.0")


@pytest.mark.parametrize("env", list(ENVS))
def test_ambient_allows_exist_exactly_where_the_mesh_is_on(stacks, env):
    settings = ENVS[env].platform
    objects = stack_objects(stacks[stack_name(env, "platform")])
    meshed = settings.mesh_mode != "off"
    peers = [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": ns}}} for ns in settings.app_namespaces]
    for ns in settings.app_namespaces:
        found = {o["metadata"]["name"]: o["spec"] for o in objects if o["kind"] == "NetworkPolicy" and o["metadata"]["namespace"] == ns}
        assert ({"allow-hbone-in", "allow-hbone-out", "allow-kubelet-probes"} <= set(found)) is meshed
        assert not meshed or found["allow-hbone-in"]["ingress"] == [{"from": peers, "ports": [{"protocol": "TCP", "port": HBONE_PORT}]}]
        assert not meshed or found["allow-hbone-out"]["egress"] == [{"to": peers, "ports": [{"protocol": "TCP", "port": HBONE_PORT}]}]
        assert not meshed or found["allow-kubelet-probes"]["ingress"] == [{"from": [{"ipBlock": {"cidr": PROBE_SNAT_CIDR}}]}]


@pytest.mark.parametrize("env", list(ENVS))
def test_kube_bench_objects_wait_for_their_namespace_and_its_policies(stacks, env):
    manifests = stacks[stack_name(env, "platform")]["resource"]["kubernetes_manifest"]
    address = {
        (m["manifest"]["kind"], m["manifest"]["metadata"].get("namespace", ""), m["manifest"]["metadata"]["name"]): f"kubernetes_manifest.{key}"
        for key, m in manifests.items()
    }
    fence = {a for (kind, ns, _), a in address.items() if kind == "NetworkPolicy" and ns == cis.NAMESPACE}
    assert fence and ("Namespace", "", cis.NAMESPACE) in address
    objects = {a: manifests[a.split(".", 1)[1]] for (kind, ns, _), a in address.items() if ns == cis.NAMESPACE and kind != "NetworkPolicy"}
    assert {manifest["manifest"]["kind"] for manifest in objects.values()} >= {"ServiceAccount", "CronJob"}
    for resource in objects.values():
        assert {address[("Namespace", "", cis.NAMESPACE)], *fence} <= set(resource["depends_on"])


def test_a_group_breaking_the_contract_fails_with_one_line():
    env = ENVS["dev"]
    ctx = component_context(env, cluster_name="c", role_arns={})
    broken = types.SimpleNamespace(components=lambda ctx: (Component("x", "x", "https://e", "^1.0", "x", {}),))
    with pytest.raises(ContractError, match="^environment 'dev': component 'x': version '\\^1.0' is not an exact chart version"):
        collect(ctx, groups=(broken,))


PLATFORM_STACKS = [stack_name(e, layer) for e, env in ENVS.items() for layer in ("platform", "dr-platform") if layer == "platform" or env.dr_region]


@pytest.mark.parametrize("name", PLATFORM_STACKS)
def test_fluent_bit_ships_to_loki_and_elasticsearch_only_where_they_run(stacks, name):
    """The DR site runs no observability layer: outputs to stores missing there would only
    hold chunks for retries, and their egress rules would open flows to nothing."""
    home, layer = parse_stack_name(name)
    site = ENVS[home].dr_site() if layer in DR_LAYERS else ENVS[home]
    (release,) = [r for r in stacks[name]["resource"]["helm_release"].values() if r["name"] == "fluent-bit"]
    values = yaml.safe_load(release["values"][0])
    outputs = {line.split()[1] for line in values["config"]["outputs"].splitlines() if line.strip().startswith("Name ")}
    egress = {o["metadata"]["name"] for o in stack_objects(stacks[name]) if o["kind"] == "NetworkPolicy" and o["metadata"]["namespace"] == "amazon-cloudwatch"}
    stores = {"loki", "es"}
    assert site.runs_observability == (not layer.startswith("dr-"))
    if site.runs_observability:
        assert stores <= outputs and {"allow-fluent-bit-loki", "allow-fluent-bit-elasticsearch"} <= egress
        assert any(e["name"] == "ES_PASSWORD" for e in values["env"])
    else:
        assert outputs == {"cloudwatch_logs"}, outputs
        assert not {"allow-fluent-bit-loki", "allow-fluent-bit-elasticsearch"} & egress
        assert "search." not in values["config"]["filters"] and all(e["name"] != "ES_PASSWORD" for e in values["env"])
