"""Settings of the cluster layer: the EKS control plane, add-ons, access and DNS."""
from __future__ import annotations

import ipaddress
import re
from typing import Annotated

from pydantic import field_validator, model_validator

from catalog.aws import KUBERNETES_VERSIONS
from catalog.naming import NODE_GENERATIONS
from environments.model import Model, check_named_once, each, fail, one_of
from environments.node_group_settings import SYSTEM_NODE_GROUP, NodeGroupSettings

# Namespaces developers may never be given edit rights in: Kubernetes' own and the platform's.
RESERVED_NAMESPACES = frozenset(
    {"default", "kube-system", "kube-public", "kube-node-lease", "cert-manager", "external-dns", "amazon-cloudwatch", "external-secrets"}
)
# A public-endpoint allow-list names office or VPN egress ranges; anything wider than this is
# not an allow-list any more.
MIN_PUBLIC_CIDR_PREFIX = 16
ADDON_VERSION = re.compile(r"^v(\d+)\.(\d+)\.\d+-eksbuild\.\d+$")
_ROLE_ARN = re.compile(r"^arn:aws:iam::(\d{12}):role/[\w+=,.@-]+(/[\w+=,.@-]+)*$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_HOSTED_ZONE_ID = re.compile(r"^Z[A-Z0-9]{1,31}$")
_ROLE_LISTS = ("admin_role_arns", "developer_role_arns", "auditor_role_arns", "deployer_role_arns")
_NO_ZONES = 'is empty; list the Route 53 zone(s) external-dns and cert-manager manage, e.g. ["Z0123456789ABCDEFGHIJ"]'


def _check_role_arn(field_name: str, arn: str) -> None:
    if not _ROLE_ARN.match(arn):
        fail(field_name, f"{arn!r} is not an IAM role ARN; use 'arn:aws:iam::<account>:role/<name>'")


def _check_namespace(field_name: str, ns: str) -> None:
    if not _DNS_LABEL.match(ns):
        fail(field_name, f"{ns!r} is not a Kubernetes namespace name; use up to 63 lowercase letters, digits and '-'")
    if ns in RESERVED_NAMESPACES or ns.startswith("kube-"):
        fail(field_name, f"{ns!r} is a system or platform namespace; developers edit application namespaces only")


def _check_zone(field_name: str, zone: str) -> None:
    if not _HOSTED_ZONE_ID.match(zone):
        fail(field_name, f"{zone!r} is not a Route 53 hosted zone id; use the id without '/hostedzone/', e.g. 'Z0123456789ABCDEFGHIJ'")


def _check_public_cidr(field_name: str, cidr: str) -> None:
    if cidr.strip() in ("0.0.0.0/0", "::/0"):
        fail(field_name, f"{cidr} opens the API server to the whole internet; list office/VPN egress ranges (/{MIN_PUBLIC_CIDR_PREFIX} or narrower), or none to keep the endpoint private")
    try:
        net = ipaddress.IPv4Network(cidr, strict=True)
    except ValueError as exc:
        fail(field_name, f"{cidr!r} is not a valid IPv4 network ({exc}); use a public block like 'a.b.c.0/24' with the host bits zero")
    if net.prefixlen < MIN_PUBLIC_CIDR_PREFIX:
        fail(field_name, f"{cidr} is wider than /{MIN_PUBLIC_CIDR_PREFIX}; list office/VPN egress ranges of /{MIN_PUBLIC_CIDR_PREFIX} or narrower")
    if not net.is_global:
        fail(field_name, f"{cidr} is not a public range; the public endpoint only sees public addresses, and private ones already reach the private endpoint")


RoleArns = Annotated[tuple[str, ...], each(_check_role_arn)]


class AddonVersions(Model):
    """EKS managed add-on versions, pinned ("v1.20.1-eksbuild.3"): an upgrade is a reviewed
    change. `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>` lists
    the builds for a Kubernetes version. kube-proxy must match the Kubernetes minor version."""

    vpc_cni: str
    coredns: str
    kube_proxy: str
    ebs_csi_driver: str
    pod_identity_agent: str
    # eks-node-monitoring-agent: reports node health conditions that node auto-repair acts on.
    node_monitoring_agent: str

    @field_validator("*")
    @classmethod
    def _pinned(cls, version: str) -> str:
        if not ADDON_VERSION.match(version):
            fail("", f"{version!r} is not a pinned EKS add-on version; use the exact build, e.g. 'v1.20.1-eksbuild.3'")
        return version


class NodeGenerations(Model):
    """Blue-green node groups (docs/runbooks/blue-green-deployment.md).

    live: the generation whose node groups serve: "blue" (default; the groups' plain names) or
        "green" (names end in -green).
    retiring: the other generation still exists beside the live one while the pipeline cordons
        and drains it; default false. A rollout is two reviewed changes: live flips and retiring
        turns true (the new generation comes up, the old one is drained), then retiring turns
        false (the drained generation is removed).
    """

    live: Annotated[str, one_of(NODE_GENERATIONS, "a node generation")] = NODE_GENERATIONS[0]
    retiring: bool = False

    @property
    def present(self) -> tuple[str, ...]:
        """Generations that exist, the retiring one first (it was there before)."""
        other = next(g for g in NODE_GENERATIONS if g != self.live)
        return (other, self.live) if self.retiring else (self.live,)

    @property
    def retiring_generation(self) -> str | None:
        return next(g for g in NODE_GENERATIONS if g != self.live) if self.retiring else None


class ClusterSettings(Model):
    """The EKS cluster of one environment.

    kubernetes_version: one of catalog.aws.KUBERNETES_VERSIONS.
    node_groups: managed node groups; one must be named "system".
    addons: pinned add-on versions for that Kubernetes version; every environment running the
        same Kubernetes version pins the same builds (what was tested is what ships).
    admin_role_arns: IAM roles of this account with cluster-admin (AmazonEKSClusterAdminPolicy).
        At least one: the cluster creator gets no implicit access. The role that runs
        Terraform for the Kubernetes platform layer belongs here.
    hosted_zone_ids: Route 53 zones external-dns and cert-manager may change; at least one.
    developer_role_arns: roles that edit workloads in app_namespaces only (Kubernetes group
        sparki:developers, RBAC in the platform layer; no Secrets); default none.
    auditor_role_arns: read-only roles, cluster-wide, no Secrets (group sparki:auditors);
        default none.
    deployer_role_arns: roles of the application deploy pipeline: workloads in every
        application namespace, no Secrets (group sparki:deployers); default none. The role
        that runs Terraform for the platform layer is an admin, not a deployer: it installs
        CRDs, webhooks and ClusterRoles.
    app_namespaces: application namespaces developers may edit; required with developers.
    public_access_cidrs: public IPv4 ranges (office/VPN egress, /16 or narrower) that may reach
        the API server's public endpoint. Default none: the public endpoint is off and the API is
        reachable only from inside the VPC. Never 0.0.0.0/0; refused in production.
    node_generations: which blue-green generation of the node groups is live and whether the
        other still exists; default blue only.
    """

    kubernetes_version: Annotated[str, one_of(KUBERNETES_VERSIONS, "a Kubernetes version in EKS standard support here")]
    node_groups: tuple[NodeGroupSettings, ...]
    addons: AddonVersions
    admin_role_arns: RoleArns
    hosted_zone_ids: Annotated[tuple[str, ...], each(_check_zone, unique="a zone", empty=_NO_ZONES)]
    developer_role_arns: RoleArns = ()
    auditor_role_arns: RoleArns = ()
    deployer_role_arns: RoleArns = ()
    app_namespaces: Annotated[tuple[str, ...], each(_check_namespace, unique="a namespace")] = ()
    public_access_cidrs: Annotated[tuple[str, ...], each(_check_public_cidr)] = ()
    node_generations: NodeGenerations = NodeGenerations()

    @field_validator("node_groups")
    @classmethod
    def _groups(cls, groups: tuple[NodeGroupSettings, ...]) -> tuple[NodeGroupSettings, ...]:
        names = [g.name for g in groups]
        if SYSTEM_NODE_GROUP not in names:
            fail("", f"{names} has no '{SYSTEM_NODE_GROUP}' group; add one: it runs CoreDNS and the other cluster-critical add-ons")
        check_named_once(names, lambda name, first: f"{name!r} is already the name of node_groups[{first}]; name each group once")
        return groups

    @model_validator(mode="after")
    def _together(self) -> ClusterSettings:
        major, minor = ADDON_VERSION.match(self.addons.kube_proxy).groups()
        if f"{major}.{minor}" != self.kubernetes_version:
            fail("addons.kube_proxy", f"{self.addons.kube_proxy} is for Kubernetes {major}.{minor}, not {self.kubernetes_version}; use a v{self.kubernetes_version}.x-eksbuild.N build")
        if not self.admin_role_arns:
            fail("admin_role_arns", "is empty; the cluster creator gets no implicit access, so list at least one admin role")
        seen: dict[str, str] = {}
        for fname in _ROLE_LISTS:
            for index, arn in enumerate(getattr(self, fname)):
                if arn in seen:
                    fail(f"{fname}[{index}]", f"{arn} is also in {seen[arn]}; a role gets one access entry, put it in one list")
                seen[arn] = fname
        if self.developer_role_arns and not self.app_namespaces:
            fail("app_namespaces", "is empty but developer_role_arns is not; list the namespaces developers may edit")
        return self

    @property
    def system_group(self) -> NodeGroupSettings:
        return next(g for g in self.node_groups if g.name == SYSTEM_NODE_GROUP)

    def check_in(self, production: bool, account_id: str) -> None:
        if production and self.public_access_cidrs:
            fail("public_access_cidrs", f"{list(self.public_access_cidrs)} is not allowed in production: the API server stays private; reach it from inside the VPC and leave the list empty")
        for index, group in enumerate(self.node_groups):
            if production and group.capacity_type == "SPOT":
                fail(f"node_groups[{index}].capacity_type", "SPOT is not allowed in production: interruptions would take capacity at random; use ON_DEMAND")
        for fname in _ROLE_LISTS:
            for index, arn in enumerate(getattr(self, fname)):
                account = _ROLE_ARN.match(arn).group(1)
                if account != account_id:
                    fail(f"{fname}[{index}]", f"{arn} is in account {account}, not {account_id}; access entries map roles of the cluster's own account")
