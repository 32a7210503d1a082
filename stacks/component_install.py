"""How a Kubernetes layer installs add-on contract components, shared by `platform` and
`observability`: each owned namespace with its Pod Security level, a tokenless default service
account, default deny plus the component's allows, then every release and chart-less manifest
in install order, each after what it depends on."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cdktf import ITerraformDependable, TerraformProvider

from constructs import Construct
from constructs.addon_contract import Component
from constructs.helm_component import HelmComponent
from constructs.kube_objects import DefaultServiceAccounts, KubeObjects, object_id
from constructs.namespace_policies import Network, component_allows, default_deny, namespace
from constructs.network import plan_subnets
from environments.schema import Environment


def cluster_network(env: Environment) -> Network:
    """Where the peers of the common allows are, from the environment's subnet plan."""
    plan = plan_subnets(env.network.vpc_cidr, env.azs)
    return Network(
        vpc_cidr=env.network.vpc_cidr,
        public_cidrs=[cidr for _, cidr in plan["public"]],
        database_cidrs=[cidr for _, cidr in plan["database"]],
    )


def component_namespaces(components: Sequence[Component], kubernetes_version: str) -> list[dict[str, Any]]:
    """The namespace of every component that owns one, at its Pod Security level."""
    return [namespace(c.namespace, c.pod_security, kubernetes_version, reason=c.pod_security_reason) for c in components if c.owns_namespace]


def component_policies(components: Sequence[Component], network: Network) -> list[dict[str, Any]]:
    """Default deny and the allows of every owned namespace. An allow belongs to the owner: a
    component installing into another's namespace cannot widen it unseen."""
    policies: list[dict[str, Any]] = []
    for c in components:
        if c.owns_namespace:
            policies += [default_deny(c.namespace), *component_allows(c.namespace, network, c.network_allows)]
        elif c.network_allows:
            raise ValueError(f"component {c.name!r}: network_allows belong to the component that owns {c.namespace!r}")
    return policies


class Fenced:
    """The namespaces and their policies as created: `namespaces[name]` and `policies` (the
    objects) for dependencies."""

    def __init__(self, scope: Construct, namespaces: Sequence[Mapping[str, Any]], policies: Sequence[Mapping[str, Any]], *, provider: TerraformProvider) -> None:
        created = KubeObjects(scope, "namespaces", namespaces, provider=provider)
        self.namespaces: dict[str, ITerraformDependable] = {m["metadata"]["name"]: created.resources[object_id(m)] for m in namespaces}
        DefaultServiceAccounts(scope, "default_service_accounts", self.namespaces, provider=provider)
        self.manifests = list(policies)
        self.policies = KubeObjects(scope, "network_policies", policies, provider=provider, after=list(self.namespaces.values()))

    def fence(self, ns: str) -> list[ITerraformDependable]:
        """The created policies of one namespace."""
        return [self.policies.resources[object_id(p)] for p in self.manifests if p["metadata"]["namespace"] == ns]


def install(
    scope: Construct,
    components: Sequence[Component],
    fenced: Fenced,
    *,
    kubernetes: TerraformProvider,
    helm: TerraformProvider,
    first: Mapping[str, Sequence[ITerraformDependable]] | None = None,
) -> dict[str, list[ITerraformDependable]]:
    """Every component's release and manifests; component name -> what a dependant waits for.
    A dependency installed by an earlier stack is already there (the stack dependency orders
    them). `first`: namespace -> objects its components wait for (e.g. the custom resources a
    release mounts)."""
    installed: dict[str, list[ITerraformDependable]] = {}
    for c in components:
        after = [resource for d in c.depends_on for resource in installed.get(d, ())]
        if c.namespace in fenced.namespaces:
            after.append(fenced.namespaces[c.namespace])
        after += (first or {}).get(c.namespace, ())
        installed[c.name] = []
        if c.chart:
            release = HelmComponent(scope, c.name.replace("-", "_"), c, provider=helm, after=after).release
            installed[c.name].append(release)
        if c.manifests:
            # After the namespace's default deny and allows too, so no pod ever runs unfenced.
            objects = KubeObjects(scope, f"{c.name.replace('-', '_')}_objects", c.manifests, provider=kubernetes, after=[*after, *fenced.fence(c.namespace), *installed[c.name]])
            installed[c.name] += objects.resources.values()
    return installed
