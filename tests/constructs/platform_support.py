"""Shared by the component group tests: the ComponentContext the platform stacks build for an
environment of environments/*.toml, with IRSA role ARNs as the cluster stack would name them."""
from __future__ import annotations

import environments
from catalog.naming import resource_name
from constructs.addon_contract import ComponentContext
from constructs.observability_roles import OBSERVABILITY_SERVICE_ACCOUNTS
from constructs.platform_roles import SERVICE_ACCOUNTS
from constructs.telemetry_values import SERVICE_ACCOUNTS as TELEMETRY_SERVICE_ACCOUNTS
from stacks.observability_components import collect_observability, observability_context
from stacks.platform_components import PlatformComponents, collect, component_context

ENVS = environments.load()


def role_arns(name: str) -> dict[str, str]:
    """component -> role ARN of every role the cluster stack creates for the environment."""
    env = ENVS[name]
    created = [c for c in SERVICE_ACCOUNTS if c != "kube-bench" or env.security.enable_security_hub]
    return {c: f"arn:aws:iam::{env.account_id}:role/{resource_name(name, 'eks')}-{c}" for c in created}


def context(name: str, **platform: object) -> ComponentContext:
    """The environment's context; keyword arguments replace [platform] settings (unvalidated)."""
    env = ENVS[name]
    ctx = component_context(env, cluster_name=resource_name(name, "eks"), role_arns=role_arns(name))
    if platform:
        ctx = ComponentContext(**{**ctx.__dict__, "platform": env.platform.model_copy(update=platform)})
    return ctx


def observability_role_arns(name: str) -> dict[str, str]:
    """service account -> role ARN of every role the observability-aws stack creates."""
    env = ENVS[name]
    keys = [*OBSERVABILITY_SERVICE_ACCOUNTS, *TELEMETRY_SERVICE_ACCOUNTS]
    return {key: f"arn:aws:iam::{env.account_id}:role/{resource_name(name, 'obs')}-{key}" for key in keys}


def observability_ctx(name: str) -> ComponentContext:
    """The context the observability stack's components are built with."""
    return observability_context(context(name), observability_role_arns(name))


def observability(name: str) -> PlatformComponents:
    """The observability stack's components and custom resources, contract-checked."""
    return collect_observability(observability_ctx(name), collect(context(name)))
