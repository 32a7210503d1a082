"""GuardDuty for the account, with EKS audit log monitoring; serious findings go to a topic."""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktf_cdktf_provider_aws.cloudwatch_event_target import CloudwatchEventTarget
from cdktf_cdktf_provider_aws.guardduty_detector import GuarddutyDetector
from cdktf_cdktf_provider_aws.guardduty_detector_feature import GuarddutyDetectorFeature

from constructs import Construct

FEATURES = ("EKS_AUDIT_LOGS", "S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS")
FREQUENCIES = ("FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS")


def findings_rule_arn(name: str, region: str, account_id: str) -> str:
    return f"arn:aws:events:{region}:{account_id}:rule/{name}-guardduty-findings"


@dataclass(frozen=True)
class ThreatDetectionProps:
    """Settings for GuardDuty.

    name: prefix of names, e.g. "sparki-prod".
    features: protection plans from FEATURES; EKS_AUDIT_LOGS is required.
    topic_arn: topic that receives findings of min_severity and above; the topic's policy
        must let EventBridge publish from findings_rule_arn(...).
    min_severity: 1..8.9; default 7 (GuardDuty's "high").
    publishing_frequency: how often updated findings are re-published; default "FIFTEEN_MINUTES".
    """

    name: str
    features: Sequence[str]
    topic_arn: str
    min_severity: float = 7
    publishing_frequency: str = "FIFTEEN_MINUTES"

    def __post_init__(self) -> None:
        unknown = sorted(set(self.features) - set(FEATURES))
        if unknown:
            raise ValueError(f"features: unknown {unknown}; choose from {FEATURES}")
        if "EKS_AUDIT_LOGS" not in self.features:
            raise ValueError("features: EKS_AUDIT_LOGS is required; the cluster's audit log is what GuardDuty watches")
        if not 1 <= self.min_severity <= 8.9:
            raise ValueError(f"min_severity={self.min_severity}: GuardDuty severities run from 1 to 8.9")
        if self.publishing_frequency not in FREQUENCIES:
            raise ValueError(f"publishing_frequency={self.publishing_frequency!r}: use one of {', '.join(FREQUENCIES)}")


class ThreatDetection(Construct):
    """A GuardDuty detector with the given protection plans; findings of min_severity and
    above are published to the topic by an EventBridge rule. detector_id is exported."""

    def __init__(self, scope: Construct, id: str, props: ThreatDetectionProps) -> None:
        super().__init__(scope, id)
        detector = GuarddutyDetector(
            self,
            "detector",
            enable=True,
            finding_publishing_frequency=props.publishing_frequency,
            tags={"Name": f"{props.name}-guardduty"},
        )
        for feature in props.features:
            GuarddutyDetectorFeature(self, feature.lower(), detector_id=detector.id, name=feature, status="ENABLED")
        rule = CloudwatchEventRule(
            self,
            "findings_rule",
            name=f"{props.name}-guardduty-findings",
            description=f"GuardDuty findings of severity {props.min_severity} and above",
            event_pattern=json.dumps(
                {
                    "source": ["aws.guardduty"],
                    "detail-type": ["GuardDuty Finding"],
                    "detail": {"severity": [{"numeric": [">=", props.min_severity]}]},
                }
            ),
            tags={"Name": f"{props.name}-guardduty-findings"},
        )
        CloudwatchEventTarget(self, "findings_to_topic", rule=rule.name, arn=props.topic_arn, target_id="alarm-topic")
        self.detector_id: str = detector.id
        self.findings_rule_arn: str = rule.arn
