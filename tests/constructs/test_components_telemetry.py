"""The logs, search and tracing groups (components_loki, _search, _tracing, _eck_crds): the
contract, the pins, every value a key of the pinned chart, and what each store promises —
retention from the settings, storage in S3 through IRSA, TLS to Elasticsearch, bounded trace
indices — in a dev-like and a staging/prod-like context."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import jsonschema
import pytest
import yaml

from catalog.kubernetes import JAEGER, LOKI_READ, LOKI_WRITE
from constructs import (
    components_eck_crds,
    components_logging,
    components_loki,
    components_search,
    components_search_users,
    components_tracing,
)
from constructs.addon_contract import Component, check_components
from constructs.components_certs import CA_ISSUER
from constructs.controller_values import IRSA_ANNOTATION
from constructs.namespace_policies import Network, application_allows
from constructs.search_users import user
from constructs.telemetry_values import (
    ES_CA_SECRET,
    ES_URL,
    JAEGER_OTLP_PORTS,
    LOKI_GATEWAY_PORT,
    SEARCH_NAMESPACE,
    SERVICE_ACCOUNTS,
    bucket_names,
)
from sparki.kubernetes.schemas import load_crd_schemas
from sparki.kubernetes.validate import validate_object
from tests.constructs.component_support import assert_resources, assert_restricted, named, role_arn
from tests.constructs.telemetry_support import SCALABLE, SMALL
from tests.constructs.test_component_values import chart_dir, merged, unknown_keys

GROUPS = (components_eck_crds, components_loki, components_search, components_tracing)
CONTEXTS = {"scalable": SCALABLE, "small": SMALL}
CRDS = load_crd_schemas(Path(__file__).resolve().parent.parent / "kubernetes" / "crds")
# Keys the templates read that values.yaml lists only in comments, each with where it is read.
TEMPLATE_ONLY = {
    # _helpers.tpl loki.commonStorageConfig reads loki.storage.bucketNames.chunks; loki.rulerConfig
    # merges loki.rulerConfig.storage (declared in values.schema.json).
    "loki": {"loki.storage.bucketNames", "loki.rulerConfig.storage"},
    # templates/jaeger/jaeger-deploy.yaml reads .Values.jaeger.strategy, .resources and
    # .topologySpreadConstraints (values.yaml misspells the last one topologySpreadContraints).
    "jaeger": {"jaeger.strategy", "jaeger.resources", "jaeger.topologySpreadConstraints"},
}
# Loki's limits_config is rendered whole into Loki's configuration: Loki's vocabulary below it.
PASS_THROUGH = {"limits_config"}


def components(ctx):
    return tuple(c for group in GROUPS for c in group.components(ctx))


def values(ctx, name: str) -> dict:
    return json.loads(json.dumps(named(components(ctx), name).values))


def custom_resources(ctx):
    return [*components_search.custom_resources(ctx), *components_tracing.custom_resources(ctx)]


@pytest.mark.parametrize("ctx", CONTEXTS.values(), ids=CONTEXTS)
def test_the_groups_keep_the_contract(ctx):
    # The ServiceMonitor kind comes from the platform's prometheus-operator-crds.
    prometheus_crds = Component("prometheus-operator-crds", "prometheus-operator-crds", "https://example.invalid", "1.0.0", "kube-system", {}, owns_namespace=False, crds=("monitoring.coreos.com/ServiceMonitor",))
    check_components("t", [*components(ctx), prometheus_crds], custom_resources(ctx), service_accounts=SERVICE_ACCOUNTS)


@pytest.mark.parametrize("ctx", CONTEXTS.values(), ids=CONTEXTS)
def test_every_custom_resource_matches_its_vendored_crd(ctx):
    for resource in custom_resources(ctx):
        result = validate_object(resource, ctx.kubernetes_version, CRDS)
        assert result.source == "crd" and not result.error, f"{resource['kind']}: {result.error}"


@pytest.mark.parametrize(
    ("name", "chart", "version", "repository"),
    [
        ("eck-operator-crds", "eck-operator-crds", "3.5.0", "https://helm.elastic.co"),
        ("eck-operator", "eck-operator", "3.5.0", "https://helm.elastic.co"),
        ("loki", "loki", "7.3.0", "https://grafana.github.io/helm-charts"),
        ("prometheus-elasticsearch-exporter", "prometheus-elasticsearch-exporter", "7.4.0", "https://prometheus-community.github.io/helm-charts"),
        ("jaeger", "jaeger", "4.11.1", "https://jaegertracing.github.io/helm-charts"),
    ],
)
def test_charts_are_pinned(name, chart, version, repository):
    c = named(components(SCALABLE), name)
    assert (c.chart, c.version, c.repository) == (chart, version, repository)


RELEASES = [(label, c) for label, ctx in CONTEXTS.items() for c in components(ctx) if c.chart]


@pytest.mark.parametrize(("label", "component"), RELEASES, ids=[f"{c.name}-{label}" for label, c in RELEASES])
def test_values_are_keys_of_the_pinned_chart_and_pass_its_schema(label, component):
    directory = chart_dir(component.chart, component.version)
    defaults = yaml.safe_load((directory / "values.yaml").read_text())
    given = json.loads(json.dumps(component.values))
    found = unknown_keys(given, defaults)
    nested = [k for k in found if not any(k.startswith(f"{p}.") or f".{p}." in k for p in PASS_THROUGH)]
    unknown = set(nested) - TEMPLATE_ONLY.get(component.chart, set())
    assert not unknown, f"{component.chart} {component.version} has no such values: {sorted(unknown)}"
    schema_file = directory / "values.schema.json"
    if schema_file.exists():
        # Loki's schema names draft-07 by an https URL jsonschema does not recognise.
        jsonschema.Draft7Validator(json.loads(schema_file.read_text())).validate(merged(defaults, given))


# -- Loki ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("ctx", CONTEXTS.values(), ids=CONTEXTS)
def test_loki_keeps_chunks_and_index_in_s3_through_irsa_and_the_compactor_enforces_retention(ctx):
    v = values(ctx, "loki")
    logs = ctx.observability.logs
    assert v["loki"]["storage"]["type"] == "s3" and v["loki"]["storage"]["bucketNames"] == {"chunks": bucket_names("t", ctx.account_id)["loki"]}
    assert "accessKeyId" not in v["loki"]["storage"]["s3"] and "secretAccessKey" not in v["loki"]["storage"]["s3"]
    assert v["serviceAccount"]["annotations"] == {IRSA_ANNOTATION: role_arn("loki")}
    assert SERVICE_ACCOUNTS["loki"] == ("loki", v["serviceAccount"]["name"])
    (schema,) = v["loki"]["schemaConfig"]["configs"]
    assert (schema["store"], schema["object_store"], schema["schema"]) == ("tsdb", "s3", "v13")
    compactor = v["loki"]["compactor"]
    assert compactor["retention_enabled"] is True and compactor["delete_request_store"] == "s3"
    assert v["loki"]["limits_config"]["retention_period"] == f"{logs.retention_days * 24}h"
    assert logs.retention_days >= 30


@pytest.mark.parametrize("ctx", CONTEXTS.values(), ids=CONTEXTS)
def test_loki_runs_the_mode_the_environment_chose(ctx):
    v = values(ctx, "loki")
    logs = ctx.observability.logs
    scalable = logs.mode == "SimpleScalable"
    assert v["deploymentMode"] == logs.mode
    assert v["singleBinary"]["replicas"] == (0 if scalable else 1)
    assert v["backend"]["replicas"] == (logs.replicas if scalable else 0)
    assert v["loki"]["commonConfig"]["replication_factor"] == min(logs.replicas, components_loki.MAX_REPLICATION)


@pytest.mark.parametrize("ctx", CONTEXTS.values(), ids=CONTEXTS)
def test_lokis_read_and_write_paths_follow_their_rows_by_the_charts_own_switch(ctx):
    v = values(ctx, "loki")
    for target, row in (("read", LOKI_READ), ("write", LOKI_WRITE)):
        props = ctx.autoscaling.get(row)
        if ctx.observability.logs.mode == "SingleBinary":
            assert props is None and v[target]["replicas"] == 0 and "autoscaling" not in v[target], target
            continue
        scaling = v[target]["autoscaling"]
        assert scaling["enabled"] is True, target
        assert (scaling["minReplicas"], scaling["maxReplicas"], scaling["targetCPUUtilizationPercentage"]) == (props.min_replicas, props.max_replicas, props.cpu_percent)
        assert scaling["behavior"]["scaleDown"]["stabilizationWindowSeconds"] == props.scale_down_seconds
        # The chart makes the target's budget while `replicas` > 1: it must follow the floor.
        assert v[target]["replicas"] == props.min_replicas, target


def test_every_loki_pod_is_restricted_and_sized():
    v = values(SCALABLE, "loki")
    assert_restricted(v["loki"]["podSecurityContext"], v["loki"]["containerSecurityContext"])
    assert_restricted({**v["gateway"]["podSecurityContext"], "runAsNonRoot": True}, v["gateway"]["containerSecurityContext"])
    for target in (*components_loki.TARGETS, "singleBinary", "gateway"):
        assert_resources(v[target]["resources"])
    assert v["write"]["persistence"]["storageClass"] == components_loki.STORAGE_CLASS


# -- Elasticsearch -------------------------------------------------------------------------------
@pytest.mark.parametrize("ctx", CONTEXTS.values(), ids=CONTEXTS)
def test_the_elasticsearch_resource_matches_its_crd_and_the_settings(ctx):
    (cluster,) = components_search.custom_resources(ctx)
    result = validate_object(cluster, ctx.kubernetes_version, CRDS)
    assert result.source == "crd" and not result.error, result.error
    search = ctx.observability.search
    (node_set,) = cluster["spec"]["nodeSets"]
    assert node_set["count"] == search.nodes
    (claim,) = node_set["volumeClaimTemplates"]
    assert claim["spec"]["storageClassName"] == components_search.STORAGE_CLASS
    assert claim["spec"]["resources"]["requests"]["storage"] == f"{search.volume_gib}Gi"
    # TLS stays on, with the platform CA's certificate for the name every client dials.
    tls = cluster["spec"]["http"]["tls"]
    assert "selfSignedCertificate" not in tls
    (certificate,) = [r for r in components_search_users.custom_resources(ctx) if r["kind"] == "Certificate"]
    assert tls["certificate"]["secretName"] == certificate["spec"]["secretName"]
    assert certificate["spec"]["issuerRef"] == {"name": CA_ISSUER, "kind": "ClusterIssuer", "group": "cert-manager.io"}
    assert urlparse(ES_URL).hostname in certificate["spec"]["dnsNames"]


def test_the_nodes_reach_the_snapshot_bucket_with_the_projected_irsa_token():
    (cluster,) = components_search.custom_resources(SCALABLE)
    pod = cluster["spec"]["nodeSets"][0]["podTemplate"]["spec"]
    (container,) = pod["containers"]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["AWS_ROLE_ARN"] == role_arn("elasticsearch")
    (mount,) = container["volumeMounts"]
    assert env["AWS_WEB_IDENTITY_TOKEN_FILE"].startswith(components_search.ES_CONFIG + "/") and env["AWS_WEB_IDENTITY_TOKEN_FILE"].startswith(mount["mountPath"])
    (volume,) = pod["volumes"]
    (source,) = volume["projected"]["sources"]
    assert source["serviceAccountToken"]["audience"] == "sts.amazonaws.com"
    assert pod["serviceAccountName"] == SERVICE_ACCOUNTS["elasticsearch"][1]
    assert_restricted(pod["securityContext"], container["securityContext"])


@pytest.mark.parametrize("ctx", CONTEXTS.values(), ids=CONTEXTS)
def test_the_snapshot_job_registers_the_bucket_and_the_daily_policy_with_its_retention(ctx):
    c = named(components(ctx), "elasticsearch")
    (job,) = [m for m in c.manifests if m["kind"] == "CronJob"]
    pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    script = container["command"][-1]
    search = ctx.observability.search
    assert f'"bucket": "{bucket_names("t", ctx.account_id)["es-snapshots"]}"' in script
    assert f'"schedule": "0 0 {search.snapshot_hour_utc} * * ?"' in script
    assert f'"expire_after": "{search.snapshot_retention_days}d"' in script
    assert "--cacert /es-ca/ca.crt" in script and "-k " not in script and "--insecure" not in script
    assert f'-u "{user("cluster-setup").name}:$(cat /es-auth/password)"' in script and "env" not in container
    secrets = {v["secret"]["secretName"] for v in pod["volumes"]}
    assert secrets == {user("cluster-setup").secret, ES_CA_SECRET}
    assert_restricted(pod["securityContext"], container["securityContext"])


def test_the_exporter_verifies_the_clusters_certificate_and_reads_the_password_from_its_secret():
    v = values(SCALABLE, "prometheus-elasticsearch-exporter")
    assert v["es"]["uri"] == ES_URL and v["es"]["ssl"]["enabled"] is True and not v["es"].get("sslSkipVerify")
    assert v["secretMounts"] == [{"name": "es-ca", "secretName": ES_CA_SECRET, "path": "/ssl"}]
    assert v["env"] == {"ES_USERNAME": "exporter"}
    assert v["extraEnvSecrets"] == {"ES_PASSWORD": {"secret": user("exporter").secret, "key": "password"}}
    assert_restricted(v["podSecurityContext"], v["securityContext"])


def test_the_operator_watches_only_the_search_namespace_and_leaves_crds_to_the_platform_stack():
    v = values(SCALABLE, "eck-operator")
    assert v["installCRDs"] is False and v["managedNamespaces"] == [SEARCH_NAMESPACE]
    crds = named(components(SCALABLE), "eck-operator-crds")
    assert crds.crds == ("elasticsearch.k8s.elastic.co/Elasticsearch",)
    assert_restricted(v["podSecurityContext"], v["securityContext"])


# -- Jaeger --------------------------------------------------------------------------------------
@pytest.mark.parametrize("ctx", CONTEXTS.values(), ids=CONTEXTS)
def test_jaeger_takes_otlp_stores_in_elasticsearch_and_the_cleaner_bounds_the_indices(ctx):
    v = values(ctx, "jaeger")
    config = v["userconfig"]
    protocols = config["receivers"]["otlp"]["protocols"]
    assert [protocols[p]["endpoint"].rsplit(":", 1)[1] for p in ("grpc", "http")] == [str(p) for p in JAEGER_OTLP_PORTS]
    (store,) = config["extensions"]["jaeger_storage"]["backends"].values()
    assert store["elasticsearch"]["server_urls"] == [ES_URL] and store["elasticsearch"]["tls"]["ca_file"].startswith("/es-ca/")
    password_file = store["elasticsearch"]["auth"]["basic"]["password_file"]
    assert "password" not in store["elasticsearch"]["auth"]["basic"]
    (auth,) = [m for m in v["jaeger"]["extraVolumeMounts"] if password_file.startswith(m["mountPath"] + "/")]
    (volume,) = [vol for vol in v["jaeger"]["extraVolumes"] if vol["name"] == auth["name"]]
    assert volume["secret"]["secretName"] == user("jaeger").secret and store["elasticsearch"]["auth"]["basic"]["username"] == "jaeger"
    cleaner = v["esIndexCleaner"]
    assert cleaner["enabled"] is True and cleaner["numberOfDays"] == ctx.observability.tracing.retention_days
    assert {e["name"] for e in cleaner["extraEnv"]} >= {"ES_PASSWORD", "ES_TLS_ENABLED", "ES_TLS_CA"}
    assert v["storage"]["elasticsearch"]["url"] == ES_URL and "password" not in v["storage"]["elasticsearch"]
    assert v["jaeger"]["replicas"] is None, "the autoscaler owns the count: no replicas key in the Deployment"
    assert_restricted(v["jaeger"]["podSecurityContext"], v["jaeger"]["securityContext"])
    assert_restricted(cleaner["podSecurityContext"], cleaner["securityContext"])


@pytest.mark.parametrize("ctx", CONTEXTS.values(), ids=CONTEXTS)
def test_jaeger_follows_its_row_with_an_autoscaler_and_from_two_replicas_a_budget(ctx):
    props = ctx.autoscaling[JAEGER]
    manifests = {m["kind"]: m for m in named(components(ctx), "jaeger").manifests}
    assert set(manifests) == ({"HorizontalPodAutoscaler", "PodDisruptionBudget"} if props.min_replicas >= 2 else {"HorizontalPodAutoscaler"})
    hpa = manifests["HorizontalPodAutoscaler"]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": components_tracing.DEPLOYMENT}
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (props.min_replicas, props.max_replicas)
    if "PodDisruptionBudget" in manifests:
        assert manifests["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"] == components_tracing.POD_LABELS
    for manifest in manifests.values():
        assert manifest["metadata"]["namespace"] == SEARCH_NAMESPACE
        result = validate_object(manifest, ctx.kubernetes_version, CRDS)
        assert not result.error, f"{manifest['kind']}: {result.error}"


@pytest.mark.parametrize("ctx", CONTEXTS.values(), ids=CONTEXTS)
def test_no_value_or_manifest_holds_a_terraform_interpolation(ctx):
    """Terraform reads "${" in any string of its JSON as an interpolation: a shell or config
    variable written that way would fail the plan (or worse, resolve to something)."""
    for c in (*components(ctx), *components_logging.components(ctx)):
        text = json.dumps([c.values, list(c.manifests)])
        assert "${" not in text.replace("$${", ""), c.name
    assert "${" not in json.dumps(components_search.custom_resources(ctx))


# -- the traffic between them --------------------------------------------------------------------
def test_the_allows_on_both_ends_of_each_telemetry_path_name_the_same_ports():
    search_allows = {a.name: a for a in named(components(SCALABLE), "elasticsearch").network_allows}
    assert search_allows["otlp-in"].ports == JAEGER_OTLP_PORTS
    assert set(search_allows["otlp-in"].namespaces) == set(SCALABLE.platform.app_namespaces)
    app_side = {p["metadata"]["name"]: p for p in application_allows("sparki-api", Network("10.20.0.0/16", ["10.20.0.0/24"], ["10.20.8.0/24"]), app_port=8080, metrics_port=9090, monitoring="monitoring")}
    assert [p["port"] for p in app_side["allow-traces"]["spec"]["egress"][0]["ports"]] == list(JAEGER_OTLP_PORTS)
    loki_allows = {a.name: a for a in named(components(SCALABLE), "loki").network_allows}
    shipper = {a.name: a for a in named(components_logging.components(SCALABLE), "fluent-bit").network_allows}
    assert loki_allows["log-push"].ports == shipper["fluent-bit-loki"].ports == (LOKI_GATEWAY_PORT,)
    assert loki_allows["log-push"].namespaces == (components_logging.NAMESPACE,)


def test_fluent_bit_ships_container_logs_to_loki_and_still_to_cloudwatch():
    outputs = components_logging.fluent_bit_config(SCALABLE)["outputs"]
    blocks = [b for b in outputs.split("[OUTPUT]") if b.strip()]
    names = [dict(line.split(None, 1) for line in b.strip().splitlines())["Name"] for b in blocks]
    assert names.count("cloudwatch_logs") == 3 and names.count("loki") == 1
    (loki,) = [b for b in blocks if "Name loki" in b]
    assert "Match application.*" in loki and "host loki-gateway.loki.svc.cluster.local" in loki
