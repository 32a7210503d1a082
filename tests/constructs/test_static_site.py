"""Unit tests of constructs/static_site.py and constructs/origin_bucket.py."""
from __future__ import annotations

import json

import pytest

from constructs.static_site import StaticAssets, StaticAssetsProps, access_log_key_statement, access_log_writer
from tests.constructs.edge_support import ALIAS, virginia
from tests.support import assert_private_bucket, assert_rejected, of_type, one, policy_report, synth_fixture

ACCOUNT = "123456789012"
MINIMAL = dict(
    name="sparki-t-static",
    bucket_name="sparki-t-static-123456789012",
    kms_key_arn="arn:aws:kms:eu-west-1:123456789012:key/static",
    domain_name="static.t.example.com",
    zone_id="Z0123456789",
    certificate_arn="arn:aws:acm:us-east-1:123456789012:certificate/abc",
    web_acl_arn="arn:aws:wafv2:us-east-1:123456789012:global/webacl/sparki-t-cdn/abc",
    content_security_policy="default-src 'self'; frame-ancestors 'none'",
    log_bucket_arn="arn:aws:s3:::sparki-t-logs-123456789012",
)
FULL = dict(MINIMAL, price_class="PriceClass_All", default_root_object="app/index.html", default_ttl_seconds=600, noncurrent_days=7, force_destroy=True, tags={"Team": "edge"})
captured: dict[str, StaticAssets] = {}


def build_minimal(stack):
    captured["minimal"] = StaticAssets(stack, "site", StaticAssetsProps(**MINIMAL))


def build_full(stack):
    captured["full"] = StaticAssets(stack, "site", StaticAssetsProps(**FULL), provider=virginia(stack))


minimal = synth_fixture(build_minimal)
full = synth_fixture(build_full)


def distribution(doc):
    return one(doc, "aws_cloudfront_distribution")


def ref(doc, rtype, attr):
    (name,) = of_type(doc, rtype)
    return f"${{{rtype}.{name}.{attr}}}"


def test_origin_bucket_is_private_versioned_and_kms_encrypted(minimal):
    assert_private_bucket(minimal, MINIMAL["kms_key_arn"])
    (lifecycle,) = one(minimal, "aws_s3_bucket_lifecycle_configuration")["rule"]
    assert lifecycle["noncurrent_version_expiration"] == [{"noncurrent_days": 30}] and "expiration" not in lifecycle


def test_only_this_distribution_reads_the_bucket_and_only_over_tls(minimal):
    policy = json.loads(one(minimal, "aws_s3_bucket_policy")["policy"])
    deny, allow = policy["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"} and allow["Action"] == "s3:GetObject"
    assert allow["Resource"] == ref(minimal, "aws_s3_bucket", "arn").replace("}", "}/*")
    assert allow["Condition"] == {"StringEquals": {"AWS:SourceArn": ref(minimal, "aws_cloudfront_distribution", "arn")}}


def test_origin_is_reached_through_a_signing_origin_access_control(minimal):
    oac = one(minimal, "aws_cloudfront_origin_access_control")
    assert (oac["origin_access_control_origin_type"], oac["signing_behavior"], oac["signing_protocol"]) == ("s3", "always", "sigv4")
    (origin,) = distribution(minimal)["origin"]
    assert origin["origin_access_control_id"] == ref(minimal, "aws_cloudfront_origin_access_control", "id")
    assert origin["domain_name"] == ref(minimal, "aws_s3_bucket", "bucket_regional_domain_name")
    assert "s3_origin_config" not in origin and "custom_origin_config" not in origin


def test_viewers_get_https_only_with_a_modern_tls_policy(minimal):
    dist = distribution(minimal)
    assert dist["default_cache_behavior"]["viewer_protocol_policy"] == "redirect-to-https"
    assert dist["viewer_certificate"] == {
        "acm_certificate_arn": MINIMAL["certificate_arn"], "ssl_support_method": "sni-only", "minimum_protocol_version": "TLSv1.2_2021",
    }
    assert dist["aliases"] == [MINIMAL["domain_name"]]
    assert (dist["http_version"], dist["is_ipv6_enabled"], dist["enabled"]) == ("http2and3", True, True)
    assert dist["restrictions"] == {"geo_restriction": {"restriction_type": "none"}}
    assert dist["web_acl_id"] == MINIMAL["web_acl_arn"]
    assert (dist["price_class"], dist["default_root_object"]) == ("PriceClass_100", "index.html")


def test_response_headers_policy_enforces_the_security_headers(minimal):
    headers = one(minimal, "aws_cloudfront_response_headers_policy")["security_headers_config"]
    assert headers["strict_transport_security"] == {"access_control_max_age_sec": 63072000, "include_subdomains": True, "preload": True, "override": True}
    assert headers["content_type_options"] == {"override": True}
    assert headers["frame_options"] == {"frame_option": "DENY", "override": True}
    assert headers["referrer_policy"] == {"referrer_policy": "strict-origin-when-cross-origin", "override": True}
    assert headers["content_security_policy"] == {"content_security_policy": MINIMAL["content_security_policy"], "override": True}
    assert distribution(minimal)["default_cache_behavior"]["response_headers_policy_id"] == ref(minimal, "aws_cloudfront_response_headers_policy", "id")


