"""constructs/components_scaling.py: the cluster autoscaler."""
from __future__ import annotations

import pytest

from catalog.aws import KUBERNETES_VERSIONS
from constructs.components_scaling import IMAGES, components
from constructs.controller_values import IRSA_ANNOTATION
from constructs.platform_roles import SERVICE_ACCOUNTS
from tests.constructs.component_support import (
    HA,
    SINGLE,
    assert_on_system_nodes,
    assert_resources,
    assert_restricted,
    context,
    role_arn,
)


def values(ctx=HA) -> dict:
    (c,) = components(ctx)
    return dict(c.values)


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_image_matches_the_clusters_kubernetes_minor(version):
    tag = values(context(kubernetes_version=version))["image"]["tag"]
    assert tag.startswith(f"v{version}.")


def test_a_kubernetes_version_without_an_image_is_refused_in_one_line():
    with pytest.raises(ValueError, match=r"^environment 't': cluster.kubernetes_version 1.99 .*components_scaling.IMAGES$"):
        components(context(kubernetes_version="1.99"))


def test_every_supported_version_has_an_image():
    assert set(KUBERNETES_VERSIONS) <= set(IMAGES)


def test_discovers_this_clusters_node_groups_by_tag():
    v = values()
    assert v["autoDiscovery"]["clusterName"] == HA.cluster_name
    assert v["autoDiscovery"]["tags"] == ["k8s.io/cluster-autoscaler/enabled", "k8s.io/cluster-autoscaler/{{ .Values.autoDiscovery.clusterName }}"]
    assert v["awsRegion"] == HA.region


def test_scaling_behaviour():
    args = values()["extraArgs"]
    assert args["expander"] == "least-waste,random"
    assert args["balance-similar-node-groups"] is True
    assert args["scale-down-unneeded-time"] == "10m" and args["scale-down-utilization-threshold"] == 0.5
    assert "sparki.io/node-group" in {v for k, v in args.items() if k.startswith("balancing-ignore-label_")}


def test_service_account_is_the_one_its_role_trusts():
    namespace, service_account = SERVICE_ACCOUNTS["cluster-autoscaler"]
    (c,) = components(HA)
    assert c.namespace == namespace
    assert values()["rbac"]["serviceAccount"] == {"create": True, "name": service_account, "annotations": {IRSA_ANNOTATION: role_arn("cluster-autoscaler")}}


def test_restricted_with_resources_on_the_system_nodes():
    v = values()
    assert_restricted(v["securityContext"], v["containerSecurityContext"])
    assert_resources(v["resources"])
    assert_on_system_nodes(v)


@pytest.mark.parametrize(("ctx", "replicas", "pdb"), [(HA, 2, {"maxUnavailable": 1}), (SINGLE, 1, None)])
def test_replicas_and_disruption_budget(ctx, replicas, pdb):
    v = values(ctx)
    # null removes the chart's default budget (Helm drops keys set to null).
    assert (v["replicaCount"], v["podDisruptionBudget"]) == (replicas, pdb)
