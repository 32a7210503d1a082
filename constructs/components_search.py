"""Search group: the ECK operator, one Elasticsearch cluster (the trace store of Jaeger and the
index for log search), its daily snapshots to S3, and the exporter whose metrics the
Elasticsearch alerts read ([observability.search]).

TLS: a certificate from the platform's private CA (components_search_users.py), published by
ECK with its CA in <name>-es-http-certs-public, which every client mounts and verifies; nothing
reaches the cluster from outside the VPC, so a public CA buys nothing. Users: one per client
(constructs/search_users.py). Snapshots: the nodes write to the snapshot bucket with the IRSA
role (no keys in the keystore); an hourly CronJob registers the repository, the SLM policy and
the log index template (idempotent PUTs), and SLM takes the daily snapshot and deletes expired
ones.
"""
from __future__ import annotations

import json
from typing import Any

from constructs.addon_contract import Component, ComponentContext, NetworkAllow, ServiceAccount
from constructs.components_search_users import es_auth, es_http_tls
from constructs.controller_values import (
    RESTRICTED_CONTAINER,
    RESTRICTED_POD,
    aws_api_egress,
    chart_release,
    irsa,
    resources,
    system_placement,
    webhook_ingress,
)
from constructs.search_users import LOG_STREAMS, user
from constructs.telemetry_values import (
    ECK_NAMESPACE,
    ES_CA_SECRET,
    ES_EXPORTER_PORT,
    ES_HTTP_PORT,
    ES_NAME,
    ES_POD_LABELS,
    ES_TRANSPORT_PORT,
    ES_URL,
    JAEGER_METRICS_PORT,
    JAEGER_OTLP_PORTS,
    JAEGER_QUERY_PORT,
    LOG_SHIPPER_NAMESPACE,
    MONITORING,
    SEARCH_NAMESPACE,
    SERVICE_ACCOUNTS,
    STORAGE_CLASS,
    bucket_names,
)

# elastic/cloud-on-k8s deploy/eck-operator at tag v3.5.0 (386c7b1, 2026-07-24): version 3.5.0.
# The CRDs come from eck-operator-crds in the platform stack (components_eck_crds.py).
OPERATOR_CHART = ("eck-operator", "https://helm.elastic.co", "3.5.0")
# prometheus-community/helm-charts charts/prometheus-elasticsearch-exporter at tag
# prometheus-elasticsearch-exporter-7.4.0 (c5fa97e, 2026-07-13): version 7.4.0, exporter v1.11.0.
EXPORTER_CHART = ("prometheus-elasticsearch-exporter", "https://prometheus-community.github.io/helm-charts", "7.4.0")
# The 8.x line ECK 3.5.0's release tests run against (.buildkite/e2e/release-branch-matrix.yaml).
ES_VERSION = "8.19.18"
ES_SERVICE_ACCOUNT = SERVICE_ACCOUNTS["elasticsearch"][1]
WEBHOOK_PORT = 9443
REPOSITORY = "s3-snapshots"
SLM_POLICY = "daily"
LOG_TEMPLATE = "sparki-container-logs"
# SLM keeps at least this many snapshots whatever their age: a cluster that stopped snapshotting
# must not age its last good ones away.
SNAPSHOT_MIN_COUNT = 3
CURL_IMAGE = "curlimages/curl:8.14.1"
JOB_UID = 10001
CA_DIR, AUTH_DIR = "/es-ca", "/es-auth"
# Where ES reads the web identity token: its security manager admits files under the config
# directory only, so the token is projected there (ES 8.x repository-s3, "Kubernetes service
# accounts"), not at the IRSA webhook's default path.
ES_CONFIG = "/usr/share/elasticsearch/config"
TOKEN_DIR = f"{ES_CONFIG}/repository-s3"
TOKEN_FILE = "aws-web-identity-token-file"


