"""Realistic mistakes in the environment data files, each with the field its message must name.

A mistake is a textual edit of a real file (environments/<env>.toml), as a person would make
it. test_mistakes.py feeds every row to main.py; docs/environment-errors.md is generated from
this table: `.venv/bin/python -m tests.environments.mistakes > docs/environment-errors.md`.
"""
from __future__ import annotations

import copy
import re
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import environments  # noqa: E402

DELETE = object()


def edited(data: dict, path: str, value: object) -> dict:
    """A deep copy of a raw environment table (environments.read) with the value at a dotted
    path such as "cluster.node_groups[1].min_size" replaced, or removed when value is DELETE."""
    data = copy.deepcopy(data)
    keys = [int(k) if k.isdigit() else k for k in re.findall(r"[^.\[\]]+", path)]
    target = data
    for key in keys[:-1]:
        target = target[key]
    if value is DELETE:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value
    return data


def assert_refused(env: str, path: str, value: object, field: str, says: str) -> None:
    """parse() refuses env's data with `value` at `path` in one line that names the environment
    and `field` and says `says`."""
    with pytest.raises(environments.ConfigError) as err:
        environments.parse(env, edited(environments.read(env), path, value))
    message = str(err.value)
    assert err.value.field == field, message
    assert says in message, message
    assert message.startswith(f"environment '{env}': field '{field}': ") and "\n" not in message


class Mistake(NamedTuple):
    what: str
    env: str
    old: str
    new: str
    field: str | None  # None: the file is not TOML; the message names the line instead

    def apply(self, text: str) -> str:
        assert self.old in text, f"{self.what}: {self.old!r} is no longer in {self.env}.toml"
        return text.replace(self.old, self.new, 1)


DEV_WORKLOAD = 'name = "workload"\ninstance_types = ["m6i.large", "m6a.large", "m5.large"]\nmin_size = 1\ndesired_size = 2\nmax_size = 7\n'
DEV_SYSTEM_TAINT = 'taints = [{ key = "CriticalAddonsOnly", value = "true", effect = "NO_SCHEDULE" }]\n'

