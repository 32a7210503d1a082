"""Who may use the Kubernetes API: EKS access entries mapping IAM roles to access policies."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.eks_access_entry import EksAccessEntry
from cdktf_cdktf_provider_aws.eks_access_policy_association import (
    EksAccessPolicyAssociation,
    EksAccessPolicyAssociationAccessScope,
)

from catalog.kubernetes import ACCESS_GROUPS
from constructs import Construct

_POLICY = "arn:aws:eks::aws:cluster-access-policy/{}"
ADMIN_POLICY = _POLICY.format("AmazonEKSClusterAdminPolicy")
_ROLE_ARN = re.compile(r"^arn:aws:iam::\d{12}:role/[\w+=,.@/-]+$")
_NAMESPACE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


@dataclass(frozen=True)
class ClusterAccessProps:
    """Settings for the cluster's human access.

    cluster_name: the cluster (its access config must allow the API authentication mode).
    admin_role_arns: cluster-admin everywhere (EKS policy, so no RBAC object can lock them
        out); at least one.
    developer_role_arns: edit rights in app_namespaces only; default none.
    auditor_role_arns: read-only, cluster-wide (no Secrets); default none.
    deployer_role_arns: the application deploy pipeline: workloads in application namespaces;
        default none.
    app_namespaces: the namespaces developers may edit; required with developers.
    Every entry carries its kind's Kubernetes group (catalog/kubernetes.py ACCESS_GROUPS); what
    developers, auditors and deployers may do is the platform layer's RBAC for those groups.
    """

    cluster_name: str
    admin_role_arns: Sequence[str]
    developer_role_arns: Sequence[str] = ()
    auditor_role_arns: Sequence[str] = ()
    deployer_role_arns: Sequence[str] = ()
    app_namespaces: Sequence[str] = ()

    def __post_init__(self) -> None:
        if not self.admin_role_arns:
            raise ValueError("admin_role_arns: at least one admin role is required; nobody else gets cluster-admin")
        every = [*self.admin_role_arns, *self.developer_role_arns, *self.auditor_role_arns, *self.deployer_role_arns]
        for arn in every:
            if not _ROLE_ARN.match(arn):
                raise ValueError(f"{arn!r} is not an IAM role ARN")
        duplicates = sorted({arn for arn in every if every.count(arn) > 1})
        if duplicates:
            raise ValueError(f"{duplicates}: a principal has exactly one access entry; list each role in one group")
        if self.developer_role_arns and not self.app_namespaces:
            raise ValueError("app_namespaces: developers need the namespaces they may edit")
        for ns in self.app_namespaces:
            if not _NAMESPACE.match(ns) or ns.startswith("kube-") or ns == "default":
                raise ValueError(f"app_namespaces: {ns!r} is not an application namespace name")


class ClusterAccess(Construct):
    """One access entry per role, each in its kind's Kubernetes group. Admins also get the EKS
    cluster-admin policy; developers, auditors and deployers get exactly what the platform
    layer's RBAC grants their group (until it is applied: nothing)."""

    def __init__(self, scope: Construct, id: str, props: ClusterAccessProps) -> None:
        super().__init__(scope, id)
        grants = (
            [("admin", arn, ADMIN_POLICY) for arn in props.admin_role_arns]
            + [("developer", arn, None) for arn in props.developer_role_arns]
            + [("auditor", arn, None) for arn in props.auditor_role_arns]
            + [("deployer", arn, None) for arn in props.deployer_role_arns]
        )
        self.principals: dict[str, str] = {}
        for kind, arn, policy in grants:
            # Ids from the role name keep each entry stable when the lists are reordered.
            key = re.sub(r"[^A-Za-z0-9_]", "_", f"{kind}_{arn.rsplit('/', 1)[-1]}")
            entry = EksAccessEntry(
                self, key, cluster_name=props.cluster_name, principal_arn=arn, type="STANDARD",
                kubernetes_groups=[ACCESS_GROUPS[kind]],
            )
            if policy:
                EksAccessPolicyAssociation(
                    self,
                    f"{key}_policy",
                    cluster_name=props.cluster_name,
                    principal_arn=entry.principal_arn,
                    policy_arn=policy,
                    access_scope=EksAccessPolicyAssociationAccessScope(type="cluster"),
                )
            self.principals[arn] = ACCESS_GROUPS[kind]
