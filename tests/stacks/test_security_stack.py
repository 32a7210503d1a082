"""The security layer of each real environment, read from the session's synthesized JSON."""
from __future__ import annotations

import json

import pytest
from cdktf import Testing as CdktfTesting

import environments
from catalog.aws import GUARDDUTY_SEVERITY_FLOOR, security_hub_standard_arn, severities_from
from constructs.telemetry_values import bucket_names as telemetry_buckets
from sparki.policy.view import StackView
from stacks.base import backend_kms_key_id, state_bucket_name
from stacks.run_settings import RunSettings
from stacks.security import SecurityStack
from tests.support import of_type

ENVS = environments.load()


def doc_of(stacks, env):
    return stacks[f"sparki-{env}-security"]


def one(doc, rtype):
    (value,) = of_type(doc, rtype).values()
    return value


def by_name(doc, rtype, attr="name"):
    return {r[attr]: r for r in of_type(doc, rtype).values()}


@pytest.mark.parametrize("env", list(ENVS))
def test_trail_covers_every_region_validates_and_encrypts(stacks, env):
    doc = doc_of(stacks, env)
    trail = one(doc, "aws_cloudtrail")
    assert trail["name"] == f"sparki-{env}-audit"
    assert trail["is_multi_region_trail"] is True and trail["enable_log_file_validation"] is True
    assert trail["kms_key_id"].startswith("${aws_kms_key.keys_audit_key")
    assert trail["cloud_watch_logs_role_arn"].startswith("${aws_iam_role.")
    # Created only after the bucket policy that admits it.
    assert trail["s3_bucket_name"].startswith("${aws_s3_bucket_policy.audit_policy")
    state = f"arn:aws:s3:::{state_bucket_name(ENVS[env])}/"
    selectors = [fs for sel in trail["advanced_event_selector"] for fs in sel["field_selector"]]
    assert {"field": "resources.ARN", "starts_with": [state]} in selectors
    assert {"field": "eventCategory", "equals": ["Management"]} in selectors


@pytest.mark.parametrize("env", list(ENVS))
def test_audit_bucket_logs_access_ages_out_by_environment_and_admits_only_its_writers(stacks, env):
    sec = ENVS[env].security
    doc = doc_of(stacks, env)
    buckets = by_name(doc, "aws_s3_bucket", "bucket")
    account = ENVS[env].account_id
    assert set(buckets) == {f"sparki-{env}-audit-{account}", f"sparki-{env}-access-logs-{account}"}
    logging = one(doc, "aws_s3_bucket_logging")
    assert logging["bucket"].startswith("${aws_s3_bucket.audit_bucket") and logging["target_bucket"].startswith("${aws_s3_bucket_policy.access_logs_policy")
    lifecycles = {lc["bucket"].split(".")[1]: lc["rule"][0] for lc in of_type(doc, "aws_s3_bucket_lifecycle_configuration").values()}
    audit_rule = next(rule for name, rule in lifecycles.items() if name.startswith("audit_"))
    assert audit_rule["transition"] == [{"days": sec.audit_archive_after_days, "storage_class": "GLACIER"}]
    assert audit_rule["expiration"] == [{"days": sec.audit_expire_after_days}]
    access_rule = next(rule for name, rule in lifecycles.items() if name.startswith("access_logs_"))
    assert access_rule["expiration"] == [{"days": sec.access_log_expire_after_days}]
    policies = [json.loads(p["policy"]) for p in of_type(doc, "aws_s3_bucket_policy").values()]
    writers = sorted(s["Principal"]["Service"] for p in policies for s in p["Statement"] if s["Sid"].endswith("Writes"))
    # delivery.logs: the edge layer's CloudFront access logs (tested below); logging.s3: the
    # audit bucket's and the observability-aws stack's two buckets' server access logs.
    telemetry = telemetry_buckets(env, account)
    expected = ["cloudtrail.amazonaws.com", "delivery.logs.amazonaws.com"] + ["logging.s3.amazonaws.com"] * (1 + len(telemetry)) + (["config.amazonaws.com"] if sec.enable_config else [])
    assert writers == sorted(expected)
    sources = {s["Condition"]["ArnLike"]["aws:SourceArn"] for p in policies for s in p["Statement"] if s["Sid"].endswith("AccessLogsWrites") and s["Principal"]["Service"] == "logging.s3.amazonaws.com"}
    assert sources == {f"arn:aws:s3:::sparki-{env}-audit-{account}", *(f"arn:aws:s3:::{b}" for b in telemetry.values())}


