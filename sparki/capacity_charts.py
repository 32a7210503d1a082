"""The pods each Helm chart the platform installs runs, and where in its values their requests,
placement and replica counts are: what sparki/capacity.py reads from the synthesized
helm_release values (no chart is rendered; Helm is not needed).

A chart the output installs that has no row here stops the capacity check with one line: a new
chart is a decision about its pods, not a silent zero. Defaults are the chart's own at the pinned
version; tests/sparki/test_capacity.py compares them with the vendored values.yaml where
tests/constructs/charts/ holds one.

EXCEPTIONS: pods or containers whose requests the output does not set, each with why it is not
counted. The check lists every such container; a test fails on one missing here, and on an
entry here that no longer matches anything.
"""
from __future__ import annotations

from dataclasses import dataclass

PATH = tuple[str, ...]


@dataclass(frozen=True)
class Sidecar:
    """A container the chart adds to the workload's pods, with its own resources block."""

    container: str
    resources: PATH
    enabled: PATH | None = None


@dataclass(frozen=True)
class ChartWorkload:
    """One workload of a chart.

    block: the values block holding its resources, nodeSelector, tolerations and affinity.
    kind: "Deployment", "StatefulSet", "Job" (one pod) or "DaemonSet" (one per node it can land
        on); kind_key: a values key that chooses it (fluent-bit's `kind`).
    replicas: the key in block of its replica count, default_replicas the chart's default;
        None: one pod.
    enabled: the values path of its switch and the chart's default; None: always runs.
    autoscaling: keys in block of the chart's own HPA switch and maximum, and their defaults.
    hpa_target: the Deployment name a HorizontalPodAutoscaler object (written by the code, not
        the chart) scales.
    """

    name: str
    block: PATH = ()
    kind: str = "Deployment"
    replicas: str | None = "replicaCount"
    default_replicas: int = 1
    enabled: tuple[PATH, bool] | None = None
    autoscaling: tuple[PATH, PATH, bool, int] | None = None
    hpa_target: str | None = None
    kind_key: str | None = None
    sidecars: tuple[Sidecar, ...] = ()


DAEMON = ChartWorkload("daemonset", kind="DaemonSet", replicas=None)
_LOKI_HPA = (("autoscaling", "enabled"), ("autoscaling", "maxReplicas"), False, 6)
_RELOADER = ("prometheusOperator", "prometheusConfigReloader", "resources")

