"""mTLS between application pods: Istio in ambient mode (docs/platform.md "Components" > mesh).

Four charts of one Istio release: `base` (CRDs, the validating webhook), `istiod` (control plane
and the mesh's certificate authority), `cni` (node agent that redirects meshed pods' traffic)
and `ztunnel` (node proxy that carries it as mutual TLS over HBONE, port 15008). Application
namespaces join by their `istio.io/dataplane-mode: ambient` label (set by the platform stack);
their pods are not changed, so they stay Pod Security `restricted`.

Where things run: istiod in istio-system, which stays `restricted`. The two node agents need
NET_ADMIN/SYS_ADMIN and host paths; they run in kube-system, beside the node agents EKS already
runs there (aws-node, kube-proxy), instead of making istio-system privileged; istiod is told
where its trusted ztunnel lives. Custom resources (platform-config stack): the mesh-wide
PeerAuthentication from `[platform] mesh_mode`, and the port exception the load balancer needs.
"""
from __future__ import annotations

from typing import Any

from constructs.addon_contract import Component, ComponentContext, NetworkAllow, ServiceAccount

# One release for all four charts: the charts of different releases are not tested together.
# 1.30 supports Kubernetes 1.32+ (istioctl/pkg/install/k8sversion MinK8SVersion at tag 1.30.3).
ISTIO_VERSION = "1.30.3"
ISTIO_REPOSITORY = "https://istio-release.storage.googleapis.com/charts"
# The published charts default to these; set explicitly so the image is named here, not by
# whatever a chart's values.yaml happens to hold (the source tree's says testing/latest).
ISTIO_HUB = "docker.io/istio"
ROOT_NAMESPACE = "istio-system"
NODE_AGENT_NAMESPACE = "kube-system"
# Pods the load balancer sends traffic to (ALB target type ip) carry this label; see
# custom_resources(): their app port accepts plain text from outside the mesh.
LOAD_BALANCED_LABEL = ("sparki.io/ingress", "load-balancer")
# Every custom resource kind the base chart installs (manifests/charts/base/files/crd-all.gen.yaml).
BASE_CRDS = (
    "extensions.istio.io/TrafficExtension",
    "extensions.istio.io/WasmPlugin",
    "networking.istio.io/DestinationRule",
    "networking.istio.io/EnvoyFilter",
    "networking.istio.io/Gateway",
    "networking.istio.io/ProxyConfig",
    "networking.istio.io/ServiceEntry",
    "networking.istio.io/Sidecar",
    "networking.istio.io/VirtualService",
    "networking.istio.io/WorkloadEntry",
    "networking.istio.io/WorkloadGroup",
    "security.istio.io/AuthorizationPolicy",
    "security.istio.io/PeerAuthentication",
    "security.istio.io/RequestAuthentication",
    "telemetry.istio.io/Telemetry",
)
_TOLERATE_EVERYTHING = ({"operator": "Exists"},)
_RUNTIME_DEFAULT = {"type": "RuntimeDefault"}


def _enabled(ctx: ComponentContext) -> bool:
    return ctx.platform.mesh_mode != "off"


def _release(name: str, chart: str, namespace: str, values: dict[str, Any], **kwargs: Any) -> Component:
    return Component(
        name=name, chart=chart, repository=ISTIO_REPOSITORY, version=ISTIO_VERSION, namespace=namespace, values=values, **kwargs
    )


def _images() -> dict[str, Any]:
    return {"hub": ISTIO_HUB, "tag": ISTIO_VERSION}


def _istiod_values(ctx: ComponentContext) -> dict[str, Any]:
    replicas = ctx.platform.controller_replicas
    return {
        "profile": "ambient",
        # The ambient profile sets this as `pilot.env`, which the 1.30.3 istiod templates (source
        # tree) never read, and istiod defaults it to off: set it where the deployment reads env.
        "env": {"PILOT_ENABLE_AMBIENT": "true"},
        "global": {**_images(), "defaultPodDisruptionBudget": {"enabled": replicas > 1}},
        # A fixed count instead of the chart's HPA (1..5): the PDB below needs a known floor,
        # and istiod's load grows with the number of pods, which changes slowly here.
        "autoscaleEnabled": False,
        "replicaCount": replicas,
        # The chart creates the PDB only when replicas > 1; one istiod may be down at a time.
        "pdb": {"minAvailable": 1},
        "nodeSelector": dict(ctx.system_node_selector),
        "tolerations": [dict(t) for t in ctx.system_tolerations],
        # The chart's request (500m, 2 GiB) is sized for large meshes; a few hundred pods need far less.
        "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}},
        # With the chart's own container settings (non-root, read-only root, no capabilities,
        # no privilege escalation) this makes istiod pass Pod Security `restricted`.
        "seccompProfile": _RUNTIME_DEFAULT,
        # istiod issues node certificates only to the ztunnel service account in this namespace.
        "trustedZtunnelNamespace": NODE_AGENT_NAMESPACE,
    }


