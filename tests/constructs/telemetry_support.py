"""ComponentContexts for the logs, search and tracing groups: the component tests' context plus
the [observability] sub-tables they read and the observability-aws roles they annotate."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from catalog.kubernetes import JAEGER, LOKI_READ, LOKI_WRITE
from constructs.autoscaling import ScalingProps
from constructs.telemetry_values import SERVICE_ACCOUNTS
from environments.telemetry_settings import LogsSettings, SearchSettings, TracingSettings
from tests.constructs.component_support import context, role_arn


@dataclass(frozen=True)
class Observability:
    logs: LogsSettings = field(default_factory=LogsSettings)
    search: SearchSettings = field(default_factory=SearchSettings)
    tracing: TracingSettings = field(default_factory=TracingSettings)


def telemetry_context(observability: Observability, autoscaling: dict[str, ScalingProps], replicas: int = 2):
    base = context(replicas=replicas)
    roles = {**base.role_arns, **{role: role_arn(role) for role in SERVICE_ACCOUNTS}}
    return dataclasses.replace(base, role_arns=roles, observability=observability, autoscaling=autoscaling)


# staging/prod-like and dev-like.
SCALABLE = telemetry_context(
    Observability(),
    {LOKI_READ: ScalingProps(2, 4), LOKI_WRITE: ScalingProps(3, 5, scale_down_seconds=3600), JAEGER: ScalingProps(2, 4)},
)
SMALL = telemetry_context(
    Observability(
        logs=LogsSettings(mode="SingleBinary", replicas=1),
        search=SearchSettings(nodes=1, volume_gib=20, memory_gib=2),
        tracing=TracingSettings(retention_days=3),
    ),
    {JAEGER: ScalingProps(1, 2)},
    replicas=1,
)
