"""Layer `data`: the environment's PostgreSQL database and Valkey cache."""
from __future__ import annotations

from collections.abc import Sequence

from catalog.naming import name_prefix
from constructs import Construct
from constructs.cache import Cache, CacheProps
from constructs.database import Database, DatabaseProps
from environments.schema import Environment
from stacks.base import SparkiStack, dr_secret_replicas
from stacks.props import props_from
from stacks.run_settings import RunSettings


def database_props_of(env: Environment, shared: dict, *, subnet_group_name: str, secret_key_arn: str) -> DatabaseProps:
    """The database's props from the environment's settings; the DR replica is built to the
    same ones (stacks/dr_data.py)."""
    db = env.data.database
    return props_from(
        DatabaseProps,
        db,
        rename={"storage_gib": "allocated_storage_gib", "max_storage_gib": "max_allocated_storage_gib"},
        extra=dict(
            shared,
            region=env.region,
            account_id=env.account_id,
            subnet_group_name=subnet_group_name,
            secret_key_arn=secret_key_arn,
            secret_recovery_days=env.security.secret_recovery_days,
            free_memory_alarm_mib=db.free_memory_alarm_mib,
            secret_replica_key_arns=dr_secret_replicas(env),
        ),
    )


class DataStack(SparkiStack):
    """Exports: database_endpoint (host name), database_port, database_security_group_id,
    database_resource_id (for rds-db:connect policies), database_replica_endpoints (host names
    of the read replicas, the readable capacity), master_secret_arn (the ARN only),
    cache_primary_endpoint, cache_reader_endpoint, cache_port, cache_security_group_id,
    cache_replication_group_arn, cache_user_name and cache_user_arn (for elasticache:Connect).

    client_security_group_ids: the groups allowed to reach both stores (the cluster's nodes
    once that layer is wired); with none, the stores' security groups admit nothing.
    """

    layer = "data"

    def __init__(
        self,
        scope: Construct,
        env: Environment,
        run: RunSettings,
        *,
        vpc_id: str,
        db_subnet_group_name: str,
        cache_subnet_group_name: str,
        data_key_arn: str,
        secrets_key_arn: str,
        logs_key_arn: str,
        alarm_topic_arn: str,
        client_security_group_ids: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, env, run)
        cache = env.data.cache
        name = name_prefix(env.name)
        clients = tuple(client_security_group_ids)

        shared = dict(
            name=name,
            vpc_id=vpc_id,
            storage_key_arn=data_key_arn,
            log_key_arn=logs_key_arn,
            alarm_topic_arn=alarm_topic_arn,
            log_retention_days=env.log_retention_days,
            client_security_group_ids=clients,
        )
        database_props = database_props_of(env, shared, subnet_group_name=db_subnet_group_name, secret_key_arn=secrets_key_arn)
        self.database = Database(self, "database", database_props)
        cache_props = props_from(CacheProps, cache, extra=dict(shared, subnet_group_name=cache_subnet_group_name))
        self.cache = Cache(self, "cache", cache_props)

        self.database_endpoint: str = self.database.endpoint
        self.database_port = self.database.port
        self.database_security_group_id: str = self.database.security_group_id
        self.database_resource_id: str = self.database.resource_id
        self.database_replica_endpoints: list[str] = self.database.replica_endpoints
        self.master_secret_arn: str = self.database.master_secret_arn
        self.cache_primary_endpoint: str = self.cache.primary_endpoint
        self.cache_reader_endpoint: str = self.cache.reader_endpoint
        self.cache_port = self.cache.port
        self.cache_security_group_id: str = self.cache.security_group_id
        self.cache_replication_group_arn: str = self.cache.replication_group_arn
        self.cache_user_name: str = self.cache.user_name
        self.cache_user_arn: str = self.cache.user_arn