def _istiod_allows(ctx: ComponentContext) -> tuple[NetworkAllow, ...]:
    istiod = {"app": "istiod"}
    return (
        NetworkAllow(
            name="istiod-xds",
            why="ztunnel (kube-system) fetches its configuration (xDS) and workload certificates from istiod on 15012",
            direction="ingress",
            ports=(15012,),
            namespaces=(NODE_AGENT_NAMESPACE,),
            pod_labels=istiod,
        ),
        NetworkAllow(
            name="istiod-webhooks",
            why="the API server (its ENIs are in the VPC) calls istiod's validating and injection webhooks on 15017",
            direction="ingress",
            ports=(15017,),
            cidrs=(ctx.vpc_cidr,),
            pod_labels=istiod,
        ),
    )


def components(ctx: ComponentContext) -> tuple[Component, ...]:
    """Istio base, istiod, cni and ztunnel; nothing when `[platform] mesh_mode` is "off"."""
    if not _enabled(ctx):
        return ()
    base = _release(
        "istio-base",
        "base",
        ROOT_NAMESPACE,
        # CRDs as templates, so a chart upgrade upgrades them (Helm never upgrades crds/).
        {"global": {"istioNamespace": ROOT_NAMESPACE}, "base": {"enableCRDTemplates": True}},
        service_accounts=(ServiceAccount("istio-reader-service-account"),),
        crds=BASE_CRDS,
        # istio-system's owner declares its allows (the platform stack takes them from owners).
        network_allows=_istiod_allows(ctx),
    )
    istiod = _release(
        "istiod",
        "istiod",
        ROOT_NAMESPACE,
        _istiod_values(ctx),
        service_accounts=(ServiceAccount("istiod"),),
        depends_on=("istio-base",),
        owns_namespace=False,
    )
    # The CNI agent chains itself after the VPC CNI (10-aws.conflist in /etc/cni/net.d, the
    # chart's default directories on EKS) and sets up each meshed pod's redirection.
    cni = _release(
        "istio-cni",
        "cni",
        NODE_AGENT_NAMESPACE,
        {
            "profile": "ambient",
            "global": _images(),
            "ambient": {"enabled": True},
            "chained": True,
            "tolerations": list(_TOLERATE_EVERYTHING),
            "resources": {"requests": {"cpu": "100m", "memory": "100Mi"}, "limits": {"memory": "256Mi"}},
        },
        service_accounts=(ServiceAccount("istio-cni"),),
        depends_on=("istio-base",),
        owns_namespace=False,
    )
    ztunnel = _release(
        "ztunnel",
        "ztunnel",
        NODE_AGENT_NAMESPACE,
        {
            "profile": "ambient",
            **_images(),
            "tolerations": list(_TOLERATE_EVERYTHING),
            # The chart's request (200m, 512 MiB) is sized for ~200k pods; memory grows with
            # the cluster's pods and open connections, so the limit leaves room.
            "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}},
            "istioNamespace": ROOT_NAMESPACE,
        },
        service_accounts=(ServiceAccount("ztunnel"),),
        # Needs istiod's CA before it can serve any pod, and the CNI agent to hand it pods.
        depends_on=("istiod", "istio-cni"),
        owns_namespace=False,
    )
    return (base, istiod, cni, ztunnel)


def _peer_authentication(name: str, namespace: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "security.istio.io/v1",
        "kind": "PeerAuthentication",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def custom_resources(ctx: ComponentContext) -> tuple[dict[str, Any], ...]:
    """The mesh-wide PeerAuthentication (mode from `[platform] mesh_mode`) and, under STRICT,
    one per application namespace that lets the load balancer reach the app port of the pods
    it targets. The ALB is outside the mesh and speaks plain HTTP to the pod; without this
    exception ztunnel would refuse it. Traffic between meshed pods stays mTLS on every port,
    and the NetworkPolicies still admit the app port only from the load balancer's subnets."""
    if not _enabled(ctx):
        return ()
    mode = ctx.platform.mesh_mode
    resources = [_peer_authentication("default", ROOT_NAMESPACE, {"mtls": {"mode": mode}})]
    if mode == "STRICT":
        key, value = LOAD_BALANCED_LABEL
        for namespace in ctx.platform.app_namespaces:
            resources.append(
                _peer_authentication(
                    "load-balancer-port",
                    namespace,
                    {
                        "selector": {"matchLabels": {key: value}},
                        "mtls": {"mode": "STRICT"},
                        "portLevelMtls": {str(ctx.platform.app_port): {"mode": "PERMISSIVE"}},
                    },
                )
            )
    return tuple(resources)