def eck_operator(ctx: ComponentContext) -> Component:
    values: dict[str, Any] = {
        "installCRDs": False,
        # The platform creates namespaces (with their policies); the operator only watches
        # the one its cluster lives in.
        "global": {"createOperatorNamespace": False},
        "managedNamespaces": [SEARCH_NAMESPACE],
        # One replica: the operator is a reconciler; while it restarts the cluster keeps
        # running, only changes wait.
        "replicaCount": 1,
        "podSecurityContext": dict(RESTRICTED_POD),
        "securityContext": dict(RESTRICTED_CONTAINER),
        # null drops the chart's default CPU limit.
        "resources": {**resources("100m", "150Mi", "1Gi"), "limits": {"memory": "1Gi", "cpu": None}},
        **system_placement(ctx),
        # No operator metrics port; the cluster's health comes from the exporter.
        "serviceMonitor": {"enabled": False},
        # No usage telemetry (it would go through a Kibana, which does not exist here).
        "telemetry": {"disabled": True},
    }
    return chart_release(
        OPERATOR_CHART,
        ECK_NAMESPACE,
        values,
        network_allows=(
            webhook_ingress(ctx, "eck-operator", WEBHOOK_PORT),
            NetworkAllow(
                name="eck-to-elasticsearch",
                why="the operator manages the cluster through its HTTP API (settings, voting exclusions, shard allocation during rolling changes)",
                direction="egress",
                ports=(ES_HTTP_PORT,),
                namespaces=(SEARCH_NAMESPACE,),
            ),
        ),
    )


def snapshot_policy(ctx: ComponentContext) -> dict[str, Any]:
    """The body of PUT _slm/policy/<SLM_POLICY>: daily at the environment's hour, kept for its
    retention days."""
    search = ctx.observability.search
    return {
        # Quartz cron (seconds first), UTC.
        "schedule": f"0 0 {search.snapshot_hour_utc} * * ?",
        "name": "<daily-{now/d}>",
        "repository": REPOSITORY,
        "config": {"include_global_state": True},
        "retention": {"expire_after": f"{search.snapshot_retention_days}d", "min_count": SNAPSHOT_MIN_COUNT},
    }


def repository(ctx: ComponentContext) -> dict[str, Any]:
    """The body of PUT _snapshot/<REPOSITORY>: the snapshot bucket (encrypted by its default
    KMS key; the role may use the key only through S3)."""
    return {"type": "s3", "settings": {"bucket": bucket_names(ctx.env, ctx.account_id)["es-snapshots"], "base_path": ES_NAME}}


def log_template(ctx: ComponentContext) -> dict[str, Any]:
    """The body of PUT _index_template/<LOG_TEMPLATE>: Fluent Bit's data streams, with
    Elastic's log and ECS mappings, kept [observability.search] log_retention_days by the data
    stream lifecycle (which also rolls the backing indices over). Above the built-in `logs`
    template (priority 100), whose ILM policy never deletes."""
    search = ctx.observability.search
    return {
        "index_patterns": [LOG_STREAMS],
        "data_stream": {},
        "priority": 200,
        "composed_of": ["logs@mappings", "ecs@mappings"],
        "template": {
            "settings": {"number_of_replicas": min(1, search.nodes - 1)},
            "lifecycle": {"data_retention": f"{search.log_retention_days}d"},
        },
    }


def _snapshot_job(ctx: ComponentContext) -> dict[str, Any]:
    setup = user("cluster-setup")
    # The password is read from the mounted secret when the job runs; "$(...)", not "${...}",
    # which Terraform would read as an interpolation.
    curl = f'curl -sS --fail-with-body --cacert {CA_DIR}/ca.crt -u "{setup.name}:$(cat {AUTH_DIR}/password)" -H "Content-Type: application/json" -X PUT'
    script = "\n".join(
        [
            "set -eu",
            f"{curl} '{ES_URL}/_snapshot/{REPOSITORY}' -d '{json.dumps(repository(ctx))}'",
            f"{curl} '{ES_URL}/_slm/policy/{SLM_POLICY}' -d '{json.dumps(snapshot_policy(ctx))}'",
            f"{curl} '{ES_URL}/_index_template/{LOG_TEMPLATE}' -d '{json.dumps(log_template(ctx))}'",
        ]
    )
    container = {
        "name": "register",
        "image": CURL_IMAGE,
        "imagePullPolicy": "Always",
        "command": ["/bin/sh", "-c", script],
        "volumeMounts": [
            {"name": "es-ca", "mountPath": CA_DIR, "readOnly": True},
            {"name": "es-auth", "mountPath": AUTH_DIR, "readOnly": True},
        ],
        # Any uid will do for curl; a high one shares nothing with the node's users.
        "securityContext": {**RESTRICTED_CONTAINER, "runAsUser": JOB_UID, "runAsGroup": JOB_UID},
        "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"cpu": "200m", "memory": "64Mi"}},
    }
    pod = {
        "restartPolicy": "OnFailure",
        "automountServiceAccountToken": False,
        "securityContext": dict(RESTRICTED_POD),
        "containers": [container],
        "volumes": [
            {"name": "es-ca", "secret": {"secretName": ES_CA_SECRET}},
            {"name": "es-auth", "secret": {"secretName": setup.secret}},
        ],
    }
    skips = {"checkov.io/skip1": "CKV_K8S_43=pinned by release tag; curl's images are published without digests we can verify offline"}
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "es-snapshot-policy", "namespace": SEARCH_NAMESPACE, "annotations": skips},
        "spec": {
            # Hourly, so a restored or rebuilt cluster has its repository and policy back
            # within the hour; both PUTs replace what is there with the same thing.
            "schedule": "17 * * * *",
            "timeZone": "Etc/UTC",
            "concurrencyPolicy": "Forbid",
            "successfulJobsHistoryLimit": 1,
            "failedJobsHistoryLimit": 3,
            "jobTemplate": {"spec": {"backoffLimit": 3, "activeDeadlineSeconds": 300, "template": {"spec": pod}}},
        },
    }


