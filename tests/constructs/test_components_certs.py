"""constructs/components_certs.py: cert-manager and its ClusterIssuers."""
from __future__ import annotations

import pytest

from constructs.components_certs import LETSENCRYPT, NAMESPACE, components, custom_resources
from constructs.controller_values import IRSA_ANNOTATION
from constructs.platform_roles import SERVICE_ACCOUNTS
from tests.constructs.component_support import (
    HA,
    SINGLE,
    ZONES,
    assert_on_system_nodes,
    assert_resources,
    assert_restricted,
    at,
    context,
    role_arn,
)

DEPLOYMENTS = ("", "webhook", "cainjector")


def by_name(ctx=HA) -> dict[str, dict]:
    return {f"{r['kind']}/{r['metadata']['name']}": r for r in custom_resources(ctx)}


def test_chart_installs_its_crds():
    (c,) = components(HA)
    assert c.values["crds"] == {"enabled": True, "keep": True}
    assert {"cert-manager.io/ClusterIssuer", "cert-manager.io/Certificate"} <= set(c.crds)


def test_controller_uses_the_cert_manager_role_and_can_read_its_token():
    (c,) = components(HA)
    namespace, service_account = SERVICE_ACCOUNTS["cert-manager"]
    assert c.namespace == namespace == NAMESPACE
    assert c.values["serviceAccount"]["name"] == service_account
    assert c.values["serviceAccount"]["annotations"] == {IRSA_ANNOTATION: role_arn("cert-manager")}
    assert c.values["securityContext"]["fsGroup"] == 1001


@pytest.mark.parametrize("path", [*DEPLOYMENTS, "startupapicheck"])
def test_every_pod_is_restricted_with_resources_on_the_system_nodes(path):
    (c,) = components(HA)
    values = at(dict(c.values), path)
    assert_restricted(values["securityContext"], values["containerSecurityContext"])
    assert_resources(values["resources"])
    assert_on_system_nodes(values)


@pytest.mark.parametrize(("ctx", "replicas", "pdb"), [(HA, 2, {"enabled": True, "maxUnavailable": 1}), (SINGLE, 1, {"enabled": False})])
@pytest.mark.parametrize("path", DEPLOYMENTS)
def test_replicas_and_disruption_budgets(ctx, replicas, pdb, path):
    (c,) = components(ctx)
    values = at(dict(c.values), path)
    assert (values["replicaCount"], values["podDisruptionBudget"]) == (replicas, pdb)


@pytest.mark.parametrize(("staging", "server"), [(False, LETSENCRYPT["production"]), (True, LETSENCRYPT["staging"])])
def test_acme_issuer_endpoint_follows_the_environment(staging, server):
    issuer = by_name(context(acme_staging=staging))["ClusterIssuer/letsencrypt"]
    assert issuer["spec"]["acme"]["server"] == server


def test_acme_solves_dns01_in_the_environments_zones_with_ambient_credentials():
    (solver,) = by_name()["ClusterIssuer/letsencrypt"]["spec"]["acme"]["solvers"]
    assert solver["selector"] == {"dnsZones": list(ZONES)}
    # No access key, no secret reference, no role to assume: the pod's IRSA role.
    assert solver["dns01"] == {"route53": {"region": HA.region}}


def test_private_ca_chain_self_signed_root_to_ca_issuer():
    resources = by_name()
    assert resources["ClusterIssuer/selfsigned-root"]["spec"] == {"selfSigned": {}}
    ca = resources["Certificate/internal-ca"]
    assert ca["metadata"]["namespace"] == NAMESPACE, "ClusterIssuers read CA secrets from cert-manager's namespace"
    assert ca["spec"]["isCA"] is True
    assert ca["spec"]["issuerRef"] == {"name": "selfsigned-root", "kind": "ClusterIssuer", "group": "cert-manager.io"}
    assert resources["ClusterIssuer/internal-ca"]["spec"] == {"ca": {"secretName": ca["spec"]["secretName"]}}


def test_webhook_reachable_from_the_vpc_and_dns_checks_allowed():
    (c,) = components(HA)
    allows = {a.name: a for a in c.network_allows}
    assert (allows["cert-manager-webhook"].ports, allows["cert-manager-webhook"].cidrs) == ((10250,), (HA.vpc_cidr,))
    assert {(a.protocol, a.ports) for n, a in allows.items() if n.startswith("cert-manager-dns")} == {("UDP", (53,)), ("TCP", (53,))}
