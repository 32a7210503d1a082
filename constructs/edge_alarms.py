"""Alarms on the edge: a spike of requests a web ACL blocks, and CloudFront's 5xx error rate."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktf import TerraformProvider, TerraformResource

from constructs import Construct
from constructs.metric_alarm import MetricAlarm, MetricAlarmProps

NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


@dataclass(frozen=True)
class EdgeAlarmsProps:
    """What to watch, and where alarms go.

    name: alarm name prefix, e.g. "sparki-dev-api"; alarms are "<name>-waf-blocked" and
        "<name>-cdn-5xx".
    topic_arn: receives ALARM and OK; an SNS topic in the alarms' region.
    web_acl_name: the ACL whose BlockedRequests (all rules) are watched.
    web_acl_region: the regional ACL's region, e.g. "eu-west-1"; None for a CLOUDFRONT-scope
        ACL, whose metrics have no Region dimension and live in us-east-1.
    blocked_per_5_minutes: blocked requests in 5 minutes that count as a spike; default 1000.
    distribution_id: also alarm on this distribution's 5xxErrorRate; default None: no 5xx alarm.
    error_rate_percent: 5xx share of requests that alarms, in 5-minute periods; default 5.
    tags: extra tags; default none.
    """

    name: str
    topic_arn: str
    web_acl_name: str
    web_acl_region: str | None = None
    blocked_per_5_minutes: int = 1000
    distribution_id: str | None = None
    error_rate_percent: float = 5.0
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not NAME.match(self.name):
            raise ValueError(f"name={self.name!r}: 1-128 letters, digits, '_' or '-'")
        if self.blocked_per_5_minutes < 1:
            raise ValueError(f"blocked_per_5_minutes={self.blocked_per_5_minutes}: must be at least 1")
        if not 0 < self.error_rate_percent <= 100:
            raise ValueError(f"error_rate_percent={self.error_rate_percent}: must be in (0, 100]")
        if self.web_acl_region is not None and self.distribution_id is not None:
            raise ValueError("distribution_id: CloudFront metrics live in us-east-1 with CLOUDFRONT-scope ACLs; leave web_acl_region None")


class EdgeAlarms(Construct):
    """A blocked-request spike alarm on a web ACL and, given a distribution, a 5xx-rate alarm.

    provider: where the alarms are created; default the stack's. Alarms must be in the
    metrics' region, so CloudFront and CLOUDFRONT-scope ACL alarms need a us-east-1 provider.
    alarm_arns: {"waf-blocked": arn, "cdn-5xx": arn (with a distribution)}.
    """

    def __init__(self, scope: Construct, id: str, props: EdgeAlarmsProps, provider: TerraformProvider | None = None) -> None:
        super().__init__(scope, id)
        dimensions = {"WebACL": props.web_acl_name, "Rule": "ALL"}
        if props.web_acl_region:
            dimensions["Region"] = props.web_acl_region
        alarms = {
            "waf-blocked": MetricAlarmProps(
                name=f"{props.name}-waf-blocked",
                description=f"{props.web_acl_name} blocked more than {props.blocked_per_5_minutes} requests in 5 minutes: an attack, or a rule blocking real users",
                namespace="AWS/WAFV2", metric="BlockedRequests", dimensions=dimensions, statistic="Sum",
                comparison=">", threshold=props.blocked_per_5_minutes, topic_arn=props.topic_arn,
                # One period: a spike is the signal; "notBreaching" because WAF publishes nothing
                # while nothing is blocked.
                periods=1, missing_data="notBreaching", tags=props.tags,
            )
        }
        if props.distribution_id is not None:
            alarms["cdn-5xx"] = MetricAlarmProps(
                name=f"{props.name}-cdn-5xx",
                description=f"More than {props.error_rate_percent}% of CloudFront responses were 5xx for 15 minutes",
                namespace="AWS/CloudFront", metric="5xxErrorRate",
                dimensions={"DistributionId": props.distribution_id, "Region": "Global"}, statistic="Average",
                comparison=">", threshold=props.error_rate_percent, topic_arn=props.topic_arn,
                missing_data="notBreaching", tags=props.tags,
            )
        self.alarm_arns: dict[str, str] = {}
        for key, alarm_props in alarms.items():
            alarm = MetricAlarm(self, key, alarm_props)
            if provider is not None:
                # MetricAlarm takes no provider yet; the alarm resource accepts one after creation.
                resource = alarm.node.find_child("alarm")
                assert isinstance(resource, TerraformResource)
                resource.provider = provider
            self.alarm_arns[key] = alarm.alarm_arn