def elasticsearch(ctx: ComponentContext) -> Component:
    """The `search` namespace's owner: the nodes' service account and the snapshot CronJob
    (the cluster itself is a custom resource), with every allow of the namespace."""
    service_account = {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": ES_SERVICE_ACCOUNT, "namespace": SEARCH_NAMESPACE, "annotations": irsa(ctx, "elasticsearch")},
        # The nodes do not call the Kubernetes API; the IRSA token is projected separately.
        "automountServiceAccountToken": False,
    }
    http_in = "clients of the cluster's HTTP API"
    return Component(
        name="elasticsearch",
        chart="",
        repository="",
        version="",
        namespace=SEARCH_NAMESPACE,
        values={},
        depends_on=("eck-operator",),
        service_accounts=(ServiceAccount(ES_SERVICE_ACCOUNT, role="elasticsearch"),),
        manifests=(service_account, _snapshot_job(ctx)),
        network_allows=(
            NetworkAllow(name="es-transport-in", why="Elasticsearch nodes replicate shards and elect masters over the transport port", direction="ingress", ports=(ES_TRANSPORT_PORT,), namespaces=(SEARCH_NAMESPACE,), pod_labels=ES_POD_LABELS),
            NetworkAllow(name="es-transport-out", why="Elasticsearch nodes replicate shards and elect masters over the transport port", direction="egress", ports=(ES_TRANSPORT_PORT,), namespaces=(SEARCH_NAMESPACE,), pod_labels=ES_POD_LABELS),
            NetworkAllow(
                name="es-http-in",
                why=f"{http_in}: Jaeger, the exporter and the setup job (search), the ECK operator ({ECK_NAMESPACE}), Grafana's data source ({MONITORING}), Fluent Bit's log output ({LOG_SHIPPER_NAMESPACE})",
                direction="ingress",
                ports=(ES_HTTP_PORT,),
                namespaces=(SEARCH_NAMESPACE, ECK_NAMESPACE, MONITORING, LOG_SHIPPER_NAMESPACE),
                pod_labels=ES_POD_LABELS,
            ),
            NetworkAllow(name="es-http-out", why="Jaeger, the exporter and the snapshot job call the cluster's HTTP API", direction="egress", ports=(ES_HTTP_PORT,), namespaces=(SEARCH_NAMESPACE,)),
            aws_api_egress("elasticsearch", "the nodes write snapshots to S3 with credentials from STS", ES_POD_LABELS),
            NetworkAllow(
                name="metrics-scrape",
                why="Prometheus scrapes the Elasticsearch exporter and Jaeger's own metrics",
                direction="ingress",
                ports=(ES_EXPORTER_PORT, JAEGER_METRICS_PORT),
                namespaces=(MONITORING,),
            ),
            NetworkAllow(
                name="otlp-in",
                why="applications send traces to Jaeger over OTLP (gRPC 4317, HTTP 4318)",
                direction="ingress",
                ports=JAEGER_OTLP_PORTS,
                namespaces=tuple(ctx.platform.app_namespaces),
                pod_labels={"app.kubernetes.io/name": "jaeger"},
            ),
            NetworkAllow(
                name="jaeger-query",
                why="Grafana's Jaeger data source reads traces through Jaeger's query API",
                direction="ingress",
                ports=(JAEGER_QUERY_PORT,),
                namespaces=(MONITORING,),
                pod_labels={"app.kubernetes.io/name": "jaeger"},
            ),
        ),
    )


