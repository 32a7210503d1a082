"""Certificates group: cert-manager, an ACME ClusterIssuer (Let's Encrypt, Route 53 DNS-01 in
the environment's zones) for public names, and a private CA ClusterIssuer (self-signed root ->
CA Certificate -> CA issuer) for in-cluster TLS."""
from __future__ import annotations

from typing import Any

from constructs.addon_contract import Component, ComponentContext, NetworkAllow, ServiceAccount
from constructs.controller_values import (
    ANYWHERE,
    aws_api_egress,
    chart_release,
    crd_kinds,
    disruption_budget,
    irsa_service_account,
    replicas,
    restricted_pod,
    webhook_ingress,
)

# cert-manager/cert-manager deploy/charts/cert-manager at tag v1.21.1 (2026-07-29); the chart
# is published at charts.jetstack.io with the tag as its version, leading "v" included.
# Values keys checked against that tag's values.yaml (and its values.schema.json).
CHART = ("cert-manager", "https://charts.jetstack.io", "v1.21.1")
NAMESPACE = "cert-manager"
SERVICE_ACCOUNT = "cert-manager"
WEBHOOK_PORT = 10250  # webhook.securePort's default
CRDS = crd_kinds(
    {
        "cert-manager.io": ("Certificate", "CertificateRequest", "Issuer", "ClusterIssuer"),
        "acme.cert-manager.io": ("Order", "Challenge"),
    }
)
# The cert-manager image runs as uid 1000; the IRSA token is mounted root-owned, readable by
# the pod's fsGroup only (cert-manager's documented setting for IRSA).
IRSA_TOKEN_GROUP = 1001

DNS_CHECK_WHY = "cert-manager checks each DNS-01 challenge record on the zone's authoritative Route 53 name servers before validation"
ACME_ISSUER = "letsencrypt"
LETSENCRYPT = {
    "production": "https://acme-v02.api.letsencrypt.org/directory",
    "staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
}
SELF_SIGNED_ISSUER = "selfsigned-root"
CA_CERTIFICATE = "internal-ca"
CA_ISSUER = "internal-ca"
# The root signs only the CA issuer's certificates; it lives five years and is renewed with a
# year to go, which is the window for spreading the new CA bundle to clients.
CA_DURATION, CA_RENEW_BEFORE = "43800h", "8760h"


def acme_endpoint(ctx: ComponentContext) -> str:
    """Let's Encrypt production where certificates are used by real clients. dev uses the
    staging endpoint: dev, staging and prod share one registered domain, and Let's Encrypt's
    weekly certificate limit counts per registered domain, so dev's rebuilds must not spend
    the allowance prod renews from. Decided by [platform] acme_staging in the environment."""
    return LETSENCRYPT["staging" if ctx.platform.acme_staging else "production"]


def cert_manager(ctx: ComponentContext) -> Component:
    count = replicas(ctx)
    pdb = disruption_budget(ctx)
    values: dict[str, Any] = {
        "crds": {"enabled": True, "keep": True},
        # Leader election in its own namespace, so cert-manager needs no Role in kube-system.
        "global": {"leaderElection": {"namespace": NAMESPACE}},
        "replicaCount": count,
        "podDisruptionBudget": pdb,
        "serviceAccount": irsa_service_account(ctx, SERVICE_ACCOUNT, "cert-manager"),
        **restricted_pod(ctx, ("20m", "96Mi", "384Mi"), pod={"fsGroup": IRSA_TOKEN_GROUP}),
        "webhook": {"replicaCount": count, "podDisruptionBudget": pdb, **restricted_pod(ctx, ("10m", "32Mi", "128Mi"))},
        # It caches every Secret and CRD it injects into: the biggest of the three.
        "cainjector": {"replicaCount": count, "podDisruptionBudget": pdb, **restricted_pod(ctx, ("20m", "128Mi", "512Mi"))},
        "startupapicheck": restricted_pod(ctx, ("10m", "32Mi", "64Mi")),
    }
    controller = {"app.kubernetes.io/component": "controller"}
    return chart_release(
        CHART,
        NAMESPACE,
        values,
        service_accounts=(ServiceAccount(SERVICE_ACCOUNT, role="cert-manager"),),
        crds=CRDS,
        network_allows=(
            webhook_ingress(ctx, "cert-manager", WEBHOOK_PORT, {"app.kubernetes.io/component": "webhook"}),
            aws_api_egress("cert-manager", "the controller talks to the ACME server and writes DNS-01 records through Route 53 and STS", controller),
            # Before asking the ACME server to validate, the controller checks the challenge
            # record on the zone's authoritative name servers (public, addresses not fixed):
            # a recursive resolver could answer from a cached NXDOMAIN.
            *(
                NetworkAllow(name=f"cert-manager-dns-{proto.lower()}", why=DNS_CHECK_WHY, direction="egress", ports=(53,), protocol=proto, cidrs=(ANYWHERE,), pod_labels=controller)
                for proto in ("UDP", "TCP")
            ),
        ),
    )


def custom_resources(ctx: ComponentContext) -> tuple[dict[str, Any], ...]:
    acme = {
        "apiVersion": "cert-manager.io/v1",
        "kind": "ClusterIssuer",
        "metadata": {"name": ACME_ISSUER},
        "spec": {
            "acme": {
                "server": acme_endpoint(ctx),
                "privateKeySecretRef": {"name": f"{ACME_ISSUER}-account-key"},
                "solvers": [
                    {
                        # Names in the environment's zones only; the role may change nothing
                        # else than _acme-challenge TXT records in those zones.
                        "selector": {"dnsZones": list(ctx.zone_names)},
                        # No credentials: the controller's IRSA role (ambient credentials).
                        "dns01": {"route53": {"region": ctx.region}},
                    }
                ],
            }
        },
    }
    root = {"apiVersion": "cert-manager.io/v1", "kind": "ClusterIssuer", "metadata": {"name": SELF_SIGNED_ISSUER}, "spec": {"selfSigned": {}}}
    ca_certificate = {
        "apiVersion": "cert-manager.io/v1",
        "kind": "Certificate",
        # ClusterIssuers read their CA secret from cert-manager's own namespace.
        "metadata": {"name": CA_CERTIFICATE, "namespace": NAMESPACE},
        "spec": {
            "isCA": True,
            "commonName": f"{ctx.cluster_name} internal CA",
            "secretName": CA_CERTIFICATE,
            "duration": CA_DURATION,
            "renewBefore": CA_RENEW_BEFORE,
            "privateKey": {"algorithm": "ECDSA", "size": 256, "rotationPolicy": "Always"},
            "issuerRef": {"name": SELF_SIGNED_ISSUER, "kind": "ClusterIssuer", "group": "cert-manager.io"},
        },
    }
    ca_issuer = {"apiVersion": "cert-manager.io/v1", "kind": "ClusterIssuer", "metadata": {"name": CA_ISSUER}, "spec": {"ca": {"secretName": CA_CERTIFICATE}}}
    return (acme, root, ca_certificate, ca_issuer)


def components(ctx: ComponentContext) -> tuple[Component, ...]:
    return (cert_manager(ctx),)

