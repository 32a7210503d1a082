"""Layer `network`: the environment's VPC."""
from __future__ import annotations

from catalog.naming import name_prefix, resource_name
from constructs import Construct
from constructs.cache import PORT as CACHE_PORT
from constructs.database_settings import PORT as DATABASE_PORT
from constructs.network import Network, NetworkProps
from environments.schema import Environment
from stacks.base import SparkiStack
from stacks.run_settings import RunSettings


class NetworkStack(SparkiStack):
    layer = "network"

    def __init__(self, scope: Construct, env: Environment, run: RunSettings, logs_key_arn: str) -> None:
        super().__init__(scope, env, run)
        net = env.network
        self.network = Network(
            self,
            "network",
            NetworkProps(
                name=name_prefix(env.name),
                region=env.region,
                account_id=env.account_id,
                vpc_cidr=net.vpc_cidr,
                azs=env.azs,
                nat_mode=net.nat_mode,
                interface_endpoints=net.interface_endpoints,
                flow_log_retention_days=net.flow_log_retention_days,
                flow_log_key_arn=logs_key_arn,
                key_deletion_window_days=env.kms_key_deletion_window_days,
                cluster_name=resource_name(env.name, "eks"),
                # The database tier takes clients of the data layer's stores only.
                database_ports=(DATABASE_PORT, CACHE_PORT),
            ),
        )
