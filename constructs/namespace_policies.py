"""The objects every platform namespace gets: the namespace with its Pod Security labels, a
default deny of ingress and egress, and the explicit allows, each saying why.

Pure functions returning plain manifests (no cdktf import): the platform stack writes them as
`kubernetes_manifest`, and the tests and the policy pack read them exactly as applied.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from constructs.addon_contract import NetworkAllow
from constructs.telemetry_values import JAEGER_OTLP_PORTS, SEARCH_NAMESPACE

WHY = "sparki.io/why"
MANAGED_BY = {"app.kubernetes.io/managed-by": "sparki"}
DEFAULT_DENY = "default-deny"
AMBIENT = {"istio.io/dataplane-mode": "ambient"}
NAME_LABEL = "kubernetes.io/metadata.name"
DB_PORTS = (5432, 6379)


def namespace(name: str, pod_security: str, kubernetes_version: str, *, reason: str = "", labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A namespace enforcing, auditing and warning at one Pod Security level, pinned to the
    cluster's minor version (a Kubernetes upgrade does not silently tighten or loosen it)."""
    pss = {}
    for mode in ("enforce", "audit", "warn"):
        pss[f"pod-security.kubernetes.io/{mode}"] = pod_security
        pss[f"pod-security.kubernetes.io/{mode}-version"] = f"v{kubernetes_version}"
    metadata: dict[str, Any] = {"name": name, "labels": {**MANAGED_BY, **pss, **(labels or {})}}
    if reason:
        metadata["annotations"] = {WHY: reason}
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": metadata}


def _policy(ns: str, name: str, why: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": ns, "labels": dict(MANAGED_BY), "annotations": {WHY: why}},
        "spec": spec,
    }


