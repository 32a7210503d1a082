"""Every validation rule of environments/, one failing example each (applied to the real
data), the rules across environments, and invariants of the real data that are promises of
this project rather than rules of the schema."""
from __future__ import annotations

import pytest

import environments
from catalog.aws import GUARDDUTY_FEATURES
from environments.schema import ConfigError, check_disjoint
from tests.environments.mistakes import DELETE, assert_refused, edited

ENVS = environments.load()
DEV, STAGING, PROD = ENVS["dev"], ENVS["staging"], ENVS["prod"]
RAW = {name: environments.read(name) for name in environments.NAMES}
ROTATION = {"lambda_arn": "arn:aws:lambda:us-east-1:111111111111:function:rotate-smtp", "role": "sparki-dev-rotate-smtp"}
WORKLOAD = "cluster.node_groups[1]"  # in every environment: [0] is system, [1] workload
SYSTEM = "cluster.node_groups[0]"


@pytest.mark.parametrize(
    "env, path, value, field, says",
    [
        ("dev", "account_id", "12345", "account_id", "12-digit"),
        ("dev", "account_id", "12345678901a", "account_id", "12-digit"),
        ("dev", "region", "us-east-9", "region", "not a known AWS region"),
        ("prod", "dr_region", "mars-1", "dr_region", "not a known AWS region"),
        ("prod", "dr_region", "us-east-1", "dr_region", "different region"),
        ("dev", "azs", ["us-east-1a"], "azs", "at least 2"),
        ("dev", "azs", ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e"], "azs", "at most 4"),
        ("dev", "azs", ["us-east-1a", "us-east-1a"], "azs[1]", "repeats azs[0]"),
        ("dev", "azs", ["us-east-1a", "us-west-2b"], "azs[1]", "not a zone of region us-east-1"),
        ("dev", "network.vpc_cidr", "10.10.0.0/33", "network.vpc_cidr", "not a valid IPv4 network"),
        ("dev", "network.vpc_cidr", "10.10.0.1/16", "network.vpc_cidr", "host bits zero"),
        ("dev", "network.vpc_cidr", "8.8.0.0/16", "network.vpc_cidr", "RFC 1918"),
        ("dev", "network.vpc_cidr", "10.10.0.0/24", "network.vpc_cidr", "too small"),
        ("dev", "network.vpc_cidr", "10.0.0.0/8", "network.vpc_cidr", "larger than AWS allows"),
        ("dev", "network.nat_mode", "none", "network.nat_mode", "single, per_az"),
        ("prod", "network.nat_mode", "single", "network.nat_mode", "not allowed in production"),
        ("dev", "network.interface_endpoints", ["ec2messages"], "network.interface_endpoints", "unknown endpoint"),
        ("dev", "network.interface_endpoints", ["sts", "sts"], "network.interface_endpoints", "twice"),
        ("dev", "network.flow_log_retention_days", 10, "network.flow_log_retention_days", "retention value"),
        ("dev", "log_retention_days", 0, "log_retention_days", "retention value"),
        ("dev", "kms_key_deletion_window_days", 31, "kms_key_deletion_window_days", "7..30"),
        ("dev", "cost_review_threshold_usd", 100_001, "cost_review_threshold_usd", "0..100000 USD a month"),
        # -- platform: namespace budgets -------------------------------------------------------
        ("dev", "platform.namespace_budget.requests_cpu", "4 cores", "platform.namespace_budget.requests_cpu", "not a CPU quantity"),
        ("dev", "platform.namespace_budget.requests_memory", "8GB", "platform.namespace_budget.requests_memory", "not a memory quantity"),
        ("dev", "platform.namespace_budget.container_max_cpu", "4", "platform.namespace_budget.container_max_cpu", "more than requests_cpu 3"),
        ("dev", "platform.namespace_budget.container_memory", "4Gi", "platform.namespace_budget.container_memory", "more than container_max_memory 2Gi"),
        ("dev", "platform.namespace_budget.requests_memory", "64Gi", "platform.namespace_budget.requests_memory", "more than limits_memory 12Gi"),
        ("dev", "platform.namespace_budget.pods", 0, "platform.namespace_budget.pods", "1..1000"),
        ("dev", "platform.namespace_budget.requests_cpu", "5", "platform.namespace_budget.requests_cpu", "5 per namespace x 3 namespaces = 15 cores, more than the 14 vCPUs"),
        ("dev", "state.noncurrent_version_days", 0, "state.noncurrent_version_days", "1..3650"),
        ("prod", "state.force_destroy", True, "state.force_destroy", "not allowed in production"),
        ("dev", "tags.Environment", "x", "tags.Environment", "set by the stacks"),
        ("dev", "tags.aws:owner", "x", "tags.aws:owner", "not a valid tag key"),
        ("dev", "tags.Owner", "x" * 300, "tags.Owner", "at most 256"),
        ("dev", "tags.CostCenter", DELETE, "tags", "CostCenter missing"),
        ("dev", "tags.Owner", " ", "tags", "Owner missing"),
        # -- cluster: control plane ------------------------------------------------------------
        ("dev", "cluster.kubernetes_version", "1.27", "cluster.kubernetes_version", "standard support"),
        ("dev", "cluster.public_access_cidrs", ["0.0.0.0/0"], "cluster.public_access_cidrs[0]", "whole internet"),
        ("dev", "cluster.public_access_cidrs", ["::/0"], "cluster.public_access_cidrs[0]", "whole internet"),
        ("dev", "cluster.public_access_cidrs", ["203.0.113.7/24"], "cluster.public_access_cidrs[0]", "not a valid IPv4 network"),
        ("dev", "cluster.public_access_cidrs", ["2001:db8::/32"], "cluster.public_access_cidrs[0]", "not a valid IPv4 network"),
        ("dev", "cluster.public_access_cidrs", ["64.0.0.0/8"], "cluster.public_access_cidrs[0]", "wider than /16"),
        ("dev", "cluster.public_access_cidrs", ["10.1.0.0/16"], "cluster.public_access_cidrs[0]", "not a public range"),
        ("prod", "cluster.public_access_cidrs", ["81.2.69.0/24"], "cluster.public_access_cidrs", "not allowed in production"),
        # -- cluster: node groups ----------------------------------------------------------------
        ("dev", "cluster.node_groups[0].name", "general", "cluster.node_groups", "has no 'system' group"),
        ("dev", f"{WORKLOAD}.name", "system", f"{WORKLOAD}.capacity_type", "not allowed for the 'system' group"),
        ("dev", f"{WORKLOAD}.name", "Work_load", f"{WORKLOAD}.name", "'Work_load' is invalid"),
        ("dev", f"{WORKLOAD}.instance_types", [], f"{WORKLOAD}.instance_types", "is empty"),
        ("dev", f"{WORKLOAD}.instance_types", ["m6i.large", "m6i-large"], f"{WORKLOAD}.instance_types[1]", "not an EC2 instance type"),
        ("dev", f"{WORKLOAD}.instance_types", ["m6i.huge", "m6a.large"], f"{WORKLOAD}.instance_types[0]", "size 'huge' is not an EC2 size"),
        ("dev", f"{WORKLOAD}.instance_types", ["m9z.large", "m6a.large"], f"{WORKLOAD}.instance_types[0]", "family 'm9z' is not one we accept; use one of t3, t3a"),
        ("dev", f"{WORKLOAD}.instance_types", ["m6i.large", "m6i.large"], f"{WORKLOAD}.instance_types", "twice"),
        ("dev", f"{WORKLOAD}.instance_types", ["m6i.large", "m7g.large"], f"{WORKLOAD}.instance_types[1]", "Graviton (arm64)"),
        ("dev", f"{SYSTEM}.architecture", "amd64", f"{SYSTEM}.instance_types[0]", "'t4g.large' is Graviton (arm64) but architecture is amd64"),
        ("dev", f"{SYSTEM}.instance_types", ["t4g.large", "t3a.large"], f"{SYSTEM}.instance_types[1]", "'t3a.large' is x86 (amd64) but architecture is arm64"),
        ("dev", f"{SYSTEM}.architecture", "x86_64", f"{SYSTEM}.architecture", "not a node architecture; use one of amd64, arm64"),
        ("dev", f"{WORKLOAD}.capacity_type", "RESERVED", f"{WORKLOAD}.capacity_type", "not a capacity type"),
        ("prod", f"{WORKLOAD}.capacity_type", "SPOT", f"{WORKLOAD}.capacity_type", "not allowed in production"),
        ("dev", f"{WORKLOAD}.instance_types", ["m6i.large"], f"{WORKLOAD}.instance_types", "at least two instance types"),
        ("dev", f"{WORKLOAD}.min_size", -1, f"{WORKLOAD}.min_size", "given -1; must be >= 0"),
        ("dev", f"{WORKLOAD}.max_size", 0, f"{WORKLOAD}.max_size", "given 0; must be >= 1"),
        ("dev", f"{WORKLOAD}.min_size", 3, f"{WORKLOAD}.desired_size", "min_size <= desired_size <= max_size"),
        ("dev", f"{WORKLOAD}.desired_size", 8, f"{WORKLOAD}.desired_size", "min_size <= desired_size <= max_size"),
        ("dev", f"{WORKLOAD}.disk_size_gib", 8, f"{WORKLOAD}.disk_size_gib", "20..1000"),
        ("dev", f"{WORKLOAD}.max_unavailable_percent", 0, f"{WORKLOAD}.max_unavailable_percent", "1..100"),
        ("dev", f"{WORKLOAD}.labels", {"bad key!": "x"}, f"{WORKLOAD}.labels", "not a Kubernetes label key"),
        ("dev", f"{WORKLOAD}.labels", {"node.kubernetes.io/role": "x"}, f"{WORKLOAD}.labels", "reserved by Kubernetes/EKS"),
        ("dev", f"{WORKLOAD}.labels", {"team": "a b"}, f"{WORKLOAD}.labels", "not a Kubernetes label value"),
        ("dev", f"{SYSTEM}.taints[0].effect", "NoSchedule", f"{SYSTEM}.taints[0].effect", "'NoSchedule' is not a taint effect"),
        ("dev", f"{SYSTEM}.taints[0].value", "a/b", f"{SYSTEM}.taints[0].value", "not a valid taint value"),
        ("dev", f"{SYSTEM}.taints[0].key", "k8s.io/x", f"{SYSTEM}.taints[0].key", "reserved by Kubernetes/EKS"),
        ("dev", f"{SYSTEM}.taints[0].effect", "PREFER_NO_SCHEDULE", f"{SYSTEM}.taints", "needs a NO_SCHEDULE or NO_EXECUTE taint"),
        # -- cluster: add-ons --------------------------------------------------------------------
        ("dev", "cluster.addons.coredns", "latest", "cluster.addons.coredns", "not a pinned EKS add-on version"),
        ("dev", "cluster.addons.vpc_cni", "v1.20.1", "cluster.addons.vpc_cni", "not a pinned EKS add-on version"),
        ("dev", "cluster.addons.kube_proxy", "v1.32.6-eksbuild.8", "cluster.addons.kube_proxy", "is for Kubernetes 1.32, not 1.33"),
        ("dev", "cluster.addons.node_monitoring_agent", "v1.4.0", "cluster.addons.node_monitoring_agent", "not a pinned EKS add-on version"),
        # -- cluster: access and DNS -------------------------------------------------------------
        ("dev", "cluster.admin_role_arns", [], "cluster.admin_role_arns", "at least one admin role"),
        ("dev", "cluster.admin_role_arns", ["arn:aws:iam::111111111111:user/alice"], "cluster.admin_role_arns[0]", "not an IAM role ARN"),
        ("dev", "cluster.developer_role_arns", ["sparki-developer"], "cluster.developer_role_arns[0]", "not an IAM role ARN"),
        ("dev", "cluster.auditor_role_arns", ["arn:aws:iam::999999999999:role/auditor"], "cluster.auditor_role_arns[0]", "not 111111111111"),
        ("dev", "cluster.auditor_role_arns", ["arn:aws:iam::111111111111:role/sparki-platform-admin"], "cluster.auditor_role_arns[0]", "also in admin_role_arns"),
        # -- platform ---------------------------------------------------------------------------
        ("dev", "platform.app_namespaces", [], "platform.app_namespaces", "is empty"),
        ("dev", "platform.app_namespaces", ["monitoring"], "platform.app_namespaces[0]", "system or platform namespace"),
        ("dev", "platform.app_namespaces", ["Sparki"], "platform.app_namespaces[0]", "not a Kubernetes namespace name"),
        ("dev", "platform.app_namespaces", ["sparki-api", "sparki-web"], "platform.app_namespaces", "lacks 'sparki-worker'"),
        ("dev", "platform.mesh_mode", "strict", "platform.mesh_mode", "not a mesh mode"),
        ("prod", "platform.mesh_mode", "PERMISSIVE", "platform.mesh_mode", "not allowed in production"),
        ("dev", "platform.app_port", 80, "platform.app_port", "not an unprivileged port"),
        ("dev", "cluster.app_namespaces", ["Sparki_API"], "cluster.app_namespaces[0]", "not a Kubernetes namespace name"),
        ("dev", "cluster.app_namespaces", ["kube-system"], "cluster.app_namespaces[0]", "system or platform namespace"),
        ("dev", "cluster.app_namespaces", ["cert-manager"], "cluster.app_namespaces[0]", "system or platform namespace"),
        ("dev", "cluster.app_namespaces", ["sparki-api", "sparki-api"], "cluster.app_namespaces", "twice"),
        ("dev", "cluster.app_namespaces", [], "cluster.app_namespaces", "developer_role_arns is not"),
        ("dev", "cluster.hosted_zone_ids", [], "cluster.hosted_zone_ids", "is empty"),
        ("dev", "cluster.hosted_zone_ids", ["/hostedzone/Z123"], "cluster.hosted_zone_ids[0]", "not a Route 53 hosted zone id"),
        ("dev", "cluster.hosted_zone_ids", ["Z123", "Z123"], "cluster.hosted_zone_ids", "twice"),
        # -- security ------------------------------------------------------------------------------
        ("dev", "security.secrets[0].name", "App/Key", "security.secrets[0].name", "not a secret name"),
        ("dev", "security.secrets[0].name", "app//key", "security.secrets[0].name", "not a secret name"),
        ("dev", "security.secrets[1].name", "app/session-signing-key", "security.secrets[1].name", "declared twice"),
        ("dev", "security.secrets[0].description", " ", "security.secrets[0].description", "is empty"),
        ("dev", "security.secrets[0].readers", [], "security.secrets[0].readers", "at least one IAM role"),
        ("dev", "security.secrets[1].readers", ["sparki-dev-app-api", "sparki-dev-app-api"], "security.secrets[1].readers", "twice"),
        ("dev", "security.secrets[0].readers", ["arn:aws:iam::999999999999:role/x"], "security.secrets[0].readers[0]", "not an IAM role name"),
        ("dev", "security.secrets[0].rotation", {**ROTATION, "lambda_arn": "arn:aws:lambda:us-east-1:999999999999:function:rotate"}, "security.secrets[0].rotation.lambda_arn", "not a Lambda function of this environment"),
        ("dev", "security.secrets[0].rotation", {**ROTATION, "role": "role/with/slash"}, "security.secrets[0].rotation.role", "not an IAM role name"),
        ("dev", "security.secrets[0].rotation", {**ROTATION, "days": 0}, "security.secrets[0].rotation.days", "1..1000"),
        ("dev", "security.secret_recovery_days", 5, "security.secret_recovery_days", "7..30"),
        ("dev", "security.audit_log_retention_days", 10, "security.audit_log_retention_days", "retention value"),
        ("prod", "security.audit_log_retention_days", 180, "security.audit_log_retention_days", "at least 365"),
        ("dev", "security.audit_archive_after_days", 0, "security.audit_archive_after_days", "1..3650"),
        ("dev", "security.access_log_expire_after_days", 4000, "security.access_log_expire_after_days", "1..3650"),
        ("dev", "security.audit_expire_after_days", 60, "security.audit_expire_after_days", "use at least 120"),
        ("prod", "security.audit_expire_after_days", 200, "security.audit_expire_after_days", "at least 365 days"),
        ("dev", "security.guardduty_features", ["EKS_AUDIT_LOGS", "LAMBDA_NETWORK_LOGS"], "security.guardduty_features", "unknown feature"),
        ("dev", "security.guardduty_features", ["EKS_AUDIT_LOGS", "EKS_AUDIT_LOGS"], "security.guardduty_features", "twice"),
        ("dev", "security.guardduty_features", ["S3_DATA_EVENTS"], "security.guardduty_features", "must include EKS_AUDIT_LOGS"),
        ("dev", "security.enable_security_hub", True, "security.enable_security_hub", "needs enable_config = true"),
        ("dev", "security.guardduty_features", ["EKS_AUDIT_LOGS"], "security.guardduty_features", "must include RUNTIME_MONITORING"),
        ("staging", "security.security_hub_standards", [], "security.security_hub_standards", "is empty while Security Hub is on"),
        ("staging", "security.security_hub_standards", ["cis-v1.2.0"], "security.security_hub_standards", "unknown standard"),
        ("staging", "security.security_hub_standards", ["cis-v5.0.0", "cis-v5.0.0"], "security.security_hub_standards", "twice"),
        ("prod", "security.security_hub_standards", ["cis-v5.0.0"], "security.security_hub_standards", "add aws-foundational-security-best-practices"),
        ("dev", "security.finding_severity_threshold", "SEVERE", "security.finding_severity_threshold", "not a finding severity"),
        ("dev", "security.finding_severity_threshold", "high", "security.finding_severity_threshold", "not a finding severity"),
        ("prod", "security.finding_severity_threshold", "CRITICAL", "security.finding_severity_threshold", "hides HIGH findings in production"),
        ("dev", "security.security_contact.email", "security-at-sparki", "security.security_contact.email", "not an email address"),
        ("dev", "security.security_contact.phone", "call 555", "security.security_contact.phone", "not a phone number AWS accepts"),
        ("dev", "security.security_contact.title", "x" * 51, "security.security_contact.title", "1..50 characters"),
        ("dev", "security.security_contact.name", " ", "security.security_contact.name", "1..64 characters"),
        ("prod", "security.security_contact", DELETE, "security.security_contact", "required in production (CIS 1.2)"),
        ("dev", "security.support_role_assumed_by", "arn:aws:iam::111111111111:role/*", "security.support_role_assumed_by", "not an IAM role name"),
        ("prod", "security.support_role_assumed_by", DELETE, "security.support_role_assumed_by", "required in production (CIS 1.17)"),
        ("prod", "security.enable_security_hub", False, "security.enable_security_hub", "not allowed in production"),
        ("prod", "security.enable_guardduty", False, "security.enable_guardduty", "not allowed in production"),
        ("prod", "security.enable_access_analyzer", False, "security.enable_access_analyzer", "not allowed in production"),
        # -- strict types and unknown fields ----------------------------------------------------
        ("dev", "network.nat_modee", "single", "network.nat_modee", "did you mean 'nat_mode'?"),
        ("dev", "network.vpc_cidr", DELETE, "network.vpc_cidr", "is required"),
        ("dev", f"{WORKLOAD}.max_size", "6", f"{WORKLOAD}.max_size", "given '6' (a string); must be a whole number"),
        ("dev", f"{WORKLOAD}.max_size", 6.0, f"{WORKLOAD}.max_size", "given 6.0 (a decimal number)"),
        ("dev", f"{WORKLOAD}.max_size", True, f"{WORKLOAD}.max_size", "given true (a boolean)"),
        ("dev", "data.database.multi_az", "no", "data.database.multi_az", "given 'no' (a string); must be true or false"),
        ("dev", "security.secrets[0].readers", "sparki-dev-app-api", "security.secrets[0].readers", "must be a list"),
        ("dev", "tags", ["Owner"], "tags", "must be a table"),
        ("dev", "network", "10.10.0.0/16", "network", "must be a table of settings"),
        ("dev", "name", "dev", "name", "the file name (dev.toml) names the environment"),
    ],
)
def test_each_rule_names_environment_field_and_fix(env, path, value, field, says):
    assert_refused(env, path, value, field, says)


def test_a_production_switch_is_refused_even_when_its_partner_is_off():
    data = edited(edited(RAW["prod"], "security.enable_security_hub", False), "security.enable_config", False)
    with pytest.raises(ConfigError, match="field 'security.enable_config': false is not allowed in production"):
        environments.parse("prod", data)


def test_several_mistakes_are_counted_in_the_one_line():
    data = edited(edited(RAW["dev"], "network.nat_mode", 1), "network.flow_log_retention_days", "30")
    with pytest.raises(ConfigError, match=r"field 'network.nat_mode': given 1; must be a string, in quotes \(and 1 more\)$"):
        environments.parse("dev", data)


# -- rules across environments -----------------------------------------------------------------


def across(env: str, path: str, value: object) -> dict:
    return {name: environments.parse(name, edited(RAW[name], path, value) if name == env else RAW[name]) for name in environments.NAMES}


@pytest.mark.parametrize(
    "env, path, value, field, says",
    [
        ("staging", "network.vpc_cidr", "10.10.128.0/17", "network.vpc_cidr", "10.10.128.0/17 overlaps dev's 10.10.0.0/16"),
        ("staging", "log_retention_days", 14, "log_retention_days", "14 is shorter than dev's 30"),
        ("prod", "network.flow_log_retention_days", 60, "network.flow_log_retention_days", "60 is shorter than staging's 90"),
        ("staging", "security.audit_log_retention_days", 14, "security.audit_log_retention_days", "14 is shorter than dev's 30"),
        ("staging", "security.audit_expire_after_days", 300, "security.audit_expire_after_days", "300 is shorter than dev's 365"),
        ("prod", "cluster.addons.coredns", "v1.12.5-eksbuild.1", "cluster.addons.coredns", "differs from dev's v1.12.4-eksbuild.1 on the same Kubernetes 1.33"),
    ],
)
def test_each_rule_across_environments(env, path, value, field, says):
    loaded = across(env, path, value)
    with pytest.raises(ConfigError) as err:
        check_disjoint(loaded)
    assert err.value.environment == env and err.value.field == field
    assert says in str(err.value)


def test_add_on_pins_may_differ_when_the_kubernetes_version_does():
    data = edited(edited(RAW["dev"], "cluster.kubernetes_version", "1.32"), "cluster.addons.kube_proxy", "v1.32.6-eksbuild.8")
    loaded = {name: environments.parse(name, data if name == "dev" else RAW[name]) for name in environments.NAMES}
    check_disjoint(loaded)
    assert loaded["dev"].cluster.addons.kube_proxy != loaded["staging"].cluster.addons.kube_proxy


def test_environment_registered_under_another_name_is_rejected():
    with pytest.raises(ConfigError, match="registered as 'qa' but named 'dev'"):
        check_disjoint({"qa": DEV})


def test_unknown_environment_selection_is_rejected():
    with pytest.raises(ConfigError, match="environment 'qa': field 'ENV': unknown environment; use one of dev, staging, prod"):
        environments.load(["qa"])


def test_load_selects_one_but_still_checks_every_environment(tmp_path):
    for name in environments.NAMES:
        text = (environments.DIRECTORY / f"{name}.toml").read_text()
        (tmp_path / f"{name}.toml").write_text(text.replace('vpc_cidr = "10.20.0.0/16"', 'vpc_cidr = "10.10.0.0/16"'))
    assert list(environments.load(["prod"])) == ["prod"]
    with pytest.raises(ConfigError, match="environment 'staging': field 'network.vpc_cidr'"):
        environments.load(["prod"], directory=tmp_path)


def test_toml_arrays_become_tuples_and_python_values_stay_strict():
    assert DEV.azs == ("us-east-1a", "us-east-1b") and isinstance(DEV.cluster.node_groups, tuple)
    with pytest.raises(ValueError, match="Input should be a valid tuple"):
        DEV.network.replace(interface_endpoints=["sts"])


# -- invariants of the real data ---------------------------------------------------------------


def test_three_environments_in_promotion_order():
    assert list(ENVS) == ["dev", "staging", "prod"]


def test_production_is_highly_available_and_keeps_logs_a_year():
    assert PROD.network.nat_mode == "per_az"
    assert len(PROD.azs) >= 3
    assert PROD.log_retention_days >= 365 and PROD.network.flow_log_retention_days >= 365
    assert PROD.dr_region and PROD.dr_region != PROD.region


@pytest.mark.parametrize("env", list(ENVS.values()), ids=list(ENVS))
def test_every_cluster_api_server_is_private(env):
    # checkov CKV_AWS_39 must pass, not be skipped: no environment opens the public endpoint.
    assert env.cluster.public_access_cidrs == ()


@pytest.mark.parametrize("env", list(ENVS.values()), ids=list(ENVS))
def test_every_cluster_has_an_on_demand_system_group_tainted_for_critical_add_ons_and_a_workload_group(env):
    groups = {g.name: g for g in env.cluster.node_groups}
    assert set(groups) == {"system", "workload"}
    assert groups["system"].capacity_type == "ON_DEMAND"
    assert [(t.key, t.effect) for t in groups["system"].taints] == [("CriticalAddonsOnly", "NO_SCHEDULE")]
    assert groups["workload"].taints == ()


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


def test_every_environment_runs_the_same_kubernetes_version():
    # Promotion is dev -> staging -> prod; at rest all three run what was tested (the add-on
    # pins follow from the schema rule across environments).
    assert len({e.cluster.kubernetes_version for e in ENVS.values()}) == 1


def test_every_environment_declares_secrets_read_only_by_its_own_roles():
    for env in ENVS.values():
        assert env.security.secrets, env.name
        for declared in env.security.secrets:
            assert all(role.startswith(f"sparki-{env.name}-") for role in declared.readers)


def test_production_scans_everything_and_keeps_audit_logs_seven_years():
    assert all(PROD.security.switches.values())
    assert set(PROD.security.guardduty_features) == set(GUARDDUTY_FEATURES)
    assert PROD.security.audit_expire_after_days >= 7 * 365


def test_staging_scans_like_production():
    assert STAGING.security.switches == PROD.security.switches


def test_a_rotation_is_accepted_only_with_a_function_of_the_environments_own_account():
    # The rotation of ROTATION names a function in dev's account (111111111111).
    environments.parse("dev", edited(RAW["dev"], "security.secrets[0].rotation", ROTATION))
    with pytest.raises(ConfigError, match=r"field 'security.secrets\[0\].rotation.lambda_arn': .* not a Lambda function of this environment"):
        environments.parse("staging", edited(RAW["staging"], "security.secrets[0].rotation", ROTATION))


def test_an_office_allow_list_is_accepted_outside_production_only():
    offices = ["81.2.69.0/24", "8.8.8.8/32"]
    environments.parse("staging", edited(RAW["staging"], "cluster.public_access_cidrs", offices))
    with pytest.raises(ConfigError, match="field 'cluster.public_access_cidrs': .* not allowed in production"):
        environments.parse("prod", edited(RAW["prod"], "cluster.public_access_cidrs", offices))