MISTAKES = [
    # -- the file itself -----------------------------------------------------------------------
    Mistake("unclosed list", "dev", 'azs = ["us-east-1a", "us-east-1b"]', 'azs = ["us-east-1a", "us-east-1b"', None),
    Mistake("unclosed string", "dev", 'region = "us-east-1"', 'region = "us-east-1', None),
    Mistake("key given twice", "dev", 'nat_mode = "single"\n', 'nat_mode = "single"\nnat_mode = "per_az"\n', None),
    Mistake("name written into the file", "dev", 'account_id = "111111111111"\n', 'name = "dev"\naccount_id = "111111111111"\n', "name"),
    # -- unknown and missing fields ------------------------------------------------------------
    Mistake("typo'd top-level field", "dev", "log_retention_days = 30", "log_retention_day = 30", "log_retention_day"),
    Mistake("typo'd section name", "dev", "[network]", "[netwrok]", "netwrok"),
    Mistake("typo'd field in node_groups[0]", "dev", "desired_size = 2\nmax_size = 3", "desired_sise = 2\nmax_size = 3", "cluster.node_groups[0].desired_sise"),
    Mistake("field from before the rename", "dev", "[state]\n", "[state]\nkms_deletion_window_days = 7\n", "state.kms_deletion_window_days"),
    Mistake("required field missing", "dev", 'vpc_cidr = "10.10.0.0/16"\n', "", "network.vpc_cidr"),
    Mistake("required nested field missing", "staging", "min_size = 2\ndesired_size = 3\n", "desired_size = 3\n", "cluster.node_groups[1].min_size"),
    Mistake("secret without description", "prod", 'description = "SMTP user and password of the mail provider; put by the platform team"\n', "", "security.secrets[1].description"),
    # -- wrong types -----------------------------------------------------------------------------
    Mistake("string where a number goes", "dev", "max_size = 7", 'max_size = "7"', "cluster.node_groups[1].max_size"),
    Mistake("float size", "dev", "storage_gib = 20", "storage_gib = 20.5", "data.database.storage_gib"),
    Mistake("whole-number float size", "dev", "max_size = 3", "max_size = 3.0", "cluster.node_groups[0].max_size"),
    Mistake("float disk size", "staging", "disk_size_gib = 80", "disk_size_gib = 80.5", "cluster.node_groups[1].disk_size_gib"),
    Mistake('"no" for a boolean', "dev", "multi_az = false\ndeletion_protection", 'multi_az = "no"\ndeletion_protection', "data.database.multi_az"),
    Mistake('"yes" for a boolean', "dev", "enable_guardduty = true", 'enable_guardduty = "yes"', "security.enable_guardduty"),
    Mistake("1 for a boolean", "staging", "enable_access_analyzer = true", "enable_access_analyzer = 1", "security.enable_access_analyzer"),
    Mistake("a string where a list goes: readers", "dev", 'readers = ["sparki-dev-app-api"]\n', 'readers = "sparki-dev-app-api"\n', "security.secrets[0].readers"),
    Mistake("a string where a list goes: app_namespaces", "dev", 'app_namespaces = ["sparki-api", "sparki-web", "sparki-worker"]', 'app_namespaces = "sparki-api"', "cluster.app_namespaces"),
    Mistake("a string where a list goes: azs", "dev", 'azs = ["us-east-1a", "us-east-1b"]', 'azs = "us-east-1a,us-east-1b"', "azs"),
    Mistake("a table where a list goes: taints", "dev", DEV_SYSTEM_TAINT, 'taints = { key = "CriticalAddonsOnly", value = "true", effect = "NO_SCHEDULE" }\n', "cluster.node_groups[0].taints"),
    Mistake("wrong type in a taint", "dev", 'value = "true", effect', "value = true, effect", "cluster.node_groups[0].taints[0].value"),
    Mistake("number as account id", "dev", 'account_id = "111111111111"', "account_id = 111111111111", "account_id"),
    Mistake("unquoted Kubernetes version", "dev", 'kubernetes_version = "1.33"', "kubernetes_version = 1.33", "cluster.kubernetes_version"),
    Mistake("unquoted PostgreSQL version", "staging", 'instance_class = "db.m7g.large"\n', 'instance_class = "db.m7g.large"\nengine_version = 16\n', "data.database.engine_version"),
    Mistake("number as a label value", "dev", 'labels = { "sparki.io/pool" = "system" }', 'labels = { "sparki.io/pool" = 1 }', "cluster.node_groups[0].labels.sparki.io/pool"),
    Mistake("number as a tag value", "dev", 'CostCenter = "platform-dev"', "CostCenter = 4711", "tags.CostCenter"),
    # -- empty and null-ish values ---------------------------------------------------------------
    Mistake("empty list", "dev", 'hosted_zone_ids = ["Z0DEVSPARKI00000000001"]', "hosted_zone_ids = []", "cluster.hosted_zone_ids"),
    Mistake("empty string", "dev", 'instance_class = "db.t4g.medium"', 'instance_class = ""', "data.database.instance_class"),
    Mistake('"none" for no DR region', "prod", 'dr_region = "us-west-2"', 'dr_region = "none"', "dr_region"),
    Mistake("empty reader list", "staging", 'readers = ["sparki-staging-app-api"]\n', "readers = []\n", "security.secrets[0].readers"),
    # -- values that do not exist ----------------------------------------------------------------
    Mistake("unknown region", "dev", 'region = "us-east-1"', 'region = "us-east-7"', "region"),
    Mistake("zone of another region", "dev", 'azs = ["us-east-1a", "us-east-1b"]', 'azs = ["us-east-1a", "us-west-2b"]', "azs[1]"),
    Mistake("EC2 family that does not exist", "dev", '["m6i.large", "m6a.large", "m5.large"]', '["m9z.large", "m6a.large", "m5.large"]', "cluster.node_groups[1].instance_types[0]"),
    Mistake("RDS class that does not exist", "dev", 'instance_class = "db.t4g.medium"', 'instance_class = "db.m9z.large"', "data.database.instance_class"),
    Mistake("ElastiCache type that does not exist", "dev", 'node_type = "cache.t4g.micro"', 'node_type = "cache.m9z.large"', "data.cache.node_type"),
    Mistake("Kubernetes version out of support", "dev", 'kubernetes_version = "1.33"', 'kubernetes_version = "1.27"', "cluster.kubernetes_version"),
    Mistake("Kubernetes spelling of a taint effect", "dev", 'effect = "NO_SCHEDULE"', 'effect = "NoSchedule"', "cluster.node_groups[0].taints[0].effect"),
    Mistake("NAT mode typo", "staging", 'nat_mode = "per_az"', 'nat_mode = "per-az"', "network.nat_mode"),
    Mistake("unknown GuardDuty feature", "dev", 'guardduty_features = ["EKS_AUDIT_LOGS", "RUNTIME_MONITORING"]', 'guardduty_features = ["EKS_AUDIT_LOGS", "RUNTIME_MONITORING", "LAMBDA_NETWORK_LOGS"]', "security.guardduty_features"),
    Mistake("the superseded runtime feature", "dev", '"RUNTIME_MONITORING"]', '"EKS_RUNTIME_MONITORING"]', "security.guardduty_features"),
    Mistake("Security Hub standard by its title", "staging", '"cis-v5.0.0"]', '"CIS AWS Foundations Benchmark v5.0.0"]', "security.security_hub_standards"),
    Mistake("severity in lower case", "dev", 'finding_severity_threshold = "HIGH"', 'finding_severity_threshold = "high"', "security.finding_severity_threshold"),
    Mistake("retention CloudWatch does not offer", "dev", "flow_log_retention_days = 30", "flow_log_retention_days = 45", "network.flow_log_retention_days"),
    Mistake("Performance Insights retention of a month", "prod", "insights_retention_days = 31", "insights_retention_days = 30", "data.database.insights_retention_days"),
    Mistake("cost threshold written with a dollar sign", "dev", "cost_review_threshold_usd = 50", 'cost_review_threshold_usd = "$50"', "cost_review_threshold_usd"),
    Mistake("negative cost threshold", "prod", "cost_review_threshold_usd = 500", "cost_review_threshold_usd = -500", "cost_review_threshold_usd"),
    Mistake("KMS deletion window too short", "dev", "kms_key_deletion_window_days = 7", "kms_key_deletion_window_days = 5", "kms_key_deletion_window_days"),
    # -- numbers out of range ----------------------------------------------------------------------
    Mistake("negative min_size", "dev", DEV_WORKLOAD, DEV_WORKLOAD.replace("min_size = 1", "min_size = -1"), "cluster.node_groups[1].min_size"),
    Mistake("desired above max", "dev", DEV_WORKLOAD, DEV_WORKLOAD.replace("desired_size = 2", "desired_size = 8"), "cluster.node_groups[1].desired_size"),
    Mistake("namespace CPU quota with a unit word", "staging", 'requests_cpu = "8"', 'requests_cpu = "8 cores"', "platform.namespace_budget.requests_cpu"),
    Mistake("quotas promising more CPU than the cluster can grow to", "prod", 'requests_cpu = "48"', 'requests_cpu = "96"', "platform.namespace_budget.requests_cpu"),
    Mistake("memory in GB instead of Gi", "dev", 'container_max_memory = "2Gi"', 'container_max_memory = "2GB"', "platform.namespace_budget.container_max_memory"),
    Mistake("plans explained below the slow-statement threshold", "dev", "explain_statement_ms = 500", "explain_statement_ms = 100", "data.database.explain_statement_ms"),
    Mistake("every session explained in prod", "prod", "explain_sample_rate = 0.1", "explain_sample_rate = 1.0", "data.database.explain_sample_rate"),
    Mistake("sample rate as a percentage", "staging", "explain_sample_rate = 1.0", "explain_sample_rate = 50", "data.database.explain_sample_rate"),
    Mistake("more connections than memory", "dev", "max_connections = 100", "max_connections = 1000", "data.database.max_connections"),
    Mistake("audit logs expire before Glacier pays off", "dev", "audit_expire_after_days = 365", "audit_expire_after_days = 100", "security.audit_expire_after_days"),
    # -- addresses ---------------------------------------------------------------------------------
    Mistake("bad CIDR", "dev", 'vpc_cidr = "10.10.0.0/16"', 'vpc_cidr = "10.10.0.0/33"', "network.vpc_cidr"),
    Mistake("CIDR with host bits", "dev", 'vpc_cidr = "10.10.0.0/16"', 'vpc_cidr = "10.10.0.1/16"', "network.vpc_cidr"),
    Mistake("overlapping CIDR", "staging", 'vpc_cidr = "10.20.0.0/16"', 'vpc_cidr = "10.10.128.0/17"', "network.vpc_cidr"),
    Mistake("API server open to the internet", "dev", 'hosted_zone_ids = ["Z0DEVSPARKI00000000001"]', 'hosted_zone_ids = ["Z0DEVSPARKI00000000001"]\npublic_access_cidrs = ["0.0.0.0/0"]', "cluster.public_access_cidrs[0]"),
    # -- node groups and add-ons -------------------------------------------------------------------
    Mistake("duplicate node group", "dev", "[cluster.addons]", '[[cluster.node_groups]]\nname = "workload"\ninstance_types = ["m6i.large"]\nmin_size = 0\ndesired_size = 0\nmax_size = 2\n\n[cluster.addons]', "cluster.node_groups[2].name"),
    Mistake("system group without its taint", "dev", DEV_SYSTEM_TAINT, "", "cluster.node_groups[0].taints"),
    Mistake("spot with one instance type", "dev", '["m6i.large", "m6a.large", "m5.large"]', '["m6i.large"]', "cluster.node_groups[1].instance_types"),
    Mistake("Graviton type in an x86 group", "staging", '["m6i.xlarge", "m6a.xlarge"]', '["m7g.xlarge", "m6a.xlarge"]', "cluster.node_groups[1].instance_types[0]"),
    Mistake("x86 type in a Graviton group", "prod", 'instance_types = ["m7g.large"]', 'instance_types = ["m6i.large"]', "cluster.node_groups[0].instance_types[0]"),
    Mistake("architecture named x86_64", "staging", 'architecture = "arm64"', 'architecture = "x86_64"', "cluster.node_groups[0].architecture"),
    Mistake("add-on version not pinned", "dev", 'coredns = "v1.12.4-eksbuild.1"', 'coredns = "latest"', "cluster.addons.coredns"),
    Mistake("kube-proxy of another Kubernetes version", "dev", 'kube_proxy = "v1.33.5-eksbuild.2"', 'kube_proxy = "v1.32.6-eksbuild.8"', "cluster.addons.kube_proxy"),
    Mistake("node monitoring agent not pinned", "staging", 'node_monitoring_agent = "v1.4.0-eksbuild.2"\n', "", "cluster.addons.node_monitoring_agent"),
    Mistake("add-on pin differs from the tested one", "prod", 'ebs_csi_driver = "v1.48.0-eksbuild.2"', 'ebs_csi_driver = "v1.49.0-eksbuild.1"', "cluster.addons.ebs_csi_driver"),
    # -- access --------------------------------------------------------------------------------------
    Mistake("role name where an ARN goes", "dev", 'developer_role_arns = ["arn:aws:iam::111111111111:role/sparki-developer"]', 'developer_role_arns = ["sparki-developer"]', "cluster.developer_role_arns[0]"),
    Mistake("role of another account", "dev", "arn:aws:iam::111111111111:role/sparki-auditor", "arn:aws:iam::999999999999:role/sparki-auditor", "cluster.auditor_role_arns[0]"),
    Mistake("ARN where a reader role name goes", "dev", 'readers = ["sparki-dev-app-api"]', 'readers = ["arn:aws:iam::111111111111:role/sparki-dev-app-api"]', "security.secrets[0].readers[0]"),
    Mistake("ARN where the support principal's name goes", "staging", 'support_role_assumed_by = "sparki-platform-admin"', 'support_role_assumed_by = "arn:aws:iam::222222222222:role/sparki-platform-admin"', "security.support_role_assumed_by"),
    Mistake("security contact without a phone", "dev", 'phone = "+1 206 555 0100"\n', "", "security.security_contact.phone"),
    Mistake("security contact email with a typo", "staging", 'email = "security+staging@sparki.example"', 'email = "security+staging@sparki"', "security.security_contact.email"),
    Mistake("secret declared twice", "dev", 'name = "app/smtp-credentials"', 'name = "app/session-signing-key"', "security.secrets[1].name"),
    Mistake("system namespace for developers", "staging", '"sparki-api", "sparki-web"', '"kube-system", "sparki-web"', "cluster.app_namespaces[0]"),
    Mistake("mesh switched to plain text in production", "prod", 'mesh_mode = "STRICT"', 'mesh_mode = "PERMISSIVE"', "platform.mesh_mode"),
    Mistake("one controller replica in production", "prod", 'mesh_mode = "STRICT"', 'mesh_mode = "STRICT"\ncontroller_replicas = 1', "platform.controller_replicas"),
    Mistake("untrusted ACME certificates in production", "prod", 'mesh_mode = "STRICT"', 'mesh_mode = "STRICT"\nacme_staging = true', "platform.acme_staging"),
    Mistake("controller replicas as a word", "staging", 'mesh_mode = "STRICT"', 'mesh_mode = "STRICT"\ncontroller_replicas = "two"', "platform.controller_replicas"),
    Mistake("CIS scan schedule with six fields", "staging", 'mesh_mode = "STRICT"\n', 'mesh_mode = "STRICT"\ncis_scan_schedule = "0 30 3 * * *"\n', "platform.cis_scan_schedule"),
    Mistake("CIS scan schedule with a time zone", "dev", "controller_replicas = 1\n", 'controller_replicas = 1\ncis_scan_schedule = "CRON_TZ=UTC 30 3 * * *"\n', "platform.cis_scan_schedule"),
    # -- tags ----------------------------------------------------------------------------------------
    Mistake("tag key AWS reserves", "dev", 'Owner = "platform-team"', '"aws:owner" = "platform-team"', "tags.aws:owner"),
    Mistake("tag the stacks set", "dev", "[tags]\n", '[tags]\nEnvironment = "dev"\n', "tags.Environment"),
    Mistake("required tag missing", "staging", 'Owner = "platform-team"\n', "", "tags"),
    # -- windows -------------------------------------------------------------------------------------
    Mistake("backup window not a window", "dev", "max_connections = 100\n", 'max_connections = 100\nbackup_window = "3am"\n', "data.database.backup_window"),
    Mistake("maintenance during the backup", "dev", "max_connections = 100\n", 'max_connections = 100\nmaintenance_window = "wed:03:30-wed:04:30"\n', "data.database.maintenance_window"),
    # -- promotion and production ----------------------------------------------------------------
    Mistake("retention shorter than dev's", "staging", "log_retention_days = 90", "log_retention_days = 14", "log_retention_days"),
    Mistake("failover without a replica", "staging", "replicas = 1\n", "replicas = 0\n", "data.cache.replicas"),
    Mistake("Redis OSS version for the Valkey cache", "staging", 'node_type = "cache.t4g.medium"\n', 'node_type = "cache.t4g.medium"\nengine_version = "7.1"\n', "data.cache.engine_version"),
    Mistake("one NAT gateway in production", "prod", 'nat_mode = "per_az"', 'nat_mode = "single"', "network.nat_mode"),
    Mistake("spot in production", "prod", 'max_size = 30\n', 'max_size = 30\ncapacity_type = "SPOT"\n', "cluster.node_groups[1].capacity_type"),
    Mistake("force_destroy in production", "prod", "[state]\n", "[state]\nforce_destroy = true\n", "state.force_destroy"),
    Mistake("single-AZ database in production", "prod", "read_replicas = 1\n", "read_replicas = 1\nmulti_az = false\n", "data.database.multi_az"),
    Mistake("read replica of a database whose password RDS manages", "prod", 'master_password = "write-only"', 'master_password = "rds-managed"', "data.database.read_replicas"),
    Mistake("password scheme misspelled", "staging", 'master_password = "write-only"', 'master_password = "writeonly"', "data.database.master_password"),
    Mistake("password version lowered to zero", "dev", "password_version = 1", "password_version = 0", "data.database.password_version"),
    Mistake("only critical findings in production", "prod", 'finding_severity_threshold = "HIGH"', 'finding_severity_threshold = "CRITICAL"', "security.finding_severity_threshold"),
    Mistake("production without CIS v5.0.0", "prod", '"cis-v5.0.0"]', '"cis-v3.0.0"]', "security.security_hub_standards"),
    Mistake("production without a support role", "prod", 'support_role_assumed_by = "sparki-platform-admin"\n', "", "security.support_role_assumed_by"),
    Mistake("Config off in production", "prod", "enable_config = true", "enable_config = false", "security.enable_security_hub"),
    Mistake("public API server in production", "prod", 'hosted_zone_ids = ["Z0PRODSPARKI000000001", "Z0PRODSPARKI000000002"]', 'hosted_zone_ids = ["Z0PRODSPARKI000000001", "Z0PRODSPARKI000000002"]\npublic_access_cidrs = ["81.2.69.0/24"]', "cluster.public_access_cidrs"),
    Mistake("DR region equals region", "prod", 'dr_region = "us-west-2"', 'dr_region = "us-east-1"', "dr_region"),
    Mistake("DR turned off in production", "prod", 'dr_region = "us-west-2"\n', "", "dr_region"),
    Mistake("DR VPC inside the primary VPC", "prod", 'vpc_cidr = "10.31.0.0/16"', 'vpc_cidr = "10.30.128.0/17"', "dr.vpc_cidr"),
    Mistake("DR VPC on staging's block", "prod", 'vpc_cidr = "10.31.0.0/16"', 'vpc_cidr = "10.20.0.0/16"', "dr.vpc_cidr"),
    Mistake("DR zones of the primary region", "prod", 'azs = ["us-west-2a", "us-west-2b", "us-west-2c"]', 'azs = ["us-east-1a", "us-east-1b"]', "dr.azs[0]"),
    Mistake("promoted as a string", "prod", "promoted = false", 'promoted = "false"', "dr.promoted"),
    # -- the edge ------------------------------------------------------------------------------------
    Mistake("WAF counting in production", "prod", 'mode = "block"\nrate_limit = 1000', 'mode = "count"\nrate_limit = 1000', "edge.waf.mode"),
    Mistake("WAF mode misspelled", "dev", 'mode = "block"', 'mode = "blocking"', "edge.waf.mode"),
    Mistake("rate limit below what WAF takes", "staging", "rate_limit = 2000", "rate_limit = 5", "edge.waf.rate_limit"),
    Mistake("rate limit as a string", "dev", "rate_limit = 2000", 'rate_limit = "2000"', "edge.waf.rate_limit"),
    Mistake("body limit past what WAF inspects", "dev", "max_body_bytes = 8192", "max_body_bytes = 16384", "edge.waf.max_body_bytes"),
    Mistake("allow-list opens everything", "staging", "allow_cidrs = []", 'allow_cidrs = ["0.0.0.0/0"]', "edge.waf.allow_cidrs[0]"),
    Mistake("allow-list entry with host bits", "dev", "allow_cidrs = []", 'allow_cidrs = ["203.0.113.7/24"]', "edge.waf.allow_cidrs[0]"),
    Mistake("anonymous-IP list off in production", "prod", "anonymous_ip_list = true", "anonymous_ip_list = false", "edge.waf.anonymous_ip_list"),
    Mistake("WAF log retention not a CloudWatch value", "dev", "log_retention_days = 30\n\n[edge.static_assets]", "log_retention_days = 10\n\n[edge.static_assets]", "edge.waf.log_retention_days"),
    Mistake("WAF logs kept shorter than dev's", "staging", "log_retention_days = 90\n\n[edge.static_assets]", "log_retention_days = 14\n\n[edge.static_assets]", "edge.waf.log_retention_days"),
    Mistake("empty CSP", "dev", "content_security_policy = \"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'\"", 'content_security_policy = " "', "edge.static_assets.content_security_policy"),
    Mistake("price class misspelled", "prod", 'price_class = "PriceClass_All"', 'price_class = "PriceClass_all"', "edge.static_assets.price_class"),
    Mistake("static name outside the zone", "staging", 'domain_name = "static.staging.sparki.example"', 'domain_name = "static.sparki.example"', "edge.static_assets.domain_name"),
    Mistake("API name with capitals", "dev", 'api_domain = "api.dev.sparki.example"', 'api_domain = "API.dev.sparki.example"', "edge.api_domain"),
    Mistake("edge section missing", "dev", '[edge]\nzone_name = "dev.sparki.example"\n', '[edgee]\nzone_name = "dev.sparki.example"\n', "edgee"),
    Mistake("SLO latency threshold between buckets", "prod", "objective = 99.9\nthreshold_seconds = 1.0", "objective = 99.9\nthreshold_seconds = 0.7", "slos[1].threshold_seconds"),
    Mistake("SLO objective of 100%", "prod", "objective = 99.0", "objective = 100", "slos[3].objective"),
    Mistake("SLO objective as a string", "staging", "objective = 97.5", 'objective = "97.5%"', "slos[3].objective"),
    Mistake("SLO named twice", "dev", 'name = "api-latency"', 'name = "api-availability"', "slos[3].name"),
    # -- logs, search and traces --------------------------------------------------------------------
    Mistake("Loki in one pod in production", "prod", 'mode = "SimpleScalable"', 'mode = "SingleBinary"', "observability.logs.mode"),
    Mistake("logs kept less than a month", "staging", "[observability.logs]\nretention_days = 30", "[observability.logs]\nretention_days = 14", "observability.logs.retention_days"),
    Mistake("Loki writers without a quorum", "staging", 'mode = "SimpleScalable"\nreplicas = 3', 'mode = "SimpleScalable"\nreplicas = 2', "observability.logs.replicas"),
    Mistake("one Elasticsearch node in production", "prod", "[observability.search]\nnodes = 3", "[observability.search]\nnodes = 1", "observability.search.nodes"),
    Mistake("snapshot hour past midnight", "dev", "snapshot_hour_utc = 2", "snapshot_hour_utc = 24", "observability.search.snapshot_hour_utc"),
    Mistake("Jaeger's old fixed replica count", "prod", "[observability.tracing]\nretention_days = 14\n", "[observability.tracing]\nretention_days = 14\nreplicas = 3\n", "observability.tracing.replicas"),
    # -- autoscaling of variable-load components --------------------------------------------------
    Mistake("one Jaeger pod in production", "prod", "[platform.autoscaling.jaeger]\nmin_replicas = 3", "[platform.autoscaling.jaeger]\nmin_replicas = 1", "platform.autoscaling.jaeger.min_replicas"),
    Mistake("autoscaler maximum below its minimum", "staging", "min_replicas = 2\nmax_replicas = 4\n\n# Writers", "min_replicas = 2\nmax_replicas = 1\n\n# Writers", "platform.autoscaling.loki-read.max_replicas"),
    Mistake("Loki writers below the replication", "prod", "[platform.autoscaling.loki-write]\nmin_replicas = 3", "[platform.autoscaling.loki-write]\nmin_replicas = 2", "platform.autoscaling.loki-write.min_replicas"),
    Mistake("Loki read row with a single-binary Loki", "dev", "[platform.autoscaling.jaeger]", "[platform.autoscaling.loki-read]\nmin_replicas = 1\nmax_replicas = 2\n\n[platform.autoscaling.jaeger]", "platform.autoscaling.loki-read"),
    Mistake("Grafana autoscaled on SQLite", "prod", "[platform.autoscaling.jaeger]", "[platform.autoscaling.grafana]\nmin_replicas = 2\nmax_replicas = 3\n\n[platform.autoscaling.jaeger]", "platform.autoscaling.grafana"),
    Mistake("autoscaled component misspelled", "staging", "[platform.autoscaling.loki-read]", "[platform.autoscaling.loki-reader]", "platform.autoscaling.loki-reader"),
    Mistake("Jaeger's row forgotten", "staging", "[platform.autoscaling.jaeger]\nmin_replicas = 2\nmax_replicas = 4\n", "", "platform.autoscaling"),
]


