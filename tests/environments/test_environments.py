"""Every validation rule of environments/, one failing example each, plus the real data."""
from __future__ import annotations

import dataclasses

import pytest

import environments
from environments.schema import (
    ClusterSettings,
    ConfigError,
    Environment,
    NetworkSettings,
    NodeTaint,
    SecretRotation,
    SecretSettings,
    SecuritySettings,
    StateSettings,
    check_disjoint,
)

ENVS = environments.load()
DEV, STAGING, PROD = ENVS["dev"], ENVS["staging"], ENVS["prod"]


def net(env: Environment, **changes) -> NetworkSettings:
    return dataclasses.replace(env.network, **changes)


def cl(env: Environment, **changes) -> ClusterSettings:
    return dataclasses.replace(env.cluster, **changes)


def ng(env: Environment, group: str, **changes) -> ClusterSettings:
    """env's cluster with node group `group` changed."""
    groups = tuple(dataclasses.replace(g, **changes) if g.name == group else g for g in env.cluster.node_groups)
    return cl(env, node_groups=groups)


def addons(env: Environment, **changes) -> ClusterSettings:
    return cl(env, addons=dataclasses.replace(env.cluster.addons, **changes))


ROLE = "arn:aws:iam::111111111111:role/{}"


def sec(env: Environment, **changes) -> SecuritySettings:
    return dataclasses.replace(env.security, **changes)


def secret(**changes) -> SecretSettings:
    return dataclasses.replace(SecretSettings(name="app/key", description="a key", readers=("sparki-dev-app-api",)), **changes)


ROTATION = SecretRotation(lambda_arn="arn:aws:lambda:us-east-1:111111111111:function:rotate-smtp", role="sparki-dev-rotate-smtp")


