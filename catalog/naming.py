"""The one place that builds and parses Sparki names.

Stacks are named ``sparki-<env>-<layer>``; Terraform-visible resources ``sparki-<env>-<component>``.
Every other module calls these functions instead of writing the f-string again.
"""
from __future__ import annotations

PREFIX = "sparki"


def name_prefix(env: str) -> str:
    """What every name in one environment starts with: sparki-<env>."""
    return f"{PREFIX}-{env}"


def resource_name(env: str, component: str) -> str:
    """The Terraform-visible name of a component: sparki-<env>-<component>."""
    return f"{name_prefix(env)}-{component}"


def stack_name(env: str, layer: str) -> str:
    """The stack of one layer in one environment: sparki-<env>-<layer>."""
    return resource_name(env, layer)


def parse_stack_name(name: str) -> tuple[str, str]:
    """("dev", "network") from "sparki-dev-network"; ValueError for anything else."""
    prefix, sep, rest = name.partition("-")
    env, sep2, layer = rest.partition("-")
    if prefix != PREFIX or not sep or not sep2 or not env or not layer:
        raise ValueError(f"{name!r} is not a stack name of the form {PREFIX}-<env>-<layer>")
    return env, layer


# Blue-green node groups: two generations of every group can run side by side. Blue keeps the
# groups' plain names, so an environment that never rolled keeps the names it always had.
NODE_GENERATIONS = ("blue", "green")


def node_group_name(prefix: str, group: str, generation: str = "blue") -> str:
    """<prefix>-<group> for blue, <prefix>-<group>-green for green; prefix is name_prefix(env)."""
    if generation not in NODE_GENERATIONS:
        raise ValueError(f"generation={generation!r}; use one of {', '.join(NODE_GENERATIONS)}")
    return f"{prefix}-{group}" if generation == NODE_GENERATIONS[0] else f"{prefix}-{group}-{generation}"

# EventBridge rules that carry findings and data-store events (constructs/finding_routes.py).
FINDING_SOURCES = ("guardduty", "securityhub", "config")
EVENT_SOURCES = ("elasticache",)


def finding_rule_name(name: str, source: str) -> str:
    """"<name>-<source>-findings" (security services) or "<name>-<source>-events" (ElastiCache):
    the security layer names each rule's ARN in the alarm topic's policy before the rule exists,
    and the dashboards read each rule's CloudWatch metrics by this name."""
    if source in FINDING_SOURCES:
        return f"{name}-{source}-findings"
    if source in EVENT_SOURCES:
        return f"{name}-{source}-events"
    raise ValueError(f"source={source!r}: use one of {', '.join(FINDING_SOURCES + EVENT_SOURCES)}")


def database_identifier(name: str) -> str:
    """The instance identifier of the database named `name` (e.g. "sparki-dev-postgres")."""
    return f"{name}-postgres"


def secret_name(env: str, name: str) -> str:
    """A declared secret's Secrets Manager name: sparki-<env>/<name>, e.g. sparki-dev/app/smtp."""
    return f"{name_prefix(env)}/{name}"


def secret_arn_pattern(env: str, region: str, account_id: str) -> str:
    """Every declared secret of one environment (Secrets Manager appends a random suffix)."""
    return f"arn:aws:secretsmanager:{region}:{account_id}:secret:{secret_name(env, '*')}"


# Container Insights reads these log groups by name; each shipper writes its own: Fluent Bit
# (the log-shipper role) the first three, the CloudWatch agent (metrics-shipper) the last.
SHIPPER_LOG_GROUPS: dict[str, tuple[str, ...]] = {"log-shipper": ("application", "dataplane", "host"), "metrics-shipper": ("performance",)}


def container_insights_log_group(cluster_name: str, kind: str) -> str:
    """/aws/containerinsights/<cluster>/<kind>, the name Container Insights expects."""
    return f"/aws/containerinsights/{cluster_name}/{kind}"


def control_plane_log_group(cluster_name: str) -> str:
    """/aws/eks/<cluster>/cluster: EKS's control-plane logs, and where the VPC CNI's network
    policy agent sends its policy verdicts (it derives the name from the cluster's)."""
    return f"/aws/eks/{cluster_name}/cluster"


def rds_log_group(identifier: str, log: str) -> str:
    """/aws/rds/instance/<identifier>/<log>, where RDS exports an instance's log (e.g. postgresql)."""
    return f"/aws/rds/instance/{identifier}/{log}"


def grafana_log_groups(env: str) -> dict[str, str]:
    """The log groups the dashboards run Logs Insights queries on, by what they hold; Grafana's
    CloudWatch role may query exactly these (constructs/observability_roles.py)."""
    return {
        "postgresql": rds_log_group(database_identifier(name_prefix(env)), "postgresql"),
        "cluster": control_plane_log_group(resource_name(env, "eks")),
        "audit": f"/{resource_name(env, 'audit')}",
    }


def regional_name(domain: str, region: str) -> str:
    """The name one region's ingress publishes for a public name ("api.sparki.example" in
    us-east-1: "api.us-east-1.sparki.example"); the public name fails over between them."""
    first, _, rest = domain.partition(".")
    return f"{first}.{region}.{rest}"
