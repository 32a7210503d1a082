"""RBAC for the groups the access entries map (catalog/kubernetes.py ACCESS_GROUPS).

Pure functions returning manifests. No role grants Secrets to anyone but platform admins:
in-cluster credentials arrive through External Secrets, so no human or pipeline reads them.
Every rule lists resources and verbs explicitly; none uses "*".
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from catalog.kubernetes import ACCESS_GROUPS
from constructs.namespace_policies import MANAGED_BY, WHY

READ = ["get", "list", "watch"]
WRITE = ["get", "list", "watch", "create", "update", "patch", "delete"]
# What an application is made of; what developers and the deploy pipeline change.
WORKLOADS: list[dict[str, Any]] = [
    {"apiGroups": [""], "resources": ["pods", "services", "configmaps", "persistentvolumeclaims", "serviceaccounts"]},
    {"apiGroups": ["apps"], "resources": ["deployments", "statefulsets", "replicasets", "daemonsets"]},
    {"apiGroups": ["batch"], "resources": ["jobs", "cronjobs"]},
    {"apiGroups": ["autoscaling"], "resources": ["horizontalpodautoscalers"]},
    {"apiGroups": ["policy"], "resources": ["poddisruptionbudgets"]},
    {"apiGroups": ["networking.k8s.io"], "resources": ["ingresses"]},
]
# Read-only, cluster-wide, for auditors: configuration and state, never Secrets.
AUDITED: list[dict[str, Any]] = [
    {"apiGroups": [""], "resources": [
        "namespaces", "nodes", "pods", "services", "endpoints", "configmaps", "events", "serviceaccounts",
        "persistentvolumes", "persistentvolumeclaims", "resourcequotas", "limitranges",
    ]},
    {"apiGroups": ["apps"], "resources": ["deployments", "statefulsets", "replicasets", "daemonsets"]},
    {"apiGroups": ["batch"], "resources": ["jobs", "cronjobs"]},
    {"apiGroups": ["autoscaling"], "resources": ["horizontalpodautoscalers"]},
    {"apiGroups": ["policy"], "resources": ["poddisruptionbudgets"]},
    {"apiGroups": ["networking.k8s.io"], "resources": ["ingresses", "networkpolicies"]},
    {"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles", "rolebindings", "clusterroles", "clusterrolebindings"]},
    {"apiGroups": ["apiextensions.k8s.io"], "resources": ["customresourcedefinitions"]},
    {"apiGroups": ["admissionregistration.k8s.io"], "resources": ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"]},
]


def _meta(name: str, why: str, namespace: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "labels": dict(MANAGED_BY), "annotations": {WHY: why}}
    if namespace:
        meta["namespace"] = namespace
    return meta


def _rules(base: list[dict[str, Any]], verbs: list[str]) -> list[dict[str, Any]]:
    return [{**rule, "verbs": list(verbs)} for rule in base]


def cluster_role(name: str, why: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": _meta(name, why), "rules": rules}


def binding(kind: str, name: str, role: str, group: str, why: str, namespace: str | None = None) -> dict[str, Any]:
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": kind,
        "metadata": _meta(name, why, namespace),
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
        "subjects": [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": group}],
    }


def platform_rbac(developer_namespaces: Sequence[str], app_namespaces: Sequence[str]) -> list[dict[str, Any]]:
    """ClusterRoles for developers, the deploy pipeline and auditors; developers bound in the
    namespaces they may edit, the pipeline in every application namespace, auditors cluster-wide,
    platform admins to cluster-admin (their access entries also carry the EKS admin policy)."""
    g = ACCESS_GROUPS
    developer = _rules(WORKLOADS, WRITE) + [
        {"apiGroups": [""], "resources": ["pods/log", "events"], "verbs": READ},
        {"apiGroups": [""], "resources": ["pods/portforward"], "verbs": ["create"]},
    ]
    objects = [
        cluster_role("sparki:developer", "developers change workloads in their namespaces; Secrets arrive through External Secrets, not by hand", developer),
        cluster_role("sparki:deployer", "the deploy pipeline applies workloads; it needs no logs, port-forwards or Secrets", _rules(WORKLOADS, WRITE)),
        cluster_role("sparki:auditor", "auditors read configuration and state cluster-wide; never Secrets", _rules(AUDITED, READ)),
        binding("ClusterRoleBinding", "sparki:auditors", "sparki:auditor", g["auditor"], "auditor access entries map to this group"),
        binding("ClusterRoleBinding", "sparki:platform-admins", "cluster-admin", g["admin"], "platform admins run the platform layer and break glass"),
    ]
    for ns in developer_namespaces:
        objects.append(binding("RoleBinding", "sparki:developers", "sparki:developer", g["developer"], "developers edit this application namespace", ns))
    for ns in app_namespaces:
        objects.append(binding("RoleBinding", "sparki:deployers", "sparki:deployer", g["deployer"], "the deploy pipeline rolls out this application namespace", ns))
    return objects
