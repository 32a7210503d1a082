"""Metrics and alerting group (the `observability` stack): kube-prometheus-stack (Prometheus
Operator, Prometheus, Alertmanager, kube-state-metrics, Grafana; its CRDs come from the
platform's prometheus-operator-crds release) in the `restricted` namespace `monitoring`, and
node-exporter in a namespace of its own, the only one of this layer that is `privileged`.

Alertmanager's receivers and Grafana's admin arrive as ExternalSecrets from Secrets Manager
(the observability-aws stack's secrets), never through Terraform.
"""
from __future__ import annotations

from typing import Any

from catalog.naming import secret_name
from constructs import grafana_datasources as ds
from constructs import prometheus_values as v
from constructs import telemetry_values as tv
from constructs.addon_contract import Component, ComponentContext, NetworkAllow, ServiceAccount
from constructs.alertmanager_config import Team, render, secret_keys
from constructs.components_prometheus_crds import OPERATOR_VERSION
from constructs.components_secrets import store_secret
from constructs.controller_values import aws_api_egress, resources, webhook_ingress
from constructs.monitoring import MONITORING, RULES_LABEL

REPOSITORY = "https://prometheus-community.github.io/helm-charts"
KUBE_PROMETHEUS_STACK = ("kube-prometheus-stack", REPOSITORY, "88.5.3")
NODE_EXPORTER = ("prometheus-node-exporter", REPOSITORY, "4.56.1")
# kube-prometheus-stack 88.5.3's appVersion: the CRDs the platform installs must be this one's.
KPS_OPERATOR_VERSION = "v0.93.1"
NODE_EXPORTER_NAMESPACE = "node-exporter"
NODE_EXPORTER_PORT = 9100
KUBELET_PORT = 10250
RECEIVERS_SECRET = "alertmanager-receivers"
GRAFANA_ADMIN_SECRET = "grafana-admin"
# The observability-aws stack's secret names (catalog.naming.secret_name of these).
RECEIVERS_SECRET_NAME = "observability/alertmanager-receivers"
GRAFANA_ADMIN_SECRET_NAME = "observability/grafana-admin"

if OPERATOR_VERSION != KPS_OPERATOR_VERSION:
    raise RuntimeError(f"prometheus-operator-crds carries {OPERATOR_VERSION}, kube-prometheus-stack runs {KPS_OPERATOR_VERSION}; pin matching charts")


def teams(ctx: ComponentContext) -> tuple[Team, ...]:
    return tuple(Team(t.name, t.slack_channel) for t in ctx.observability.teams)


def alertmanager_config(ctx: ComponentContext) -> dict[str, Any]:
    o = ctx.observability
    return render(teams(ctx), default_team=o.default_team, page_critical=o.page_critical, heartbeat_url=o.heartbeat_url, secret=RECEIVERS_SECRET)


def data_source_urls() -> dict[str, str]:
    """uid -> in-cluster URL of every data source Grafana provisions (the dashboards' uids)."""
    return {
        ds.PROMETHEUS: f"http://{v.PROMETHEUS_SERVICE}.{MONITORING}.svc:{v.PROMETHEUS_PORT}",
        ds.ALERTMANAGER: f"http://{v.ALERTMANAGER_SERVICE}.{MONITORING}.svc:{v.ALERTMANAGER_PORT}",
        ds.LOKI: tv.LOKI_URL,
        ds.JAEGER: tv.JAEGER_URL,
        ds.ELASTICSEARCH_LOGS: tv.ES_URL,
        ds.ELASTICSEARCH_TRACES: tv.ES_URL,
    }


def _default_rules() -> dict[str, Any]:
    return {
        "create": True,
        # Selected by label like every other rule (Prometheus' ruleSelector), not by release.
        "labels": dict(RULES_LABEL),
        "rules": {**{group: False for group in v.EKS_MANAGED_RULES}, "kubeProxy": False},
    }


def values(ctx: ComponentContext) -> dict[str, Any]:
    values: dict[str, Any] = {
        "fullnameOverride": v.FULLNAME,
        "crds": {"enabled": False},
        "defaultRules": _default_rules(),
        "prometheus": v.prometheus(ctx),
        "alertmanager": v.alertmanager(ctx, alertmanager_config(ctx), RECEIVERS_SECRET),
        "prometheusOperator": v.operator(ctx),
        "kube-state-metrics": v.kube_state_metrics(ctx),
        # Its own release in its own (privileged) namespace: components_prometheus.node_exporter.
        "nodeExporter": {"enabled": False},
        "grafana": v.grafana(ctx, GRAFANA_ADMIN_SECRET, ds.provisioning(ctx.region, data_source_urls()), ctx.role_arns["grafana"]),
        "windowsMonitoring": {"enabled": False},
    }
    for target in v.EKS_MANAGED_TARGETS:
        values[target] = {"enabled": False}
    return values


def _within(name: str, why: str, ports: tuple[int, ...], protocol: str = "TCP") -> tuple[NetworkAllow, ...]:
    """Traffic between the namespace's own pods, both ends (default deny holds each way)."""
    return (
        NetworkAllow(name=f"{name}-in", why=why, direction="ingress", ports=ports, protocol=protocol, namespaces=(MONITORING,)),
        NetworkAllow(name=f"{name}-out", why=why, direction="egress", ports=ports, protocol=protocol, namespaces=(MONITORING,)),
    )


