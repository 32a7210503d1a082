"""Who may use the Elasticsearch cluster, and with what: one file-realm user per client, each
with a least-privilege role, and where each user's password comes from and goes to.

Pure Python (no cdktf): the search group (ECK's spec.auth, the ExternalSecrets and PushSecrets),
the clients (Grafana, Fluent Bit, Jaeger, the exporter, the setup job), the observability-aws
stack (the Secrets Manager containers and the pusher's role) and the tests read the same names.

Passwords: ESO's Password generator makes each user's password once, in `search`, as a
kubernetes.io/basic-auth Secret that ECK's file realm reads (ECK hashes it; ES reloads the realm
without a restart). Clients in `search` mount that Secret. A client elsewhere (Grafana in
monitoring, Fluent Bit in amazon-cloudwatch) cannot: its password is pushed to a Secrets
Manager container of the observability-aws stack and pulled into its namespace by an
ExternalSecret. Nothing is typed by a person, nothing passes through Terraform.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from catalog.naming import resource_name, secret_name
from constructs.grafana_datasources import LOG_INDEX, TRACE_INDEX
from constructs.monitoring import MONITORING
from constructs.prometheus_values import GRAFANA_ELASTICSEARCH_SECRET
from constructs.secret import reader_policy
from constructs.telemetry_values import ES_NAME, LOG_SHIPPER_NAMESPACE, SEARCH_NAMESPACE


@dataclass(frozen=True)
class SearchUser:
    """One file-realm user.

    name: the user name, also the suffix of its Secret (es-user-<name>).
    namespace: where its client runs; outside SEARCH_NAMESPACE the password travels through
        Secrets Manager.
    role: the Elasticsearch role descriptor (roles.yml entry) of the user's one role.
    why: what the client does with it, which is what the role allows.
    """

    name: str
    namespace: str
    role: dict[str, Any]
    why: str

    @property
    def secret(self) -> str:
        return f"es-user-{self.name}"

    @property
    def role_name(self) -> str:
        return self.name.replace("-", "_")

    @property
    def shared(self) -> bool:
        return self.namespace != SEARCH_NAMESPACE


def log_data_stream(env: str) -> str:
    """Fluent Bit's data stream, `logs-<dataset>-<namespace>` (Elastic's naming): one per
    environment, so a restored snapshot of another environment cannot mix in."""
    return f"logs-kubernetes.containers-{env}"


LOG_STREAMS = "logs-kubernetes.containers-*"
JAEGER_INDICES = "jaeger-*"

USERS: tuple[SearchUser, ...] = (
    SearchUser(
        "grafana",
        MONITORING,
        # monitor: the data source asks GET / for the version; reads only, and only the log
        # streams and the span/service indices its two data sources name.
        {"cluster": ["monitor"], "indices": [{"names": [LOG_INDEX, TRACE_INDEX, "jaeger-service-*"], "privileges": ["read", "view_index_metadata"]}]},
        "Grafana's Elasticsearch data sources search logs and spans",
    ),
    SearchUser(
        "fluent-bit",
        LOG_SHIPPER_NAMESPACE,
        # create_doc appends to a data stream and cannot overwrite; auto_configure lets the
        # first write create the stream from the setup job's index template.
        {"cluster": [], "indices": [{"names": [LOG_STREAMS], "privileges": ["create_doc", "auto_configure"]}]},
        "Fluent Bit appends container logs to its data stream",
    ),
    SearchUser(
        "jaeger",
        SEARCH_NAMESPACE,
        # Jaeger creates its index templates and daily indices, writes and reads spans; the
        # index cleaner lists and deletes its old indices. Nothing outside jaeger-*.
        {
            "cluster": ["monitor", "manage_index_templates"],
            "indices": [{"names": [JAEGER_INDICES], "privileges": ["create_index", "write", "read", "view_index_metadata", "monitor", "delete_index"]}],
        },
        "Jaeger writes and reads spans; its index cleaner deletes expired span indices",
    ),
    SearchUser(
        "exporter",
        SEARCH_NAMESPACE,
        # elasticsearch_exporter's README: cluster monitor for health/nodes/settings,
        # read_slm for SLM, monitor_snapshot for snapshots, indices monitor for index stats.
        {"cluster": ["monitor", "monitor_snapshot", "read_slm"], "indices": [{"names": ["*"], "privileges": ["monitor"]}]},
        "the Prometheus exporter reads cluster, index and snapshot statistics",
    ),
    SearchUser(
        "cluster-setup",
        SEARCH_NAMESPACE,
        # PUT _snapshot/<repo> needs `manage` (ES docs, create snapshot repository API); PUT
        # _slm/policy needs manage_slm and `manage` on the indices it snapshots; SLM then takes
        # snapshots with this user's privileges. `manage` covers the log index template too.
        {"cluster": ["manage", "manage_slm"], "indices": [{"names": ["*"], "privileges": ["manage"]}]},
        "the hourly setup job registers the snapshot repository, the SLM policy and the log index template",
    ),
)
BY_NAME: dict[str, SearchUser] = {u.name: u for u in USERS}
ROLES_SECRET = f"{ES_NAME}-roles"
PASSWORD_GENERATOR = "es-password"
# What the PushSecrets write with: a namespaced store in `search` on its own role (below), so no
# other namespace can push, and the pull store (ClusterSecretStore) cannot write.
PUSH_STORE = "es-credentials"
PUSH_SERVICE_ACCOUNT = "es-credentials"
POLICY_CONFIGMAP = "es-credentials-policy"
POLICY_KEY = "policy.json"
CA_SECRET_KEY = "es-ca"
# The Secret each shared user's client mounts in its own namespace (keys username, password,
# ca.crt), filled by an ExternalSecret of the same name.
FLUENT_BIT_SECRET = "fluent-bit-elasticsearch"
CLIENT_SECRETS = {"grafana": GRAFANA_ELASTICSEARCH_SECRET, "fluent-bit": FLUENT_BIT_SECRET}


def user(name: str) -> SearchUser:
    return BY_NAME[name]


def roles_yml() -> str:
    """The file realm's roles.yml (JSON is YAML), one role per user."""
    return json.dumps({u.role_name: u.role for u in USERS}, indent=2, sort_keys=True)


