"""Logging group: Fluent Bit (container, data-plane and host logs) and the CloudWatch agent
(Container Insights performance events) on every node, each writing only to the Container
Insights log groups the cluster layer created (constructs/container_insights.py). Fluent Bit
also pushes container logs to Loki (components_loki.py), the store Grafana queries, and to
Elasticsearch (components_search.py) for full-text log search, as its own user."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from catalog.naming import SHIPPER_LOG_GROUPS, container_insights_log_group
from constructs.addon_contract import Component, ComponentContext, NetworkAllow, ServiceAccount
from constructs.controller_values import EVERY_NODE, aws_api_egress, chart_release, irsa_service_account, resources
from constructs.search_users import FLUENT_BIT_SECRET, log_data_stream, user
from constructs.telemetry_values import ES_HTTP_PORT, ES_NAME, LOKI_GATEWAY_PORT, LOKI_NAMESPACE, LOKI_PUSH_HOST, SEARCH_NAMESPACE

# fluent/helm-charts charts/fluent-bit at tag fluent-bit-0.58.1 (2026-08): version 0.58.1,
# appVersion (Fluent Bit) 5.1.1. Values keys checked against that tag's values.yaml.
FLUENT_BIT_CHART = ("fluent-bit", "https://fluent.github.io/helm-charts", "0.58.1")
# aws/eks-charts stable/aws-cloudwatch-metrics at 5239609 (2026-08-03): version 0.0.11. Its
# default agent image is from 2023; the agent below is the one aws-observability/helm-charts
# amazon-cloudwatch-observability 6.4.0 (71a298f, 2026-08-07) pins.
AGENT_CHART = ("aws-cloudwatch-metrics", "https://aws.github.io/eks-charts", "0.0.11")
AGENT_IMAGE = {"repository": "public.ecr.aws/cloudwatch-agent/cloudwatch-agent", "tag": "1.300070.0b1586"}
NAMESPACE = "amazon-cloudwatch"
FLUENT_BIT_SA, AGENT_SA = "fluent-bit", "cloudwatch-agent"
# Both agents read the node itself, which Pod Security "baseline" already forbids.
PRIVILEGED_REASON = (
    "node agents: Fluent Bit mounts /var/log and the journal as hostPath and reads them as root; "
    "the CloudWatch agent mounts /, /sys, /dev/disk and the containerd socket and uses the host "
    "network to reach IMDS for the instance's identity (baseline forbids hostPath and hostNetwork)"
)
STATE_DIR = "/var/fluent-bit/state"
# Node-level containers whose logs belong to the data plane, not to the application group.
DATAPLANE_CONTAINERS = ("aws-node", "kube-proxy", "ebs-csi-node")
# The agents' own logs stay out of the application group: Fluent Bit shipping the lines it
# writes about shipping would feed on itself.
AGENT_CONTAINERS = ("fluent-bit", "cloudwatch-agent")
DATAPLANE_UNITS = ("kubelet.service", "containerd.service")
# The Secret the search layer's ExternalSecret fills: password and ca.crt of the fluent-bit
# user. Optional in the pod, because this layer starts before the search layer exists.
ES_SECRET = FLUENT_BIT_SECRET
ES_CA_DIR = "/fluent-bit/es-ca"
ES_HOST = f"{ES_NAME}-es-http.{SEARCH_NAMESPACE}.svc"


def _tail(tag: str, paths: list[str], db: str, exclude: Sequence[str] = ()) -> str:
    lines = [
        "[INPUT]",
        "    Name tail",
        f"    Tag {tag}",
        f"    Path {', '.join(paths)}",
        *([f"    Exclude_Path {', '.join(exclude)}"] if exclude else []),
        "    multiline.parser cri",
        f"    DB {STATE_DIR}/{db}",
        "    Mem_Buf_Limit 50MB",
        "    Skip_Long_Lines On",
        "    Refresh_Interval 10",
    ]
    return "\n".join(lines)


def _output(ctx: ComponentContext, kind: str) -> str:
    return "\n".join(
        [
            "[OUTPUT]",
            "    Name cloudwatch_logs",
            f"    Match {kind}.*",
            f"    region {ctx.region}",
            f"    log_group_name {container_insights_log_group(ctx.cluster_name, kind)}",
            # Fluent Bit expands ${NODE_NAME}; "$$" keeps Terraform, which reads "${" in any
            # string of its JSON as an interpolation (an invalid reference here), from trying.
            "    log_stream_prefix $${NODE_NAME}-",
            # The group exists, encrypted and expiring; the role may not create one.
            "    auto_create_group Off",
            "    retry_limit 5",
        ]
    )


def _loki_output(ctx: ComponentContext) -> str:
    """Container logs to Loki as well (CloudWatch keeps its copy): labels only what queries
    select by (low cardinality); the pod name and the rest stay in the JSON line."""
    labels = ", ".join(
        [
            "job=fluent-bit",
            f"cluster={ctx.cluster_name}",
            "namespace=$kubernetes['namespace_name']",
            "container=$kubernetes['container_name']",
        ]
    )
    return "\n".join(
        [
            "[OUTPUT]",
            "    Name loki",
            "    Match application.*",
            f"    host {LOKI_PUSH_HOST}",
            # The gateway's Service port; its pods listen on LOKI_GATEWAY_PORT.
            "    port 80",
            f"    labels {labels}",
            "    line_format json",
            "    retry_limit 5",
        ]
    )


def _es_output(ctx: ComponentContext) -> str:
    """Container logs to Elasticsearch's data stream, verified TLS, as the fluent-bit user
    (create_doc only). The records are copies re-tagged `search.*` (rewrite_tag in
    fluent_bit_config) whose raw line is renamed to `message`, so Grafana's data source and
    ECS's `log.*` object see what they expect, while Loki and CloudWatch keep `log`."""
    return "\n".join(
        [
            "[OUTPUT]",
            "    Name es",
            "    Match search.*",
            f"    Host {ES_HOST}",
            f"    Port {ES_HTTP_PORT}",
            f"    Index {log_data_stream(ctx.env)}",
            # Data streams take `create` only (the plugin's default); no mapping types on 8.x.
            "    Write_Operation create",
            "    Suppress_Type_Name On",
            "    Replace_Dots On",
            f"    HTTP_User {user('fluent-bit').name}",
            # From the pod's environment ("$$": Terraform would read "${" as interpolation).
            "    HTTP_Passwd $${ES_PASSWORD}",
            "    tls On",
            "    tls.verify On",
            f"    tls.ca_file {ES_CA_DIR}/ca.crt",
            "    Buffer_Size 512KB",
            "    retry_limit 5",
        ]
    )