def network_allows(ctx: ComponentContext) -> tuple[NetworkAllow, ...]:
    return (
        *_within("monitoring-tcp", "Prometheus scrapes and alerts the stack's own pods, Grafana queries Prometheus and Alertmanager, Alertmanager replicas gossip", v.INTERNAL_PORTS),
        *_within("alertmanager-gossip-udp", "Alertmanager replicas gossip notification state over UDP too, so each alert is sent once", (v.ALERTMANAGER_MESH_PORT,), "UDP"),
        webhook_ingress(ctx, "prometheus-operator", v.OPERATOR_PORT, {"app": "kube-prometheus-stack-operator"}),
        NetworkAllow(
            name="scrape-nodes", direction="egress", ports=(KUBELET_PORT, NODE_EXPORTER_PORT), cidrs=(ctx.vpc_cidr,),
            why="Prometheus scrapes the kubelets (cAdvisor, probes) and node-exporter, which listen on the nodes' VPC addresses",
        ),
        NetworkAllow(
            name="scrape-applications", direction="egress", ports=(ctx.platform.metrics_port,), namespaces=tuple(ctx.platform.app_namespaces),
            why="Prometheus scrapes application metrics; the application namespaces admit exactly this from monitoring",
        ),
        NetworkAllow(
            name="grafana-loki", direction="egress", ports=(tv.LOKI_GATEWAY_PORT,), namespaces=(tv.LOKI_NAMESPACE,),
            pod_labels={"app.kubernetes.io/name": "grafana"}, why="Grafana's Loki data source queries through Loki's gateway",
        ),
        NetworkAllow(
            name="grafana-search", direction="egress", ports=(tv.ES_HTTP_PORT, tv.JAEGER_QUERY_PORT), namespaces=(tv.SEARCH_NAMESPACE,),
            pod_labels={"app.kubernetes.io/name": "grafana"}, why="Grafana's Elasticsearch and Jaeger data sources query the search namespace",
        ),
        aws_api_egress("https", "Alertmanager sends to Slack, PagerDuty and the heartbeat; Grafana and the CloudWatch exporter read CloudWatch with STS credentials (all HTTPS, addresses not fixed)"),
    )


def kube_prometheus_stack(ctx: ComponentContext) -> Component:
    name, repository, version = KUBE_PROMETHEUS_STACK
    return Component(
        name=name,
        chart=name,
        repository=repository,
        version=version,
        namespace=MONITORING,
        values=values(ctx),
        service_accounts=(ServiceAccount(v.GRAFANA_SERVICE_ACCOUNT, role="grafana"),),
        depends_on=("prometheus-operator-crds", "external-secrets"),
        network_allows=network_allows(ctx),
    )


def node_exporter(ctx: ComponentContext) -> Component:
    name, repository, version = NODE_EXPORTER
    values = {
        "fullnameOverride": "node-exporter",
        # The label the chart's default node rules and dashboards read as job="node-exporter".
        "podLabels": {"jobLabel": "node-exporter"},
        "service": {"labels": {"jobLabel": "node-exporter"}},
        "prometheus": {"monitor": {"enabled": True, "jobLabel": "jobLabel"}},
        "extraArgs": [
            "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/containerd/.+|var/lib/docker/.+|var/lib/kubelet/.+)($|/)",
            "--collector.filesystem.fs-types-exclude=^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs|erofs)$",
        ],
        "image": {"distroless": True},
        "resources": resources("20m", "32Mi", "128Mi"),
        # Every node, whatever its taints: a node without metrics is a node nobody watches.
        "tolerations": [{"operator": "Exists"}],
    }
    return Component(
        name="node-exporter",
        chart=name,
        repository=repository,
        version=version,
        namespace=NODE_EXPORTER_NAMESPACE,
        values=values,
        service_accounts=(ServiceAccount("node-exporter"),),
        depends_on=("prometheus-operator-crds",),
        pod_security="privileged",
        pod_security_reason=(
            "node-exporter reads the host's /proc, /sys and root filesystem through hostPath mounts and runs in the host's "
            "network and PID namespaces, which baseline forbids; it has a namespace of its own so monitoring stays restricted"
        ),
        # Host-network pods are outside NetworkPolicy; the allows below cover its Service only.
        network_allows=(
            NetworkAllow(name="scrape", direction="ingress", ports=(NODE_EXPORTER_PORT,), namespaces=(MONITORING,), why="Prometheus scrapes node metrics"),
        ),
    )


def _external_secret(name: str, remote: str, keys: tuple[str, ...], ctx: ComponentContext) -> dict[str, Any]:
    return store_secret(name, MONITORING, [{"secretKey": key, "remoteRef": {"key": secret_name(ctx.env, remote), "property": key}} for key in keys])


def custom_resources(ctx: ComponentContext) -> tuple[dict[str, Any], ...]:
    o = ctx.observability
    return (
        _external_secret(RECEIVERS_SECRET, RECEIVERS_SECRET_NAME, secret_keys(teams(ctx), o.page_critical), ctx),
        _external_secret(GRAFANA_ADMIN_SECRET, GRAFANA_ADMIN_SECRET_NAME, ("admin-user", "admin-password"), ctx),
    )


def components(ctx: ComponentContext) -> tuple[Component, ...]:
    return (kube_prometheus_stack(ctx), node_exporter(ctx))