def test_cache_policy_compresses_and_keys_on_nothing_but_the_path(minimal):
    behavior = distribution(minimal)["default_cache_behavior"]
    assert behavior["compress"] is True and behavior["cache_policy_id"] == ref(minimal, "aws_cloudfront_cache_policy", "id")
    params = one(minimal, "aws_cloudfront_cache_policy")["parameters_in_cache_key_and_forwarded_to_origin"]
    assert params["enable_accept_encoding_gzip"] is True and params["enable_accept_encoding_brotli"] is True
    assert params["cookies_config"] == {"cookie_behavior": "none"} and params["query_strings_config"] == {"query_string_behavior": "none"}
    assert set(behavior["allowed_methods"]) == {"GET", "HEAD", "OPTIONS"}


def test_access_logs_are_delivered_to_the_log_bucket_by_standard_logging_v2(minimal):
    source = one(minimal, "aws_cloudwatch_log_delivery_source")
    assert source["log_type"] == "ACCESS_LOGS" and source["resource_arn"] == ref(minimal, "aws_cloudfront_distribution", "arn")
    (config,) = one(minimal, "aws_cloudwatch_log_delivery_destination")["delivery_destination_configuration"]
    assert config == {"destination_resource_arn": MINIMAL["log_bucket_arn"]}
    delivery = one(minimal, "aws_cloudwatch_log_delivery")
    assert delivery["delivery_source_name"] == ref(minimal, "aws_cloudwatch_log_delivery_source", "name")
    assert delivery["delivery_destination_arn"] == ref(minimal, "aws_cloudwatch_log_delivery_destination", "arn")
    assert "logging_config" not in distribution(minimal)


def test_log_bucket_and_key_admit_only_this_sites_log_source():
    writer = access_log_writer(ACCOUNT, "sparki-t-static-access-logs")
    (checks, writes) = writer.statements("arn:aws:s3:::logs")
    assert writes["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert writes["Resource"] == f"arn:aws:s3:::logs/AWSLogs/{ACCOUNT}/CloudFront/*"
    source = f"arn:aws:logs:us-east-1:{ACCOUNT}:delivery-source:sparki-t-static-access-logs"
    assert writes["Condition"]["ArnLike"] == {"aws:SourceArn": source} and checks["Condition"]["ArnLike"] == {"aws:SourceArn": source}
    key = access_log_key_statement(ACCOUNT, "sparki-t-static-access-logs")
    assert key["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}, "ArnLike": {"aws:SourceArn": source}}


def test_origin_key_statement_lets_cloudfront_decrypt_for_this_distribution_only(minimal):
    statement = captured["minimal"].key_statement()
    assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"} and statement["Action"] == ["kms:Decrypt"]
    (condition,) = statement["Condition"]["StringEquals"].values()
    assert condition == captured["minimal"].distribution_arn


def test_alias_records_point_both_address_families_at_the_distribution(minimal):
    records = {r["type"]: r for r in of_type(minimal, "aws_route53_record").values()}
    assert set(records) == {"A", "AAAA"}
    for record in records.values():
        assert record["name"] == MINIMAL["domain_name"] and record["zone_id"] == MINIMAL["zone_id"]
        assert record["alias"] == {
            "name": ref(minimal, "aws_cloudfront_distribution", "domain_name"),
            "zone_id": ref(minimal, "aws_cloudfront_distribution", "hosted_zone_id"),
            "evaluate_target_health": False,
        }


def test_full_applies_its_settings_and_puts_log_delivery_in_us_east_1(full):
    dist = distribution(full)
    assert (dist["price_class"], dist["default_root_object"]) == ("PriceClass_All", "app/index.html")
    assert one(full, "aws_cloudfront_cache_policy")["default_ttl"] == 600
    assert one(full, "aws_s3_bucket")["force_destroy"] is True
    (lifecycle,) = one(full, "aws_s3_bucket_lifecycle_configuration")["rule"]
    assert lifecycle["noncurrent_version_expiration"] == [{"noncurrent_days": 7}]
    for rtype in ("aws_cloudwatch_log_delivery_source", "aws_cloudwatch_log_delivery_destination", "aws_cloudwatch_log_delivery"):
        assert one(full, rtype)["provider"] == f"aws.{ALIAS}", rtype
    assert dist["tags"] == {"Name": "sparki-t-static", "Team": "edge"}


@pytest.mark.parametrize("build, production", [(build_minimal, False), (build_minimal, True), (build_full, False)])
def test_passes_the_policy_pack(build, production):
    assert policy_report(build, production=production).violations == []


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(content_security_policy=" "), "content_security_policy: required"),
        (dict(content_security_policy="default-src 'self'\nscript-src x"), "one line"),
        (dict(price_class="PriceClass_300"), "price_class='PriceClass_300'"),
        (dict(domain_name="Static.example.com"), "domain_name='Static.example.com'"),
        (dict(domain_name="*.t.example.com"), "not a wildcard"),
        (dict(name="Sparki_static"), "name='Sparki_static'"),
        (dict(default_root_object="/index.html"), "default_root_object='/index.html'"),
        (dict(default_ttl_seconds=-1), "default_ttl_seconds=-1"),
        (dict(noncurrent_days=0), "noncurrent_days=0"),
        (dict(web_acl_arn=""), "web_acl_arn: required"),
        (dict(bucket_name="Static"), "bucket_name='Static': must be 3-63 lowercase"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    assert_rejected(StaticAssetsProps, MINIMAL, changes, message)

