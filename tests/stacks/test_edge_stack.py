"""The edge layer of each real environment, read from the session's synthesized JSON: the
security properties the environment data asks for, what lives in us-east-1, and the exports
the Ingress annotations consume."""
from __future__ import annotations

import json

import pytest
from cdktf import Testing as CdktfTesting

import environments
from catalog.aws import CLOUDFRONT_REGION
from constructs.static_site import MINIMUM_TLS
from constructs.web_acl import ANONYMOUS_IP_GROUP, MANAGED_GROUPS
from stacks.edge import EdgeStack
from stacks.run_settings import RunSettings
from tests.support import data_of_type, of_type, one

ENVS = environments.load()
ALIAS = "aws.us_east_1"
# Everything CloudFront reads or publishes in us-east-1, by resource type.
IN_US_EAST_1 = (
    "aws_cloudwatch_log_delivery", "aws_cloudwatch_log_delivery_destination", "aws_cloudwatch_log_delivery_source",
)


def doc_of(stacks, env):
    return stacks[f"sparki-{env}-edge"]


def acl(doc, scope):
    (found,) = [r for r in of_type(doc, "aws_wafv2_web_acl").values() if r["scope"] == scope]
    return found


def address_of(doc, rtype, body):
    (name,) = [n for n, r in of_type(doc, rtype).items() if r is body]
    return f"{rtype}.{name}"


@pytest.mark.parametrize("env", list(ENVS))
@pytest.mark.parametrize("scope", ["REGIONAL", "CLOUDFRONT"])
def test_each_web_acl_enforces_the_environments_waf_settings(stacks, env, scope):
    waf = ENVS[env].edge.waf
    found = acl(doc_of(stacks, env), scope)
    rules = {r["name"]: r for r in found["rule"]}
    expect_count = waf.mode == "count"
    assert rules["rate-per-ip"]["statement"]["rate_based_statement"]["limit"] == waf.rate_limit
    assert rules["body-size"]["statement"]["size_constraint_statement"]["size"] == waf.max_body_bytes
    for custom in ("rate-per-ip", "body-size"):
        assert ("count" in rules[custom]["action"]) == expect_count and ("block" in rules[custom]["action"]) != expect_count
    anonymous = waf.anonymous_ip_list or scope == "CLOUDFRONT"
    assert set(MANAGED_GROUPS) | ({ANONYMOUS_IP_GROUP} if anonymous else set()) == {n for n in rules if n.startswith("AWSManaged")}
    assert ("allow-list-ipv4" in rules or "allow-list-ipv6" in rules) == bool(waf.allow_cidrs)
    assert found["default_action"] == {"allow": {}}


@pytest.mark.parametrize("env", list(ENVS))
def test_waf_logs_are_encrypted_kept_as_the_data_says_and_redact_credentials(stacks, env):
    doc = doc_of(stacks, env)
    groups = of_type(doc, "aws_cloudwatch_log_group").values()
    assert sorted(g["name"] for g in groups) == [f"aws-waf-logs-sparki-{env}-api", f"aws-waf-logs-sparki-{env}-cdn"]
    for group in groups:
        assert group["retention_in_days"] == ENVS[env].edge.waf.log_retention_days
        assert group["kms_key_id"]
    for logging in of_type(doc, "aws_wafv2_web_acl_logging_configuration").values():
        assert {f["single_header"]["name"] for f in logging["redacted_fields"]} == {"authorization", "cookie"}


@pytest.mark.parametrize("env", list(ENVS))
def test_cloudfront_pieces_are_created_in_us_east_1(stacks, env):
    doc = doc_of(stacks, env)
    providers = {p.get("alias"): p for p in doc["provider"]["aws"]}
    assert providers["us_east_1"]["region"] == CLOUDFRONT_REGION
    assert providers["us_east_1"]["default_tags"] == providers[None]["default_tags"]
    assert acl(doc, "CLOUDFRONT")["provider"] == ALIAS and "provider" not in acl(doc, "REGIONAL")
    for rtype in IN_US_EAST_1:
        assert [r.get("provider") for r in of_type(doc, rtype).values()] == [ALIAS]
    certificates = {r["domain_name"]: r for r in of_type(doc, "aws_acm_certificate").values()}
    edge = ENVS[env].edge
    assert certificates[edge.static_assets.domain_name]["provider"] == ALIAS
    assert "provider" not in certificates[edge.api_domain]  # the ALB's certificate: the cluster's region
    alarms = {r["alarm_name"]: r for r in of_type(doc, "aws_cloudwatch_metric_alarm").values()}
    assert alarms[f"sparki-{env}-cdn-cdn-5xx"]["provider"] == ALIAS
    assert alarms[f"sparki-{env}-cdn-waf-blocked"]["provider"] == ALIAS
    assert alarms[f"sparki-{env}-api-waf-blocked"]["dimensions"]["Region"] == ENVS[env].region
    assert "Region" not in alarms[f"sparki-{env}-cdn-waf-blocked"]["dimensions"]


