"""The two observability layers as synthesized: the AWS-only stack's read-only roles and secret
containers, and the Kubernetes stack's namespaces, fences, storage and install order."""
from __future__ import annotations

import json
from fnmatch import fnmatch

import pytest

import environments
from catalog.naming import grafana_log_groups, secret_name, stack_name
from constructs.monitoring import MONITORING, STORAGE_CLASS
from constructs.observability_roles import OBSERVABILITY_SERVICE_ACCOUNTS
from constructs.search_credentials import ESO_TAG, PUSH_ACTIONS
from constructs.search_users import POLICY_CONFIGMAP, POLICY_KEY, credential_policy, credential_readers, shared_secret_names
from constructs.telemetry_values import SERVICE_ACCOUNTS as TELEMETRY_SERVICE_ACCOUNTS
from environments.schema import MONITORING_NAMESPACE
from sparki.kubernetes.objects import stack_objects
from stacks import DR_LAYERS, KUBERNETES_LAYERS
from stacks.observability_aws import SECRETS
from stacks.observability_components import OBSERVABILITY_GROUPS
from tests.constructs.platform_support import observability
from tests.observability.dashboard_support import targets

ENVS = environments.load()
# Verbs that change something. (logs:StartQuery / StopQuery run a Logs Insights query: reads.)
WRITES = ("Put", "Create", "Delete", "Update", "Attach", "Detach", "Set", "Tag", "Untag", "Modify", "Enable", "Disable")


def test_the_monitoring_namespace_is_the_one_the_platform_admits_scrapes_from():
    assert MONITORING == MONITORING_NAMESPACE


def test_observability_plans_after_platform_config_and_observability_aws(synth_dir):
    manifest = json.loads((synth_dir / "manifest.json").read_text())["stacks"]
    for env in ENVS:
        needs = manifest[stack_name(env, "observability")]["dependencies"]
        assert {stack_name(env, "platform-config"), stack_name(env, "observability-aws")} <= set(needs)


@pytest.mark.parametrize("env", list(ENVS))
def test_observability_roles_trust_one_service_account_each_and_the_readers_only_read(stacks, env):
    doc = stacks[stack_name(env, "observability-aws")]
    roles = doc["resource"]["aws_iam_role"]
    trusted = {**OBSERVABILITY_SERVICE_ACCOUNTS, **TELEMETRY_SERVICE_ACCOUNTS}
    assert len(roles) == len(trusted)
    subjects = set()
    for role in roles.values():
        (statement,) = json.loads(role["assume_role_policy"])["Statement"]
        (subject,) = [v for k, v in statement["Condition"]["StringEquals"].items() if k.endswith(":sub")]
        subjects.add(subject)
    assert subjects == {f"system:serviceaccount:{ns}:{sa}" for ns, sa in trusted.values()}
    # Grafana and the CloudWatch exporter only read; Loki and the snapshots write their own
    # buckets (tests/constructs/test_telemetry_storage.py holds those to their buckets).
    readers = {k: d for k, d in doc["data"]["aws_iam_policy_document"].items() if k.startswith("irsa_")}
    assert len(readers) == len(OBSERVABILITY_SERVICE_ACCOUNTS)
    for document in readers.values():
        for statement in document["statement"]:
            for action in statement["actions"]:
                assert not action.split(":")[1].startswith(WRITES), action


def shared(doc: dict, env: str) -> dict[str, dict]:
    """Key of the secret resource -> resource, for the Elasticsearch users' shared containers."""
    names = set(shared_secret_names(env).values())
    return {k: s for k, s in doc["resource"]["aws_secretsmanager_secret"].items() if s["name"] in names}


@pytest.mark.parametrize("env", list(ENVS))
def test_secrets_are_encrypted_containers_only_external_secrets_reads(stacks, env):
    doc = stacks[stack_name(env, "observability-aws")]
    secrets = doc["resource"]["aws_secretsmanager_secret"]
    by_hand = {secret_name(env, name) for name, _ in SECRETS.values()}
    assert {s["name"] for s in secrets.values()} == by_hand | set(shared_secret_names(env).values())
    assert all("data.terraform_remote_state" in s["kms_key_id"] for s in secrets.values())
    assert "aws_secretsmanager_secret_version" not in doc["resource"], "values come from out of band or the cluster, never through Terraform"
    eso = f"arn:aws:iam::{ENVS[env].account_id}:role/sparki-{env}-eks-external-secrets"
    expected = {name: [eso] for name in by_hand} | {name: credential_readers(env, ENVS[env].account_id) for name in shared_secret_names(env).values()}
    for policy in doc["resource"]["aws_secretsmanager_secret_policy"].values():
        (name,) = [s["name"] for k, s in secrets.items() if policy["secret_arn"] == f"${{aws_secretsmanager_secret.{k}.arn}}"]
        (statement,) = json.loads(policy["policy"])["Statement"]
        assert statement["Condition"]["ArnNotEquals"]["aws:PrincipalArn"] == expected[name]
    assert eso in credential_readers(env, ENVS[env].account_id)


