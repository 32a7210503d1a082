"""Values every cluster controller of the platform shares: where it runs, how many replicas,
its security context, its IRSA annotation and the traffic it needs beyond the platform's common
allows. Pure Python, shared by the controller groups (components_certs, _ingress, _scaling,
_secrets, _logging)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from constructs.addon_contract import Component, ComponentContext, NetworkAllow

IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"
# Pod Security "restricted" asks these of every container; read-only root filesystems on top
# wherever the chart writes only to mounted volumes.
RESTRICTED_CONTAINER: dict[str, Any] = {
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "runAsNonRoot": True,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}
RESTRICTED_POD: dict[str, Any] = {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}
# The value keys charts give the pod's and the container's security context: most charts use
# the first pair, some name the container's context plainly securityContext.
SECURITY_CONTEXT_KEYS = ("securityContext", "containerSecurityContext")
POD_SECURITY_CONTEXT_KEYS = ("podSecurityContext", "securityContext")
# Node agents run on every node, whatever taints the node groups carry.
EVERY_NODE: list[dict[str, str]] = [{"operator": "Exists"}]
# Where the API server's calls to admission webhooks come from: the EKS control plane's
# cross-account network interfaces sit in the cluster's subnets, inside the VPC.
WEBHOOK_WHY = "the API server calls the admission webhook from the control plane's interfaces in the VPC"
# AWS APIs (STS, Route 53, Elastic Load Balancing, CloudWatch, Secrets Manager ...) answer on
# public addresses or interface endpoints that are not fixed; 443 is the only port opened.
ANYWHERE = "0.0.0.0/0"


def replicas(ctx: ComponentContext) -> int:
    """Replicas of each controller Deployment: the environment's [platform] controller_replicas."""
    return int(ctx.platform.controller_replicas)


def highly_available(ctx: ComponentContext) -> bool:
    """True where controllers run more than one replica; they then get a PodDisruptionBudget,
    so a node drain never takes every replica at once."""
    return replicas(ctx) >= 2


def disruption_budget(ctx: ComponentContext) -> dict[str, Any]:
    """The `podDisruptionBudget` value of charts that take an `enabled` switch."""
    return {"enabled": True, "maxUnavailable": 1} if highly_available(ctx) else {"enabled": False}


def system_placement(ctx: ComponentContext) -> dict[str, Any]:
    """nodeSelector and tolerations that put a Deployment on the system node group."""
    return {"nodeSelector": dict(ctx.system_node_selector), "tolerations": [dict(t) for t in ctx.system_tolerations]}


def restricted_pod(
    ctx: ComponentContext,
    requests: tuple[str, str, str],
    *,
    keys: tuple[str, str] = SECURITY_CONTEXT_KEYS,
    pod: dict[str, Any] | None = None,
    container: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The values that make one Deployment's pods restricted, sized and on the system nodes:
    security contexts under the chart's `keys` (with the image's `pod` / `container` extras),
    resources(*requests) and system_placement()."""
    pod_key, container_key = keys
    return {
        pod_key: {**RESTRICTED_POD, **(pod or {})},
        container_key: {**RESTRICTED_CONTAINER, **(container or {})},
        "resources": resources(*requests),
        **system_placement(ctx),
    }


def spread(labels: dict[str, str]) -> list[dict[str, Any]]:
    """Replicas on different nodes where the nodes allow it (ScheduleAnyway: a one-node dev
    system group still schedules them)."""
    return [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": labels}}]


def irsa(ctx: ComponentContext, role: str) -> dict[str, str]:
    """The service account annotation that makes EKS hand the pod the role's credentials."""
    if role not in ctx.role_arns:
        raise ValueError(f"environment '{ctx.env}': no IRSA role {role!r} in the cluster stack's exports; add it to constructs/platform_roles.SERVICE_ACCOUNTS")
    return {IRSA_ANNOTATION: ctx.role_arns[role]}


def irsa_service_account(ctx: ComponentContext, name: str, role: str) -> dict[str, Any]:
    """The `serviceAccount` value of a chart that creates its service account for `role`."""
    return {"create": True, "name": name, "annotations": irsa(ctx, role)}


def resources(cpu: str, memory: str, memory_limit: str) -> dict[str, Any]:
    """Requests that reserve what the controller needs and a memory limit that stops a leak
    from taking the node; no CPU limit (throttling a controller only slows its reconciles)."""
    return {"requests": {"cpu": cpu, "memory": memory}, "limits": {"memory": memory_limit}}


def aws_api_egress(name: str, why: str, pod_labels: dict[str, str] | None = None) -> NetworkAllow:
    """Egress to HTTPS anywhere for `name`'s pods (the policy is called allow-<name>-aws-apis)."""
    return NetworkAllow(name=f"{name}-aws-apis", why=why, direction="egress", ports=(443,), cidrs=(ANYWHERE,), pod_labels=pod_labels or {})


def webhook_ingress(ctx: ComponentContext, name: str, port: int, pod_labels: dict[str, str] | None = None) -> NetworkAllow:
    """Ingress to the webhook port of `name`'s pods from the VPC (allow-<name>-webhook)."""
    return NetworkAllow(name=f"{name}-webhook", why=WEBHOOK_WHY, direction="ingress", ports=(port,), cidrs=(ctx.vpc_cidr,), pod_labels=pod_labels or {})


def crd_kinds(kinds_by_group: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The `group/Kind` names of the custom resources a chart installs."""
    return tuple(f"{group}/{kind}" for group, kinds in kinds_by_group.items() for kind in kinds)


def chart_release(chart: tuple[str, str, str], namespace: str, values: Mapping[str, Any], **fields: Any) -> Component:
    """The Component of one release named after its chart; `chart` is (name, repository,
    version) as each group pins it."""
    name, repository, version = chart
    return Component(name=name, chart=name, repository=repository, version=version, namespace=namespace, values=values, **fields)
