"""Logs group: Loki, storing chunks and its TSDB index in the KMS-encrypted S3 bucket of the
observability-aws stack through its IRSA role, with the compactor enforcing the environment's
retention ([observability.logs]).

Deployment mode per environment (LogsSettings.mode): SimpleScalable where logs matter during an
incident (staging, prod: read, write and backend targets scale and restart independently, the
read and write targets follow CPU within their [platform.autoscaling] rows, and every push is
replicated to a quorum of writers), SingleBinary in dev (one pod instead of nine,
nothing replicated; Fluent Bit buffers and retries while it restarts). Both keep all data in S3,
so moving between them loses nothing but the unflushed WAL.
"""
from __future__ import annotations

from typing import Any

from catalog.kubernetes import LOKI_READ, LOKI_WRITE
from constructs.addon_contract import Component, ComponentContext, NetworkAllow, ServiceAccount
from constructs.autoscaling import chart_values
from constructs.controller_values import RESTRICTED_CONTAINER, aws_api_egress, chart_release, irsa_service_account, resources, spread
from constructs.telemetry_values import (
    LOG_SHIPPER_NAMESPACE,
    LOKI_GATEWAY_PORT,
    LOKI_GRPC_PORT,
    LOKI_HTTP_PORT,
    LOKI_NAMESPACE,
    MEMBERLIST_PORT,
    MONITORING,
    SERVICE_ACCOUNTS,
    STORAGE_CLASS,
    bucket_names,
)

# grafana/loki production/helm/loki at tag helm-loki-7.3.0 (50c738b, 2026-08-10): version
# 7.3.0, Loki 3.6. Values keys checked against that tag's values.yaml and values.schema.json.
CHART = ("loki", "https://grafana.github.io/helm-charts", "7.3.0")
SERVICE_ACCOUNT = SERVICE_ACCOUNTS["loki"][1]
# The schema in force from this date on: TSDB index, schema v13, one index table per day (what
# the compactor's retention works on). A later schema change appends a period, never edits one.
SCHEMA = {"from": "2025-01-01", "store": "tsdb", "object_store": "s3", "schema": "v13", "index": {"prefix": "index_", "period": "24h"}}
# Writes need a quorum of replication_factor writers; more than three copies buys nothing.
MAX_REPLICATION = 3
LOKI_POD = {"app.kubernetes.io/name": "loki"}
TARGETS = ("read", "write", "backend")
WRITE_REQUESTS = ("250m", "1Gi", "2Gi")
READ_REQUESTS = ("250m", "512Mi", "2Gi")


def _pod_security() -> dict[str, Any]:
    # The chart's defaults (uid 10001, read-only root, no capabilities) plus what Pod
    # Security "restricted" asks on top: a seccomp profile.
    return {
        "podSecurityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
        "containerSecurityContext": dict(RESTRICTED_CONTAINER),
    }


def _target(ctx: ComponentContext, name: str, replicas: int, requests: tuple[str, str, str], volume: bool) -> dict[str, Any]:
    values: dict[str, Any] = {"replicas": replicas, "resources": resources(*requests)}
    if replicas > 1:
        values["topologySpreadConstraints"] = spread({**LOKI_POD, "app.kubernetes.io/component": name})
    if volume:
        values["persistence"] = {"size": f"{ctx.observability.logs.volume_gib}Gi", "storageClass": STORAGE_CLASS}
    return values


def _scaled(ctx: ComponentContext, name: str, row: str, requests: tuple[str, str, str], volume: bool) -> dict[str, Any]:
    """A SimpleScalable target whose pods follow CPU within its [platform.autoscaling] row, by the
    chart's own switch. `replicas` then sizes only the chart's PodDisruptionBudget (made from 2 up,
    maxUnavailable 1) and our spread over nodes, so it is the autoscaler's floor. For the writers the
    chart's default scaleUp (one pod per 15 min: a new writer joins the ring first) stays,
    merged under ours by Helm."""
    props = ctx.autoscaling[row]
    return {**_target(ctx, name, props.min_replicas, requests, volume), "autoscaling": chart_values(props)}