def fluent_bit_config(ctx: ComponentContext) -> dict[str, str]:
    """The chart's config.inputs / filters / outputs: one input and one output per log group."""
    containers = [f"/var/log/containers/{name}*" for name in DATAPLANE_CONTAINERS]
    units = "\n".join(f"    Systemd_Filter _SYSTEMD_UNIT={unit}" for unit in DATAPLANE_UNITS)
    inputs = [
        _tail("application.*", ["/var/log/containers/*.log"], "application.db", [*containers, *(f"/var/log/containers/{name}*" for name in AGENT_CONTAINERS)]),
        _tail("dataplane.tail.*", containers, "dataplane.db"),
        f"[INPUT]\n    Name systemd\n    Tag dataplane.systemd.*\n{units}\n    DB {STATE_DIR}/systemd.db\n    Read_From_Tail On",
        f"[INPUT]\n    Name systemd\n    Tag host.*\n    DB {STATE_DIR}/host.db\n    Read_From_Tail On",
    ]
    unit_names = "|".join(u.replace(".", r"\.") for u in DATAPLANE_UNITS)
    filters = [
        "[FILTER]\n    Name kubernetes\n    Match application.*\n    Kube_Tag_Prefix application.var.log.containers.\n"
        "    Merge_Log On\n    Keep_Log Off\n    K8S-Logging.Parser On\n    K8S-Logging.Exclude On\n    Labels Off\n    Annotations Off",
        # kubelet and containerd go to the data-plane group, not twice.
        f"[FILTER]\n    Name grep\n    Match host.*\n    Exclude _SYSTEMD_UNIT ^({unit_names})$",
    ]
    outputs = [_output(ctx, kind) for kind in SHIPPER_LOG_GROUPS["log-shipper"]]
    if ctx.telemetry_stores:
        # A copy of every enriched container record for Elasticsearch (keep: true leaves the
        # original to Loki and CloudWatch), its raw line renamed to ECS's `message`.
        filters += [
            "[FILTER]\n    Name rewrite_tag\n    Match application.*\n    Rule $kubernetes['namespace_name'] ^.+$ search.$TAG true\n"
            "    Emitter_Name search_copy\n    Emitter_Mem_Buf_Limit 50MB",
            "[FILTER]\n    Name modify\n    Match search.*\n    Rename log message",
        ]
        # Outputs to stores that do not exist on the site would hold chunks for retries.
        outputs += [_loki_output(ctx), _es_output(ctx)]
    return {"inputs": "\n".join(inputs) + "\n", "filters": "\n".join(filters) + "\n", "outputs": "\n".join(outputs) + "\n"}


