"""Shared by the component group tests: the ComponentContext the platform stacks build for an
environment of environments/*.toml, with IRSA role ARNs as the cluster stack would name them."""
from __future__ import annotations

import environments
from catalog.naming import resource_name
from constructs.addon_contract import ComponentContext
from constructs.platform_roles import SERVICE_ACCOUNTS
from stacks.platform_components import component_context

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
