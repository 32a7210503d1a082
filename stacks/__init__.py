"""One class per layer; build_environment() composes them for one environment.

LAYERS is the deploy order. Each entry names the layer, its stack class and which providers it
needs ("aws" only, or also "kubernetes"/"helm"): AWS-only layers are the ones that
`terraform validate` runs on offline.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Tuple

from constructs import Construct

from environments.schema import Environment
from sparki.settings import RunSettings
from stacks.base import SparkiStack
from stacks.network import NetworkStack
from stacks.state import StateStack


@dataclass(frozen=True)
class Layer:
    name: str
    build: Callable[..., SparkiStack]
    providers: Tuple[str, ...] = ("aws",)

    @property
    def aws_only(self) -> bool:
        return self.providers == ("aws",)


LAYERS: Tuple[Layer, ...] = (
    Layer("state", lambda scope, env, run, built: StateStack(scope, env, run)),
    Layer("network", lambda scope, env, run, built: NetworkStack(scope, env, run)),
)


def layer_of(stack_name: str) -> Tuple[str, str]:
    """("dev", "network") from "sparki-dev-network"."""
    _, env, layer = stack_name.split("-", 2)
    return env, layer


def build_environment(scope: Construct, env: Environment, run: RunSettings) -> Dict[str, SparkiStack]:
    """Every layer's stack for one environment, in deploy order. A layer's builder receives
    the stacks built before it and takes only their exported attributes."""
    built: Dict[str, SparkiStack] = {}
    for layer in LAYERS:
        built[layer.name] = layer.build(scope, env, run, built)
    return built
