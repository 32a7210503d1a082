"""What every controller group promises alike: it keeps the add-on contract (with its custom
resources), and each chart is the pinned version whose values keys were checked."""
from __future__ import annotations

import pytest

from constructs import components_certs, components_ingress, components_logging, components_scaling, components_secrets
from constructs.addon_contract import check_components
from constructs.platform_roles import SERVICE_ACCOUNTS
from tests.constructs.component_support import HA, named

GROUPS = (components_certs, components_ingress, components_logging, components_scaling, components_secrets)


@pytest.mark.parametrize("group", GROUPS, ids=lambda group: group.__name__)
def test_the_group_keeps_the_contract(group):
    custom_resources = group.custom_resources(HA) if hasattr(group, "custom_resources") else ()
    check_components("t", group.components(HA), custom_resources, service_accounts=SERVICE_ACCOUNTS)


@pytest.mark.parametrize(
    ("name", "chart", "version", "repository"),
    [
        ("cert-manager", "cert-manager", "v1.21.1", "https://charts.jetstack.io"),
        ("aws-load-balancer-controller", "aws-load-balancer-controller", "3.5.0", "https://aws.github.io/eks-charts"),
        ("external-dns", "external-dns", "1.21.1", "https://kubernetes-sigs.github.io/external-dns/"),
        ("fluent-bit", "fluent-bit", "0.58.1", "https://fluent.github.io/helm-charts"),
        ("cloudwatch-agent", "aws-cloudwatch-metrics", "0.0.11", "https://aws.github.io/eks-charts"),
        ("cluster-autoscaler", "cluster-autoscaler", "9.59.0", "https://kubernetes.github.io/autoscaler"),
        ("external-secrets", "external-secrets", "2.9.0", "https://charts.external-secrets.io"),
    ],
)
def test_charts_are_pinned(name, chart, version, repository):
    c = named(tuple(c for group in GROUPS for c in group.components(HA)), name)
    assert (c.chart, c.version, c.repository) == (chart, version, repository)
