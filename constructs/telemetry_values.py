"""Where the log, search and trace stores live and how they are reached: namespaces, service
accounts with AWS roles, service addresses and ports. One place, because Fluent Bit, Grafana,
Jaeger and the NetworkPolicies of several namespaces all name the same addresses.
Pure Python (no cdktf), read by the component groups, the observability stacks and the tests."""
from __future__ import annotations

from typing import Any

from catalog.naming import name_prefix

# Re-exported for the groups: the namespace Prometheus and Grafana run in, and the StorageClass
# of every volume the observability stack claims.
from constructs.monitoring import MONITORING as MONITORING
from constructs.monitoring import STORAGE_CLASS as STORAGE_CLASS

LOKI_NAMESPACE = "loki"
SEARCH_NAMESPACE = "search"
ECK_NAMESPACE = "elastic-system"
# Fluent Bit's namespace (constructs/components_logging.NAMESPACE).
LOG_SHIPPER_NAMESPACE = "amazon-cloudwatch"

# role key -> (namespace, service account): the observability-aws stack creates one IRSA role
# per entry (constructs/telemetry_storage.py; es-credentials, the PushSecrets' store, in
# constructs/search_credentials.py) that trusts exactly that service account. Keys are the
# service-account names, as in constructs/observability_roles.py.
SERVICE_ACCOUNTS: dict[str, tuple[str, str]] = {
    "loki": (LOKI_NAMESPACE, "loki"),
    "elasticsearch": (SEARCH_NAMESPACE, "elasticsearch"),
    "es-credentials": (SEARCH_NAMESPACE, "es-credentials"),
}



def bucket_names(env: str, account_id: str) -> dict[str, str]:
    """The telemetry buckets, by purpose; account-qualified, since bucket names are global.
    Derived, not exported: the components know the names without reading the AWS stack."""
    prefix = name_prefix(env)
    return {"loki": f"{prefix}-loki-{account_id}", "es-snapshots": f"{prefix}-es-snapshots-{account_id}"}


# Loki: every client goes through the gateway (nginx), which routes pushes to the writers and
# queries to the readers in either deployment mode; one address for Fluent Bit and Grafana.
LOKI_GATEWAY_PORT = 8080  # the gateway pods' port; its Service listens on 80
LOKI_HTTP_PORT, LOKI_GRPC_PORT, MEMBERLIST_PORT = 3100, 9095, 7946
LOKI_PUSH_HOST = f"loki-gateway.{LOKI_NAMESPACE}.svc.cluster.local"
LOKI_URL = f"http://{LOKI_PUSH_HOST}"

# Elasticsearch, named by its custom resource: ECK calls the HTTP Service <name>-es-http and
# keeps the CA in <name>-es-http-certs-public. No client uses ECK's `elastic` superuser: each
# has its own file-realm user (constructs/search_users.py), Secret es-user-<name>.
ES_NAME = "telemetry"
ES_HTTP_PORT, ES_TRANSPORT_PORT = 9200, 9300
ES_URL = f"https://{ES_NAME}-es-http.{SEARCH_NAMESPACE}.svc:{ES_HTTP_PORT}"
ES_CA_SECRET = f"{ES_NAME}-es-http-certs-public"
ES_POD_LABELS = {"elasticsearch.k8s.elastic.co/cluster-name": ES_NAME}
ES_EXPORTER_PORT = 9108

# Jaeger v2: OTLP in (gRPC, HTTP), the query UI/API for Grafana, its own metrics.
JAEGER_OTLP_PORTS = (4317, 4318)
JAEGER_QUERY_PORT = 16686
JAEGER_METRICS_PORT = 8888
JAEGER_URL = f"http://jaeger.{SEARCH_NAMESPACE}.svc.cluster.local:{JAEGER_QUERY_PORT}"


def es_password_env(secret: str, name: str = "ES_PASSWORD") -> dict[str, Any]:
    """An env entry with a user's password, read from its basic-auth Secret at start."""
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": "password"}}}
