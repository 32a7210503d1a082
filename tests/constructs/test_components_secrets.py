"""constructs/components_secrets.py: the External Secrets Operator and its store."""
from __future__ import annotations

import pytest

from constructs.components_secrets import NAMESPACE, components, custom_resources
from constructs.controller_values import IRSA_ANNOTATION
from constructs.platform_roles import SERVICE_ACCOUNTS
from tests.constructs.component_support import (
    HA,
    SINGLE,
    assert_on_system_nodes,
    assert_resources,
    assert_restricted,
    at,
    role_arn,
)

DEPLOYMENTS = ("", "webhook", "certController")


def test_chart_installs_its_crds():
    (c,) = components(HA)
    assert c.values["installCRDs"] is True
    assert "external-secrets.io/ClusterSecretStore" in c.crds


def test_operator_uses_the_external_secrets_role():
    (c,) = components(HA)
    namespace, service_account = SERVICE_ACCOUNTS["external-secrets"]
    assert c.namespace == namespace == NAMESPACE
    assert c.values["serviceAccount"] == {"create": True, "name": service_account, "annotations": {IRSA_ANNOTATION: role_arn("external-secrets")}}


@pytest.mark.parametrize("path", DEPLOYMENTS)
def test_every_pod_is_restricted_with_resources_on_the_system_nodes(path):
    (c,) = components(HA)
    values = at(dict(c.values), path)
    assert values["podSecurityContext"]["enabled"] and values["securityContext"]["enabled"]
    assert_restricted(values["podSecurityContext"], values["securityContext"])
    assert_resources(values["resources"])
    assert_on_system_nodes(values)


@pytest.mark.parametrize(("ctx", "replicas", "pdb", "leader"), [(HA, 2, {"enabled": True, "maxUnavailable": 1}, True), (SINGLE, 1, {"enabled": False}, False)])
@pytest.mark.parametrize("path", DEPLOYMENTS)
def test_replicas_and_disruption_budgets(ctx, replicas, pdb, leader, path):
    (c,) = components(ctx)
    values = at(dict(c.values), path)
    assert (values["replicaCount"], values["podDisruptionBudget"]) == (replicas, pdb)
    assert c.values["leaderElect"] is leader


def test_store_reads_secrets_manager_as_the_operator_for_application_and_observability_namespaces_only():
    (store,) = custom_resources(HA)
    assert (store["apiVersion"], store["kind"]) == ("external-secrets.io/v1", "ClusterSecretStore")
    aws = store["spec"]["provider"]["aws"]
    assert (aws["service"], aws["region"]) == ("SecretsManager", HA.region)
    _, service_account = SERVICE_ACCOUNTS["external-secrets"]
    assert aws["auth"] == {"jwt": {"serviceAccountRef": {"name": service_account, "namespace": NAMESPACE}}}
    assert store["spec"]["conditions"] == [{"namespaces": [*HA.platform.app_namespaces, "monitoring", "amazon-cloudwatch"]}]