@pytest.mark.parametrize(
    "base, changes, field, says",
    [
        (DEV, dict(name="Dev"), "name", "lowercase"),
        (DEV, dict(account_id="12345"), "account_id", "12-digit"),
        (DEV, dict(account_id="12345678901a"), "account_id", "12-digit"),
        (DEV, dict(region="us-east-9"), "region", "not a known AWS region"),
        (PROD, dict(dr_region="mars-1"), "dr_region", "not a known AWS region"),
        (PROD, dict(dr_region="us-east-1"), "dr_region", "different region"),
        (DEV, dict(azs=("us-east-1a",)), "azs", "at least 2"),
        (DEV, dict(azs=("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e")), "azs", "at most 4"),
        (DEV, dict(azs=("us-east-1a", "us-east-1a")), "azs", "repeats"),
        (DEV, dict(azs=("us-east-1a", "us-west-2b")), "azs", "not a zone of region us-east-1"),
        (DEV, dict(network=net(DEV, vpc_cidr="10.10.0.0/33")), "network.vpc_cidr", "not a valid IPv4 network"),
        (DEV, dict(network=net(DEV, vpc_cidr="10.10.0.1/16")), "network.vpc_cidr", "host bits zero"),
        (DEV, dict(network=net(DEV, vpc_cidr="8.8.0.0/16")), "network.vpc_cidr", "RFC 1918"),
        (DEV, dict(network=net(DEV, vpc_cidr="10.10.0.0/24")), "network.vpc_cidr", "too small"),
        (DEV, dict(network=net(DEV, vpc_cidr="10.0.0.0/8")), "network.vpc_cidr", "larger than AWS allows"),
        (DEV, dict(network=net(DEV, nat_mode="none")), "network.nat_mode", "single, per_az"),
        (PROD, dict(network=net(PROD, nat_mode="single")), "network.nat_mode", "not allowed in production"),
        (DEV, dict(network=net(DEV, interface_endpoints=("ec2messages",))), "network.interface_endpoints", "unknown endpoint"),
        (DEV, dict(network=net(DEV, interface_endpoints=("sts", "sts"))), "network.interface_endpoints", "twice"),
        (DEV, dict(network=net(DEV, flow_log_retention_days=10)), "network.flow_log_retention_days", "retention value"),
        (DEV, dict(log_retention_days=0), "log_retention_days", "retention value"),
        (DEV, dict(state=StateSettings(noncurrent_version_days=0)), "state.noncurrent_version_days", "1..3650"),
        (DEV, dict(state=StateSettings(kms_deletion_window_days=5)), "state.kms_deletion_window_days", "7..30"),
        (PROD, dict(state=StateSettings(force_destroy=True)), "state.force_destroy", "not allowed in production"),
        (DEV, dict(tags={"Environment": "x"}), "tags", "set by the stacks"),
        (DEV, dict(tags={"aws:owner": "x"}), "tags", "not a valid tag key"),
        (DEV, dict(tags={"Owner": "x" * 300}), "tags", "at most 256"),
        # -- cluster: control plane ------------------------------------------------------------
        (DEV, dict(cluster=cl(DEV, kubernetes_version="1.27")), "cluster.kubernetes_version", "standard support"),
        (DEV, dict(cluster=cl(DEV, public_access_cidrs=("0.0.0.0/0",))), "cluster.public_access_cidrs", "whole internet"),
        (DEV, dict(cluster=cl(DEV, public_access_cidrs=("::/0",))), "cluster.public_access_cidrs", "whole internet"),
        (DEV, dict(cluster=cl(DEV, public_access_cidrs=("203.0.113.7/24",))), "cluster.public_access_cidrs", "not a valid IPv4 network"),
        (DEV, dict(cluster=cl(DEV, public_access_cidrs=("2001:db8::/32",))), "cluster.public_access_cidrs", "not a valid IPv4 network"),
        (DEV, dict(cluster=cl(DEV, public_access_cidrs=("64.0.0.0/8",))), "cluster.public_access_cidrs", "wider than /16"),
        (DEV, dict(cluster=cl(DEV, public_access_cidrs=("10.1.0.0/16",))), "cluster.public_access_cidrs", "not a public range"),
        (PROD, dict(cluster=cl(PROD, public_access_cidrs=("203.0.113.0/24",))), "cluster.public_access_cidrs", "not allowed in production"),
        # -- cluster: node groups ----------------------------------------------------------------
        (DEV, dict(cluster=cl(DEV, node_groups=DEV.cluster.node_groups[1:])), "cluster.node_groups", "has no 'system' group"),
        (DEV, dict(cluster=cl(DEV, node_groups=DEV.cluster.node_groups * 2)), "cluster.node_groups", "repeats a name"),
        (DEV, dict(cluster=ng(DEV, "workload", name="Work_load")), "cluster.node_groups", "name 'Work_load' is invalid"),
        (DEV, dict(cluster=ng(DEV, "workload", instance_types=())), "cluster.node_groups[workload].instance_types", "is empty"),
        (DEV, dict(cluster=ng(DEV, "workload", instance_types=("m6i.large", "m6i-large"))), "cluster.node_groups[workload].instance_types", "not an EC2 instance type"),
        (DEV, dict(cluster=ng(DEV, "workload", instance_types=("m6i.huge", "m6a.large"))), "cluster.node_groups[workload].instance_types", "not an EC2 instance type"),
        (DEV, dict(cluster=ng(DEV, "workload", instance_types=("m6i.large", "m6i.large"))), "cluster.node_groups[workload].instance_types", "twice"),
        (DEV, dict(cluster=ng(DEV, "workload", instance_types=("m6i.large", "m7g.large"))), "cluster.node_groups[workload].instance_types", "Graviton (arm64)"),
        (DEV, dict(cluster=ng(DEV, "system", ami_type="AL2023_ARM_64_STANDARD")), "cluster.node_groups[system].instance_types", "is x86_64"),
        (DEV, dict(cluster=ng(DEV, "system", ami_type="BOTTLEROCKET_x86_64")), "cluster.node_groups[system].ami_type", "not supported"),
        (DEV, dict(cluster=ng(DEV, "workload", capacity_type="RESERVED")), "cluster.node_groups[workload].capacity_type", "not a capacity type"),
        (PROD, dict(cluster=ng(PROD, "workload", capacity_type="SPOT")), "cluster.node_groups[workload].capacity_type", "not allowed in production"),
        (DEV, dict(cluster=ng(DEV, "system", capacity_type="SPOT", instance_types=("t3a.large", "t3.large"))), "cluster.node_groups[system].capacity_type", "not allowed for the 'system' group"),
        (DEV, dict(cluster=ng(DEV, "workload", instance_types=("m6i.large",))), "cluster.node_groups[workload].instance_types", "at least two instance types"),
        (DEV, dict(cluster=ng(DEV, "workload", min_size=0, max_size=0, desired_size=0)), "cluster.node_groups[workload].max_size", "max_size >= 1"),
        (DEV, dict(cluster=ng(DEV, "workload", min_size=3, desired_size=2)), "cluster.node_groups[workload].desired_size", "min_size <= desired_size <= max_size"),
        (DEV, dict(cluster=ng(DEV, "workload", desired_size=7)), "cluster.node_groups[workload].desired_size", "min_size <= desired_size <= max_size"),
        (DEV, dict(cluster=ng(DEV, "workload", disk_size_gib=8)), "cluster.node_groups[workload].disk_size_gib", "20..1000"),
        (DEV, dict(cluster=ng(DEV, "workload", max_unavailable_percent=0)), "cluster.node_groups[workload].max_unavailable_percent", "1..100"),
        (DEV, dict(cluster=ng(DEV, "workload", labels={"bad key!": "x"})), "cluster.node_groups[workload].labels", "not a Kubernetes label key"),
        (DEV, dict(cluster=ng(DEV, "workload", labels={"node.kubernetes.io/role": "x"})), "cluster.node_groups[workload].labels", "reserved by Kubernetes/EKS"),
        (DEV, dict(cluster=ng(DEV, "workload", labels={"team": "a b"})), "cluster.node_groups[workload].labels", "not a Kubernetes label value"),
        (DEV, dict(cluster=ng(DEV, "system", taints=(NodeTaint(key="dedicated", value="x", effect="NoSchedule"),))), "cluster.node_groups[system].taints", "effect 'NoSchedule' of 'dedicated' is unknown"),
        (DEV, dict(cluster=ng(DEV, "system", taints=(NodeTaint(key="dedicated", value="a/b", effect="NO_SCHEDULE"),))), "cluster.node_groups[system].taints", "not a valid taint value"),
        (DEV, dict(cluster=ng(DEV, "system", taints=(NodeTaint(key="k8s.io/x", effect="NO_SCHEDULE"),))), "cluster.node_groups[system].taints", "reserved by Kubernetes/EKS"),
        # -- cluster: add-ons --------------------------------------------------------------------
        (DEV, dict(cluster=addons(DEV, coredns="latest")), "cluster.addons.coredns", "not a pinned EKS add-on version"),
        (DEV, dict(cluster=addons(DEV, vpc_cni="v1.20.1")), "cluster.addons.vpc_cni", "not a pinned EKS add-on version"),
        (DEV, dict(cluster=addons(DEV, kube_proxy="v1.32.6-eksbuild.8")), "cluster.addons.kube_proxy", "is for Kubernetes 1.32, not 1.33"),
        # -- cluster: access and DNS -------------------------------------------------------------
        (DEV, dict(cluster=cl(DEV, admin_role_arns=())), "cluster.admin_role_arns", "at least one admin role"),
        (DEV, dict(cluster=cl(DEV, admin_role_arns=("arn:aws:iam::111111111111:user/alice",))), "cluster.admin_role_arns", "not an IAM role ARN"),
        (DEV, dict(cluster=cl(DEV, developer_role_arns=("sparki-developer",))), "cluster.developer_role_arns", "not an IAM role ARN"),
        (DEV, dict(cluster=cl(DEV, auditor_role_arns=("arn:aws:iam::999999999999:role/auditor",))), "cluster.auditor_role_arns", "not 111111111111"),
        (DEV, dict(cluster=cl(DEV, auditor_role_arns=(ROLE.format("sparki-platform-admin"),))), "cluster.auditor_role_arns", "also in cluster.admin_role_arns"),
        (DEV, dict(cluster=cl(DEV, app_namespaces=("Sparki_API",))), "cluster.app_namespaces", "not a Kubernetes namespace name"),
        (DEV, dict(cluster=cl(DEV, app_namespaces=("kube-system",))), "cluster.app_namespaces", "system or platform namespace"),
        (DEV, dict(cluster=cl(DEV, app_namespaces=("cert-manager",))), "cluster.app_namespaces", "system or platform namespace"),
        (DEV, dict(cluster=cl(DEV, app_namespaces=("sparki-api", "sparki-api"))), "cluster.app_namespaces", "twice"),
        (DEV, dict(cluster=cl(DEV, app_namespaces=())), "cluster.app_namespaces", "developer_role_arns is not"),
        (DEV, dict(cluster=cl(DEV, hosted_zone_ids=())), "cluster.hosted_zone_ids", "is empty"),
        (DEV, dict(cluster=cl(DEV, hosted_zone_ids=("/hostedzone/Z123",))), "cluster.hosted_zone_ids", "not a Route 53 hosted zone id"),
        (DEV, dict(cluster=cl(DEV, hosted_zone_ids=("Z123", "Z123"))), "cluster.hosted_zone_ids", "twice"),
        (DEV, dict(tags={"Owner": "platform-team"}), "tags", "CostCenter missing"),
        (DEV, dict(tags={"Owner": " ", "CostCenter": "c"}), "tags", "Owner missing"),
        (DEV, dict(security=sec(DEV, secrets=(secret(name="App/Key"),))), "security.secrets[0].name", "not a secret name"),
        (DEV, dict(security=sec(DEV, secrets=(secret(name="app//key"),))), "security.secrets[0].name", "not a secret name"),
        (DEV, dict(security=sec(DEV, secrets=(secret(), secret()))), "security.secrets[0].name", "declared twice"),
        (DEV, dict(security=sec(DEV, secrets=(secret(description=" "),))), "security.secrets[0].description", "is empty"),
        (DEV, dict(security=sec(DEV, secrets=(secret(readers=()),))), "security.secrets[0].readers", "at least one IAM role"),
        (DEV, dict(security=sec(DEV, secrets=(secret(readers=("arn:aws:iam::999999999999:role/x",)),))), "security.secrets[0].readers", "not an IAM role name"),
        (DEV, dict(security=sec(DEV, secrets=(secret(rotation=dataclasses.replace(ROTATION, lambda_arn="arn:aws:lambda:us-east-1:999999999999:function:rotate")),))), "security.secrets[0].rotation.lambda_arn", "not a Lambda function of this environment"),
        (DEV, dict(security=sec(DEV, secrets=(secret(rotation=dataclasses.replace(ROTATION, role="role/with/slash")),))), "security.secrets[0].rotation.role", "not an IAM role name"),
        (DEV, dict(security=sec(DEV, secrets=(secret(rotation=dataclasses.replace(ROTATION, days=0)),))), "security.secrets[0].rotation.days", "1..1000"),
        (DEV, dict(security=sec(DEV, secret_recovery_days=5)), "security.secret_recovery_days", "7..30"),
        (DEV, dict(security=sec(DEV, audit_log_retention_days=10)), "security.audit_log_retention_days", "retention value"),
        (PROD, dict(security=sec(PROD, audit_log_retention_days=180)), "security.audit_log_retention_days", "at least 365"),
        (DEV, dict(security=sec(DEV, audit_archive_after_days=0)), "security.audit_archive_after_days", "1..3650"),
        (DEV, dict(security=sec(DEV, access_log_expire_after_days=4000)), "security.access_log_expire_after_days", "1..3650"),
        (DEV, dict(security=sec(DEV, audit_archive_after_days=30, audit_expire_after_days=60)), "security.audit_expire_after_days", "use at least 120"),
        (PROD, dict(security=sec(PROD, audit_archive_after_days=30, audit_expire_after_days=200)), "security.audit_expire_after_days", "at least 365 days"),
        (DEV, dict(security=sec(DEV, guardduty_features=("EKS_AUDIT_LOGS", "LAMBDA_NETWORK_LOGS"))), "security.guardduty_features", "unknown feature"),
        (DEV, dict(security=sec(DEV, guardduty_features=("EKS_AUDIT_LOGS", "EKS_AUDIT_LOGS"))), "security.guardduty_features", "twice"),
        (DEV, dict(security=sec(DEV, guardduty_features=("S3_DATA_EVENTS",))), "security.guardduty_features", "must include EKS_AUDIT_LOGS"),
        (DEV, dict(security=sec(DEV, enable_config=False, enable_security_hub=True)), "security.enable_security_hub", "needs enable_config=True"),
        (PROD, dict(security=sec(PROD, enable_config=False, enable_security_hub=False)), "security.enable_config", "not allowed in production"),
        (PROD, dict(security=sec(PROD, enable_guardduty=False)), "security.enable_guardduty", "not allowed in production"),
        (PROD, dict(security=sec(PROD, enable_security_hub=False)), "security.enable_security_hub", "not allowed in production"),
        (PROD, dict(security=sec(PROD, enable_access_analyzer=False)), "security.enable_access_analyzer", "not allowed in production"),
    ],
)
def test_each_rule_names_environment_field_and_fix(base, changes, field, says):
    with pytest.raises(ConfigError) as err:
        dataclasses.replace(base, **changes)
    message = str(err.value)
    assert err.value.field == field
    assert says in message
    assert f"environment '{changes.get('name', base.name)}'" in message
    assert "\n" not in message


