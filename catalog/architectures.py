"""What may run on Graviton (arm64) nodes: every Helm chart, EKS add-on and plain image whose pods
can land on an arm64 node group, with where its arm64 images were seen (no cdktf imports).

A node group may be arm64 (environments: `architecture = "arm64"`) only if everything that can
be scheduled onto it is listed here; tests/kubernetes/test_node_architecture.py walks the
synthesized releases, add-ons and pod specs and fails on anything missing. Read 2026-11, offline:
the sources are the upstream projects' own pages, issues and pull requests; the image manifests
themselves were not inspected. What is not listed (the Sparki service images, which their teams
publish; Loki, Jaeger, the Elasticsearch exporter, curl) stays on amd64 groups.
"""
from __future__ import annotations

# "Architectures" of aws-ia/terraform-aws-eks-blueprints-addons (v1.9.0): the add-ons it installs
# from upstream charts, each marked x86_64 and arm64.
_BLUEPRINTS = "aws-ia.github.io/terraform-aws-eks-blueprints-addons/v1.9.0/architectures"
# Same page: "Amazon EKS add-ons utilize multi-architecture container images"; vpc-cni,
# aws-ebs-csi-driver, coredns and kube-proxy are listed by name, the agents by that statement.
_EKS_ADDONS = f"{_BLUEPRINTS} (Amazon EKS add-ons)"
_ISTIO = "Istio 1.15 release: control plane and proxies publish arm64 (tetrate.io, 'The arm64 processor is now supported in Istio 1.15')"

# Helm chart name (helm_release.chart) -> source.
CHARTS: dict[str, str] = {
    "aws-cloudwatch-metrics": f"{_BLUEPRINTS}; the agent image since 2021-01 (aws/containers-roadmap#1023)",
    "aws-load-balancer-controller": _BLUEPRINTS,
    "cert-manager": _BLUEPRINTS,
    "cluster-autoscaler": _BLUEPRINTS,
    "external-dns": _BLUEPRINTS,
    "external-secrets": _BLUEPRINTS,
    "metrics-server": _BLUEPRINTS,
    # Prometheus, Alertmanager, the operator, kube-state-metrics, Grafana and its sidecar.
    "kube-prometheus-stack": _BLUEPRINTS,
    # The same node-exporter image kube-prometheus-stack ships as its subchart.
    "prometheus-node-exporter": _BLUEPRINTS,
    "prometheus-yet-another-cloudwatch-exporter": "prometheus-community/yet-another-cloudwatch-exporter#405 (arm64 builds), #484 (multi-arch image)",
    "eck-operator": "elastic/cloud-on-k8s#3897 (multi-arch operator image since 1.4); #9371 (3.x image supports arm64)",
    "fluent-bit": "docs.fluentbit.io installation/docker: every release tag's manifest lists x86_64 and arm64v8",
    "istiod": _ISTIO,
    "cni": _ISTIO,
    "ztunnel": _ISTIO,
}

# EKS add-on name (aws_eks_addon.addon_name) -> source.
ADDONS: dict[str, str] = {
    name: _EKS_ADDONS
    for name in ("vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver", "eks-pod-identity-agent", "eks-node-monitoring-agent")
}

# Image repository (without tag) of pods the code writes itself -> source.
IMAGES: dict[str, str] = {
    "public.ecr.aws/aquasecurity/kube-bench": "aquasecurity/kube-bench#1036 (arm64 images, 2021)",
}
