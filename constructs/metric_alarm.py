"""A CloudWatch alarm on one metric that reports to a topic both when it fires and when it clears."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm

from constructs import Construct

COMPARISONS = {
    ">": "GreaterThanThreshold",
    ">=": "GreaterThanOrEqualToThreshold",
    "<": "LessThanThreshold",
    "<=": "LessThanOrEqualToThreshold",
}
STATISTICS = ("Average", "Minimum", "Maximum", "Sum", "SampleCount")
MISSING_DATA = ("missing", "ignore", "breaching", "notBreaching")


@dataclass(frozen=True)
class MetricAlarmProps:
    """One threshold on one metric.

    name: the Terraform-visible alarm name, e.g. "sparki-dev-postgres-cpu".
    comparison: one of ">", ">=", "<", "<=" against threshold.
    periods: consecutive periods of period_seconds that must breach; default 3 x 300 s, so a
        single spike does not page anyone.
    missing_data: what a gap means; default "missing" (keep the state). Use "notBreaching" for
        metrics only some members publish (replication lag on the primary).
    """

    name: str
    description: str
    namespace: str
    metric: str
    dimensions: Mapping[str, str]
    statistic: str
    comparison: str
    threshold: float
    topic_arn: str
    periods: int = 3
    period_seconds: int = 300
    missing_data: str = "missing"
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.comparison not in COMPARISONS:
            raise ValueError(f"comparison={self.comparison!r}: use one of {', '.join(COMPARISONS)}")
        if self.statistic not in STATISTICS:
            raise ValueError(f"statistic={self.statistic!r}: use one of {', '.join(STATISTICS)}")
        if self.missing_data not in MISSING_DATA:
            raise ValueError(f"missing_data={self.missing_data!r}: use one of {', '.join(MISSING_DATA)}")
        if self.periods < 1 or self.period_seconds < 60 or self.period_seconds % 60:
            raise ValueError(f"periods={self.periods}, period_seconds={self.period_seconds}: need >= 1 period of a multiple of 60 s")


class MetricAlarm(Construct):
    """An enabled alarm whose ALARM and OK transitions both reach the topic."""

    def __init__(self, scope: Construct, id: str, props: MetricAlarmProps) -> None:
        super().__init__(scope, id)
        alarm = CloudwatchMetricAlarm(
            self,
            "alarm",
            alarm_name=props.name,
            alarm_description=props.description,
            namespace=props.namespace,
            metric_name=props.metric,
            dimensions=dict(props.dimensions),
            statistic=props.statistic,
            comparison_operator=COMPARISONS[props.comparison],
            threshold=props.threshold,
            evaluation_periods=props.periods,
            datapoints_to_alarm=props.periods,
            period=props.period_seconds,
            treat_missing_data=props.missing_data,
            actions_enabled=True,
            alarm_actions=[props.topic_arn],
            # Operators learn that it cleared without looking.
            ok_actions=[props.topic_arn],
            tags={"Name": props.name, **dict(props.tags)},
        )
        self.alarm_arn: str = alarm.arn
        self.alarm_name: str = props.name