@pytest.mark.parametrize("env", list(ENVS))
def test_fourteen_cis_alarms_notify_the_alarm_topic(stacks, env):
    doc = doc_of(stacks, env)
    alarms = of_type(doc, "aws_cloudwatch_metric_alarm")
    assert len(alarms) == 14 == len(of_type(doc, "aws_cloudwatch_log_metric_filter"))
    topic = one(doc, "aws_sns_topic")
    assert topic["name"] == f"sparki-{env}-alarms" and topic["kms_master_key_id"].startswith("${aws_kms_key.keys_audit_key")
    (action,) = {tuple(a["alarm_actions"]) for a in alarms.values()}
    assert len(action) == 1 and action[0].startswith("${aws_sns_topic.alarm_topic") and action[0].endswith(".arn}")
    trail_group = one(doc, "aws_cloudwatch_log_group")
    assert trail_group["retention_in_days"] == ENVS[env].security.audit_log_retention_days
    assert all(f["log_group_name"].startswith("${aws_cloudwatch_log_group.trail_log_group") for f in of_type(doc, "aws_cloudwatch_log_metric_filter").values())


@pytest.mark.parametrize("env", list(ENVS))
def test_secrets_are_declared_by_name_encrypted_and_readable_only_by_their_roles(stacks, env):
    e = ENVS[env]
    doc = doc_of(stacks, env)
    secrets = by_name(doc, "aws_secretsmanager_secret")
    assert set(secrets) == {f"sparki-{env}/{s.name}" for s in e.security.secrets}
    assert all(s["kms_key_id"].startswith("${aws_kms_key.keys_secrets_key") for s in secrets.values())
    assert all(s["recovery_window_in_days"] == e.security.secret_recovery_days for s in secrets.values())
    readers = sorted(
        sorted(json.loads(p["policy"])["Statement"][0]["Condition"]["ArnNotEquals"]["aws:PrincipalArn"])
        for p in of_type(doc, "aws_secretsmanager_secret_policy").values()
    )
    assert readers == sorted(sorted(f"arn:aws:iam::{e.account_id}:role/{r}" for r in s.readers) for s in e.security.secrets)


def test_no_secret_value_is_ever_synthesized(stacks):
    # Values are put out of band; the one version Terraform writes (the data layer's master
    # password) goes through a write-only argument from an ephemeral value, so no value is in
    # the JSON or in state (docs/data.md, "Credentials").
    for name, doc in stacks.items():
        view = StackView.from_terraform(name, doc, production=False)
        for version in doc.get("resource", {}).get("aws_secretsmanager_secret_version", {}).values():
            assert not {"secret_string", "secret_binary"} & set(version), name
            assert view.ephemeral(version["secret_string_wo"]), name


@pytest.mark.parametrize("env", list(ENVS))
def test_scanners_follow_the_environment_switches(stacks, env):
    sec = ENVS[env].security
    doc = doc_of(stacks, env)
    types = set(doc["resource"])
    assert ("aws_config_configuration_recorder" in types) is sec.enable_config
    assert ("aws_config_config_rule" in types) is sec.enable_config
    assert ("aws_securityhub_standards_subscription" in types) is sec.enable_security_hub
    assert ("aws_accessanalyzer_analyzer" in types) is sec.enable_access_analyzer
    assert ("aws_guardduty_detector" in types) is sec.enable_guardduty
    features = {f["name"] for f in of_type(doc, "aws_guardduty_detector_feature").values()}
    assert features == (set(sec.guardduty_features) if sec.enable_guardduty else set())
    if sec.enable_guardduty:
        assert "EKS_AUDIT_LOGS" in features


@pytest.mark.parametrize("env", list(ENVS))
def test_account_baseline_is_in_place(stacks, env):
    doc = doc_of(stacks, env)
    assert one(doc, "aws_ebs_default_kms_key")["key_arn"].startswith("${aws_kms_key.keys_data_key")
    assert one(doc, "aws_ebs_encryption_by_default")["enabled"] is True
    assert one(doc, "aws_iam_account_password_policy")["minimum_password_length"] >= 14
    assert one(doc, "aws_s3_account_public_access_block")["restrict_public_buckets"] is True


