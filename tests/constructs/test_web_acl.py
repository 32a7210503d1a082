"""Unit tests of constructs/web_acl.py."""
from __future__ import annotations

import pytest

from constructs.web_acl import ANONYMOUS_IP_GROUP, MANAGED_GROUPS, WebAcl, WebAclProps
from tests.constructs.edge_support import ALIAS, virginia
from tests.support import assert_rejected, builder, of_type, one, policy_report, synth_fixture

KEY = "arn:aws:kms:us-east-1:123456789012:key/logs"
MINIMAL = dict(name="sparki-t-api", scope="REGIONAL", log_group_name="aws-waf-logs-sparki-t-api", log_kms_key_arn=KEY)
FULL = dict(
    name="sparki-t-cdn", scope="CLOUDFRONT", log_group_name="aws-waf-logs-sparki-t-cdn", log_kms_key_arn=KEY,
    log_retention_days=30, mode="count", rate_limit=500, rate_window_seconds=60, max_body_bytes=1024,
    allow_cidrs=("203.0.113.0/24", "2001:db8::/32", "198.51.100.7/32"), anonymous_ip_list=True, tags={"Team": "edge"},
)


build_minimal = builder(WebAcl, "waf", WebAclProps, MINIMAL)
build_full = builder(WebAcl, "waf", WebAclProps, FULL, provider=virginia)
minimal = synth_fixture(build_minimal)
full = synth_fixture(build_full)


def rules(doc):
    return {r["name"]: r for r in one(doc, "aws_wafv2_web_acl")["rule"]}


