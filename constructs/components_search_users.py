"""Search-users group: the Elasticsearch file-realm users of constructs/search_users.py made
real, and the certificate clients verify. In `search`: one generated basic-auth Secret per
user, the roles Secret, the HTTP certificate, and the PushSecrets that copy the shared users'
passwords and the CA to Secrets Manager through a store only this namespace can use. In each
client namespace outside `search`: the ExternalSecret that pulls them back (Grafana's
`grafana-elasticsearch`, Fluent Bit's `fluent-bit-elasticsearch`).

TLS: the HTTP certificate comes from the platform's private CA (components_certs.CA_ISSUER),
not ECK's own self-signed CA. ECK's CA lives a year and is replaced a day before it expires,
and every client outside `search` would have to get the new one and restart within that day;
the platform CA lives five years, while the certificate it signs here renews every 60 days
without any client noticing. ECK serves the certificate and publishes its ca.crt in
<name>-es-http-certs-public, which clients in `search` mount and the PushSecret copies out.
"""
from __future__ import annotations

from typing import Any

from constructs.addon_contract import Component, ComponentContext, ServiceAccount
from constructs.components_certs import CA_ISSUER
from constructs.components_secrets import store_secret
from constructs.controller_values import irsa
from constructs.search_users import (
    CA_SECRET_KEY,
    CLIENT_SECRETS,
    PASSWORD_GENERATOR,
    POLICY_CONFIGMAP,
    POLICY_KEY,
    PUSH_SERVICE_ACCOUNT,
    PUSH_STORE,
    ROLES_SECRET,
    USERS,
    SearchUser,
    credential_policy,
    roles_yml,
    shared_secret_names,
)
from constructs.telemetry_values import ES_CA_SECRET, ES_NAME, SEARCH_NAMESPACE

ESO = "external-secrets.io"
# Pushed and pulled hourly: a rotated password or CA reaches the clients within two hours.
REFRESH = "1h"  # the PushSecrets; the ExternalSecrets refresh as store_secret() sets
PASSWORD_LENGTH = 32
ES_TLS_SECRET = f"{ES_NAME}-es-http-tls"
# Every name a client may use for the HTTP Service (ECK calls it <name>-es-http).
ES_DNS_NAMES = tuple(f"{ES_NAME}-es-http{suffix}" for suffix in ("", f".{SEARCH_NAMESPACE}", f".{SEARCH_NAMESPACE}.svc", f".{SEARCH_NAMESPACE}.svc.cluster.local"))


def _generated_user(u: SearchUser) -> dict[str, Any]:
    """The user's basic-auth Secret, generated once (CreatedOnce: never regenerated while it
    exists; deleting the Secret rotates the password). ECK reads username, password and the
    comma-separated roles key."""
    return {
        "apiVersion": f"{ESO}/v1",
        "kind": "ExternalSecret",
        "metadata": {"name": u.secret, "namespace": SEARCH_NAMESPACE},
        "spec": {
            "refreshPolicy": "CreatedOnce",
            "target": {
                "name": u.secret,
                "creationPolicy": "Owner",
                "template": {
                    "type": "kubernetes.io/basic-auth",
                    "engineVersion": "v2",
                    "data": {"username": u.name, "password": "{{ .password }}", "roles": u.role_name},
                },
            },
            "dataFrom": [{"sourceRef": {"generatorRef": {"apiVersion": f"generators.{ESO}/v1alpha1", "kind": "Password", "name": PASSWORD_GENERATOR}}}],
        },
    }


def _push(name: str, source: str, key: str, remote: str) -> dict[str, Any]:
    metadata = {
        "apiVersion": "kubernetes.external-secrets.io/v1alpha1",
        "kind": "PushSecretMetadata",
        "spec": {
            "secretPushFormat": "string",
            "resourcePolicy": {"blockPublicPolicy": True, "policySourceRef": {"kind": "ConfigMap", "name": POLICY_CONFIGMAP, "key": POLICY_KEY}},
        },
    }
    return {
        "apiVersion": f"{ESO}/v1alpha1",
        "kind": "PushSecret",
        "metadata": {"name": name, "namespace": SEARCH_NAMESPACE},
        "spec": {
            "refreshInterval": REFRESH,
            "updatePolicy": "Replace",
            # The container belongs to the observability-aws stack; deleting the PushSecret
            # leaves the value for the clients that still read it.
            "deletionPolicy": "None",
            "secretStoreRefs": [{"name": PUSH_STORE, "kind": "SecretStore"}],
            "selector": {"secret": {"name": source}},
            "data": [{"match": {"secretKey": key, "remoteRef": {"remoteKey": remote}}, "metadata": metadata}],
        },
    }


