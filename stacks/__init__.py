"""One class per layer; build_environment() composes them for one environment.

LAYERS is the deploy order. Each entry names the layer, its stack class and which providers it
needs ("aws" only, or also "kubernetes"/"helm"): AWS-only layers are the ones that
`terraform validate` runs on offline.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from constructs import Construct
from environments.schema import Environment
from sparki.settings import RunSettings
from stacks.base import SparkiStack
from stacks.cluster import ClusterStack
from stacks.network import NetworkStack
from stacks.security import SecurityStack
from stacks.state import StateStack


@dataclass(frozen=True)
class Layer:
    name: str
    build: Callable[..., SparkiStack]
    providers: tuple[str, ...] = ("aws",)

    @property
    def aws_only(self) -> bool:
        return self.providers == ("aws",)


LAYERS: tuple[Layer, ...] = (
    Layer("state", lambda scope, env, run, built: StateStack(scope, env, run)),
    Layer("security", lambda scope, env, run, built: SecurityStack(scope, env, run)),
    Layer("network", lambda scope, env, run, built: NetworkStack(scope, env, run, built["security"].keys.arn("logs"))),
    Layer(
        "cluster",
        lambda scope, env, run, built: ClusterStack(
            scope,
            env,
            run,
            eks_key_arn=built["security"].keys.arn("eks"),
            data_key_arn=built["security"].keys.arn("data"),
            logs_key_arn=built["security"].keys.arn("logs"),
            vpc_id=built["network"].network.vpc_id,
            private_subnet_ids=built["network"].network.private_subnet_ids,
        ),
    ),
)


def layer_of(stack_name: str) -> tuple[str, str]:
    """("dev", "network") from "sparki-dev-network"."""
    _, env, layer = stack_name.split("-", 2)
    return env, layer


def build_environment(scope: Construct, env: Environment, run: RunSettings) -> dict[str, SparkiStack]:
    """Every layer's stack for one environment, in deploy order. A layer's builder receives
    the stacks built before it and takes only their exported attributes."""
    built: dict[str, SparkiStack] = {}
    for layer in LAYERS:
        built[layer.name] = layer.build(scope, env, run, built)
    return built
