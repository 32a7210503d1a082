"""The DR site of production, read from the synthesized JSON: where each DR layer lives and
keeps its state, what replicates into it, and what `make failover` and its promoted state rely on."""
from __future__ import annotations

import json
import tomllib

import pytest
from cdktf import App

import environments
from catalog.naming import regional_name
from stacks import DR_LAYERS, KUBERNETES_LAYERS, layers_of
from stacks.compose import build_environment
from stacks.run_settings import RunSettings
from tests.support import read_stacks

ENVS = environments.load()
PROD = ENVS["prod"]
SITE = PROD.dr_site()


def resources(doc: dict, kind: str) -> list[dict]:
    return list(doc.get("resource", {}).get(kind, {}).values())


def test_only_environments_with_a_dr_region_get_dr_layers(stacks):
    for name, env in ENVS.items():
        have = {layer for layer in DR_LAYERS if f"sparki-{name}-{layer}" in stacks}
        assert have == (set(DR_LAYERS) if env.dr_region else set()), name
    assert layers_of(True).index("dr-state") < layers_of(True).index("state")


@pytest.mark.parametrize("layer", [layer for layer in DR_LAYERS if layer not in KUBERNETES_LAYERS])
def test_dr_layers_deploy_to_the_dr_region(stacks, layer):
    (default,) = [p for p in stacks[f"sparki-prod-{layer}"]["provider"]["aws"] if "alias" not in p]
    assert default["region"] == PROD.dr_region


def test_primary_state_replicates_every_version_to_the_dr_state_bucket_with_the_dr_key(stacks):
    (rule,) = resources(stacks["sparki-prod-state"], "aws_s3_bucket_replication_configuration")[0]["rule"]
    assert rule["destination"]["bucket"] == f"arn:aws:s3:::sparki-{SITE.name}-tfstate-{PROD.account_id}"
    assert rule["destination"]["encryption_configuration"]["replica_kms_key_id"] == f"arn:aws:kms:{PROD.dr_region}:{PROD.account_id}:alias/sparki-{SITE.name}-state"
    assert rule["delete_marker_replication"]["status"] == "Enabled" and rule["status"] == "Enabled"
    (bucket,) = resources(stacks["sparki-prod-dr-state"], "aws_s3_bucket")
    assert bucket["bucket"] == f"sparki-{SITE.name}-tfstate-{PROD.account_id}"
    # Environments without a DR region replicate nothing.
    assert not resources(stacks["sparki-dev-state"], "aws_s3_bucket_replication_configuration")


def test_every_prod_secret_keeps_a_replica_in_the_dr_region_under_the_dr_key(stacks):
    secrets = resources(stacks["sparki-prod-security"], "aws_secretsmanager_secret") + resources(stacks["sparki-prod-data"], "aws_secretsmanager_secret")
    assert len(secrets) == len(PROD.security.secrets) + 1
    for secret in secrets:
        assert secret["replica"] == [{"region": PROD.dr_region, "kms_key_id": f"arn:aws:kms:{PROD.dr_region}:{PROD.account_id}:alias/sparki-{SITE.name}-secrets"}]
    assert all("replica" not in s for s in resources(stacks["sparki-dev-security"], "aws_secretsmanager_secret"))


def test_the_dr_database_is_an_encrypted_cross_region_replica_with_the_primary_settings_and_backups(stacks):
    doc = stacks["sparki-prod-dr-data"]
    (replica,) = resources(doc, "aws_db_instance")
    source = f"arn:aws:rds:{PROD.region}:{PROD.account_id}:db:sparki-prod-postgres"
    assert replica["replicate_source_db"] == source
    assert replica["storage_encrypted"] is True and "dr-security" in replica["kms_key_id"]
    assert replica["instance_class"] == PROD.data.database.instance_class
    (params,) = resources(doc, "aws_db_parameter_group")
    (primary_params,) = resources(stacks["sparki-prod-data"], "aws_db_parameter_group")
    assert params["parameter"] == primary_params["parameter"] and params["family"] == primary_params["family"]
    (backups,) = resources(doc, "aws_db_instance_automated_backups_replication")
    assert backups["source_db_instance_arn"] == source and backups["retention_period"] == PROD.data.database.backup_retention_days
    lag = [a for a in resources(doc, "aws_cloudwatch_metric_alarm") if a["metric_name"] in ("ReplicaLag", "GlobalDatastoreReplicationLag")]
    assert len(lag) == 2


