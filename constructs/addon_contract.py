"""The add-on contract of the Kubernetes platform layer (the cdk-eks-blueprints idea).

Each cluster component is one small declaration: chart, repository, exact chart version,
namespace, service accounts and their IRSA roles, values, and the components it needs first.
check_components() refuses, in one line, every combination that would only fail on a cluster.
Pure Python: no cdktf import, so environments, tests and tools read it in milliseconds.
"""
from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

POD_SECURITY_LEVELS = ("restricted", "baseline", "privileged")
EXACT_VERSION = re.compile(r"^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


class ContractError(ValueError):
    """A component declaration breaks the contract; str() is one line naming the environment,
    the component and the fix (main.py prints it as `sparki: error:`)."""

    def __init__(self, env: str, component: str, problem: str) -> None:
        self.env = env
        self.component = component
        super().__init__(f"environment '{env}': component '{component}': {problem}")


@dataclass(frozen=True)
class ServiceAccount:
    """A service account the chart creates.

    role: key of constructs/platform_roles.SERVICE_ACCOUNTS whose IRSA role it uses; default
        none (no AWS access). The role trusts exactly that (namespace, name).
    """

    name: str
    role: str | None = None


@dataclass(frozen=True)
class NetworkAllow:
    """One NetworkPolicy a component needs on top of the platform's default deny and its common
    allows (DNS, the API server, metrics scraping from `monitoring`).

    name: suffix of the policy's name ("allow-<name>"), a DNS label.
    why: the reason, written to the `sparki.io/why` annotation; required.
    direction: "ingress" or "egress".
    ports: TCP/UDP port numbers; at least one (an allow names what it opens).
    protocol: "TCP" (default) or "UDP".
    cidrs: peer IPv4 blocks, e.g. ctx.vpc_cidr for the API server's webhooks calls, or
        "0.0.0.0/0" for AWS APIs reached through NAT; default none.
    namespaces: peer namespaces by name; default none. cidrs or namespaces, at least one.
    pod_labels: which pods of the component's namespace it applies to; default all.
    """

    name: str
    why: str
    direction: str
    ports: tuple[int, ...]
    protocol: str = "TCP"
    cidrs: tuple[str, ...] = ()
    namespaces: tuple[str, ...] = ()
    pod_labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not _DNS_LABEL.match(self.name) or len(self.name) > 50:
            raise ValueError(f"NetworkAllow.name: {self.name!r} must be a DNS label of at most 50 characters")
        if not self.why.strip():
            raise ValueError(f"NetworkAllow {self.name!r}: why is empty; say why the traffic is needed")
        if self.direction not in ("ingress", "egress"):
            raise ValueError(f"NetworkAllow {self.name!r}: direction {self.direction!r} must be 'ingress' or 'egress'")
        if self.protocol not in ("TCP", "UDP"):
            raise ValueError(f"NetworkAllow {self.name!r}: protocol {self.protocol!r} must be 'TCP' or 'UDP'")
        if not self.ports or any(not 1 <= p <= 65535 for p in self.ports):
            raise ValueError(f"NetworkAllow {self.name!r}: ports {self.ports} must name at least one port in 1..65535")
        if not self.cidrs and not self.namespaces:
            raise ValueError(f"NetworkAllow {self.name!r}: give cidrs or namespaces; an allow without a peer would open everything")
        for cidr in self.cidrs:
            ipaddress.IPv4Network(cidr, strict=True)


@dataclass(frozen=True)
class Component:
    """One Helm release and/or plain objects, and what they need. Field meanings:
    docs/platform.md "How to add a component".

    manifests: core-kind objects (ServiceAccount, ConfigMap, CronJob ...) in the component's
        namespace, created as `kubernetes_manifest` after the namespace, its policies and the
        release. chart "" means no Helm release: repository and version are "" too and
        manifests carry the whole component (kube-bench).
    """

    name: str
    chart: str
    repository: str
    version: str
    namespace: str
    values: Mapping[str, Any]
    service_accounts: tuple[ServiceAccount, ...] = ()
    depends_on: tuple[str, ...] = ()
    owns_namespace: bool = True
    pod_security: str = "restricted"
    pod_security_reason: str = ""
    crds: tuple[str, ...] = ()
    network_allows: tuple[NetworkAllow, ...] = ()
    manifests: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class ComponentContext:
    """What component factories may use. `platform` is the environment's PlatformSettings
    (environments/platform_settings.py), `slos` its SloSettings (environments/slo_settings.py)
    and `observability` its ObservabilitySettings (environments/observability_settings.py);
    typed loosely because constructs never import environments.
    database_max_connections: the database's max_connections (the alert rules warn near it).
    autoscaling: the replica range (constructs/autoscaling.py ScalingProps) of each
        variable-load component that runs here, by its catalog/kubernetes.py AUTOSCALED name
        ([platform.autoscaling]); default none.
    telemetry_stores: whether Loki and Elasticsearch run on this site's cluster (the
        observability layer); the DR site has none, so nothing there ships to them.
    """

    env: str
    region: str
    account_id: str
    cluster_name: str
    kubernetes_version: str
    vpc_cidr: str
    role_arns: Mapping[str, str]
    hosted_zone_ids: tuple[str, ...]
    zone_names: tuple[str, ...]
    system_node_selector: Mapping[str, str]
    system_tolerations: tuple[Mapping[str, str], ...]
    platform: Any
    slos: tuple[Any, ...]
    database_max_connections: int
    observability: Any = None
    autoscaling: Mapping[str, Any] = field(default_factory=dict)
    telemetry_stores: bool = True


def _check_one(env: str, c: Component, service_accounts: Mapping[str, tuple[str, str]] | None) -> None:
    def bad(problem: str) -> None:
        raise ContractError(env, c.name, problem)

    if not c.chart:
        if c.repository or c.version:
            bad(f"has no chart but repository {c.repository!r} / version {c.version!r}; set chart, or leave both empty")
        if not c.manifests:
            bad("has neither a chart nor manifests; give it one or the other")
    else:
        if not EXACT_VERSION.match(c.version):
            bad(f"version {c.version!r} is not an exact chart version; pin one, e.g. '1.18.2'")
        if not c.repository.startswith(("https://", "oci://")):
            bad(f"repository {c.repository!r} is neither https:// nor oci://; use the chart's published repository")
    for m in c.manifests:
        meta = m.get("metadata", {})
        where = f"{m.get('kind', '?')}/{meta.get('name', '?')}"
        if meta.get("namespace") != c.namespace:
            bad(f"manifest {where} is in namespace {meta.get('namespace')!r}; a component's manifests live in its namespace {c.namespace!r}")
    if c.pod_security not in POD_SECURITY_LEVELS:
        bad(f"pod_security {c.pod_security!r} is not a Pod Security level; use one of {', '.join(POD_SECURITY_LEVELS)}")
    if c.pod_security != "restricted" and not c.pod_security_reason.strip():
        bad(f"pod_security {c.pod_security!r} is looser than restricted without a reason; set pod_security_reason")
    for crd in c.crds:
        if crd.count("/") != 1:
            bad(f"crds entry {crd!r} is not 'group/Kind'; e.g. 'cert-manager.io/ClusterIssuer'")
    for sa in c.service_accounts:
        if sa.role is None or service_accounts is None:
            continue
        if sa.role not in service_accounts:
            bad(f"service account {sa.name!r} names role {sa.role!r}, which platform_roles.SERVICE_ACCOUNTS does not know; add it there")
        if service_accounts[sa.role] != (c.namespace, sa.name):
            ns, name = service_accounts[sa.role]
            bad(f"service account {c.namespace}/{sa.name} uses role {sa.role!r}, which trusts {ns}/{name}; make them equal")


def _depends_transitively(by_name: Mapping[str, Component], start: str, target: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        current = todo.pop()
        for dep in by_name[current].depends_on:
            if dep == target:
                return True
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return False


def install_order(components: Sequence[Component]) -> list[Component]:
    """Components with every dependency before its dependants (stable: declaration order
    otherwise). Assumes check_components() passed."""
    by_name = {c.name: c for c in components}
    done: dict[str, Component] = {}

    def visit(c: Component) -> None:
        if c.name in done:
            return
        for dep in c.depends_on:
            visit(by_name[dep])
        done[c.name] = c

    for c in components:
        visit(c)
    return list(done.values())


def check_components(
    env: str,
    components: Sequence[Component],
    custom_resources: Sequence[Mapping[str, Any]] = (),
    *,
    service_accounts: Mapping[str, tuple[str, str]] | None = None,
) -> None:
    """ContractError (one line: env, component, fix) for the first broken rule; see the module
    docstring of the contract in /work/notes/i12-contract.md. `service_accounts` is
    platform_roles.SERVICE_ACCOUNTS (passed in: that module loads provider bindings); when
    given, every role a service account names must exist there with the same namespace/name."""
    by_name: dict[str, Component] = {}
    for c in components:
        if c.name in by_name:
            raise ContractError(env, c.name, "is declared twice; release names are unique in an environment")
        by_name[c.name] = c
    owners: dict[str, str] = {}
    claimed: dict[tuple[str, str], str] = {}
    for c in components:
        _check_one(env, c, service_accounts)
        for dep in c.depends_on:
            if dep not in by_name:
                raise ContractError(env, c.name, f"depends on {dep!r}, which no component group declares; add it or drop the dependency")
        if c.owns_namespace:
            if c.namespace in owners:
                raise ContractError(env, c.name, f"owns namespace {c.namespace!r}, already owned by {owners[c.namespace]!r}; set owns_namespace=False on one")
            owners[c.namespace] = c.name
        for sa in c.service_accounts:
            key = (c.namespace, sa.name)
            if key in claimed:
                raise ContractError(env, c.name, f"claims service account {c.namespace}/{sa.name}, already claimed by {claimed[key]!r}; each belongs to one component")
            claimed[key] = c.name
    for c in components:
        if _depends_transitively(by_name, c.name, c.name):
            raise ContractError(env, c.name, "is part of a dependency cycle; break the cycle in depends_on")
    for c in components:
        if c.owns_namespace:
            continue
        owner = owners.get(c.namespace)
        if owner is None:
            if not c.namespace.startswith("kube-"):
                raise ContractError(env, c.name, f"installs into {c.namespace!r}, which no component owns; set owns_namespace=True or depend on its owner")
        elif not _depends_transitively(by_name, c.name, owner):
            raise ContractError(env, c.name, f"installs into {c.namespace!r} without depending on its owner {owner!r}; add it to depends_on")
    provided = {crd for c in components for crd in c.crds}
    for c in components:
        for m in c.manifests:
            if f"{str(m.get('apiVersion', '')).rpartition('/')[0]}/{m.get('kind', '')}" in provided:
                raise ContractError(env, c.name, f"manifest {m.get('kind')}/{m.get('metadata', {}).get('name', '?')} is a custom kind; custom resources go in custom_resources (platform-config), after their CRDs exist")
    for manifest in custom_resources:
        group = str(manifest.get("apiVersion", "")).rpartition("/")[0]
        kind = manifest.get("kind", "")
        name = manifest.get("metadata", {}).get("name", "?")
        if f"{group}/{kind}" not in provided:
            raise ContractError(env, f"{kind}/{name}", f"{group}/{kind} is installed by no component's crds; add the component whose chart installs it")
