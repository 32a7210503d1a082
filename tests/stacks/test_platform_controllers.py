"""The controllers of i12ctl's component groups as synthesized: Helm values in the platform
stack and custom resources in the platform-config stack agree with each environment's data
and with the other layers."""
from __future__ import annotations

import json

import pytest

import environments
from catalog.naming import stack_name
from constructs import components_certs, components_ingress, components_logging, components_scaling, components_secrets
from constructs.components_certs import LETSENCRYPT
from constructs.monitoring import SECRET_NAMESPACES

ENVS = environments.load()
PINS = (
    components_ingress.LBC_CHART,
    components_ingress.EXTERNAL_DNS_CHART,
    components_certs.CHART,
    components_scaling.CHART,
    components_secrets.CHART,
    components_logging.FLUENT_BIT_CHART,
    components_logging.AGENT_CHART,
)


def releases(stacks, env) -> dict[str, dict]:
    """chart -> (release, parsed values) of the environment's platform stack."""
    found = stacks[stack_name(env, "platform")]["resource"]["helm_release"].values()
    return {r["chart"]: {**r, "parsed": json.loads(r["values"][0])} for r in found}


def manifests(stacks, env) -> dict[str, dict]:
    found = stacks[stack_name(env, "platform-config")]["resource"]["kubernetes_manifest"].values()
    return {f"{m['manifest']['kind']}/{m['manifest']['metadata']['name']}": m["manifest"] for m in found}


@pytest.mark.parametrize("env", ENVS)
def test_every_controller_is_released_from_its_repository_at_its_pinned_version(stacks, env):
    installed = releases(stacks, env)
    for chart, repository, version in PINS:
        assert (installed[chart]["repository"], installed[chart]["version"]) == (repository, version), chart


@pytest.mark.parametrize("env", ENVS)
def test_load_balancer_controller_finds_the_network_layers_vpc(stacks, env):
    (vpc,) = stacks[stack_name(env, "network")]["resource"]["aws_vpc"].values()
    assert releases(stacks, env)["aws-load-balancer-controller"]["parsed"]["vpcTags"] == {"Name": vpc["tags"]["Name"]}


@pytest.mark.parametrize("env", ENVS)
def test_external_dns_is_limited_to_the_environments_zones(stacks, env):
    values = releases(stacks, env)["external-dns"]["parsed"]
    data = ENVS[env]
    assert values["domainFilters"] == [data.edge.zone_name]
    assert values["extraArgs"]["zone-id-filter"] == list(data.cluster.hosted_zone_ids)


@pytest.mark.parametrize("env", ENVS)
def test_controller_replicas_follow_the_data(stacks, env):
    replicas = ENVS[env].platform.controller_replicas
    installed = releases(stacks, env)
    for chart in ("aws-load-balancer-controller", "cert-manager", "cluster-autoscaler", "external-secrets"):
        assert installed[chart]["parsed"]["replicaCount"] == replicas, chart
    assert bool(installed["aws-load-balancer-controller"]["parsed"]["podDisruptionBudget"]) == (replicas >= 2)
    if ENVS[env].is_production:
        assert replicas >= 2


@pytest.mark.parametrize("env", ENVS)
def test_acme_issuer_endpoint_follows_the_data(stacks, env):
    issuer = manifests(stacks, env)["ClusterIssuer/letsencrypt"]
    expected = LETSENCRYPT["staging" if ENVS[env].platform.acme_staging else "production"]
    assert issuer["spec"]["acme"]["server"] == expected
    if ENVS[env].is_production:
        assert expected == LETSENCRYPT["production"]


@pytest.mark.parametrize("env", ENVS)
def test_secret_store_serves_the_application_and_observability_namespaces(stacks, env):
    store = manifests(stacks, env)["ClusterSecretStore/aws-secrets-manager"]
    assert store["spec"]["conditions"] == [{"namespaces": [*ENVS[env].platform.app_namespaces, *SECRET_NAMESPACES]}]
    assert store["spec"]["provider"]["aws"]["region"] == ENVS[env].region