def test_a_promoted_dr_site_keeps_its_database_a_primary_and_its_nodes_at_full_size(tmp_path):
    # What `make failover` records: the next synthesis must not bring the replica back.
    data = tomllib.loads((environments.DIRECTORY / "prod.toml").read_text().replace("promoted = false", "promoted = true"))
    env = environments.parse("prod", data)
    assert env.dr.promoted
    app = App(outdir=str(tmp_path))
    built = build_environment(app, env, RunSettings())
    app.synth()
    out = read_stacks(tmp_path)
    doc = out[built["dr-data"].node.id]
    (instance,) = resources(doc, "aws_db_instance")
    assert "replicate_source_db" not in instance
    assert not [a for a in resources(doc, "aws_cloudwatch_metric_alarm") if a["metric_name"] == "ReplicaLag"]
    sizes = {g["node_group_name"]: g["scaling_config"]["min_size"] for g in resources(out[built["dr-cluster"].node.id], "aws_eks_node_group")}
    assert sizes == {f"sparki-{SITE.name}-{g.name}": g.min_size for g in PROD.cluster.node_groups}
    # Serving again: the platform's controllers at the primary's replicas (one each at standby).
    values = [json.loads(r["values"][0]) for r in resources(out[built["dr-platform"].node.id], "helm_release")]
    assert {v["replicaCount"] for v in values if "replicaCount" in v} == {PROD.platform.controller_replicas}


def test_standby_node_groups_run_at_standby_size(stacks):
    groups = resources(stacks["sparki-prod-dr-cluster"], "aws_eks_node_group")
    assert {g["scaling_config"]["min_size"] for g in groups} == {PROD.dr.standby_nodes}
    assert {g["node_group_name"] for g in groups} == {f"sparki-{SITE.name}-{g.name}" for g in PROD.cluster.node_groups}


def test_the_public_api_name_fails_over_on_the_primary_health_check(stacks):
    doc = stacks["sparki-prod-dr-traffic"]
    (check,) = resources(doc, "aws_route53_health_check")
    assert check["fqdn"] == regional_name(PROD.edge.api_domain, PROD.region) and check["type"] == "HTTPS"
    records = {r["failover_routing_policy"]["type"]: r for r in resources(doc, "aws_route53_record")}
    assert records["PRIMARY"]["records"] == [regional_name(PROD.edge.api_domain, PROD.region)] and "health_check_id" in records["PRIMARY"]
    assert records["SECONDARY"]["records"] == [regional_name(PROD.edge.api_domain, PROD.dr_region)]
    assert {r["name"] for r in records.values()} == {PROD.edge.api_domain}
    (alarm,) = resources(doc, "aws_cloudwatch_metric_alarm")
    assert alarm["metric_name"] == "HealthCheckStatus" and json.dumps(alarm).count("aws.metrics") == 1


def test_the_dr_site_sends_nothing_to_security_services_the_dr_region_does_not_run(stacks):
    # dr-security builds keys and the alarm topic only; should it ever enable one of these
    # services, dr_site() must stop switching it off.
    services = ("aws_securityhub", "aws_guardduty", "aws_config_", "aws_accessanalyzer")
    assert not [kind for kind in stacks["sparki-prod-dr-security"]["resource"] if kind.startswith(services)]
    assert not any(SITE.security.switches.values()) and PROD.security.enable_security_hub
    # So the DR cluster has no role for kube-bench to import findings into Security Hub with.
    def roles(layer: str) -> set[str]:
        return {r["name"] for r in resources(stacks[f"sparki-prod-{layer}"], "aws_iam_role")}

    assert "sparki-prod-eks-kube-bench" in roles("cluster") and f"sparki-{SITE.name}-eks-kube-bench" not in roles("dr-cluster")
