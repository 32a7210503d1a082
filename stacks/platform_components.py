"""Which component groups the platform installs, and what they may know about the environment.

GROUPS lists the group modules explicitly (one line each): a group is a module
`constructs/components_<group>.py` with `components(ctx)` and, when it has custom resources,
`custom_resources(ctx)`. collect() runs the contract check once, so the platform stacks only
ever see a set of components that passed it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from constructs import (
    components_certs,
    components_cis,
    components_eck_crds,
    components_ingress,
    components_logging,
    components_mesh,
    components_metrics,
    components_prometheus_crds,
    components_scaling,
    components_secrets,
)
from constructs.addon_contract import Component, ComponentContext, check_components, install_order
from constructs.autoscaling import ScalingProps
from constructs.node_group import GROUP_LABEL
from constructs.platform_roles import SERVICE_ACCOUNTS
from environments.schema import SYSTEM_NODE_GROUP, Environment
from stacks.props import props_from

GROUPS: tuple[ModuleType, ...] = (
    components_metrics,
    components_certs, components_ingress, components_scaling, components_secrets, components_logging,
    components_mesh, components_cis,
    components_prometheus_crds,
    components_eck_crds,
)
# Kubernetes spells the node group taint effects differently from EKS.
_EFFECTS = {"NO_SCHEDULE": "NoSchedule", "NO_EXECUTE": "NoExecute", "PREFER_NO_SCHEDULE": "PreferNoSchedule"}


def component_context(env: Environment, *, cluster_name: str, role_arns: Mapping[str, str]) -> ComponentContext:
    """What a component factory may use: settings as plain values, cross-stack ARNs as tokens."""
    cluster = env.cluster
    return ComponentContext(
        env=env.name,
        region=env.region,
        account_id=env.account_id,
        cluster_name=cluster_name,
        kubernetes_version=cluster.kubernetes_version,
        vpc_cidr=env.network.vpc_cidr,
        role_arns=dict(role_arns),
        hosted_zone_ids=tuple(cluster.hosted_zone_ids),
        zone_names=(env.edge.zone_name,),
        system_node_selector={GROUP_LABEL: SYSTEM_NODE_GROUP},
        system_tolerations=tuple(
            {"key": t.key, "operator": "Equal", "value": t.value, "effect": _EFFECTS[t.effect]}
            for t in cluster.system_group.taints
        ),
        platform=env.platform,
        slos=env.slos,
        database_max_connections=env.data.database.max_connections,
        observability=env.observability,
        autoscaling={name: props_from(ScalingProps, row) for name, row in env.platform.autoscaling.items()},
        telemetry_stores=env.runs_observability,
    )


@dataclass(frozen=True)
class PlatformComponents:
    """Every component in install order (owners and dependencies first) and every custom resource."""

    components: tuple[Component, ...]
    custom_resources: tuple[Mapping[str, Any], ...]


def collect(ctx: ComponentContext, groups: tuple[ModuleType, ...] = GROUPS) -> PlatformComponents:
    """Every group's declarations, checked against the contract (ContractError: one line)."""
    components = [c for group in groups for c in group.components(ctx)]
    resources = [r for group in groups if hasattr(group, "custom_resources") for r in group.custom_resources(ctx)]
    check_components(ctx.env, components, resources, service_accounts=SERVICE_ACCOUNTS)
    return PlatformComponents(tuple(install_order(components)), tuple(resources))
