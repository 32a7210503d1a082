"""CloudWatch exporter group (the `observability` stack): YACE (prometheus-community's
yet-another-cloudwatch-exporter) turns the data layer's and the edge's CloudWatch metrics into
Prometheus series, so alert rules and dashboards read them like any other metric.

YACE over prometheus/cloudwatch_exporter: it discovers resources by tag (no resource list to
keep in step with the data layer) and reads metrics in batches with GetMetricData (far fewer
paid API calls). Its role (observability-aws) only reads. Series are named
aws_<service>_<metric in snake case>_<statistic>, e.g. aws_rds_database_connections_average:
the names constructs/metric_sources.py lists for "cloudwatch-exporter".
"""
from __future__ import annotations

import re
from typing import Any

import yaml

from constructs.addon_contract import Component, ComponentContext, ServiceAccount
from constructs.controller_values import IRSA_ANNOTATION, restricted_pod
from constructs.monitoring import MONITORING

CHART = ("prometheus-yet-another-cloudwatch-exporter", "https://prometheus-community.github.io/helm-charts", "0.47.0")
# The chart's appVersion at that chart version; written out so no image floats.
IMAGE_TAG = "v0.67.0"
SERVICE_ACCOUNT = "cloudwatch-exporter"
PORT = 5000
# CloudWatch publishes these per minute at best; a faster scrape reads the same point again.
SCRAPE_SECONDS = 300
# CloudFront-scope web ACLs publish their metrics in us-east-1 (docs/edge.md).
WAF_REGION = "us-east-1"
# namespace -> (metric, statistics) for every series the rules and dashboards read.
METRICS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "AWS/RDS": (("DatabaseConnections", ("Average", "Maximum")), ("CPUUtilization", ("Average", "Maximum")), ("FreeableMemory", ("Average", "Maximum"))),
    "AWS/ElastiCache": (("CurrConnections", ("Average", "Maximum")), ("EngineCPUUtilization", ("Average", "Maximum"))),
    "AWS/WAFV2": (("BlockedRequests", ("Sum",)), ("AllowedRequests", ("Sum",))),
}


def exporter_config(ctx: ComponentContext) -> dict[str, Any]:
    """YACE's configuration: one discovery job per namespace, limited to this environment's
    resources by the tags every stack sets (Project, Environment)."""
    tags = [{"key": "Project", "value": "^sparki$"}, {"key": "Environment", "value": f"^{ctx.env}$"}]
    jobs = []
    for namespace, metrics in METRICS.items():
        jobs.append({
            "type": namespace,
            "regions": [WAF_REGION if namespace == "AWS/WAFV2" else ctx.region],
            "searchTags": tags,
            "metrics": [{"name": name, "statistics": list(stats), "period": 60, "length": SCRAPE_SECONDS} for name, stats in metrics],
        })
    return {"apiVersion": "v1alpha1", "sts-region": ctx.region, "discovery": {"jobs": jobs}}


def series(config: dict[str, Any]) -> frozenset[str]:
    """The series names YACE exports for `config`: aws_<namespace alias>_<metric in snake
    case>_<statistic>, a new word only where a lower-case letter or digit meets a capital (its
    README's examples: aws_ec2_cpuutilization_maximum, aws_rds_database_connections_average)."""

    def snake(name: str) -> str:
        return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()

    names = set()
    for job in config["discovery"]["jobs"]:
        alias = job["type"].split("/", 1)[1].lower()
        for metric in job["metrics"]:
            names |= {f"aws_{alias}_{snake(metric['name'])}_{stat.lower()}" for stat in metric["statistics"]}
    return frozenset(names)


def components(ctx: ComponentContext) -> tuple[Component, ...]:
    name, repository, version = CHART
    values = {
        "fullnameOverride": SERVICE_ACCOUNT,
        "image": {"tag": IMAGE_TAG},
        "serviceAccount": {"create": True, "name": SERVICE_ACCOUNT, "annotations": {IRSA_ANNOTATION: ctx.role_arns["cloudwatch-exporter"]}},
        "config": yaml.safe_dump(exporter_config(ctx), sort_keys=False),
        "extraArgs": {"scraping-interval": SCRAPE_SECONDS},
        "serviceMonitor": {"enabled": True, "interval": f"{SCRAPE_SECONDS}s", "timeout": "60s"},
        # `helm test` only: Terraform never runs it, and the Pod would sit in the namespace.
        "testConnection": False,
        **restricted_pod(ctx, ("50m", "64Mi", "256Mi"), keys=("podSecurityContext", "securityContext"), pod={"runAsUser": 65534}),
    }
    return (
        Component(
            name="cloudwatch-exporter",
            chart=name,
            repository=repository,
            version=version,
            namespace=MONITORING,
            owns_namespace=False,
            values=values,
            service_accounts=(ServiceAccount(SERVICE_ACCOUNT, role="cloudwatch-exporter"),),
            depends_on=("kube-prometheus-stack",),
        ),
    )

