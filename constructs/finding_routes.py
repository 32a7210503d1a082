"""EventBridge rules that carry security findings and data-store events to the alarm topic, one
rule per service.

Every rule is named catalog.naming.finding_rule_name(): "<name>-<source>-findings" (security
services) or "<name>-<source>-events" (ElastiCache), so a stack can name its ARN in the topic's
policy (AlarmTopicProps.event_rule_arns) before the rule exists: finding_rule_arn().
GuardDuty's rule lives with its detector (constructs/threat_detection.py) and is built by the
same route_findings(); Security Hub's and Config's rules are FindingRoutes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktf_cdktf_provider_aws.cloudwatch_event_target import CloudwatchEventTarget

from catalog.aws import FINDING_SEVERITIES, severities_from
from catalog.naming import finding_rule_name
from constructs import Construct

# Security Hub re-publishes what GuardDuty and Config find; those have their own rules, so
# the Security Hub rule leaves them out instead of sending each finding twice.
ROUTED_ELSEWHERE = ("GuardDuty", "Config")


def finding_rule_arn(name: str, source: str, region: str, account_id: str) -> str:
    return f"arn:aws:events:{region}:{account_id}:rule/{finding_rule_name(name, source)}"


def guardduty_pattern(min_severity: float) -> dict[str, Any]:
    return {"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"], "detail": {"severity": [{"numeric": [">=", min_severity]}]}}


def security_hub_pattern(threshold: str) -> dict[str, Any]:
    """New, active findings of `threshold` and above. A finding is re-imported on every update;
    setting its workflow status (NOTIFIED, SUPPRESSED, RESOLVED) is what stops the repeats."""
    return {
        "source": ["aws.securityhub"],
        "detail-type": ["Security Hub Findings - Imported"],
        "detail": {
            "findings": {
                "Severity": {"Label": list(severities_from(threshold))},
                "Workflow": {"Status": ["NEW"]},
                "RecordState": ["ACTIVE"],
                "ProductName": [{"anything-but": list(ROUTED_ELSEWHERE)}],
            }
        },
    }


def config_pattern() -> dict[str, Any]:
    """A Config rule's evaluation of a resource turning NON_COMPLIANT (Config has no severity)."""
    return {
        "source": ["aws.config"],
        "detail-type": ["Config Rules Compliance Change"],
        "detail": {"messageType": ["ComplianceChangeNotification"], "newEvaluationResult": {"complianceType": ["NON_COMPLIANT"]}},
    }


# ElastiCache's own notification topic cannot be encrypted (docs/data.md), so its events come
# through EventBridge instead: every event ElastiCache sends there except the routine successes
# (a cache or a daily snapshot created). "Cache Updated" covers failovers and maintenance.
ELASTICACHE_EVENTS = (
    "Cache Creation Failed",
    "Cache Deleted",
    "Cache Update Failed",
    "Cache Updated",
    "Cache Limit Approaching",
    "Snapshot Creation Failed",
    "Snapshot Export Failed",
    "Snapshot Copy Failed",
)


def elasticache_pattern() -> dict[str, Any]:
    """The ElastiCache events of this account and Region (EventBridge reference, "Amazon
    ElastiCache events": sent directly, best effort)."""
    return {"source": ["aws.elasticache"], "detail-type": list(ELASTICACHE_EVENTS)}


def route_findings(scope: Construct, id_prefix: str, name: str, source: str, description: str, pattern: dict[str, Any], topic_arn: str) -> CloudwatchEventRule:
    """The rule "<name>-<source>-findings" with the topic as its only target; logical ids
    "<id_prefix>rule" and "<id_prefix>to_topic"."""
    rule_name = finding_rule_name(name, source)
    rule = CloudwatchEventRule(scope, f"{id_prefix}rule", name=rule_name, description=description, event_pattern=json.dumps(pattern), tags={"Name": rule_name})
    CloudwatchEventTarget(scope, f"{id_prefix}to_topic", rule=rule.name, arn=topic_arn, target_id="alarm-topic")
    return rule


@dataclass(frozen=True)
class FindingRoutesProps:
    """Settings for the Security Hub and Config finding rules and the ElastiCache event rule.

    name: prefix of names, e.g. "sparki-prod".
    topic_arn: the alarm topic; its policy must admit finding_rule_arn(name, source, ...) for
        each source routed.
    threshold: lowest Security Hub severity label sent, from catalog.aws.FINDING_SEVERITIES;
        default "HIGH". Config changes have no severity: every NON_COMPLIANT change is sent.
    security_hub: route Security Hub findings; default True.
    config: route Config compliance changes; default True.
    cache_events: route ElastiCache events (elasticache_pattern()); default True.
    """

    name: str
    topic_arn: str
    threshold: str = "HIGH"
    security_hub: bool = True
    config: bool = True
    cache_events: bool = True

    def __post_init__(self) -> None:
        if self.threshold not in FINDING_SEVERITIES:
            raise ValueError(f"threshold={self.threshold!r}: use one of {', '.join(FINDING_SEVERITIES)}")
        if not (self.security_hub or self.config or self.cache_events):
            raise ValueError("security_hub, config and cache_events are all False: there is nothing to route; leave FindingRoutes out instead")


class FindingRoutes(Construct):
    """Security Hub findings of the threshold and above, Config rules turning NON_COMPLIANT and
    ElastiCache events, published to the alarm topic. rule_arns is exported."""

    def __init__(self, scope: Construct, id: str, props: FindingRoutesProps) -> None:
        super().__init__(scope, id)
        self.rule_arns: list[str] = []
        if props.security_hub:
            rule = route_findings(
                self, "securityhub_", props.name, "securityhub",
                f"New Security Hub findings of severity {props.threshold} and above (GuardDuty and Config have their own rules)",
                security_hub_pattern(props.threshold), props.topic_arn,
            )
            self.rule_arns.append(rule.arn)
        if props.config:
            rule = route_findings(self, "config_", props.name, "config", "AWS Config rule evaluations turning NON_COMPLIANT", config_pattern(), props.topic_arn)
            self.rule_arns.append(rule.arn)
        if props.cache_events:
            rule = route_findings(self, "elasticache_", props.name, "elasticache", "ElastiCache failures, deletions, updates and limits", elasticache_pattern(), props.topic_arn)
            self.rule_arns.append(rule.arn)