def default_deny(ns: str) -> dict[str, Any]:
    return _policy(
        ns, DEFAULT_DENY,
        "nothing reaches or leaves a pod unless a policy below allows it (the VPC CNI enforces NetworkPolicy)",
        {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
    )


def _ports(protocols: Iterable[str], ports: Iterable[int]) -> list[dict[str, Any]]:
    return [{"protocol": proto, "port": port} for proto in protocols for port in ports]


def allow(ns: str, rule: NetworkAllow) -> dict[str, Any]:
    """One NetworkAllow as a NetworkPolicy named allow-<name>."""
    peers: list[dict[str, Any]] = [{"ipBlock": {"cidr": cidr}} for cidr in rule.cidrs]
    peers += [{"namespaceSelector": {"matchLabels": {NAME_LABEL: other}}} for other in rule.namespaces]
    side = "from" if rule.direction == "ingress" else "to"
    return _policy(
        ns, f"allow-{rule.name}", rule.why,
        {
            "podSelector": {"matchLabels": dict(rule.pod_labels)} if rule.pod_labels else {},
            "policyTypes": ["Ingress" if rule.direction == "ingress" else "Egress"],
            rule.direction: [{side: peers, "ports": _ports([rule.protocol], rule.ports)}],
        },
    )


def dns_allow(ns: str) -> dict[str, Any]:
    return _policy(
        ns, "allow-dns", "every pod resolves names through CoreDNS in kube-system",
        {
            "podSelector": {},
            "policyTypes": ["Egress"],
            "egress": [{
                "to": [{"namespaceSelector": {"matchLabels": {NAME_LABEL: "kube-system"}}, "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
                "ports": _ports(["UDP", "TCP"], [53]),
            }],
        },
    )


@dataclass(frozen=True)
class Network:
    """Where the peers of the common allows are: the VPC block (EKS control-plane ENIs and the
    nodes live in it), the public subnets (the internet-facing ALBs) and the database tier."""

    vpc_cidr: str
    public_cidrs: Sequence[str]
    database_cidrs: Sequence[str]


def component_allows(ns: str, network: Network, extra: Sequence[NetworkAllow]) -> list[dict[str, Any]]:
    """A component namespace: DNS, the API server (controllers watch it) and what it declares."""
    api = NetworkAllow(
        name="api-server", direction="egress", ports=(443,), cidrs=(network.vpc_cidr,),
        why="controllers watch and update the Kubernetes API; the private endpoint's ENIs are in the VPC",
    )
    return [dns_allow(ns), allow(ns, api), *(allow(ns, rule) for rule in extra)]


def application_allows(ns: str, network: Network, *, app_port: int, metrics_port: int, monitoring: str) -> list[dict[str, Any]]:
    """An application namespace: DNS, scrapes from monitoring, the load balancer in, the
    database and cache ports and Jaeger's OTLP ports out. Nothing else: application pods do not
    call the Kubernetes API (their service account tokens are not even mounted)."""
    rules = (
        NetworkAllow(
            name="metrics-scrape", direction="ingress", ports=(metrics_port,), namespaces=(monitoring,),
            why=f"Prometheus in the {monitoring} namespace scrapes application metrics",
        ),
        NetworkAllow(
            name="load-balancer", direction="ingress", ports=(app_port,), cidrs=tuple(network.public_cidrs),
            why="the ALB (target type ip, in the public subnets) forwards requests straight to the pods",
        ),
        NetworkAllow(
            name="data-stores", direction="egress", ports=DB_PORTS, cidrs=tuple(network.database_cidrs),
            why="applications reach PostgreSQL (5432) and Valkey (6379) in the database subnets, and nothing else there",
        ),
        NetworkAllow(
            name="traces", direction="egress", ports=JAEGER_OTLP_PORTS, namespaces=(SEARCH_NAMESPACE,),
            why=f"applications send traces over OTLP (gRPC, HTTP) to Jaeger in the {SEARCH_NAMESPACE} namespace",
        ),
    )
    return [dns_allow(ns), *(allow(ns, rule) for rule in rules)]


HBONE_PORT = 15008
# istio-cni rewrites the source of the kubelet's probes of meshed pods to this address, so
# ztunnel can tell them from mesh traffic and let them through in plain text.
PROBE_SNAT_CIDR = "169.254.7.127/32"


def ambient_allows(ns: str, app_namespaces: Sequence[str]) -> list[dict[str, Any]]:
    """An application namespace in the ambient mesh: HBONE both ways between the application
    namespaces, and the kubelet's probes from their SNAT address."""
    hbone = "ztunnel tunnels meshed pod-to-pod traffic as HBONE (mTLS) on 15008 inside the pods' network namespaces, so the CNI sees 15008 between application pods"
    rules = (
        NetworkAllow(name="hbone-in", why=hbone, direction="ingress", ports=(HBONE_PORT,), namespaces=tuple(app_namespaces)),
        NetworkAllow(name="hbone-out", why=hbone, direction="egress", ports=(HBONE_PORT,), namespaces=tuple(app_namespaces)),
    )
    probes = _policy(
        ns, "allow-kubelet-probes",
        f"istio-cni SNATs the kubelet's probes of meshed pods to {PROBE_SNAT_CIDR}; without this every probe fails under default deny. "
        "Any port: a probe may target any container port, and only the kubelet's probes carry this link-local source",
        {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"from": [{"ipBlock": {"cidr": PROBE_SNAT_CIDR}}]}]},
    )
    return [*(allow(ns, rule) for rule in rules), probes]


def application_policies(
    ns: str, network: Network, *, app_namespaces: Sequence[str], app_port: int, metrics_port: int, monitoring: str, ambient: bool,
) -> list[dict[str, Any]]:
    """Every NetworkPolicy of an application namespace: default deny, the common allows, and the
    ambient mesh's allows when the namespace is in the mesh."""
    policies = [default_deny(ns), *application_allows(ns, network, app_port=app_port, metrics_port=metrics_port, monitoring=monitoring)]
    return policies + (ambient_allows(ns, app_namespaces) if ambient else [])
