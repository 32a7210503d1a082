"""constructs/components_ingress.py: the load balancer controller and external-dns."""
from __future__ import annotations

import pytest

from constructs.components_ingress import components
from constructs.controller_values import IRSA_ANNOTATION
from constructs.platform_roles import SERVICE_ACCOUNTS
from tests.constructs.component_support import (
    HA,
    SINGLE,
    ZONE_IDS,
    ZONES,
    assert_on_system_nodes,
    assert_resources,
    assert_restricted,
    named,
    role_arn,
)


@pytest.mark.parametrize(("name", "role"), [("aws-load-balancer-controller", "load-balancer-controller"), ("external-dns", "external-dns")])
def test_service_account_is_the_one_its_role_trusts(name, role):
    c = named(components(HA), name)
    namespace, service_account = SERVICE_ACCOUNTS[role]
    assert c.namespace == namespace
    assert [(sa.name, sa.role) for sa in c.service_accounts] == [(service_account, role)]
    assert c.values["serviceAccount"] == {"create": True, "name": service_account, "annotations": {IRSA_ANNOTATION: role_arn(role)}}


@pytest.mark.parametrize("name", ["aws-load-balancer-controller", "external-dns"])
def test_restricted_pods_with_resources_on_the_system_nodes(name):
    values = named(components(HA), name).values
    assert_restricted(values["podSecurityContext"], values["securityContext"])
    assert_resources(values["resources"])
    assert_on_system_nodes(values)


@pytest.mark.parametrize(("ctx", "replicas", "pdb"), [(HA, 2, {"maxUnavailable": 1}), (SINGLE, 1, {})])
def test_load_balancer_controller_replicas_and_disruption_budget(ctx, replicas, pdb):
    values = named(components(ctx), "aws-load-balancer-controller").values
    # The chart renders a PDB only with more than one replica and a non-empty budget.
    assert (values["replicaCount"], values["podDisruptionBudget"]) == (replicas, pdb)


def test_load_balancer_controller_is_told_its_cluster_region_and_vpc():
    values = named(components(HA), "aws-load-balancer-controller").values
    assert (values["clusterName"], values["region"], values["vpcTags"]) == (HA.cluster_name, HA.region, {"Name": "sparki-t-vpc"})
    assert values["enableWaf"] is False
    assert values["serviceMutatorWebhookConfig"] == {"failurePolicy": "Ignore"}, "an outage must not block every new Service"


def test_kube_system_components_declare_no_network_allows():
    # The platform writes no NetworkPolicy in kube-system, and only namespace owners may.
    assert named(components(HA), "aws-load-balancer-controller").network_allows == ()


def test_external_dns_reaches_aws_apis_over_https_only():
    (allow,) = named(components(HA), "external-dns").network_allows
    assert (allow.direction, allow.ports, allow.protocol) == ("egress", (443,), "TCP")


def test_external_dns_manages_only_the_environments_zones_and_its_own_records():
    values = named(components(HA), "external-dns").values
    assert values["domainFilters"] == list(ZONES)
    assert values["extraArgs"] == {"zone-id-filter": list(ZONE_IDS)}
    assert (values["registry"], values["txtOwnerId"], values["policy"]) == ("txt", HA.cluster_name, "sync")


@pytest.mark.parametrize("ctx", [HA, SINGLE])
def test_external_dns_runs_one_replica_everywhere(ctx):
    # No leader election: a second copy would race on the same records.
    assert "replicaCount" not in named(components(ctx), "external-dns").values
