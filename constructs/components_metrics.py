"""metrics-server: the resource metrics API (`kubectl top`, HorizontalPodAutoscalers).

Its own namespace, so it runs `restricted` under the platform's default deny with exactly the
two allows it needs: the API server calls it (an aggregated API) and it scrapes the kubelets.
"""
from __future__ import annotations

from constructs.addon_contract import Component, ComponentContext, NetworkAllow, ServiceAccount

CHART_VERSION = "3.13.1"
# The chart's appVersion at that chart version; written out so no image floats.
IMAGE_TAG = "v0.8.1"
PORT = 10250
NAMESPACE = "metrics-server"


def components(ctx: ComponentContext) -> tuple[Component, ...]:
    security = {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "runAsUser": 1000,
        "seccompProfile": {"type": "RuntimeDefault"},
        "capabilities": {"drop": ["ALL"]},
    }
    values = {
        "image": {"tag": IMAGE_TAG},
        "serviceAccount": {"create": True, "name": "metrics-server"},
        "containerPort": PORT,
        # Two replicas behind a budget: the metrics API (and every HPA) survives a node drain.
        "replicas": 2,
        "podDisruptionBudget": {"enabled": True, "maxUnavailable": 1},
        "podSecurityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
        "securityContext": security,
        "resources": {"requests": {"cpu": "100m", "memory": "200Mi"}, "limits": {"memory": "400Mi"}},
        "nodeSelector": dict(ctx.system_node_selector),
        "tolerations": [dict(t) for t in ctx.system_tolerations],
        "topologySpreadConstraints": [
            {
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "metrics-server"}},
            }
        ],
    }
    return (
        Component(
            name="metrics-server",
            chart="metrics-server",
            repository="https://kubernetes-sigs.github.io/metrics-server/",
            version=CHART_VERSION,
            namespace=NAMESPACE,
            values=values,
            service_accounts=(ServiceAccount("metrics-server"),),
            network_allows=(
                NetworkAllow(
                    name="api-server-to-metrics",
                    why="the API server serves metrics.k8s.io by calling metrics-server (an aggregated API); control-plane ENIs are in the VPC",
                    direction="ingress",
                    ports=(PORT,),
                    cidrs=(ctx.vpc_cidr,),
                ),
                NetworkAllow(
                    name="kubelet-scrape",
                    why="metrics-server reads resource metrics from every kubelet on the nodes' VPC addresses",
                    direction="egress",
                    ports=(PORT,),
                    cidrs=(ctx.vpc_cidr,),
                ),
            ),
        ),
    )
