"""Layer `dr-data`: the DR site's copy of the data layer, a cross-Region replica of the
database (with the primary's automated backups) and a global-datastore secondary of the cache."""
from __future__ import annotations

from collections.abc import Sequence

from catalog.naming import name_prefix
from constructs import Construct
from constructs.cache_secondary import CacheSecondary, CacheSecondaryProps
from constructs.database import database_identifier
from constructs.database_replica import DatabaseReplica, DatabaseReplicaProps
from environments.schema import Environment
from stacks.base import SparkiStack
from stacks.data import database_props_of
from stacks.run_settings import RunSettings


def primary_database_arn(env: Environment) -> str:
    """The primary instance by ARN (a cross-Region replica names its source so); known from
    the names alone, so this layer reads nothing of the primary's state."""
    return f"arn:aws:rds:{env.region}:{env.account_id}:db:{database_identifier(name_prefix(env.name))}"


class DrDataStack(SparkiStack):
    """Exports: database_endpoint, database_identifier, cache_primary_endpoint, cache_group_id,
    cache_global_group_id (what `make failover` promotes).

    Built to the primary's settings (env) in the DR site (site = env.dr_site()); while
    site.dr.promoted is false the database is a replica of the primary. Once promoted (make
    failover records it in the environment data), the next plan keeps it a standalone primary.
    """

    layer = "dr-data"

    def __init__(
        self,
        scope: Construct,
        env: Environment,
        site: Environment,
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
        super().__init__(scope, site, run)
        if env.dr is None:
            raise ValueError(f"environment {env.name!r} has no [dr] table; the dr-data layer needs one")
        name = name_prefix(site.name)
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
        source = database_props_of(env, shared, subnet_group_name=db_subnet_group_name, secret_key_arn=secrets_key_arn)
        database = DatabaseReplica(
            self,
            "database",
            DatabaseReplicaProps(
                source=source,
                source_arn=primary_database_arn(env),
                name=name,
                region=site.region,
                vpc_id=vpc_id,
                subnet_group_name=db_subnet_group_name,
                storage_key_arn=data_key_arn,
                log_key_arn=logs_key_arn,
                alarm_topic_arn=alarm_topic_arn,
                client_security_group_ids=clients,
                promoted=env.dr.promoted,
            ),
        )
        # The global datastore is made in the primary's region, next to its primary member.
        primary_region = self._aws_provider(region=env.region, alias="primary")
        cache = CacheSecondary(
            self,
            "cache",
            CacheSecondaryProps(
                name=name,
                primary_group_id=f"{name_prefix(env.name)}-cache",
                vpc_id=vpc_id,
                subnet_group_name=cache_subnet_group_name,
                storage_key_arn=data_key_arn,
                alarm_topic_arn=alarm_topic_arn,
                client_security_group_ids=clients,
                nodes=1 + env.data.cache.replicas,
                snapshot_retention_days=env.data.cache.snapshot_retention_days,
            ),
            primary_provider=primary_region,
        )
        self.database_identifier: str = database.identifier
        self.database_endpoint: str = database.endpoint
        self.cache_group_id: str = cache.group_id
        self.cache_global_group_id: str = cache.global_group_id
        self.cache_primary_endpoint: str = cache.primary_endpoint
