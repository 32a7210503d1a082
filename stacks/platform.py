"""Layer `platform`: what runs inside the cluster before any workload does. Namespaces with
their Pod Security levels, default service accounts without tokens, NetworkPolicies (default
deny, then explicit allows), RBAC for the access-entry groups, and every component's Helm
release (the charts install their CRDs; custom resources wait for `platform-config`)."""
from __future__ import annotations

from cdktf import ITerraformDependable

from constructs.helm_component import HelmComponent
from constructs.kube_objects import DefaultServiceAccounts, KubeObjects, object_id
from constructs.namespace_budget import NamespaceBudgetProps, namespace_budget
from constructs.namespace_policies import AMBIENT, Network, application_policies, component_allows, default_deny, namespace
from constructs.network import plan_subnets
from constructs.platform_rbac import platform_rbac
from environments.schema import MONITORING_NAMESPACE, Environment
from stacks.cluster_connection import ClusterConnection, helm_provider
from stacks.kubernetes_stack import KubernetesStack
from stacks.platform_components import PlatformComponents
from stacks.props import props_from


class PlatformStack(KubernetesStack):
    """Exports: namespaces (name -> Pod Security level) of every namespace it creates."""

    layer = "platform"

    def compose(self, env: Environment, connection: ClusterConnection, platform: PlatformComponents) -> None:
        kubernetes = self.kubernetes
        helm = helm_provider(self, connection)
        settings, version = env.platform, env.cluster.kubernetes_version
        plan = plan_subnets(env.network.vpc_cidr, env.azs)
        network = Network(
            vpc_cidr=env.network.vpc_cidr,
            public_cidrs=[cidr for _, cidr in plan["public"]],
            database_cidrs=[cidr for _, cidr in plan["database"]],
        )
        mesh = AMBIENT if settings.mesh_mode != "off" else {}
        namespaces = [namespace(ns, "restricted", version, labels=mesh) for ns in settings.app_namespaces]
        policies = []
        for ns in settings.app_namespaces:
            policies += application_policies(
                ns, network, app_namespaces=settings.app_namespaces, app_port=settings.app_port,
                metrics_port=settings.metrics_port, monitoring=MONITORING_NAMESPACE, ambient=bool(mesh),
            )
        owners = [c for c in platform.components if c.owns_namespace]
        for c in owners:
            namespaces.append(namespace(c.namespace, c.pod_security, version, reason=c.pod_security_reason))
        for c in platform.components:
            if c.owns_namespace:
                policies += [default_deny(c.namespace), *component_allows(c.namespace, network, c.network_allows)]
            elif c.network_allows:
                raise ValueError(f"component {c.name!r}: network_allows belong to the component that owns {c.namespace!r}")
        created = KubeObjects(self, "namespaces", namespaces, provider=kubernetes)
        by_name = {m["metadata"]["name"]: created.resources[object_id(m)] for m in namespaces}
        DefaultServiceAccounts(self, "default_service_accounts", by_name, provider=kubernetes)
        policy_objects = KubeObjects(self, "network_policies", policies, provider=kubernetes, after=list(by_name.values()))
        rbac = platform_rbac(env.cluster.app_namespaces, settings.app_namespaces)
        KubeObjects(self, "rbac", rbac, provider=kubernetes, after=list(by_name.values()))
        budget = props_from(NamespaceBudgetProps, settings.namespace_budget)
        budgets = [m for ns in settings.app_namespaces for m in namespace_budget(ns, budget)]
        KubeObjects(self, "namespace_budgets", budgets, provider=kubernetes, after=list(by_name.values()))
        # What a dependant waits for: the component's release and its objects, whichever it has.
        installed: dict[str, list[ITerraformDependable]] = {}
        for c in platform.components:
            after = [resource for d in c.depends_on for resource in installed[d]]
            if c.namespace in by_name:
                after.append(by_name[c.namespace])
            installed[c.name] = []
            if c.chart:
                release = HelmComponent(self, c.name.replace("-", "_"), c, provider=helm, after=after).release
                installed[c.name].append(release)
            if c.manifests:
                # After the namespace's default deny and allows too, so no pod ever runs unfenced.
                fence = [policy_objects.resources[object_id(p)] for p in policies if p["metadata"]["namespace"] == c.namespace]
                objects = KubeObjects(self, f"{c.name.replace('-', '_')}_objects", c.manifests, provider=kubernetes, after=[*after, *fence, *installed[c.name]])
                installed[c.name] += objects.resources.values()
        self.namespaces: dict[str, str] = {m["metadata"]["name"]: m["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] for m in namespaces}
