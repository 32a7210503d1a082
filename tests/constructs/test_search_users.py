"""The Elasticsearch users (constructs/search_users.py, components_search_users.py) in every
environment: each client authenticates as its own user, whose role exists and allows only what
the client does; no client uses `elastic`; the shared passwords travel search -> Secrets
Manager -> the client's namespace; Grafana's secret and Fluent Bit's data stream meet the
Elasticsearch data source where it looks."""
from __future__ import annotations

import functools
import json
import re
from fnmatch import fnmatch

import pytest

from constructs import components_search
from constructs.components_prometheus import data_source_urls
from constructs.components_secrets import STORE
from constructs.grafana_datasources import ELASTICSEARCH_LOGS, ELASTICSEARCH_SECRET_DIR, provisioning
from constructs.monitoring import MONITORING
from constructs.prometheus_values import GRAFANA_ELASTICSEARCH_SECRET
from constructs.search_users import (
    CA_SECRET_KEY,
    CLIENT_SECRETS,
    PUSH_STORE,
    USERS,
    log_data_stream,
    shared_secret_names,
    user,
)
from constructs.telemetry_values import ES_CA_SECRET, SEARCH_NAMESPACE
from stacks.platform_components import collect
from tests.constructs.platform_support import ENVS, context, observability, observability_ctx

ENV_NAMES = list(ENVS)


@functools.cache
def everything(env: str) -> tuple[list, list]:
    """(components, custom resources) of the platform and observability layers."""
    platform, obs = collect(context(env)), observability(env)
    return [*platform.components, *obs.components], [*platform.custom_resources, *obs.custom_resources]


def find(objects, kind: str, name: str, namespace: str | None = None) -> dict:
    (found,) = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name and namespace in (None, o["metadata"].get("namespace"))]
    return found


def component(env: str, name: str):
    (found,) = [c for c in everything(env)[0] if c.name == name]
    return found


def fluent_bit_es_output(env: str) -> dict[str, str]:
    outputs = component(env, "fluent-bit").values["config"]["outputs"].split("[OUTPUT]")
    (es,) = [o for o in outputs if re.search(r"^\s*Name es$", o, re.M)]
    return dict(line.strip().split(" ", 1) for line in es.strip().splitlines())


def data_sources() -> list[dict]:
    """Grafana's provisioned data sources, as the stack's Grafana gets them."""
    return provisioning("us-east-1", data_source_urls())


def roles_secret(env: str) -> dict:
    (secret,) = [m for m in component(env, "search-credentials").manifests if m["kind"] == "Secret"]
    return secret


@pytest.mark.parametrize("env", ENV_NAMES)
def test_every_user_is_in_the_file_realm_with_a_role_that_exists(env):
    _, resources = everything(env)
    cluster = find(resources, "Elasticsearch", "telemetry", SEARCH_NAMESPACE)
    assert {s["secretName"] for s in cluster["spec"]["auth"]["fileRealm"]} == {u.secret for u in USERS}
    defined = json.loads(roles_secret(env)["stringData"]["roles.yml"])
    for u in USERS:
        generated = find(resources, "ExternalSecret", u.secret, SEARCH_NAMESPACE)
        template = generated["spec"]["target"]["template"]
        assert template["type"] == "kubernetes.io/basic-auth" and generated["spec"]["refreshPolicy"] == "CreatedOnce"
        assert template["data"]["username"] == u.name and "{{ .password }}" == template["data"]["password"]
        assert template["data"]["roles"] in defined, f"{u.name}: role {template['data']['roles']} is not in roles.yml"
    assert [s["secretName"] for s in cluster["spec"]["auth"]["roles"]] == [roles_secret(env)["metadata"]["name"]]


@pytest.mark.parametrize("env", ENV_NAMES)
def test_no_client_uses_the_elastic_superuser(env):
    components, resources = everything(env)
    text = json.dumps([[c.values, list(c.manifests)] for c in components] + resources)
    # The user name as a value, ECK's secret of its password, curl's -u, a mounted key, Fluent Bit.
    for needle in (r'"elastic"', r"es-elastic-user", r"\belastic:", r"/elastic(?![\w-])", r"HTTP_User elastic\b"):
        assert not re.search(needle, text), f"{env}: {needle!r} in the rendered values"