def _pull(u: SearchUser, remote: dict[str, str]) -> dict[str, Any]:
    return store_secret(
        CLIENT_SECRETS[u.name],
        u.namespace,
        [
            {"secretKey": "password", "remoteRef": {"key": remote[u.name]}},
            {"secretKey": "ca", "remoteRef": {"key": remote[CA_SECRET_KEY]}},
        ],
        template={"engineVersion": "v2", "data": {"username": u.name, "password": "{{ .password }}", "ca.crt": "{{ .ca }}"}},
    )


def _http_certificate() -> dict[str, Any]:
    return {
        "apiVersion": "cert-manager.io/v1",
        "kind": "Certificate",
        "metadata": {"name": ES_TLS_SECRET, "namespace": SEARCH_NAMESPACE},
        "spec": {
            "secretName": ES_TLS_SECRET,
            "dnsNames": list(ES_DNS_NAMES),
            # 90 days, renewed with 30 to go; a new key each time.
            "duration": "2160h",
            "renewBefore": "720h",
            "privateKey": {"algorithm": "ECDSA", "size": 256, "rotationPolicy": "Always"},
            "issuerRef": {"name": CA_ISSUER, "kind": "ClusterIssuer", "group": "cert-manager.io"},
        },
    }


def es_http_tls() -> dict[str, Any]:
    """The Elasticsearch resource's spec.http: serve the platform-CA certificate."""
    return {"tls": {"certificate": {"secretName": ES_TLS_SECRET}}}


def custom_resources(ctx: ComponentContext) -> tuple[dict[str, Any], ...]:
    remote = shared_secret_names(ctx.env)
    generator = {
        "apiVersion": f"generators.{ESO}/v1alpha1",
        "kind": "Password",
        "metadata": {"name": PASSWORD_GENERATOR, "namespace": SEARCH_NAMESPACE},
        # Letters and digits only: the password goes into Fluent Bit's config and curl's -u
        # unquoted by a shell nowhere, but a symbol-free value cannot be misread by any of them.
        "spec": {"length": PASSWORD_LENGTH, "digits": 6, "symbols": 0, "noUpper": False, "allowRepeat": True},
    }
    store = {
        "apiVersion": f"{ESO}/v1",
        "kind": "SecretStore",
        "metadata": {"name": PUSH_STORE, "namespace": SEARCH_NAMESPACE},
        "spec": {"provider": {"aws": {"service": "SecretsManager", "region": ctx.region, "auth": {"jwt": {"serviceAccountRef": {"name": PUSH_SERVICE_ACCOUNT}}}}}},
    }
    shared = [u for u in USERS if u.shared]
    return (
        _http_certificate(),
        generator,
        store,
        *(_generated_user(u) for u in USERS),
        *(_push(u.secret, u.secret, "password", remote[u.name]) for u in shared),
        _push(CA_SECRET_KEY, ES_CA_SECRET, "ca.crt", remote[CA_SECRET_KEY]),
        *(_pull(u, remote) for u in shared),
    )


def es_auth() -> dict[str, Any]:
    """The Elasticsearch resource's spec.auth: every user's Secret and the roles."""
    return {"fileRealm": [{"secretName": u.secret} for u in USERS], "roles": [{"secretName": ROLES_SECRET}]}


def credentials(ctx: ComponentContext) -> Component:
    """The pusher's service account (its IRSA role writes the shared containers only), the
    roles Secret ECK reads, and the resource policy every PushSecret gives its secret."""
    account = {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": PUSH_SERVICE_ACCOUNT, "namespace": SEARCH_NAMESPACE, "annotations": irsa(ctx, PUSH_SERVICE_ACCOUNT)},
        # ESO requests this account's tokens; no pod runs as it.
        "automountServiceAccountToken": False,
    }
    roles = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": ROLES_SECRET, "namespace": SEARCH_NAMESPACE},
        "type": "Opaque",
        # Role definitions, nothing secret; ECK reads roles from Secrets only.
        "stringData": {"roles.yml": roles_yml()},
    }
    policy = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": POLICY_CONFIGMAP, "namespace": SEARCH_NAMESPACE},
        "data": {POLICY_KEY: credential_policy(ctx.env, ctx.account_id)},
    }
    return Component(
        name="search-credentials",
        chart="",
        repository="",
        version="",
        namespace=SEARCH_NAMESPACE,
        owns_namespace=False,
        values={},
        depends_on=("elasticsearch",),
        service_accounts=(ServiceAccount(PUSH_SERVICE_ACCOUNT, role=PUSH_SERVICE_ACCOUNT),),
        manifests=(account, roles, policy),
    )


def components(ctx: ComponentContext) -> tuple[Component, ...]:
    return (credentials(ctx),)