def broken_copy(mistake: Mistake, directory: Path) -> None:
    """Write the real data files into `directory`, with `mistake` applied to its file."""
    for name in environments.NAMES:
        text = (environments.DIRECTORY / f"{name}.toml").read_text()
        (directory / f"{name}.toml").write_text(mistake.apply(text) if name == mistake.env else text)


def message(mistake: Mistake) -> str:
    """The one line load() gives for the mistake, in-process."""
    with tempfile.TemporaryDirectory() as tmp:
        broken_copy(mistake, Path(tmp))
        try:
            environments.load(directory=Path(tmp))
        except environments.ConfigError as exc:
            return str(exc)
    raise AssertionError(f"{mistake.what}: accepted")


def markdown() -> str:
    lines = [
        "# What a mistake in environments/*.toml looks like",
        "",
        "Generated by `.venv/bin/python -m tests.environments.mistakes > docs/environment-errors.md`",
        "from the table tests/environments/test_mistakes.py feeds to main.py (exit 2, this one line",
        "on stderr after `sparki: error: `, the previous output untouched). Do not edit by hand.",
        "",
        "| mistake | file | field | message |",
        "|---|---|---|---|",
    ]
    for mistake in MISTAKES:
        text = message(mistake).replace("|", "\\|")
        lines.append(f"| {mistake.what} | {mistake.env}.toml | {mistake.field or '(file)'} | {text} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())