def test_overlapping_cidrs_between_environments_are_rejected():
    clash = dataclasses.replace(STAGING, network=net(STAGING, vpc_cidr="10.10.128.0/17"))
    with pytest.raises(ConfigError, match=r"environment 'staging': field 'network.vpc_cidr': 10.10.128.0/17 overlaps dev's 10.10.0.0/16"):
        check_disjoint({"dev": DEV, "staging": clash})


def test_environment_registered_under_another_name_is_rejected():
    with pytest.raises(ConfigError, match="registered as 'qa' but named 'dev'"):
        check_disjoint({"qa": DEV})


def test_unknown_environment_selection_is_rejected():
    with pytest.raises(ConfigError, match="environment 'qa': field 'ENV': unknown environment; use one of dev, staging, prod"):
        environments.load(["qa"])


def test_load_selects_but_still_checks_every_environment():
    assert list(environments.load(["prod"])) == ["prod"]


# -- invariants of the real data ------------------------------------------------------------


def test_three_environments_with_disjoint_private_cidrs():
    assert list(ENVS) == ["dev", "staging", "prod"]
    nets = [e.vpc_network for e in ENVS.values()]
    assert all(n.is_private for n in nets)
    assert not any(a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1:])


def test_production_is_highly_available_and_keeps_logs_a_year():
    assert PROD.network.nat_mode == "per_az"
    assert len(PROD.azs) >= 3
    assert PROD.log_retention_days >= 365 and PROD.network.flow_log_retention_days >= 365
    assert not PROD.state.force_destroy
    assert PROD.dr_region and PROD.dr_region != PROD.region


