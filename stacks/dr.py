"""The DR site's copies of the primary layers: state bucket, keys, VPC, cluster and its
platform, built from Environment.dr_site() (the environment in its dr_region, named
sparki-<env>dr-...) by the same constructs as the primary. docs/disaster-recovery.md says what each holds and why."""
from __future__ import annotations

from catalog.naming import name_prefix, resource_name
from constructs import Construct
from constructs.alarm_topic import AlarmTopic, AlarmTopicProps
from constructs.database import database_identifier
from constructs.database_monitoring import event_source_arns
from constructs.key_ring import KeyRing, KeyRingProps
from constructs.node_group import grant_node_volume_key
from environments.schema import Environment
from stacks.base import SparkiStack
from stacks.cluster import ClusterStack
from stacks.network import NetworkStack
from stacks.platform import PlatformStack
from stacks.platform_config import PlatformConfigStack
from stacks.run_settings import RunSettings
from stacks.state import StateStack


class DrStateStack(StateStack):
    """The DR site's state bucket, in the DR region: the DR layers keep their state there, so a
    failover's applies need nothing of the failed region; the primary state bucket replicates
    into it (stacks/state.py)."""

    layer = "dr-state"


class DrSecurityStack(SparkiStack):
    """Exports: keys (KeyRing in the DR region; keys.arn(purpose)), alarm_topic_arn (the DR
    region's alarms: replica lag, DR database events).

    Regional keys, not multi-Region replicas of the primary's: RDS, ElastiCache and Secrets
    Manager re-encrypt cross-Region copies with a key of the destination region either way,
    and separate key material keeps a key deletion or a policy mistake in one region from
    reaching the copy that is meant to survive it."""

    layer = "dr-security"

    def __init__(self, scope: Construct, site: Environment, run: RunSettings) -> None:
        super().__init__(scope, site, run)
        account, region = site.account_id, site.region
        prefix = name_prefix(site.name)
        self.keys = KeyRing(self, "keys", KeyRingProps(name=prefix, account_id=account, deletion_window_days=site.kms_key_deletion_window_days))
        self.keys.logs.grant_to_service(
            f"logs.{region}.amazonaws.com",
            sid="CloudWatchLogsEncryptsThisAccountsLogGroups",
            conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account}:log-group:*"}},
        )
        grant_node_volume_key(self.keys.data, account)
        topic = AlarmTopic(
            self,
            "alarm_topic",
            AlarmTopicProps(
                name=resource_name(site.name, "alarms"),
                kms_key_arn=self.keys.arn("audit"),
                account_id=account,
                rds_event_source_arns=event_source_arns(database_identifier(prefix), region, account),
            ),
        )
        self.alarm_topic_arn: str = topic.topic_arn


class DrNetworkStack(NetworkStack):
    """The DR VPC (dr.vpc_cidr on dr.azs), disjoint from every other VPC so it can peer."""

    layer = "dr-network"


class DrClusterStack(ClusterStack):
    """The DR cluster: the primary's version, add-ons, access and node groups, each group at
    dr.standby_nodes until `make failover` scales it (and dr.promoted keeps it there)."""

    layer = "dr-cluster"


class DrPlatformStack(PlatformStack):
    """The primary's platform on the DR cluster, from the DR site's data: its region, VPC,
    IRSA roles and Secrets Manager replicas (stacks/compose.py). Runs at standby size."""

    layer = "dr-platform"


class DrPlatformConfigStack(PlatformConfigStack):
    """The custom resources of the DR platform's components (after `dr-platform`'s CRDs)."""

    layer = "dr-platform-config"
