"""GuardDuty for the account, with EKS audit log and runtime monitoring; serious findings go to
a topic."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.guardduty_detector import GuarddutyDetector
from cdktf_cdktf_provider_aws.guardduty_detector_feature import (
    GuarddutyDetectorFeature,
    GuarddutyDetectorFeatureAdditionalConfiguration,
)

from catalog.aws import GUARDDUTY_FEATURES, GUARDDUTY_RUNTIME_ADDON
from constructs import Construct
from constructs.finding_routes import guardduty_pattern, route_findings

FREQUENCIES = ("FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS")


@dataclass(frozen=True)
class ThreatDetectionProps:
    """Settings for GuardDuty.

    name: prefix of names, e.g. "sparki-prod".
    features: protection plans from catalog.aws.GUARDDUTY_FEATURES; EKS_AUDIT_LOGS is required.
        RUNTIME_MONITORING comes with GuardDuty managing its security agent as an EKS add-on
        (EKS_ADDON_MANAGEMENT).
    topic_arn: topic that receives findings of min_severity and above; the topic's policy
        must let EventBridge publish from finding_rule_arn(name, "guardduty", ...).
    min_severity: 1..9 (catalog.aws.GUARDDUTY_SEVERITY_FLOOR); default 7 (GuardDuty's "high").
    publishing_frequency: how often updated findings are re-published; default "FIFTEEN_MINUTES".
    """

    name: str
    features: Sequence[str]
    topic_arn: str
    min_severity: float = 7
    publishing_frequency: str = "FIFTEEN_MINUTES"

    def __post_init__(self) -> None:
        unknown = sorted(set(self.features) - set(GUARDDUTY_FEATURES))
        if unknown:
            raise ValueError(f"features: unknown {unknown}; choose from {GUARDDUTY_FEATURES}")
        if "EKS_AUDIT_LOGS" not in self.features:
            raise ValueError("features: EKS_AUDIT_LOGS is required; the cluster's audit log is what GuardDuty watches")
        if not 1 <= self.min_severity <= 9:
            raise ValueError(f"min_severity={self.min_severity}: GuardDuty severities run from 1 to 10; the highest label (critical) starts at 9")
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
            extra = None
            if feature == "RUNTIME_MONITORING":
                # GuardDuty installs and updates the security agent add-on on every EKS cluster
                # (and creates the VPC endpoint it reports through): no agent for us to pin.
                extra = [GuarddutyDetectorFeatureAdditionalConfiguration(name=GUARDDUTY_RUNTIME_ADDON, status="ENABLED")]
            GuarddutyDetectorFeature(self, feature.lower(), detector_id=detector.id, name=feature, status="ENABLED", additional_configuration=extra)
        rule = route_findings(
            self, "findings_", props.name, "guardduty", f"GuardDuty findings of severity {props.min_severity} and above",
            guardduty_pattern(props.min_severity), props.topic_arn,
        )
        self.detector_id: str = detector.id
        self.findings_rule_arn: str = rule.arn
