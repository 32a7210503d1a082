"""Secrets group: the External Secrets Operator and one ClusterSecretStore on the environment's
Secrets Manager secrets, reached through the operator's IRSA role. Nothing secret passes
through Terraform: the store names where values are, the operator copies them in-cluster.

No ExternalSecret is declared yet. The security layer's secrets today (environments/*.toml
[[security.secrets]]) are application credentials that the applications' own IAM roles read
directly; no platform component consumes one in-cluster. A secret becomes syncable when its
`readers` list the operator's role (sparki-<env>-eks-external-secrets): the secret's resource
policy denies everyone else, whatever the role's IAM policy says.
"""
from __future__ import annotations

from typing import Any

from constructs.addon_contract import Component, ComponentContext, ServiceAccount
from constructs.controller_values import (
    POD_SECURITY_CONTEXT_KEYS,
    aws_api_egress,
    chart_release,
    crd_kinds,
    disruption_budget,
    highly_available,
    irsa_service_account,
    replicas,
    restricted_pod,
    webhook_ingress,
)
from constructs.monitoring import SECRET_NAMESPACES

# external-secrets/external-secrets deploy/charts/external-secrets at tag helm-chart-2.9.0
# (= v2.9.0): version 2.9.0, appVersion v2.9.0. Values keys checked against its values.yaml.
CHART = ("external-secrets", "https://charts.external-secrets.io", "2.9.0")
NAMESPACE = "external-secrets"
SERVICE_ACCOUNT = "external-secrets"
WEBHOOK_PORT = 10250  # webhook.port's default
CRDS = crd_kinds(
    {
        "external-secrets.io": ("ExternalSecret", "SecretStore", "ClusterSecretStore", "ClusterExternalSecret", "PushSecret", "ClusterPushSecret"),
        "generators.external-secrets.io": ("ClusterGenerator", "Password", "ECRAuthorizationToken", "STSSessionToken", "UUID"),
    }
)
STORE = "aws-secrets-manager"


def store_secret(name: str, namespace: str, data: list[dict[str, Any]], template: dict[str, Any] | None = None) -> dict[str, Any]:
    """An ExternalSecret `name` in `namespace` from the ClusterSecretStore, refreshed hourly;
    `data` as ESO takes it, `template` (if any) shapes the Secret it owns."""
    target: dict[str, Any] = {"name": name, "creationPolicy": "Owner"}
    if template:
        target["template"] = template
    return {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"refreshInterval": "1h", "secretStoreRef": {"kind": "ClusterSecretStore", "name": STORE}, "target": target, "data": data},
    }


def _pod(ctx: ComponentContext, requests: tuple[str, str, str]) -> dict[str, Any]:
    """Security context, resources, placement and PDB of one of the chart's three Deployments."""
    return {
        "replicaCount": replicas(ctx),
        "podDisruptionBudget": disruption_budget(ctx),
        # The chart's `enabled` switch renders the rest as the pod's / container's context.
        **restricted_pod(ctx, requests, keys=POD_SECURITY_CONTEXT_KEYS, pod={"enabled": True, "fsGroup": 65534}, container={"enabled": True, "runAsUser": 1000}),
    }


def external_secrets(ctx: ComponentContext) -> Component:
    values: dict[str, Any] = {
        "installCRDs": True,
        # Several controller replicas need one leader, or they all reconcile every secret.
        "leaderElect": highly_available(ctx),
        "serviceAccount": irsa_service_account(ctx, SERVICE_ACCOUNT, "external-secrets"),
        **_pod(ctx, ("20m", "96Mi", "384Mi")),
        "webhook": _pod(ctx, ("10m", "48Mi", "128Mi")),
        "certController": _pod(ctx, ("10m", "64Mi", "256Mi")),
    }
    return chart_release(
        CHART,
        NAMESPACE,
        values,
        service_accounts=(ServiceAccount(SERVICE_ACCOUNT, role="external-secrets"),),
        crds=CRDS,
        network_allows=(
            webhook_ingress(ctx, "external-secrets", WEBHOOK_PORT, {"app.kubernetes.io/name": "external-secrets-webhook"}),
            aws_api_egress("external-secrets", "the operator reads secret values from Secrets Manager with credentials from STS"),
        ),
    )


def custom_resources(ctx: ComponentContext) -> tuple[dict[str, Any], ...]:
    store = {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ClusterSecretStore",
        "metadata": {"name": STORE},
        "spec": {
            "provider": {
                "aws": {
                    "service": "SecretsManager",
                    "region": ctx.region,
                    # The operator's own service account: its IRSA role reads sparki-<env>/*
                    # secrets of this account and decrypts them through Secrets Manager only.
                    "auth": {"jwt": {"serviceAccountRef": {"name": SERVICE_ACCOUNT, "namespace": NAMESPACE}}},
                }
            },
            # Application namespaces and the observability layer's (Alertmanager's receivers,
            # Grafana's admin) only: an ExternalSecret anywhere else is refused, so the store
            # cannot be used to copy a secret into a namespace nobody reviews.
            "conditions": [{"namespaces": [*ctx.platform.app_namespaces, *SECRET_NAMESPACES]}],
        },
    }
    return (store,)


def components(ctx: ComponentContext) -> tuple[Component, ...]:
    return (external_secrets(ctx),)