def test_minimal_blocks_with_the_managed_groups_in_order(minimal):
    acl = one(minimal, "aws_wafv2_web_acl")
    assert acl["scope"] == "REGIONAL" and acl["default_action"] == {"allow": {}}
    managed = [r for r in acl["rule"] if "managed_rule_group_statement" in r["statement"]]
    assert [r["statement"]["managed_rule_group_statement"] for r in managed] == [{"name": g, "vendor_name": "AWS"} for g in MANAGED_GROUPS]
    assert {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesSQLiRuleSet", "AWSManagedRulesAmazonIpReputationList"} == set(MANAGED_GROUPS)
    assert all(r["override_action"] == {"none": {}} for r in managed)
    assert ANONYMOUS_IP_GROUP not in rules(minimal)
    assert "aws_wafv2_ip_set" not in minimal["resource"]


def test_minimal_rate_and_body_size_rules_block(minimal):
    rate, size = rules(minimal)["rate-per-ip"], rules(minimal)["body-size"]
    assert rate["action"] == size["action"] == {"block": {}}
    assert rate["statement"]["rate_based_statement"] == {"limit": 2000, "aggregate_key_type": "IP", "evaluation_window_sec": 300}
    constraint = size["statement"]["size_constraint_statement"]
    assert constraint["comparison_operator"] == "GT" and constraint["size"] == 8192
    assert constraint["field_to_match"] == {"body": {"oversize_handling": "MATCH"}}


def test_metrics_and_sampled_requests_are_on_for_the_acl_and_every_rule(minimal, full):
    for doc in (minimal, full):
        acl = one(doc, "aws_wafv2_web_acl")
        configs = [acl["visibility_config"]] + [r["visibility_config"] for r in acl["rule"]]
        assert all(c["cloudwatch_metrics_enabled"] is True and c["sampled_requests_enabled"] is True for c in configs)
        assert len({c["metric_name"] for c in configs}) == len(configs)


@pytest.mark.parametrize("fixture, name", [("minimal", MINIMAL), ("full", FULL)])
def test_logs_go_to_an_encrypted_waf_log_group_with_credentials_redacted(request, fixture, name):
    doc = request.getfixturevalue(fixture)
    group = one(doc, "aws_cloudwatch_log_group")
    assert group["name"] == name["log_group_name"] and group["name"].startswith("aws-waf-logs-")
    assert group["kms_key_id"] == KEY and group["retention_in_days"] == name.get("log_retention_days", 365)
    logging = one(doc, "aws_wafv2_web_acl_logging_configuration")
    (group_id,) = of_type(doc, "aws_cloudwatch_log_group")
    (acl_id,) = of_type(doc, "aws_wafv2_web_acl")
    assert logging["log_destination_configs"] == [f"${{aws_cloudwatch_log_group.{group_id}.arn}}"]
    assert logging["resource_arn"] == f"${{aws_wafv2_web_acl.{acl_id}.arn}}"
    assert logging["redacted_fields"] == [{"single_header": {"name": "authorization"}}, {"single_header": {"name": "cookie"}}]


def test_count_mode_overrides_every_managed_group_and_custom_rule_but_not_the_allow_list(full):
    by_name = rules(full)
    managed = [r for r in by_name.values() if "managed_rule_group_statement" in r["statement"]]
    assert {r["name"] for r in managed} == set(MANAGED_GROUPS) | {ANONYMOUS_IP_GROUP}
    assert all(r["override_action"] == {"count": {}} and "action" not in r for r in managed)
    assert by_name["rate-per-ip"]["action"] == by_name["body-size"]["action"] == {"count": {}}
    assert by_name["allow-list-ipv4"]["action"] == by_name["allow-list-ipv6"]["action"] == {"allow": {}}


def test_allow_list_is_evaluated_first_and_holds_exactly_the_given_networks(full):
    ordered = sorted(one(full, "aws_wafv2_web_acl")["rule"], key=lambda r: r["priority"])
    assert [r["name"] for r in ordered[:2]] == ["allow-list-ipv4", "allow-list-ipv6"]
    assert len({r["priority"] for r in ordered}) == len(ordered)
    sets = {s["ip_address_version"]: s for s in of_type(full, "aws_wafv2_ip_set").values()}
    assert sets["IPV4"]["addresses"] == ["198.51.100.7/32", "203.0.113.0/24"]
    assert sets["IPV6"]["addresses"] == ["2001:db8::/32"]
    assert all(s["scope"] == "CLOUDFRONT" for s in sets.values())


def test_full_uses_its_limits_and_the_given_provider(full):
    by_name = rules(full)
    assert by_name["rate-per-ip"]["statement"]["rate_based_statement"]["limit"] == 500
    assert by_name["rate-per-ip"]["statement"]["rate_based_statement"]["evaluation_window_sec"] == 60
    assert by_name["body-size"]["statement"]["size_constraint_statement"]["size"] == 1024
    for rtype in ("aws_wafv2_web_acl", "aws_wafv2_ip_set", "aws_cloudwatch_log_group", "aws_wafv2_web_acl_logging_configuration"):
        assert all(r["provider"] == f"aws.{ALIAS}" for r in of_type(full, rtype).values()), rtype
    assert one(full, "aws_wafv2_web_acl")["tags"] == {"Name": "sparki-t-cdn", "Team": "edge"}


@pytest.mark.parametrize("build", [build_minimal, build_full])
def test_passes_the_policy_pack(build):
    assert policy_report(build).violations == []


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(rate_limit=9), "rate_limit=9: WAF accepts 10..2,000,000,000"),
        (dict(rate_limit=2_000_000_001), "rate_limit=2000000001"),
        (dict(rate_window_seconds=30), "rate_window_seconds=30"),
        (dict(mode="monitor"), "mode='monitor'"),
        (dict(scope="GLOBAL"), "scope='GLOBAL'"),
        (dict(log_group_name="sparki-t-waf"), "log_group_name='sparki-t-waf': WAF logs only to names starting with 'aws-waf-logs-'"),
        (dict(log_retention_days=400 + 1), "log_retention_days=401"),
        (dict(max_body_bytes=8193), "max_body_bytes=8193: must be 1..8192"),
        (dict(allow_cidrs=("10.0.0.1/8",)), "allow_cidrs: '10.0.0.1/8'"),
        (dict(name="sparki t api"), "name='sparki t api'"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    assert_rejected(WebAclProps, MINIMAL, changes, message)


def test_cloudfront_scope_inspects_more_of_the_body():
    assert WebAclProps(**{**MINIMAL, "scope": "CLOUDFRONT", "max_body_bytes": 16384}).body_limit == 16384