def fluent_bit(ctx: ComponentContext) -> Component:
    values: dict[str, Any] = {
        "kind": "DaemonSet",
        # The chart's `helm test` pod uses busybox:latest; nothing here runs helm test.
        "testFramework": {"enabled": False},
        "serviceAccount": irsa_service_account(ctx, FLUENT_BIT_SA, "log-shipper"),
        "podSecurityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
        # Root, because the log files are root's (0640); no capabilities, so root reads only
        # what it owns; nothing but the state directory is writable.
        "securityContext": {
            "runAsUser": 0,
            "runAsNonRoot": False,
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "resources": resources("50m", "96Mi", "384Mi"),
        "tolerations": EVERY_NODE,
        "priorityClassName": "system-node-critical",
        "env": [
            {"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
        ],
        "config": fluent_bit_config(ctx),
        "daemonSetVolumes": [
            {"name": "varlog", "hostPath": {"path": "/var/log"}},
            {"name": "state", "hostPath": {"path": STATE_DIR, "type": "DirectoryOrCreate"}},
            {"name": "etcmachineid", "hostPath": {"path": "/etc/machine-id", "type": "File"}},
        ],
        "daemonSetVolumeMounts": [
            {"name": "varlog", "mountPath": "/var/log", "readOnly": True},
            {"name": "state", "mountPath": STATE_DIR},
            {"name": "etcmachineid", "mountPath": "/etc/machine-id", "readOnly": True},
        ],
    }
    if ctx.telemetry_stores:
        _with_store_credentials(values)
    return chart_release(
        FLUENT_BIT_CHART,
        NAMESPACE,
        values,
        service_accounts=(ServiceAccount(FLUENT_BIT_SA, role="log-shipper"),),
        pod_security="privileged",
        pod_security_reason=PRIVILEGED_REASON,
        network_allows=(
            aws_api_egress("fluent-bit", "Fluent Bit puts log events through the CloudWatch Logs API with credentials from STS"),
            *_store_allows(ctx),
        ),
    )


def _with_store_credentials(values: dict[str, Any]) -> None:
    """The Elasticsearch output's password and CA. Optional: until the search layer's
    ExternalSecret has filled the Secret, the output is refused (401) and retried while the
    other outputs ship; the password is read when a pod starts (docs/observability.md, "Log
    search")."""
    values["env"].append({"name": "ES_PASSWORD", "valueFrom": {"secretKeyRef": {"name": ES_SECRET, "key": "password", "optional": True}}})
    values["daemonSetVolumes"].append({"name": "es-ca", "secret": {"secretName": ES_SECRET, "optional": True, "items": [{"key": "ca.crt", "path": "ca.crt"}]}})
    values["daemonSetVolumeMounts"].append({"name": "es-ca", "mountPath": ES_CA_DIR, "readOnly": True})


def _store_allows(ctx: ComponentContext) -> tuple[NetworkAllow, ...]:
    if not ctx.telemetry_stores:
        return ()
    return (
        NetworkAllow(
            name="fluent-bit-loki",
            why="Fluent Bit pushes container logs to Loki's gateway",
            direction="egress",
            ports=(LOKI_GATEWAY_PORT,),
            namespaces=(LOKI_NAMESPACE,),
        ),
        NetworkAllow(
            name="fluent-bit-elasticsearch",
            why="Fluent Bit appends container logs to Elasticsearch's HTTP API",
            direction="egress",
            ports=(ES_HTTP_PORT,),
            namespaces=(SEARCH_NAMESPACE,),
        ),
    )


def cloudwatch_agent(ctx: ComponentContext) -> Component:
    chart, repository, version = AGENT_CHART
    values: dict[str, Any] = {
        # The agent writes to /aws/containerinsights/<clusterName>/performance.
        "clusterName": ctx.cluster_name,
        "image": AGENT_IMAGE,
        # The chart's template renders serviceAccount.annotations (its values.yaml lists only
        # create and name).
        "serviceAccount": irsa_service_account(ctx, AGENT_SA, "metrics-shipper"),
        # The nodes answer IMDS only from the host itself (hop limit 1); the agent needs the
        # instance id and type for its metrics. The chart has no securityContext setting: the
        # agent runs as the image's root user to read the host's cgroups and disks.
        "hostNetwork": True,
        # null drops the chart's default CPU limit (Helm deletes keys set to null).
        "resources": {**resources("100m", "128Mi", "400Mi"), "limits": {"memory": "400Mi", "cpu": None}},
        "tolerations": EVERY_NODE,
        "priorityClassName": "system-node-critical",
    }
    return Component(
        name="cloudwatch-agent",
        chart=chart,
        repository=repository,
        version=version,
        namespace=NAMESPACE,
        owns_namespace=False,
        depends_on=("fluent-bit",),
        values=values,
        service_accounts=(ServiceAccount(AGENT_SA, role="metrics-shipper"),),
    )


def components(ctx: ComponentContext) -> tuple[Component, ...]:
    return (fluent_bit(ctx), cloudwatch_agent(ctx))
