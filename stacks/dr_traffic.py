"""Layer `dr-traffic`: Route 53 failover of the public API name between the regions, decided by
a health check on the primary region's API, and an alarm when that check fails."""
from __future__ import annotations

from cdktf_cdktf_provider_aws.data_aws_route53_zone import DataAwsRoute53Zone
from cdktf_cdktf_provider_aws.route53_health_check import Route53HealthCheck
from cdktf_cdktf_provider_aws.route53_record import Route53Record, Route53RecordFailoverRoutingPolicy

from catalog.aws import CLOUDFRONT_REGION
from catalog.naming import regional_name, resource_name
from constructs import Construct
from constructs.alarm_topic import AlarmTopic, AlarmTopicProps
from constructs.kms_key import EncryptionKey, EncryptionKeyProps
from constructs.metric_alarm import MetricAlarm, MetricAlarmProps
from environments.schema import Environment
from stacks.base import SparkiStack, place_in
from stacks.run_settings import RunSettings

# The API's health endpoint each region's ingress serves (docs/disaster-recovery.md).
HEALTH_PATH = "/healthz"
RECORD_TTL = 60
# Route 53 publishes health-check metrics in us-east-1 only, the region CloudFront's are in.
METRICS_REGION = CLOUDFRONT_REGION


class DrTrafficStack(SparkiStack):
    """The public API name (edge.api_domain) as a failover pair: PRIMARY answers with the
    primary region's name while its health check passes, SECONDARY with the DR region's.
    Each region's ingress publishes its regional name (catalog.naming.regional_name); this
    stack owns the public one. Kept in the DR site's state: DNS can move when the primary
    region is gone. Exports: health_check_id, record_names."""

    layer = "dr-traffic"

    def __init__(self, scope: Construct, env: Environment, site: Environment, run: RunSettings, *, alarm_topic_arn: str) -> None:
        super().__init__(scope, site, run)
        edge = env.edge
        zone_id = DataAwsRoute53Zone(self, "zone", name=edge.zone_name, private_zone=False).zone_id
        primary_name = regional_name(edge.api_domain, env.region)
        check = Route53HealthCheck(
            self,
            "primary_health",
            type="HTTPS",
            fqdn=primary_name,
            port=443,
            resource_path=HEALTH_PATH,
            enable_sni=True,
            request_interval=10,
            failure_threshold=3,
            tags={"Name": resource_name(env.name, "api-health")},
        )
        records = {}
        for role, name, health in (("PRIMARY", primary_name, check.id), ("SECONDARY", regional_name(edge.api_domain, site.region), None)):
            records[role] = Route53Record(
                self,
                f"api_{role.lower()}",
                zone_id=zone_id,
                name=edge.api_domain,
                type="CNAME",
                ttl=RECORD_TTL,
                records=[name],
                set_identifier=role.lower(),
                failover_routing_policy=Route53RecordFailoverRoutingPolicy(type=role),
                **({"health_check_id": health} if health else {}),
            )
        topic_arn = alarm_topic_arn if site.region == METRICS_REGION else self._metrics_region_topic(site)
        alarm = MetricAlarm(
            self,
            "primary_health_alarm",
            MetricAlarmProps(
                name=resource_name(env.name, "api-health"),
                namespace="AWS/Route53",
                metric="HealthCheckStatus",
                dimensions={"HealthCheckId": check.id},
                statistic="Minimum",
                comparison="<",
                threshold=1,
                periods=1,
                period_seconds=60,
                topic_arn=topic_arn,
                description=f"{primary_name}{HEALTH_PATH} fails from Route 53's checkers: {edge.api_domain} now answers with the DR region; decide on `make failover ENV={env.name}` (docs/runbooks/disaster-recovery.md)",
            ),
        )
        if site.region != METRICS_REGION:
            place_in(alarm, self.metrics_region)
        self.health_check_id: str = check.id
        self.record_names = {role: r.fqdn for role, r in records.items()}

    def _metrics_region_topic(self, site: Environment) -> str:
        """An encrypted topic in us-east-1, where the health check's metric and so its alarm live."""
        self.metrics_region = self._aws_provider(METRICS_REGION, "metrics")
        name = resource_name(site.name, f"traffic-{METRICS_REGION}")
        key = EncryptionKey(
            self,
            "metrics_region_key",
            EncryptionKeyProps(alias=name, description=f"{name}: the health-check alarm topic", account_id=site.account_id, deletion_window_days=site.kms_key_deletion_window_days),
        )
        key.grant_to_service(
            "cloudwatch.amazonaws.com", sid="CloudWatchPublishesAlarmsToEncryptedTopic",
            actions=("kms:Decrypt", "kms:GenerateDataKey*"), conditions={"StringEquals": {"aws:SourceAccount": site.account_id}},
        )
        topic = AlarmTopic(self, "metrics_region_alarms", AlarmTopicProps(name=f"{name}-alarms", kms_key_arn=key.key_arn, account_id=site.account_id))
        place_in(key, self.metrics_region)
        place_in(topic, self.metrics_region)
        return topic.topic_arn
