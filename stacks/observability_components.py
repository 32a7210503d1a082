"""Which component groups the `observability` stack installs.

OBSERVABILITY_GROUPS has the shape of platform_components.GROUPS (one line per group module
with `components(ctx)` and optional `custom_resources(ctx)`). collect_observability() checks
them together with the platform's components: a dependency on a platform component (External
Secrets, the CRD charts) resolves, CRDs the platform installs count, and no namespace or
service account is claimed twice across the two layers.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import ModuleType

from constructs import (
    components_cloudwatch_exporter,
    components_dashboards,
    components_loki,
    components_prometheus,
    components_rules,
    components_search,
    components_search_users,
    components_tracing,
)
from constructs.addon_contract import ComponentContext, check_components, install_order
from constructs.observability_roles import OBSERVABILITY_SERVICE_ACCOUNTS
from constructs.platform_roles import SERVICE_ACCOUNTS
from constructs.telemetry_values import SERVICE_ACCOUNTS as TELEMETRY_SERVICE_ACCOUNTS
from stacks.platform_components import PlatformComponents

OBSERVABILITY_GROUPS: tuple[ModuleType, ...] = (
    components_prometheus,
    components_cloudwatch_exporter,
    components_dashboards,
    components_rules,
    components_loki, components_search, components_tracing,
    components_search_users,
)


def observability_context(ctx: ComponentContext, role_arns: Mapping[str, str]) -> ComponentContext:
    """The platform's context with the observability-aws stack's roles added."""
    return dataclasses.replace(ctx, role_arns={**ctx.role_arns, **role_arns})


def collect_observability(ctx: ComponentContext, platform: PlatformComponents, groups: tuple[ModuleType, ...] = OBSERVABILITY_GROUPS) -> PlatformComponents:
    """This layer's components in install order and its custom resources (ContractError: one line)."""
    own = [c for group in groups for c in group.components(ctx)]
    resources = [r for group in groups if hasattr(group, "custom_resources") for r in group.custom_resources(ctx)]
    check_components(
        ctx.env,
        [*platform.components, *own],
        [*platform.custom_resources, *resources],
        service_accounts={**SERVICE_ACCOUNTS, **OBSERVABILITY_SERVICE_ACCOUNTS, **TELEMETRY_SERVICE_ACCOUNTS},
    )
    names = {c.name for c in own}
    return PlatformComponents(tuple(c for c in install_order([*platform.components, *own]) if c.name in names), tuple(resources))
