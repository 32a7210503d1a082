"""Ingress group: the AWS Load Balancer Controller (ALBs/NLBs for Ingresses and Services) and
external-dns (their names in the environment's Route 53 zones)."""
from __future__ import annotations

from catalog.naming import resource_name
from constructs.addon_contract import Component, ComponentContext, ServiceAccount
from constructs.controller_values import (
    POD_SECURITY_CONTEXT_KEYS,
    aws_api_egress,
    chart_release,
    highly_available,
    irsa_service_account,
    replicas,
    restricted_pod,
    spread,
)

# aws/eks-charts stable/aws-load-balancer-controller, Chart.yaml at 5239609 (2026-08-03):
# version 3.5.0, appVersion v3.5.0. Values keys checked against that commit's values.yaml.
LBC_CHART = ("aws-load-balancer-controller", "https://aws.github.io/eks-charts", "3.5.0")
LBC_SERVICE_ACCOUNT = "aws-load-balancer-controller"
# The chart's webhook server port (webhookBindPort's default).
LBC_WEBHOOK_PORT = 9443
# Custom resource kinds the chart's crds/ (crds.yaml, gateway-crds.yaml) install at 3.5.0.
LBC_CRDS = (
    "elbv2.k8s.aws/TargetGroupBinding",
    "elbv2.k8s.aws/IngressClassParams",
    "elbv2.k8s.aws/ALBTargetControlConfig",
    "aga.k8s.aws/GlobalAccelerator",
    "gateway.k8s.aws/ListenerRuleConfiguration",
    "gateway.k8s.aws/LoadBalancerConfiguration",
    "gateway.k8s.aws/TargetGroupConfiguration",
)

# kubernetes-sigs/external-dns charts/external-dns, tag external-dns-helm-chart-1.21.1:
# version 1.21.1, appVersion 0.21.0. Values keys checked against its values.yaml (the chart
# ships values.schema.json, so Helm refuses unknown keys too).
EXTERNAL_DNS_CHART = ("external-dns", "https://kubernetes-sigs.github.io/external-dns/", "1.21.1")
EXTERNAL_DNS_NAMESPACE = "external-dns"
EXTERNAL_DNS_SERVICE_ACCOUNT = "external-dns"
# `sync` deletes the records of an Ingress or Service that is gone; `upsert-only` would leave
# them pointing at a released load balancer name. The TXT registry confines deletes to records
# whose ownership record names this cluster (txtOwnerId), and the IAM role to the
# environment's zones, so records made by Terraform or by hand are never touched.
EXTERNAL_DNS_POLICY = "sync"


def vpc_name(env: str) -> str:
    """The Name tag constructs/network.py gives the environment's VPC (<prefix>-vpc)."""
    return resource_name(env, "vpc")


def load_balancer_controller(ctx: ComponentContext) -> Component:
    chart = LBC_CHART[0]
    labels = {"app.kubernetes.io/name": chart, "app.kubernetes.io/instance": chart}
    ha = highly_available(ctx)
    values = {
        "clusterName": ctx.cluster_name,
        # Pods never reach IMDS (hop limit 1 on the nodes): region and VPC must be given. The
        # VPC by its Name tag (the network layer's), found with ec2:DescribeVpcs.
        "region": ctx.region,
        "vpcTags": {"Name": vpc_name(ctx.env)},
        "replicaCount": replicas(ctx),
        "podDisruptionBudget": {"maxUnavailable": 1} if ha else {},
        "serviceAccount": irsa_service_account(ctx, LBC_SERVICE_ACCOUNT, "load-balancer-controller"),
        **restricted_pod(ctx, ("50m", "128Mi", "512Mi"), keys=POD_SECURITY_CONTEXT_KEYS, pod={"fsGroup": 65534}),
        "topologySpreadConstraints": spread(labels),
        # The role's policy leaves WAF Classic out (retired); WAFv2 and Shield stay.
        "enableWaf": False,
        # New Services of type LoadBalancer get an NLB from this controller, not the in-tree
        # cloud provider's Classic Load Balancer. The API server calls this webhook for every
        # new Service; Ignore keeps a controller outage (or its first install, in parallel
        # with the other releases) from refusing all of them. Cost: a LoadBalancer Service
        # created while the controller is down is not defaulted to an NLB.
        "enableServiceMutatorWebhook": True,
        "serviceMutatorWebhookConfig": {"failurePolicy": "Ignore"},
    }
    return chart_release(
        LBC_CHART,
        "kube-system",
        values,
        owns_namespace=False,
        service_accounts=(ServiceAccount(LBC_SERVICE_ACCOUNT, role="load-balancer-controller"),),
        # kube-system is Kubernetes' namespace: the platform puts no NetworkPolicy there, so
        # the webhook (port LBC_WEBHOOK_PORT) and the AWS APIs need no allow.
        crds=LBC_CRDS,
    )


def external_dns(ctx: ComponentContext) -> Component:
    values = {
        "provider": {"name": "aws"},
        "sources": ["service", "ingress"],
        # The environment's public zones only: by name here, by zone id in the IAM policy.
        "domainFilters": list(ctx.zone_names),
        "extraArgs": {"zone-id-filter": list(ctx.hosted_zone_ids)},
        "policy": EXTERNAL_DNS_POLICY,
        "registry": "txt",
        "txtOwnerId": ctx.cluster_name,
        "serviceAccount": irsa_service_account(ctx, EXTERNAL_DNS_SERVICE_ACCOUNT, "external-dns"),
        **restricted_pod(
            ctx, ("20m", "64Mi", "128Mi"), keys=POD_SECURITY_CONTEXT_KEYS, pod={"fsGroup": 65534}, container={"runAsUser": 65532, "runAsGroup": 65532}
        ),
    }
    # One replica in every environment: external-dns has no leader election, and two copies
    # would race on the same records. A missed minute of DNS updates is the price of a drain.
    return chart_release(
        EXTERNAL_DNS_CHART,
        EXTERNAL_DNS_NAMESPACE,
        values,
        service_accounts=(ServiceAccount(EXTERNAL_DNS_SERVICE_ACCOUNT, role="external-dns"),),
        crds=("externaldns.k8s.io/DNSEndpoint",),
        network_allows=(aws_api_egress("external-dns", "external-dns reads and changes records through the Route 53 API and gets its credentials from STS"),),
    )


def components(ctx: ComponentContext) -> tuple[Component, ...]:
    return (load_balancer_controller(ctx), external_dns(ctx))