@pytest.mark.parametrize("env", list(ENVS))
def test_shared_search_credentials_are_written_by_the_pusher_only_with_the_policy_the_cluster_gives(stacks, env):
    doc = stacks[stack_name(env, "observability-aws")]
    containers = shared(doc, env)
    assert len(containers) == len(shared_secret_names(env))
    assert all(ESO_TAG.items() <= s["tags"].items() for s in containers.values()), "ESO 2.9 pushes only to secrets tagged managed-by"
    policies = [p for p in doc["resource"]["aws_secretsmanager_secret_policy"].values() if any(f".{k}.arn" in p["secret_arn"] for k in containers)]
    assert len(policies) == len(containers)
    # The PushSecrets put the ConfigMap's text; equal to Terraform's, neither undoes the other.
    (configmap,) = [o for o in objects(stacks, env) if o["kind"] == "ConfigMap" and o["metadata"]["name"] == POLICY_CONFIGMAP]
    assert {p["policy"] for p in policies} == {configmap["data"][POLICY_KEY]} == {credential_policy(env, ENVS[env].account_id)}
    assert all(p["block_public_policy"] is True for p in policies)
    (document,) = [d for k, d in doc["data"]["aws_iam_policy_document"].items() if k.startswith("search_credentials_pusher")]
    writes = [s for s in document["statement"] if s["sid"] == "SharedCredentials"]
    assert [s["actions"] for s in writes] == [list(PUSH_ACTIONS)]
    assert sorted(writes[0]["resources"]) == sorted(f"${{aws_secretsmanager_secret.{k}.arn}}" for k in containers), "exactly the shared containers"


@pytest.mark.parametrize("env", list(ENVS))
def test_every_external_secret_reads_a_secret_the_aws_stack_creates_and_the_operator_may_read(stacks, env):
    created = {s["name"] for s in stacks[stack_name(env, "observability-aws")]["resource"]["aws_secretsmanager_secret"].values()}
    keys = [
        d["remoteRef"]["key"]
        for layer in KUBERNETES_LAYERS
        if layer not in DR_LAYERS  # the DR site reads its own region's replicas, not these
        for o in stack_objects(stacks[stack_name(env, layer)])
        if o["kind"] == "ExternalSecret"
        for d in o["spec"].get("data", [])
    ]
    assert keys and set(keys) <= created
    # The operator's role reads sparki-<env>/* (catalog.naming.secret_arn_pattern).
    assert all(fnmatch(key, secret_name(env, "*")) for key in keys)


def objects(stacks, env):
    return stack_objects(stacks[stack_name(env, "observability")])


@pytest.mark.parametrize("env", list(ENVS))
def test_every_namespace_is_fenced_and_only_node_exporters_is_privileged(stacks, env):
    found = objects(stacks, env)
    levels = {o["metadata"]["name"]: o["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] for o in found if o["kind"] == "Namespace"}
    assert levels[MONITORING] == "restricted"
    assert {ns for ns, level in levels.items() if level != "restricted"} <= {"node-exporter"}
    denied = {o["metadata"]["namespace"] for o in found if o["kind"] == "NetworkPolicy" and o["metadata"]["name"] == "default-deny"}
    assert denied == set(levels)
    assert all(o["metadata"]["annotations"]["sparki.io/why"] for o in found if o["kind"] == "NetworkPolicy")


@pytest.mark.parametrize("env", list(ENVS))
def test_volumes_are_encrypted_gp3_with_the_data_key(stacks, env):
    (storage,) = [o for o in objects(stacks, env) if o["kind"] == "StorageClass"]
    assert storage["metadata"]["name"] == STORAGE_CLASS and storage["provisioner"] == "ebs.csi.aws.com"
    assert storage["parameters"]["type"] == "gp3" and storage["parameters"]["encrypted"] == "true"
    assert "terraform_remote_state" in storage["parameters"]["kmsKeyId"]
    assert storage["reclaimPolicy"] == ("Retain" if env == "prod" else "Delete")


@pytest.mark.parametrize("env", list(ENVS))
def test_releases_are_those_of_the_observability_groups_and_wait_for_their_external_secrets(stacks, env):
    doc = stacks[stack_name(env, "observability")]
    releases = {r["name"]: r for r in doc["resource"]["helm_release"].values()}
    assert set(releases) == {c.name for c in observability(env).components if c.chart}
    assert len(OBSERVABILITY_GROUPS) >= 3
    kps = releases["kube-prometheus-stack"]
    external = [
        key for key, m in doc["resource"]["kubernetes_manifest"].items()
        if m["manifest"]["kind"] == "ExternalSecret" and m["manifest"]["metadata"]["namespace"] == MONITORING
    ]
    assert external and all(f"kubernetes_manifest.{key}" in kps["depends_on"] for key in external)


@pytest.mark.parametrize("env", list(ENVS))
def test_grafana_queries_exactly_the_log_groups_the_dashboards_query(stacks, env):
    """Logs Insights reads are scoped to the log groups some panel queries (the database's
    PostgreSQL log for the slow-query view among them), and each of them exists."""
    queried = {g for _, _, t in targets(env) if t.get("queryMode") == "Logs" for g in t["logGroupNames"]}
    assert grafana_log_groups(env)["postgresql"] in queried
    doc = stacks[stack_name(env, "observability-aws")]
    (grafana,) = [d for k, d in doc["data"]["aws_iam_policy_document"].items() if k.startswith("irsa_grafana")]
    (scoped,) = [s for s in grafana["statement"] if "logs:StartQuery" in s["actions"]]
    prefix = f"arn:aws:logs:{ENVS[env].region}:{ENVS[env].account_id}:log-group:"
    assert set(scoped["resources"]) == {f"{prefix}{g}{tail}" for g in queried for tail in ("", ":*")}
    created = {g["name"] for name, d in stacks.items() if name.startswith(f"sparki-{env}-")
               for g in d.get("resource", {}).get("aws_cloudwatch_log_group", {}).values()}
    assert queried <= created, sorted(queried - created)