@pytest.mark.parametrize("env", list(ENVS))
def test_state_key_stays_in_the_state_layer(stacks, env):
    aliases = {a["name"] for a in of_type(doc_of(stacks, env), "aws_kms_alias").values()}
    assert f"alias/sparki-{env}-state" not in aliases
    assert aliases == {f"alias/sparki-{env}-{p}" for p in ("logs", "data", "eks", "secrets", "audit")}
    state_aliases = {a["name"] for a in of_type(stacks[f"sparki-{env}-state"], "aws_kms_alias").values()}
    assert state_aliases == {f"alias/sparki-{env}-state"}


def test_exported_attributes_for_other_layers():
    stack = SecurityStack(CdktfTesting.app(), ENVS["prod"], RunSettings())
    for purpose in ("logs", "data", "eks", "secrets", "audit"):
        assert isinstance(stack.keys.arn(purpose), str)
    assert isinstance(stack.alarm_topic_arn, str)
    assert set(stack.secret_arns) == {s.name for s in ENVS["prod"].security.secrets}
    for attr in ("audit_log_group_name", "audit_bucket_name", "access_log_bucket_name"):
        assert isinstance(getattr(stack, attr), str)


@pytest.mark.parametrize("env", list(ENVS))
def test_access_log_bucket_and_audit_key_admit_only_the_edge_layers_log_source(stacks, env):
    """CloudFront's standard logs (v2) reach the access-log bucket from one delivery source,
    named after the edge layer's static-assets site, of this account."""
    doc, account = doc_of(stacks, env), ENVS[env].account_id
    source = f"arn:aws:logs:us-east-1:{account}:delivery-source:sparki-{env}-static-access-logs"
    key = json.loads(by_name(doc, "aws_kms_key", "description")[f"sparki-{env}: audit"]["policy"])
    policies = [json.loads(p["policy"]) for p in of_type(doc, "aws_s3_bucket_policy").values()]
    statements = [s for s in key["Statement"]] + [s for p in policies for s in p["Statement"]]
    delivery = [s for s in statements if s.get("Principal") == {"Service": "delivery.logs.amazonaws.com"}]
    assert len(delivery) == 3  # the key, the bucket check, the write
    for statement in delivery:
        assert statement["Condition"]["ArnLike"] == {"aws:SourceArn": source}
        assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == account
    (write,) = [s for s in delivery if s["Action"] == "s3:PutObject"]
    assert write["Resource"].endswith(f"/AWSLogs/{account}/CloudFront/*")


@pytest.mark.parametrize("env", list(ENVS))
def test_security_hub_runs_the_standards_the_environment_names(stacks, env):
    e = ENVS[env]
    arns = {s["standards_arn"] for s in of_type(doc_of(stacks, env), "aws_securityhub_standards_subscription").values()}
    expected = {security_hub_standard_arn(e.region, s) for s in e.security.security_hub_standards} if e.security.enable_security_hub else set()
    assert arns == expected


@pytest.mark.parametrize("env", list(ENVS))
def test_guardduty_watches_what_runs_in_containers_with_the_agent_it_manages(stacks, env):
    features = {f["name"]: f for f in of_type(doc_of(stacks, env), "aws_guardduty_detector_feature").values()}
    if ENVS[env].security.enable_guardduty:
        assert features["RUNTIME_MONITORING"]["additional_configuration"] == [{"name": "EKS_ADDON_MANAGEMENT", "status": "ENABLED"}]
        assert "EKS_RUNTIME_MONITORING" not in features