def test_retention_grows_dev_to_prod():
    assert DEV.log_retention_days <= STAGING.log_retention_days <= PROD.log_retention_days


def test_a_public_allow_list_of_office_ranges_is_accepted_outside_production():
    env = dataclasses.replace(DEV, cluster=cl(DEV, public_access_cidrs=("81.2.69.0/24", "8.8.8.8/32")))
    assert env.cluster.public_access_cidrs == ("81.2.69.0/24", "8.8.8.8/32")


@pytest.mark.parametrize("env", list(ENVS.values()), ids=list(ENVS))
def test_every_cluster_api_server_is_private(env):
    # checkov CKV_AWS_39 must pass, not be skipped: no environment opens the public endpoint.
    assert env.cluster.public_access_cidrs == ()


@pytest.mark.parametrize("env", list(ENVS.values()), ids=list(ENVS))
def test_every_cluster_has_an_on_demand_tainted_system_group_and_a_workload_group(env):
    groups = {g.name: g for g in env.cluster.node_groups}
    assert set(groups) == {"system", "workload"}
    assert groups["system"].capacity_type == "ON_DEMAND"
    assert [(t.key, t.effect) for t in groups["system"].taints] == [("CriticalAddonsOnly", "NO_SCHEDULE")]


def test_production_nodes_are_on_demand_and_span_every_zone():
    for group in PROD.cluster.node_groups:
        assert group.capacity_type == "ON_DEMAND"
        assert group.min_size >= len(PROD.azs), f"{group.name}: a node per AZ at least"