def shared_secret_names(env: str) -> dict[str, str]:
    """key -> Secrets Manager name of every value that leaves `search`: the shared users'
    passwords and the cluster's CA certificate (public, but the same way keeps one path)."""
    names = {u.name: secret_name(env, f"observability/es-users/{u.name}") for u in USERS if u.shared}
    return {**names, CA_SECRET_KEY: secret_name(env, "observability/es-ca")}


def pusher_role_name(env: str) -> str:
    return f"{resource_name(env, 'obs')}-{PUSH_SERVICE_ACCOUNT}"


def credential_readers(env: str, account_id: str) -> list[str]:
    """The roles that may read the shared values: the operator's pull role (the cluster
    layer's) and the pusher (PushSecret reads the current value before it writes)."""
    return sorted(
        [
            f"arn:aws:iam::{account_id}:role/{resource_name(env, 'eks')}-external-secrets",
            f"arn:aws:iam::{account_id}:role/{pusher_role_name(env)}",
        ]
    )


def credential_policy(env: str, account_id: str) -> str:
    """The resource policy of every shared secret, written by Terraform and, byte for byte the
    same, by each PushSecret: ESO 2.9 replaces (or, if none is given, deletes) a pushed
    secret's resource policy (external-secrets#6806), so it is given the one Terraform sets.
    "*" is the secret itself, so one text fits all of them: the Secret construct's reader
    policy, with sorted keys."""
    return json.dumps(json.loads(reader_policy("*", credential_readers(env, account_id))), sort_keys=True)
