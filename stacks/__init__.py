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
from stacks.data import DataStack
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
    Layer("cluster", lambda scope, env, run, built: _cluster(scope, env, run, built)),
    Layer("data", lambda scope, env, run, built: _data(scope, env, run, built)),
)


def _cluster(scope: Construct, env: Environment, run: RunSettings, built: dict[str, SparkiStack]) -> ClusterStack:
    security, network = built["security"], built["network"].network
    return ClusterStack(
        scope,
        env,
        run,
        eks_key_arn=security.keys.arn("eks"),
        data_key_arn=security.keys.arn("data"),
        logs_key_arn=security.keys.arn("logs"),
        vpc_id=network.vpc_id,
        private_subnet_ids=network.private_subnet_ids,
    )


def _data(scope: Construct, env: Environment, run: RunSettings, built: dict[str, SparkiStack]) -> DataStack:
    security, network = built["security"], built["network"].network
    return DataStack(
        scope,
        env,
        run,
        vpc_id=network.vpc_id,
        db_subnet_group_name=network.db_subnet_group_name,
        cache_subnet_group_name=network.cache_subnet_group_name,
        data_key_arn=security.keys.arn("data"),
        secrets_key_arn=security.keys.arn("secrets"),
        logs_key_arn=security.keys.arn("logs"),
        alarm_topic_arn=security.alarm_topic_arn,
        # Only the cluster's nodes reach the database and the cache.
        client_security_group_ids=(built["cluster"].node_security_group_id,),
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