def test_only_dev_runs_spot_capacity():
    spot = {(e.name, g.name) for e in ENVS.values() for g in e.cluster.node_groups if g.capacity_type == "SPOT"}
    assert spot == {("dev", "workload")}


def test_production_gives_developers_no_edit_rights():
    assert PROD.cluster.developer_role_arns == ()
    assert PROD.cluster.app_namespaces == ()


def test_every_environment_runs_the_same_kubernetes_and_add_on_versions():
    # Promotion is dev -> staging -> prod; at rest all three run what was tested.
    assert len({(e.cluster.kubernetes_version, e.cluster.addons) for e in ENVS.values()}) == 1


def test_every_environment_declares_secrets_by_name_only():
    for env in ENVS.values():
        assert env.security.secrets, env.name
        for declared in env.security.secrets:
            assert {f.name for f in dataclasses.fields(declared)} == {"name", "description", "readers", "rotation"}
            assert all(role.startswith(f"sparki-{env.name}-") for role in declared.readers)


def test_production_scans_everything_and_keeps_audit_logs_seven_years():
    assert all(PROD.security.switches.values())
    assert set(PROD.security.guardduty_features) == {"EKS_AUDIT_LOGS", "S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS"}
    assert PROD.security.audit_log_retention_days >= 365
    assert PROD.security.audit_expire_after_days >= 7 * 365


def test_staging_scans_like_production():
    assert STAGING.security.switches == PROD.security.switches


def test_audit_retention_grows_dev_to_prod():
    days = [e.security.audit_expire_after_days for e in (DEV, STAGING, PROD)]
    assert days == sorted(days)


def test_a_valid_rotation_is_accepted():
    env = dataclasses.replace(DEV, security=sec(DEV, secrets=(secret(rotation=ROTATION),)))
    assert env.security.secrets[0].rotation.days == 30