@pytest.mark.parametrize("env", ENV_NAMES)
def test_each_client_authenticates_as_its_own_user(env):
    jaeger = component(env, "jaeger").values
    (store,) = jaeger["userconfig"]["extensions"]["jaeger_storage"]["backends"].values()
    exporter = component(env, "prometheus-elasticsearch-exporter").values
    (job,) = [m for m in component(env, "elasticsearch").manifests if m["kind"] == "CronJob"]
    pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    _, resources = everything(env)
    grafana = find(resources, "ExternalSecret", GRAFANA_ELASTICSEARCH_SECRET, MONITORING)
    cleaner = {e["name"]: e for e in jaeger["esIndexCleaner"]["extraEnv"]}
    used = {
        "jaeger": (store["elasticsearch"]["auth"]["basic"]["username"], {v["secret"]["secretName"] for v in jaeger["jaeger"]["extraVolumes"]} - {ES_CA_SECRET}),
        "jaeger-cleaner": (cleaner["ES_USERNAME"]["value"], {cleaner["ES_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"]}),
        "exporter": (exporter["env"]["ES_USERNAME"], {exporter["extraEnvSecrets"]["ES_PASSWORD"]["secret"]}),
        "cluster-setup": (re.search(r'-u "([\w-]+):', pod["containers"][0]["command"][-1])[1], {v["secret"]["secretName"] for v in pod["volumes"]} - {ES_CA_SECRET}),
        "fluent-bit": (fluent_bit_es_output(env)["HTTP_User"], {CLIENT_SECRETS["fluent-bit"]}),
        "grafana": (grafana["spec"]["target"]["template"]["data"]["username"], {grafana["spec"]["target"]["name"]}),
    }
    for client, (name, secrets) in used.items():
        u = user(name)
        assert client.startswith(u.name), f"{client} authenticates as {name}"
        assert secrets == {u.secret if not u.shared else CLIENT_SECRETS[u.name]}, f"{client}: {secrets}"
    assert {name for name, _ in used.values()} == {u.name for u in USERS}


def test_roles_grant_writes_only_where_the_client_writes():
    writes = {"write", "index", "create", "create_doc", "delete", "delete_index", "create_index", "manage", "all"}
    for u in USERS:
        assert "all" not in u.role["cluster"] and not any("all" in i["privileges"] for i in u.role["indices"])
        granted = {p for i in u.role["indices"] for p in i["privileges"]} & writes
        if u.name in ("grafana", "exporter"):
            assert not granted and set(u.role["cluster"]) <= {"monitor", "monitor_snapshot", "read_slm"}, u.name
    assert user("fluent-bit").role["indices"][0]["privileges"] == ["create_doc", "auto_configure"]
    assert [i["names"] for i in user("jaeger").role["indices"]] == [["jaeger-*"]]


@pytest.mark.parametrize("env", ENV_NAMES)
def test_grafanas_secret_is_produced_in_monitoring_with_every_file_its_data_sources_read(env):
    _, resources = everything(env)
    secret = find(resources, "ExternalSecret", GRAFANA_ELASTICSEARCH_SECRET, MONITORING)
    assert secret["spec"]["target"]["name"] == GRAFANA_ELASTICSEARCH_SECRET
    entries = [e for e in data_sources() if e["type"] == "elasticsearch"]
    files = set(re.findall(re.escape(ELASTICSEARCH_SECRET_DIR) + r"/([\w.]+)\}", json.dumps(entries)))
    assert files == {"username", "password", "ca.crt"} and files <= set(secret["spec"]["target"]["template"]["data"])


@pytest.mark.parametrize("env", ENV_NAMES)
def test_fluent_bits_data_stream_is_what_grafana_searches_and_the_roles_and_template_cover(env):
    output = fluent_bit_es_output(env)
    index = output["Index"]
    assert index == log_data_stream(env) and fnmatch(index, "logs-*-*"), "Elastic's data stream naming"
    (logs,) = [e for e in data_sources() if e["uid"] == ELASTICSEARCH_LOGS]
    assert fnmatch(index, logs["jsonData"]["index"])
    for name in ("fluent-bit", "grafana"):
        assert any(fnmatch(index, pattern) for i in user(name).role["indices"] for pattern in i["names"]), name
    template = components_search.log_template(observability_ctx(env))
    assert any(fnmatch(index, p) for p in template["index_patterns"]) and template["priority"] > 100
    assert template["template"]["lifecycle"]["data_retention"] == f"{ENVS[env].observability.search.log_retention_days}d"
    assert output["tls"] == "On" and output["tls.verify"] == "On" and output["tls.ca_file"].endswith("/ca.crt")


@pytest.mark.parametrize("env", ENV_NAMES)
def test_shared_values_go_from_search_through_secrets_manager_to_their_clients_namespace_only(env):
    _, resources = everything(env)
    remote = shared_secret_names(env)
    pushes = [o for o in resources if o["kind"] == "PushSecret"]
    assert {o["metadata"]["namespace"] for o in pushes} == {SEARCH_NAMESPACE}
    assert all(o["spec"]["secretStoreRefs"] == [{"name": PUSH_STORE, "kind": "SecretStore"}] for o in pushes)
    assert sorted(d["match"]["remoteRef"]["remoteKey"] for o in pushes for d in o["spec"]["data"]) == sorted(remote.values())
    (ca,) = [o for o in pushes if o["spec"]["selector"]["secret"]["name"] == ES_CA_SECRET]
    assert ca["spec"]["data"][0]["match"]["remoteRef"]["remoteKey"] == remote[CA_SECRET_KEY]
    store = find(resources, "ClusterSecretStore", STORE)
    allowed = store["spec"]["conditions"][0]["namespaces"]
    for u in (u for u in USERS if u.shared):
        pull = find(resources, "ExternalSecret", CLIENT_SECRETS[u.name], u.namespace)
        assert {d["remoteRef"]["key"] for d in pull["spec"]["data"]} == {remote[u.name], remote[CA_SECRET_KEY]}
        assert u.namespace in allowed
    assert SEARCH_NAMESPACE not in allowed, "search pushes through its own store; it pulls nothing"
