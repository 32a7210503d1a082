"""IRSA roles of the observability components: one per service account, each read-only where
the component only reads (Grafana's CloudWatch data source, the CloudWatch exporter)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from constructs import Construct
from constructs.irsa_role import IrsaRole, IrsaRoleProps
from constructs.monitoring import MONITORING

# role key -> (namespace, service account), as platform_roles.SERVICE_ACCOUNTS: the observability
# components install with exactly this service account and the role trusts nothing else. The
# keys are the service-account names, so the stack's role_arns read either way.
OBSERVABILITY_SERVICE_ACCOUNTS: dict[str, tuple[str, str]] = {
    "grafana": (MONITORING, "grafana"),
    "cloudwatch-exporter": (MONITORING, "cloudwatch-exporter"),
}


def _allow(actions: Sequence[str], resources: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": list(actions), "Resource": resources}


def grafana_cloudwatch(region: str, account_id: str, log_groups: Sequence[str]) -> list[dict[str, Any]]:
    """Grafana's CloudWatch data source, read-only (the permissions Grafana's documentation
    lists for metrics, alarms, Logs Insights queries and resource discovery). CloudWatch metric
    reads, tag and EC2 lookups, listing log groups and stopping a query cannot be scoped to a
    resource (the Service Authorization Reference lists no resource type for them); alarms and
    insight rules are scoped to this account's in the region, and Logs Insights queries and
    their results to exactly `log_groups` (catalog.naming.grafana_log_groups: the ones the
    dashboards query, the database's PostgreSQL log among them)."""
    if not log_groups:
        raise ValueError("log_groups: name the log groups the dashboards query; an empty list would leave StartQuery unscoped")
    # A log group's ARN as IAM matches it: bare, and with the ":*" DescribeLogGroups returns,
    # which also covers its streams (GetLogEvents).
    groups = [f"arn:aws:logs:{region}:{account_id}:log-group:{name}{tail}" for name in log_groups for tail in ("", ":*")]
    return [
        _allow(
            ["cloudwatch:DescribeAlarmsForMetric", "cloudwatch:ListMetrics", "cloudwatch:GetMetricData",
             "ec2:DescribeTags", "ec2:DescribeInstances", "ec2:DescribeRegions", "tag:GetResources",
             "logs:DescribeLogGroups", "logs:StopQuery"],
            "*",
        ),
        # Alarms and Contributor Insights rules can be named by ARN: this account and region only.
        _allow(
            ["cloudwatch:DescribeAlarmHistory", "cloudwatch:DescribeAlarms"],
            f"arn:aws:cloudwatch:{region}:{account_id}:alarm:*",
        ),
        _allow(["cloudwatch:GetInsightRuleReport"], f"arn:aws:cloudwatch:{region}:{account_id}:insight-rule/*"),
        _allow(["logs:GetLogGroupFields", "logs:StartQuery", "logs:GetQueryResults", "logs:GetLogEvents"], groups),
    ]


def cloudwatch_exporter() -> list[dict[str, Any]]:
    """YACE's discovery jobs: find resources by tag, then read their metrics in batches
    (GetMetricData). Nothing it calls can be scoped to a resource; nothing it calls writes."""
    return [_allow(["tag:GetResources", "cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics"], "*")]


@dataclass(frozen=True)
class ObservabilityRolesProps:
    """name_prefix: role names are <name_prefix>-<role key>, e.g. "sparki-dev-obs".
    oidc_provider_arn / oidc_issuer_host: the cluster's IRSA identity provider.
    statements: role key -> its policy statements; every key must be in
        OBSERVABILITY_SERVICE_ACCOUNTS (default: none; the stack passes what it builds).
    """

    name_prefix: str
    oidc_provider_arn: str
    oidc_issuer_host: str
    statements: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.statements) - set(OBSERVABILITY_SERVICE_ACCOUNTS))
        if unknown:
            raise ValueError(f"statements: {unknown} are not in OBSERVABILITY_SERVICE_ACCOUNTS; add the service account there")


class ObservabilityRoles(Construct):
    """One IRSA role per entry of props.statements; role_arns[key] is exported."""

    def __init__(self, scope: Construct, id: str, props: ObservabilityRolesProps) -> None:
        super().__init__(scope, id)
        self.roles: dict[str, IrsaRole] = {}
        for key, statements in props.statements.items():
            namespace, service_account = OBSERVABILITY_SERVICE_ACCOUNTS[key]
            self.roles[key] = IrsaRole(
                self,
                key.replace("-", "_"),
                IrsaRoleProps(
                    name=f"{props.name_prefix}-{key}",
                    namespace=namespace,
                    service_account=service_account,
                    oidc_provider_arn=props.oidc_provider_arn,
                    oidc_issuer_host=props.oidc_issuer_host,
                    statements=tuple(statements),
                ),
            )
        self.role_arns: dict[str, str] = {key: role.role_arn for key, role in self.roles.items()}
