"""The data layer as synthesized for the real environments, and its interface to other layers."""
from __future__ import annotations

import json

import pytest
from cdktf import App, TerraformOutput, TerraformStack

import environments
from stacks.data import DataStack
from stacks.run_settings import RunSettings
from tests.support import of_type

ENVS = environments.load()
NAMES = {env: f"sparki-{env}-data" for env in ENVS}
REMOTE = "${data.terraform_remote_state.cross-stack-reference-input-sparki-%s-%s.outputs.cross-stack-output-%s"
# Attribute names that would carry a secret if anyone set them, and the write-only ones that
# may only be fed from an ephemeral value (never stored in state).
SECRET_KEYS = {"password", "passwords", "auth_token", "secret_string", "secret_binary", "master_password"}
WRITE_ONLY = {"password_wo", "secret_string_wo"}
EPHEMERAL = "${ephemeral.aws_secretsmanager_random_password."


def remote(env: str, layer: str, output: str) -> str:
    """The start of a reference to another layer's output (the logical id's hash and the
    attribute follow)."""
    return REMOTE % (env, layer, output)


def walk_keys(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield path + (key,)
            yield from walk_keys(value, path + (key,))
    elif isinstance(node, list):
        for item in node:
            yield from walk_keys(item, path)


def one(doc, rtype, predicate=lambda r: True):
    (value,) = [r for r in of_type(doc, rtype).values() if predicate(r)]
    return value


@pytest.mark.parametrize("env", list(ENVS))
def test_no_secret_is_synthesized(stacks, env):
    doc = stacks[NAMES[env]]
    leaked = [".".join(p) for p in walk_keys(doc) if p[-1] in SECRET_KEYS]
    assert not leaked
    assert "auth_token" not in json.dumps(doc)
    # The only password is the ephemeral one, reached through its local by both write-only
    # arguments: the instance's and the secret's.
    (local,) = [name for name, value in doc["locals"].items() if value.startswith(EPHEMERAL)]
    fed = [".".join(p) for p in walk_keys(doc) if p[-1] in WRITE_ONLY]
    assert len(fed) == 2
    primary = one(doc, "aws_db_instance", lambda r: "replicate_source_db" not in r)
    assert primary["password_wo"] == f"${{local.{local}}}" and "manage_master_user_password" not in primary
    assert f"local.{local}" in one(doc, "aws_secretsmanager_secret_version")["secret_string_wo"]


@pytest.mark.parametrize("env", list(ENVS))
def test_replicas_only_of_a_source_whose_password_is_write_only(stacks, env):
    # RDS creates no replica of a source whose password it manages (docs/data.md, "Readable
    # capacity"); with the write-only password prod's replica can apply.
    dbs = list(of_type(stacks[NAMES[env]], "aws_db_instance").values())
    replicas = [db for db in dbs if "replicate_source_db" in db]
    assert len(replicas) == ENVS[env].data.database.read_replicas
    assert not [db for db in dbs if db.get("manage_master_user_password")]
    assert all("password_wo" not in r and r["skip_final_snapshot"] is True for r in replicas)


@pytest.mark.parametrize("env", list(ENVS))
def test_stores_use_the_security_layers_keys_and_topic(stacks, env):
    doc = stacks[NAMES[env]]
    data_key = remote(env, "security", "aws_kms_keykeys_data_key_02E67481arn") + "}"
    secrets_key = remote(env, "security", "aws_kms_keykeys_secrets_key_D6D9D890arn") + "}"
    logs_key = remote(env, "security", "aws_kms_keykeys_logs_key_")
    db = one(doc, "aws_db_instance", lambda r: "replicate_source_db" not in r)
    assert db["kms_key_id"] == data_key and db["performance_insights_kms_key_id"] == data_key
    secret = one(doc, "aws_secretsmanager_secret")
    assert secret["kms_key_id"] == secrets_key and secret["name"] == f"sparki-{env}/postgres/master"
    assert secret["recovery_window_in_days"] == ENVS[env].security.secret_recovery_days
    for replica in (r for r in of_type(doc, "aws_db_instance").values() if "replicate_source_db" in r):
        assert replica["kms_key_id"] == data_key and replica["performance_insights_kms_key_id"] == data_key
    assert one(doc, "aws_elasticache_replication_group")["kms_key_id"] == data_key
    for group in of_type(doc, "aws_cloudwatch_log_group").values():
        assert group["kms_key_id"].startswith(logs_key)
        assert group["retention_in_days"] == ENVS[env].log_retention_days
    topics = {tuple(a["alarm_actions"]) for a in of_type(doc, "aws_cloudwatch_metric_alarm").values()}
    assert len(topics) == 1 and next(iter(topics))[0].startswith(remote(env, "security", "aws_sns_topicalarm_topic"))
    (events,) = of_type(doc, "aws_db_event_subscription").values()
    assert events["sns_topic"] == next(iter(topics))[0] and events["source_type"] == "db-instance"
    assert len(events["source_ids"]) == 1 + ENVS[env].data.database.read_replicas


@pytest.mark.parametrize("env", list(ENVS))
def test_stores_live_in_the_network_layers_database_subnets(stacks, env):
    doc = stacks[NAMES[env]]
    db = one(doc, "aws_db_instance", lambda r: "replicate_source_db" not in r)
    assert db["db_subnet_group_name"].startswith(remote(env, "network", "aws_db_subnet_groupnetwork_db_subnet_group"))
    group = one(doc, "aws_elasticache_replication_group")
    assert group["subnet_group_name"].startswith(remote(env, "network", "aws_elasticache_subnet_groupnetwork_cache_subnet_group"))
    for sg in of_type(doc, "aws_security_group").values():
        assert sg["vpc_id"].startswith(remote(env, "network", "aws_vpcnetwork_vpc"))


@pytest.mark.parametrize("env", list(ENVS))
def test_only_the_cluster_nodes_can_connect(stacks, env):
    doc = stacks[NAMES[env]]
    rules = list(of_type(doc, "aws_vpc_security_group_ingress_rule").values())
    node_sg = f"cross-stack-reference-input-sparki-{env}-cluster.outputs.cross-stack-output-aws_security_groupnode_security_group"
    assert sorted(r["from_port"] for r in rules) == [5432, 6379]
    for rule in rules:
        assert rule["from_port"] == rule["to_port"] and rule["ip_protocol"] == "tcp"
        assert node_sg in rule["referenced_security_group_id"]
        assert not any(k in rule for k in ("cidr_ipv4", "cidr_ipv6", "prefix_list_id"))
    assert all(sg["egress"] == [] and "ingress" not in sg for sg in of_type(doc, "aws_security_group").values())


@pytest.mark.parametrize("env", list(ENVS))
def test_environment_sizes_reach_the_resources(stacks, env):
    doc, settings = stacks[NAMES[env]], ENVS[env].data
    dbs = list(of_type(doc, "aws_db_instance").values())
    assert len(dbs) == 1 + settings.database.read_replicas
    for db in dbs:
        assert db["instance_class"] == settings.database.instance_class
        assert db["multi_az"] is settings.database.multi_az
        assert db["deletion_protection"] is settings.database.deletion_protection
        assert db["storage_encrypted"] is True and db["publicly_accessible"] is False
    primary = next(db for db in dbs if "replicate_source_db" not in db)
    assert primary["engine_version"] == settings.database.engine_version
    assert primary["backup_retention_period"] == settings.database.backup_retention_days
    assert (primary["allocated_storage"], primary["max_allocated_storage"]) == (settings.database.storage_gib, settings.database.max_storage_gib)
    group = one(doc, "aws_elasticache_replication_group")
    assert group["node_type"] == settings.cache.node_type and group["num_cache_clusters"] == settings.cache.nodes
    assert (group["engine"], group["engine_version"]) == ("valkey", settings.cache.engine_version)
    assert group["automatic_failover_enabled"] is group["multi_az_enabled"] is settings.cache.multi_az
    assert group["snapshot_retention_limit"] == settings.cache.snapshot_retention_days
    assert group["at_rest_encryption_enabled"] == "true" and group["transit_encryption_enabled"] is True
    lag_alarms = [a for a in of_type(doc, "aws_cloudwatch_metric_alarm").values() if a["metric_name"] in ("ReplicaLag", "ReplicationLag")]
    assert len(lag_alarms) == settings.database.read_replicas + (settings.cache.nodes if settings.cache.replicas else 0)


@pytest.mark.parametrize("env", list(ENVS))
def test_free_memory_alarm_is_a_tenth_of_the_instance_memory(stacks, env):
    name = f"sparki-{env}-postgres-free-memory"
    alarm = one(stacks[NAMES[env]], "aws_cloudwatch_metric_alarm", lambda a: a["alarm_name"] == name)
    assert alarm["threshold"] == ENVS[env].data.database.free_memory_alarm_mib * 1024**2
    assert alarm["threshold"] == pytest.approx(ENVS[env].data.database.memory_gib * 1024**3 / 10, rel=0.01)


# -- the interface for the cluster layer -----------------------------------------------------

EXPORTS = {
    "database_endpoint": "aws_db_instance.database_instance_D7FC2283.address",
    "database_port": "aws_db_instance.database_instance_D7FC2283.port",
    "database_security_group_id": "aws_security_group.database_security_group_950D7254.id",
    "database_resource_id": "aws_db_instance.database_instance_D7FC2283.resource_id",
    "master_secret_arn": "aws_secretsmanager_secret.database_master_secret_4F45790E.arn",
    "cache_primary_endpoint": "aws_elasticache_replication_group.cache_group_D050DA10.primary_endpoint_address",
    "cache_reader_endpoint": "aws_elasticache_replication_group.cache_group_D050DA10.reader_endpoint_address",
    "cache_port": "aws_elasticache_replication_group.cache_group_D050DA10.port",
    "cache_security_group_id": "aws_security_group.cache_security_group_6D100879.id",
    "cache_replication_group_arn": "aws_elasticache_replication_group.cache_group_D050DA10.arn",
    "cache_user_name": "aws_elasticache_user.cache_app_user_9004CAE1.user_name",
    "cache_user_arn": "aws_elasticache_user.cache_app_user_9004CAE1.arn",
}


@pytest.fixture(scope="module")
def wired(tmp_path_factory):
    """A dev data stack given two client groups, and a consumer stack reading every export."""
    app = App(outdir=str(tmp_path_factory.mktemp("wired") / "cdktf.out"))
    data = DataStack(
        app,
        ENVS["dev"],
        RunSettings(backend="local"),
        vpc_id="vpc-1",
        db_subnet_group_name="sparki-dev-database",
        cache_subnet_group_name="sparki-dev-cache",
        data_key_arn="arn:aws:kms:us-east-1:111111111111:key/data",
        secrets_key_arn="arn:aws:kms:us-east-1:111111111111:key/secrets",
        logs_key_arn="arn:aws:kms:us-east-1:111111111111:key/logs",
        alarm_topic_arn="arn:aws:sns:us-east-1:111111111111:sparki-dev-alarms",
        client_security_group_ids=("sg-nodes", "sg-jobs"),
    )
    consumer = TerraformStack(app, "consumer")
    for attribute in EXPORTS:
        TerraformOutput(consumer, attribute, value=getattr(data, attribute))
    app.synth()
    outdir = app.outdir
    return {
        name: json.loads(open(f"{outdir}/stacks/{name}/cdk.tf.json").read())
        for name in ("sparki-dev-data", "consumer")
    }


def test_every_export_is_a_cross_stack_output_of_the_right_attribute(wired):
    outputs = wired["sparki-dev-data"]["output"]
    values = {o["value"] for o in outputs.values()}
    for attribute, expression in EXPORTS.items():
        assert f"${{{expression}}}" in values, attribute


def test_given_client_groups_each_store_admits_them_on_its_port_only(wired):
    rules = of_type(wired["sparki-dev-data"], "aws_vpc_security_group_ingress_rule").values()
    by_port = {}
    for rule in rules:
        by_port.setdefault(rule["from_port"], set()).add(rule["referenced_security_group_id"])
        assert rule["from_port"] == rule["to_port"] and rule["ip_protocol"] == "tcp"
        assert not {"cidr_ipv4", "cidr_ipv6", "prefix_list_id"} & set(rule)
    assert by_port == {5432: {"sg-nodes", "sg-jobs"}, 6379: {"sg-nodes", "sg-jobs"}}