def exporter(ctx: ComponentContext) -> Component:
    values: dict[str, Any] = {
        "replicaCount": 1,
        "es": {
            "uri": ES_URL,
            # Cluster health, node, index, shard and snapshot metrics; SLM's too, for the
            # snapshot alerts.
            "all": True,
            "slm": True,
            "ssl": {"enabled": True, "useExistingSecrets": True, "ca": {"path": "/ssl/ca.crt"}, "client": {"enabled": False}},
        },
        "env": {"ES_USERNAME": user("exporter").name},
        "extraEnvSecrets": {"ES_PASSWORD": {"secret": user("exporter").secret, "key": "password"}},
        "secretMounts": [{"name": "es-ca", "secretName": ES_CA_SECRET, "path": "/ssl"}],
        "podSecurityContext": dict(RESTRICTED_POD),
        "securityContext": dict(RESTRICTED_CONTAINER),
        "resources": resources("10m", "32Mi", "128Mi"),
        # Scraped through a ServiceMonitor (Prometheus selects every one); every 30 s, since
        # each scrape asks the cluster for its health, nodes, indices and shards.
        "serviceMonitor": {"enabled": True, "interval": "30s", "scrapeTimeout": "20s"},
    }
    return chart_release(EXPORTER_CHART, SEARCH_NAMESPACE, values, owns_namespace=False, depends_on=("elasticsearch",))


def custom_resources(ctx: ComponentContext) -> tuple[dict[str, Any], ...]:
    search = ctx.observability.search
    memory = f"{search.memory_gib}Gi"
    container = {
        "name": "elasticsearch",
        "resources": {"requests": {"cpu": "500m", "memory": memory}, "limits": {"memory": memory}},
        "env": [
            {"name": "AWS_ROLE_ARN", "value": ctx.role_arns["elasticsearch"]},
            {"name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": f"{TOKEN_DIR}/{TOKEN_FILE}"},
        ],
        "volumeMounts": [{"name": "repository-s3-token", "mountPath": TOKEN_DIR, "readOnly": True}],
        "securityContext": dict(RESTRICTED_CONTAINER),
    }
    token = {"serviceAccountToken": {"audience": "sts.amazonaws.com", "expirationSeconds": 86400, "path": TOKEN_FILE}}
    node_set = {
        "name": "default",
        "count": search.nodes,
        # No mmap: otherwise every node needs vm.max_map_count raised by a privileged init
        # container, which Pod Security "restricted" refuses.
        "config": {"node.store.allow_mmap": False, "s3.client.default.endpoint": f"s3.{ctx.region}.amazonaws.com"},
        "podTemplate": {
            "spec": {
                "serviceAccountName": ES_SERVICE_ACCOUNT,
                "securityContext": {**RESTRICTED_POD, "fsGroup": 1000},
                "containers": [container],
                "volumes": [{"name": "repository-s3-token", "projected": {"sources": [token]}}],
                "topologySpreadConstraints": [
                    {"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": ES_POD_LABELS}}
                ],
            }
        },
        "volumeClaimTemplates": [
            {
                # ECK mounts the claim of this name as the data directory.
                "metadata": {"name": "elasticsearch-data"},
                "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": STORAGE_CLASS, "resources": {"requests": {"storage": f"{search.volume_gib}Gi"}}},
            }
        ],
    }
    cluster = {
        "apiVersion": "elasticsearch.k8s.elastic.co/v1",
        "kind": "Elasticsearch",
        "metadata": {"name": ES_NAME, "namespace": SEARCH_NAMESPACE},
        # TLS with a platform-CA certificate, one file-realm user per client; `elastic` stays
        # for break-glass only (components_search_users.py says why and how).
        "spec": {"version": ES_VERSION, "http": es_http_tls(), "auth": es_auth(), "nodeSets": [node_set]},
    }
    return (cluster,)


def components(ctx: ComponentContext) -> tuple[Component, ...]:
    return (eck_operator(ctx), elasticsearch(ctx), exporter(ctx))