def loki_values(ctx: ComponentContext, bucket: str) -> dict[str, Any]:
    logs = ctx.observability.logs
    scalable = logs.mode == "SimpleScalable"
    count = logs.replicas if scalable else 0
    values: dict[str, Any] = {
        "deploymentMode": logs.mode,
        "loki": {
            # One tenant: the platform's own logs; Grafana and Fluent Bit send no tenant header.
            "auth_enabled": False,
            **_pod_security(),
            "commonConfig": {"replication_factor": min(logs.replicas, MAX_REPLICATION)},
            "storage": {
                "type": "s3",
                # Credentials: none here; the AWS SDK takes the IRSA role's web identity token.
                "bucketNames": {"chunks": bucket},
                "s3": {"region": ctx.region},
            },
            "schemaConfig": {"configs": [SCHEMA]},
            "compactor": {
                "retention_enabled": True,
                # Delete requests (the API for removing lines early) live in the bucket too.
                "delete_request_store": "s3",
                "working_directory": "/var/loki/compactor",
                # Chunks marked for deletion are removed two hours later: queries running then
                # still find them.
                "retention_delete_delay": "2h",
            },
            "limits_config": {"retention_period": f"{logs.retention_days * 24}h"},
            # No usage reports to grafana.com (egress is 443-anywhere for S3, not for this).
            "analytics": {"reporting_enabled": False},
            # Log alerting is not configured: the ruler reads an empty local directory
            # instead of a second bucket.
            "rulerConfig": {"storage": {"type": "local", "local": {"directory": "/var/loki/rules"}}},
        },
        "serviceAccount": irsa_service_account(ctx, SERVICE_ACCOUNT, "loki"),
        "singleBinary": _target(ctx, "single-binary", 0 if scalable else 1, ("250m", "1Gi", "2Gi"), volume=True),
        "write": _scaled(ctx, "write", LOKI_WRITE, WRITE_REQUESTS, True) if scalable else _target(ctx, "write", 0, WRITE_REQUESTS, True),
        "read": _scaled(ctx, "read", LOKI_READ, READ_REQUESTS, False) if scalable else _target(ctx, "read", 0, READ_REQUESTS, False),
        "backend": _target(ctx, "backend", count, ("100m", "256Mi", "1Gi"), volume=True),
        "gateway": {
            "replicas": 2 if scalable else 1,
            "podSecurityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
            "containerSecurityContext": dict(RESTRICTED_CONTAINER),
            "resources": resources("20m", "32Mi", "128Mi"),
        },
        # memcached for chunks and query results reserves 8 GiB by default: not needed for one
        # team's queries; switch on when query latency says so.
        "chunksCache": {"enabled": False},
        "resultsCache": {"enabled": False},
        "memcachedExporter": {"enabled": False},
        # The canary is a DaemonSet writing test lines from every node, and helm test needs it;
        # the loki_* ingestion metrics and A's alerts watch the pipeline instead.
        "lokiCanary": {"enabled": False},
        "test": {"enabled": False},
        # The rules sidecar watches ConfigMaps cluster-wide for log alert rules; none exist.
        "sidecar": {"rules": {"enabled": False}},
        # Prometheus scrapes every ServiceMonitor (no release label needed); the Grafana Agent
        # MetricsInstance beside it would need the agent operator's CRDs, which nothing installs.
        "monitoring": {"serviceMonitor": {"enabled": True, "metricsInstance": {"enabled": False}}},
    }
    return values


def loki(ctx: ComponentContext, bucket: str) -> Component:
    peers = "Loki's targets call each other: gRPC for pushes and queries, HTTP between gateway and targets, memberlist gossip for the hash ring"
    ports = (LOKI_HTTP_PORT, LOKI_GRPC_PORT, MEMBERLIST_PORT)
    return chart_release(
        CHART,
        LOKI_NAMESPACE,
        loki_values(ctx, bucket),
        service_accounts=(ServiceAccount(SERVICE_ACCOUNT, role="loki"),),
        network_allows=(
            NetworkAllow(name="loki-peers-in", why=peers, direction="ingress", ports=ports, namespaces=(LOKI_NAMESPACE,)),
            NetworkAllow(name="loki-peers-out", why=peers, direction="egress", ports=ports, namespaces=(LOKI_NAMESPACE,)),
            NetworkAllow(
                name="log-push",
                why="Fluent Bit pushes container logs to the gateway",
                direction="ingress",
                ports=(LOKI_GATEWAY_PORT,),
                namespaces=(LOG_SHIPPER_NAMESPACE,),
                pod_labels={**LOKI_POD, "app.kubernetes.io/component": "gateway"},
            ),
            NetworkAllow(
                name="grafana-queries",
                why="Grafana queries logs through the gateway",
                direction="ingress",
                ports=(LOKI_GATEWAY_PORT,),
                namespaces=(MONITORING,),
                pod_labels={**LOKI_POD, "app.kubernetes.io/component": "gateway"},
            ),
            NetworkAllow(
                name="metrics-scrape",
                why="Prometheus scrapes the loki_* metrics on each target's HTTP port",
                direction="ingress",
                ports=(LOKI_HTTP_PORT,),
                namespaces=(MONITORING,),
            ),
            aws_api_egress("loki", "Loki reads and writes chunks and index in S3 with credentials from STS"),
        ),
    )


def components(ctx: ComponentContext) -> tuple[Component, ...]:
    return (loki(ctx, bucket_names(ctx.env, ctx.account_id)["loki"]),)
