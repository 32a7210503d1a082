"""Scaling group: the cluster autoscaler, resizing the EKS managed node groups it discovers by
their Auto Scaling groups' tags. Why not Karpenter: docs/platform.md "Decisions"."""
from __future__ import annotations

from typing import Any

from constructs.addon_contract import Component, ComponentContext, ServiceAccount
from constructs.controller_values import (
    chart_release,
    highly_available,
    irsa_service_account,
    replicas,
    restricted_pod,
    spread,
)

# kubernetes/autoscaler cluster-autoscaler/charts/cluster-autoscaler at tag
# cluster-autoscaler-chart-9.59.0 (2026-07-21): version 9.59.0, appVersion 1.35.0. Values keys
# checked against that tag's values.yaml.
CHART = ("cluster-autoscaler", "https://kubernetes.github.io/autoscaler", "9.59.0")
SERVICE_ACCOUNT = "cluster-autoscaler"
# The autoscaler simulates the scheduler of its own Kubernetes minor; the chart's default image
# follows the newest one, so the image is chosen by the cluster's version. Latest patch tags
# of each release branch (tags cluster-autoscaler-1.3x.y in kubernetes/autoscaler, 2026-08).
IMAGES = {"1.31": "v1.31.5", "1.32": "v1.32.7", "1.33": "v1.33.6"}
IMAGE_REPOSITORY = "registry.k8s.io/autoscaling/cluster-autoscaler"
# EKS tags every managed node group's Auto Scaling group with both keys; the IRSA role may
# resize only groups carrying the second (constructs/irsa_policies.cluster_autoscaler).
DISCOVERY_TAGS = ("k8s.io/cluster-autoscaler/enabled", "k8s.io/cluster-autoscaler/{{ .Values.autoDiscovery.clusterName }}")
# Labels that differ between otherwise equal node groups and must not stop balancing: EKS's
# per-group labels and ours (constructs/node_group.GROUP_LABEL).
BALANCING_IGNORED = (
    "eks.amazonaws.com/nodegroup",
    "eks.amazonaws.com/nodegroup-image",
    "eks.amazonaws.com/sourceLaunchTemplateId",
    "eks.amazonaws.com/sourceLaunchTemplateVersion",
    "sparki.io/node-group",
)


def image_tag(ctx: ComponentContext) -> str:
    if ctx.kubernetes_version not in IMAGES:
        raise ValueError(
            f"environment '{ctx.env}': cluster.kubernetes_version {ctx.kubernetes_version} has no cluster-autoscaler image here; "
            f"add the newest v{ctx.kubernetes_version}.x tag to constructs/components_scaling.IMAGES"
        )
    return IMAGES[ctx.kubernetes_version]


def scaling_args() -> dict[str, Any]:
    """The autoscaler's flags (the chart's extraArgs: key `k_n` is the flag `k` once more)."""
    args: dict[str, Any] = {
        "v": 2,
        # least-waste: of the groups that fit the pending pods, the one left with the least
        # idle CPU and memory; random breaks ties.
        "expander": "least-waste,random",
        "balance-similar-node-groups": True,
        # emptyDir scratch space and kube-system pods (with PDBs) do not pin a node forever.
        "skip-nodes-with-local-storage": False,
        "skip-nodes-with-system-pods": False,
        "scale-down-utilization-threshold": 0.5,
        "scale-down-unneeded-time": "10m",
        "scale-down-delay-after-add": "10m",
        "max-node-provision-time": "15m",
    }
    for index, label in enumerate(BALANCING_IGNORED):
        args[f"balancing-ignore-label_{index}"] = label
    return args


def cluster_autoscaler(ctx: ComponentContext) -> Component:
    chart = CHART[0]
    labels = {"app.kubernetes.io/name": "aws-cluster-autoscaler", "app.kubernetes.io/instance": chart}
    values: dict[str, Any] = {
        "cloudProvider": "aws",
        # Pods never reach IMDS (hop limit 1 on the nodes): the region must be given.
        "awsRegion": ctx.region,
        "autoDiscovery": {"clusterName": ctx.cluster_name, "tags": list(DISCOVERY_TAGS)},
        "image": {"repository": IMAGE_REPOSITORY, "tag": image_tag(ctx)},
        "fullnameOverride": chart,
        "replicaCount": replicas(ctx),
        # Two replicas: one stays through a drain. One replica: a PDB would protect nothing.
        "podDisruptionBudget": {"maxUnavailable": 1} if highly_available(ctx) else None,
        "rbac": {"serviceAccount": irsa_service_account(ctx, SERVICE_ACCOUNT, "cluster-autoscaler")},
        **restricted_pod(ctx, ("100m", "300Mi", "600Mi"), pod={"runAsUser": 65534, "runAsGroup": 65534, "fsGroup": 65534}),
        "topologySpreadConstraints": spread(labels),
        "extraArgs": scaling_args(),
    }
    return chart_release(
        CHART,
        "kube-system",
        values,
        owns_namespace=False,
        service_accounts=(ServiceAccount(SERVICE_ACCOUNT, role="cluster-autoscaler"),),
        # kube-system carries no NetworkPolicy (Kubernetes' namespace): no allows to declare.
    )


def components(ctx: ComponentContext) -> tuple[Component, ...]:
    return (cluster_autoscaler(ctx),)