CHARTS: dict[str, tuple[ChartWorkload, ...]] = {
    "aws-load-balancer-controller": (ChartWorkload("controller", default_replicas=2),),
    "cert-manager": (
        ChartWorkload("controller"),
        ChartWorkload("cainjector", ("cainjector",), enabled=(("cainjector", "enabled"), True)),
        ChartWorkload("webhook", ("webhook",)),
        ChartWorkload("startupapicheck", ("startupapicheck",), kind="Job", replicas=None, enabled=(("startupapicheck", "enabled"), True)),
    ),
    "aws-cloudwatch-metrics": (DAEMON,),
    "cluster-autoscaler": (ChartWorkload("controller"),),
    "eck-operator-crds": (),
    "prometheus-operator-crds": (),
    "base": (),
    "external-dns": (ChartWorkload("controller", replicas=None),),
    "external-secrets": (
        ChartWorkload("controller"),
        ChartWorkload("webhook", ("webhook",), enabled=(("webhook", "create"), True)),
        ChartWorkload("cert-controller", ("certController",), enabled=(("certController", "create"), True)),
    ),
    "fluent-bit": (ChartWorkload("fluent-bit", kind="DaemonSet", kind_key="kind"),),
    "cni": (DAEMON,),
    "ztunnel": (DAEMON,),
    "prometheus-node-exporter": (DAEMON,),
    # istiod runs its own HPA (1..5) unless autoscaleEnabled is false.
    "istiod": (ChartWorkload("istiod", autoscaling=(("autoscaleEnabled",), ("autoscaleMax",), True, 5)),),
    "metrics-server": (ChartWorkload("metrics-server", replicas="replicas"),),
    "prometheus-yet-another-cloudwatch-exporter": (ChartWorkload("exporter", replicas="replicas"),),
    "prometheus-elasticsearch-exporter": (ChartWorkload("exporter"),),
    "eck-operator": (ChartWorkload("operator", kind="StatefulSet"),),
    "jaeger": (
        ChartWorkload("jaeger", ("jaeger",), replicas="replicas", hpa_target="jaeger"),
        ChartWorkload("es-index-cleaner", ("esIndexCleaner",), kind="Job", replicas=None, enabled=(("esIndexCleaner", "enabled"), False)),
    ),
    "loki": (
        ChartWorkload("read", ("read",), replicas="replicas", default_replicas=3, autoscaling=_LOKI_HPA),
        ChartWorkload("write", ("write",), kind="StatefulSet", replicas="replicas", default_replicas=3, autoscaling=_LOKI_HPA),
        ChartWorkload("backend", ("backend",), kind="StatefulSet", replicas="replicas", default_replicas=3, autoscaling=_LOKI_HPA),
        ChartWorkload("single-binary", ("singleBinary",), kind="StatefulSet", replicas="replicas", default_replicas=0, autoscaling=_LOKI_HPA),
        ChartWorkload("gateway", ("gateway",), replicas="replicas", enabled=(("gateway", "enabled"), True), autoscaling=_LOKI_HPA),
    ),
    "kube-prometheus-stack": (
        ChartWorkload(
            "prometheus", ("prometheus", "prometheusSpec"), kind="StatefulSet", replicas="replicas",
            enabled=(("prometheus", "enabled"), True), sidecars=(Sidecar("config-reloader", _RELOADER),),
        ),
        ChartWorkload(
            "alertmanager", ("alertmanager", "alertmanagerSpec"), kind="StatefulSet", replicas="replicas",
            enabled=(("alertmanager", "enabled"), True), sidecars=(Sidecar("config-reloader", _RELOADER),),
        ),
        ChartWorkload(
            "grafana", ("grafana",), replicas="replicas", enabled=(("grafana", "enabled"), True),
            sidecars=(
                Sidecar("grafana-sc-dashboard", ("grafana", "sidecar", "resources"), ("grafana", "sidecar", "dashboards", "enabled")),
                Sidecar("grafana-sc-datasources", ("grafana", "sidecar", "resources"), ("grafana", "sidecar", "datasources", "enabled")),
            ),
        ),
        ChartWorkload("kube-state-metrics", ("kube-state-metrics",), replicas="replicas", enabled=(("kubeStateMetrics", "enabled"), True)),
        ChartWorkload("operator", ("prometheusOperator",), replicas=None),
        ChartWorkload(
            "admission-patch", ("prometheusOperator", "admissionWebhooks", "patch"), kind="Job", replicas=None,
            enabled=(("prometheusOperator", "admissionWebhooks", "patch", "enabled"), True),
        ),
    ),
}

_HOOK = "a Helm hook Job that runs once per install or upgrade and is deleted when done; it never runs beside a scale-up"
_EKS_ADDON = (
    "an EKS add-on: AWS installs it with the requests of the add-on version's own manifest, which is not part of "
    "cdktf.out (only its configuration is). Not counted: a group near full has no room left for CoreDNS and the EBS CSI "
    "controller (system group) or the node agents (every node)"
)
# "<chart or kind> <workload>/<container>" -> why its requests are not counted.
EXCEPTIONS: dict[str, str] = {
    "kube-prometheus-stack admission-patch/admission-patch": _HOOK,
    **{f"eks-addon {name}/{name}": _EKS_ADDON for name in (
        "vpc-cni", "kube-proxy", "coredns", "aws-ebs-csi-driver", "eks-pod-identity-agent", "eks-node-monitoring-agent",
    )},
}