@pytest.mark.parametrize("env", list(ENVS))
def test_static_assets_are_served_as_the_data_says_and_read_only_by_their_distribution(stacks, env):
    doc, static = doc_of(stacks, env), ENVS[env].edge.static_assets
    distribution = one(doc, "aws_cloudfront_distribution")
    assert distribution["aliases"] == [static.domain_name]
    assert distribution["price_class"] == static.price_class
    assert distribution["viewer_certificate"]["minimum_protocol_version"] == MINIMUM_TLS
    assert distribution["web_acl_id"] == "${" + address_of(doc, "aws_wafv2_web_acl", acl(doc, "CLOUDFRONT")) + ".arn}"
    headers = one(doc, "aws_cloudfront_response_headers_policy")["security_headers_config"]
    assert headers["content_security_policy"]["content_security_policy"] == static.content_security_policy
    distribution_arn = "${" + address_of(doc, "aws_cloudfront_distribution", distribution) + ".arn}"
    for policy in (one(doc, "aws_s3_bucket_policy")["policy"], one(doc, "aws_kms_key")["policy"]):
        cloudfront = [s for s in json.loads(policy)["Statement"] if s.get("Principal") == {"Service": "cloudfront.amazonaws.com"}]
        assert [s["Condition"]["StringEquals"]["AWS:SourceArn"] for s in cloudfront] == [distribution_arn]


@pytest.mark.parametrize("env", list(ENVS))
def test_dns_names_alias_records_for_static_assets_only(stacks, env):
    doc, edge = doc_of(stacks, env), ENVS[env].edge
    (zone,) = data_of_type(doc, "aws_route53_zone").values()
    assert (zone["name"], zone["private_zone"]) == (edge.zone_name, False)
    named = {(r["name"], r["type"]) for r in of_type(doc, "aws_route53_record").values() if "for_each" not in r}
    # The API's name belongs to external-dns; only validation records (for_each) touch it.
    assert named == {(edge.static_assets.domain_name, "A"), (edge.static_assets.domain_name, "AAAA")}


@pytest.mark.parametrize("env", list(ENVS))
def test_ingress_annotations_get_the_regional_acl_and_the_issued_api_certificate(stacks, env):
    doc = doc_of(stacks, env)
    outputs = doc["output"]
    assert outputs["api_web_acl_arn"]["value"] == "${" + address_of(doc, "aws_wafv2_web_acl", acl(doc, "REGIONAL")) + ".arn}"
    (validation,) = [n for n, r in of_type(doc, "aws_acm_certificate_validation").items() if "provider" not in r]
    assert outputs["api_certificate_arn"]["value"] == f"${{aws_acm_certificate_validation.{validation}.certificate_arn}}"


def test_outside_us_east_1_cloudfront_gets_its_own_logs_key_and_alarm_topic_there():
    dev = ENVS["dev"]
    moved = dev.replace(region="eu-west-1", azs=("eu-west-1a", "eu-west-1b"))
    stack = EdgeStack(
        CdktfTesting.app(), moved, RunSettings(),
        logs_key_arn="arn:aws:kms:eu-west-1:111111111111:key/logs",
        alarm_topic_arn="arn:aws:sns:eu-west-1:111111111111:sparki-dev-alarms",
        access_log_bucket_arn="arn:aws:s3:::sparki-dev-access-logs-111111111111",
    )
    doc = json.loads(CdktfTesting.synth(stack))
    (topic,) = of_type(doc, "aws_sns_topic").values()
    keys = {n: r for n, r in of_type(doc, "aws_kms_key").items() if r.get("provider") == ALIAS}
    assert topic["provider"] == ALIAS and len(keys) == 1
    (key_name,) = keys
    assert topic["kms_master_key_id"] == f"${{aws_kms_key.{key_name}.arn}}"
    cdn_logs = [g for g in of_type(doc, "aws_cloudwatch_log_group").values() if g.get("provider") == ALIAS]
    assert [g["kms_key_id"] for g in cdn_logs] == [f"${{aws_kms_key.{key_name}.arn}}"]
    regional = [g for g in of_type(doc, "aws_cloudwatch_log_group").values() if "provider" not in g]
    assert [g["kms_key_id"] for g in regional] == ["arn:aws:kms:eu-west-1:111111111111:key/logs"]
    assert json.loads(keys[key_name]["policy"])["Statement"][1]["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}


def test_exported_attributes_for_other_layers():
    stack = EdgeStack(
        CdktfTesting.app(), ENVS["prod"], RunSettings(),
        logs_key_arn="arn:aws:kms:us-east-1:333333333333:key/logs",
        alarm_topic_arn="arn:aws:sns:us-east-1:333333333333:sparki-prod-alarms",
        access_log_bucket_arn="arn:aws:s3:::sparki-prod-access-logs-333333333333",
    )
    for attr in ("api_web_acl_arn", "api_certificate_arn", "static_distribution_id", "static_bucket_name"):
        assert isinstance(getattr(stack, attr), str)