@pytest.mark.parametrize("env", list(ENVS))
def test_findings_of_each_service_turned_on_and_cache_events_reach_the_topic_from_the_threshold_up(stacks, env):
    e, sec = ENVS[env], ENVS[env].security
    doc = doc_of(stacks, env)
    on = {"guardduty": sec.enable_guardduty, "securityhub": sec.enable_security_hub, "config": sec.enable_config}
    rules = by_name(doc, "aws_cloudwatch_event_rule")
    # Every environment has a cache, so every environment routes its events.
    assert set(rules) == {f"sparki-{env}-{source}-findings" for source, yes in on.items() if yes} | {f"sparki-{env}-elasticache-events"}
    targets = of_type(doc, "aws_cloudwatch_event_target").values()
    assert len(targets) == len(rules) and all(t["arn"].startswith("${aws_sns_topic.alarm_topic") for t in targets)
    topic_policy = json.loads(one(doc, "aws_sns_topic_policy")["policy"])
    (admitted,) = [s["Condition"]["ArnEquals"]["aws:SourceArn"] for s in topic_policy["Statement"] if s["Sid"] == "NamedEventRulesPublish"]
    assert sorted(admitted) == sorted(f"arn:aws:events:{e.region}:{e.account_id}:rule/{name}" for name in rules)
    threshold = sec.finding_severity_threshold
    if sec.enable_guardduty:
        pattern = json.loads(rules[f"sparki-{env}-guardduty-findings"]["event_pattern"])
        assert pattern["detail"]["severity"] == [{"numeric": [">=", GUARDDUTY_SEVERITY_FLOOR[threshold]]}]
    if sec.enable_security_hub:
        pattern = json.loads(rules[f"sparki-{env}-securityhub-findings"]["event_pattern"])
        assert pattern["detail"]["findings"]["Severity"]["Label"] == list(severities_from(threshold))


@pytest.mark.parametrize("env", list(ENVS))
def test_security_contact_and_support_role_come_from_the_data(stacks, env):
    e, sec = ENVS[env], ENVS[env].security
    doc = doc_of(stacks, env)
    contacts = list(of_type(doc, "aws_account_alternate_contact").values())
    if sec.security_contact:
        (contact,) = contacts
        c = sec.security_contact
        assert (contact["alternate_contact_type"], contact["email_address"], contact["phone_number"]) == ("SECURITY", c.email, c.phone)
    else:
        assert contacts == []
    support = by_name(doc, "aws_iam_role").get(f"sparki-{env}-support")
    if sec.support_role_assumed_by:
        (statement,) = json.loads(support["assume_role_policy"])["Statement"]
        assert statement["Principal"] == {"AWS": f"arn:aws:iam::{e.account_id}:role/{sec.support_role_assumed_by}"}
    else:
        assert support is None


@pytest.mark.parametrize("env", list(ENVS))
def test_state_bucket_refuses_uploads_the_backend_would_not_send(stacks, env):
    policy = json.loads(one(stacks[f"sparki-{env}-state"], "aws_s3_bucket_policy")["policy"])
    statements = {s["Sid"]: s for s in policy["Statement"]}
    assert statements["DenyUploadsWithoutSseKms"]["Condition"]["StringNotEquals"] == {"s3:x-amz-server-side-encryption": "aws:kms"}
    allowed = statements["DenyUploadsWithAnotherKey"]["Condition"]["StringNotEquals"]["s3:x-amz-server-side-encryption-aws-kms-key-id"]
    # The backend names the key by its alias ARN; the policy must accept exactly that string.
    assert backend_kms_key_id(ENVS[env]) in allowed


def test_s3_backend_sends_the_key_the_state_bucket_accepts():
    stack = SecurityStack(CdktfTesting.app(), ENVS["staging"], RunSettings(backend="s3"))
    backend = json.loads(CdktfTesting.synth(stack))["terraform"]["backend"]["s3"]
    assert backend["encrypt"] is True and backend["kms_key_id"] == backend_kms_key_id(ENVS["staging"])


@pytest.mark.parametrize("env", list(ENVS))
def test_rds_events_of_the_environments_database_may_publish_to_the_alarm_topic(stacks, env):
    doc = doc_of(stacks, env)
    (policy,) = of_type(doc, "aws_sns_topic_policy").values()
    (statement,) = [s for s in json.loads(policy["policy"])["Statement"] if s["Principal"] == {"Service": "events.rds.amazonaws.com"}]
    account = ENVS[env].account_id
    assert statement["Condition"]["ArnLike"]["aws:SourceArn"] == [f"arn:aws:rds:{ENVS[env].region}:{account}:db:sparki-{env}-postgres*"]
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": account}
    audit_key = next(k for name, k in of_type(doc, "aws_kms_key").items() if name.startswith("keys_audit_key"))
    (grant,) = [s for s in json.loads(audit_key["policy"])["Statement"] if s["Principal"] == {"Service": "events.rds.amazonaws.com"}]
    assert set(grant["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}
