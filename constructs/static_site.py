"""Static assets behind CloudFront: a private SSE-KMS bucket read only by this distribution
through Origin Access Control, HTTPS only, security headers, WAF, logs and DNS aliases."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktf import TerraformProvider
from cdktf_cdktf_provider_aws.cloudfront_cache_policy import CloudfrontCachePolicy
from cdktf_cdktf_provider_aws.cloudfront_distribution import CloudfrontDistribution, CloudfrontDistributionOrigin
from cdktf_cdktf_provider_aws.cloudfront_origin_access_control import CloudfrontOriginAccessControl
from cdktf_cdktf_provider_aws.cloudfront_response_headers_policy import CloudfrontResponseHeadersPolicy
from cdktf_cdktf_provider_aws.cloudwatch_log_delivery import CloudwatchLogDelivery
from cdktf_cdktf_provider_aws.cloudwatch_log_delivery_destination import (
    CloudwatchLogDeliveryDestination,
    CloudwatchLogDeliveryDestinationDeliveryDestinationConfiguration,
)
from cdktf_cdktf_provider_aws.cloudwatch_log_delivery_source import CloudwatchLogDeliverySource
from cdktf_cdktf_provider_aws.route53_record import Route53Record

from catalog.aws import CLOUDFRONT_PRICE_CLASSES as PRICE_CLASSES
from constructs import Construct
from constructs.certificate import check_domain_name
from constructs.kms_key import EncryptionKey
from constructs.log_bucket import ServiceWriter
from constructs.origin_bucket import OriginBucket

MINIMUM_TLS = "TLSv1.2_2021"
HSTS_SECONDS = 63_072_000  # two years: what the HSTS preload list requires at least (one year)
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,50}$")
# CloudFront delivers standard logs (v2) as a CloudWatch Logs vended-log source, and only from
# us-east-1; S3 destinations get objects under this prefix.
LOG_SOURCE_REGION = "us-east-1"


def log_prefix(account_id: str) -> str:
    return f"AWSLogs/{account_id}/CloudFront/"


def log_source_arn(account_id: str, name: str) -> str:
    return f"arn:aws:logs:{LOG_SOURCE_REGION}:{account_id}:delivery-source:{name}"


def access_log_writer(account_id: str, name: str) -> ServiceWriter:
    """What the log bucket must admit so this distribution's access logs (source `name`) land
    in it: give it to the LogBucket's writers. Delivery sends bucket-owner-full-control."""
    return ServiceWriter(
        sid="CloudFrontAccessLogs",
        service="delivery.logs.amazonaws.com",
        prefix=log_prefix(account_id),
        condition={
            "StringEquals": {"aws:SourceAccount": account_id},
            "ArnLike": {"aws:SourceArn": log_source_arn(account_id, name)},
        },
    )


def access_log_key_statement(account_id: str, name: str) -> dict:
    """The key-policy statement the log bucket's KMS key needs so log delivery can write
    SSE-KMS objects for this distribution's log source `name`."""
    return {
        "Sid": "CloudFrontAccessLogDelivery",
        "Effect": "Allow",
        "Principal": {"Service": "delivery.logs.amazonaws.com"},
        "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
        "Resource": "*",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": account_id},
            "ArnLike": {"aws:SourceArn": log_source_arn(account_id, name)},
        },
    }


def grant_cloudfront_log_delivery(key: EncryptionKey, account_id: str, name: str) -> None:
    """Let log delivery encrypt, with the log bucket's `key`, what it writes for source `name`."""
    statement = access_log_key_statement(account_id, name)
    key.grant_to_service(statement["Principal"]["Service"], sid=statement["Sid"], actions=statement["Action"], conditions=statement["Condition"])


@dataclass(frozen=True)
class StaticAssetsProps:
    """Settings for one static-asset site.

    name: prefix of every CloudFront and log-delivery name, e.g. "sparki-dev-static"; lowercase,
        at most 51 characters (log delivery names end in "-access-logs").
    bucket_name: the origin bucket, e.g. "sparki-dev-static-111111111111".
    kms_key_arn: encrypts the origin; its policy needs key_statement() (CloudFront decrypts).
    domain_name: the public name, e.g. "static.dev.example.com"; the alias and the A/AAAA records.
    zone_id: the Route 53 zone that answers for domain_name.
    certificate_arn: an issued us-east-1 ACM certificate covering domain_name.
    web_acl_arn: a CLOUDFRONT-scope web ACL.
    content_security_policy: the Content-Security-Policy header, e.g. "default-src 'self'";
        required, non-empty, single line.
    log_bucket_arn: receives standard access logs (v2) under AWSLogs/<account>/CloudFront/; its
        policy needs access_log_writer() and its key access_log_key_statement().
    price_class: PriceClass_100 (default: North America and Europe), PriceClass_200 or
        PriceClass_All.
    default_root_object: served for "/"; default "index.html".
    default_ttl_seconds: cache lifetime when the object sets none; default 86400 (one day).
    noncurrent_days: days an overwritten or deleted asset version is kept for a rollback;
        default 30, >= 1.
    force_destroy: let destroy empty the origin bucket; default False.
    tags: extra tags; default none.
    """

    name: str
    bucket_name: str
    kms_key_arn: str
    domain_name: str
    zone_id: str
    certificate_arn: str
    web_acl_arn: str
    content_security_policy: str
    log_bucket_arn: str
    price_class: str = "PriceClass_100"
    default_root_object: str = "index.html"
    default_ttl_seconds: int = 86_400
    noncurrent_days: int = 30
    force_destroy: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not NAME.match(self.name):
            raise ValueError(f"name={self.name!r}: lowercase letters, digits and '-', at most 51 characters")
        if not 3 <= len(self.bucket_name) <= 63 or self.bucket_name.lower() != self.bucket_name:
            raise ValueError(f"bucket_name={self.bucket_name!r}: must be 3-63 lowercase characters")
        check_domain_name("domain_name", self.domain_name)
        if self.domain_name.startswith("*."):
            raise ValueError(f"domain_name={self.domain_name!r}: give the one name the assets are served under, not a wildcard")
        if not self.content_security_policy.strip() or "\n" in self.content_security_policy:
            raise ValueError("content_security_policy: required, one line, e.g. \"default-src 'self'\"")
        if self.price_class not in PRICE_CLASSES:
            raise ValueError(f"price_class={self.price_class!r}: use one of {', '.join(PRICE_CLASSES)}")
        if not self.default_root_object or self.default_root_object.startswith("/"):
            raise ValueError(f"default_root_object={self.default_root_object!r}: an object key without a leading '/'")
        if not 0 <= self.default_ttl_seconds <= 31_536_000:
            raise ValueError(f"default_ttl_seconds={self.default_ttl_seconds}: must be 0..31536000 (one year)")
        if self.noncurrent_days < 1:
            raise ValueError(f"noncurrent_days={self.noncurrent_days}: must be at least 1")
        for prop in ("zone_id", "certificate_arn", "web_acl_arn", "kms_key_arn", "log_bucket_arn"):
            if not getattr(self, prop):
                raise ValueError(f"{prop}: required")


def security_headers(csp: str) -> dict:
    # override=True: the origin cannot weaken a header by sending its own.
    return {
        "strict_transport_security": {
            "access_control_max_age_sec": HSTS_SECONDS, "include_subdomains": True, "preload": True, "override": True,
        },
        "content_type_options": {"override": True},
        "frame_options": {"frame_option": "DENY", "override": True},
        "referrer_policy": {"referrer_policy": "strict-origin-when-cross-origin", "override": True},
        "content_security_policy": {"content_security_policy": csp, "override": True},
    }


class StaticAssets(Construct):
    """A distribution that serves a private bucket only over HTTPS (TLS 1.2+), with HSTS,
    nosniff, DENY framing, a strict referrer policy and the given CSP, behind a web ACL; only
    this distribution may read the bucket. Standard access logs (v2) go to the log bucket.

    distribution_id / distribution_arn / domain_name: the distribution ("d123.cloudfront.net").
    bucket_name / bucket_arn: the origin. log_source_name: the log delivery source.

    provider: a us-east-1 provider for the log delivery resources (CloudFront delivers its logs
    only from us-east-1); default the stack's, which must then be in us-east-1.
    """

    def __init__(self, scope: Construct, id: str, props: StaticAssetsProps, provider: TerraformProvider | None = None) -> None:
        super().__init__(scope, id)
        tags = {"Name": props.name, **dict(props.tags)}
        origin = OriginBucket(self, "origin", props.bucket_name, props.kms_key_arn, props.noncurrent_days, props.force_destroy, tags)
        oac = CloudfrontOriginAccessControl(
            self, "oac", name=props.name, description=f"{props.name}: signs every origin request",
            origin_access_control_origin_type="s3", signing_behavior="always", signing_protocol="sigv4",
        )
        cache = CloudfrontCachePolicy(
            self, "cache", name=f"{props.name}-assets", comment="Static assets: no cookies, headers or query strings in the key",
            min_ttl=0, default_ttl=props.default_ttl_seconds, max_ttl=31_536_000,
            parameters_in_cache_key_and_forwarded_to_origin={
                "cookies_config": {"cookie_behavior": "none"},
                "headers_config": {"header_behavior": "none"},
                "query_strings_config": {"query_string_behavior": "none"},
                "enable_accept_encoding_gzip": True,
                "enable_accept_encoding_brotli": True,
            },
        )
        headers = CloudfrontResponseHeadersPolicy(
            self, "headers", name=f"{props.name}-security", comment="HSTS, nosniff, DENY framing, referrer policy, CSP",
            security_headers_config=security_headers(props.content_security_policy),
        )
        distribution = CloudfrontDistribution(
            self,
            "distribution",
            enabled=True,
            comment=props.name,
            aliases=[props.domain_name],
            default_root_object=props.default_root_object,
            http_version="http2and3",
            is_ipv6_enabled=True,
            price_class=props.price_class,
            web_acl_id=props.web_acl_arn,
            origin=[CloudfrontDistributionOrigin(origin_id="s3", domain_name=origin.regional_domain_name, origin_access_control_id=oac.id)],
            default_cache_behavior={
                "target_origin_id": "s3",
                "viewer_protocol_policy": "redirect-to-https",
                "allowed_methods": ["GET", "HEAD", "OPTIONS"],
                "cached_methods": ["GET", "HEAD"],
                "compress": True,
                "cache_policy_id": cache.id,
                "response_headers_policy_id": headers.id,
            },
            restrictions={"geo_restriction": {"restriction_type": "none"}},
            viewer_certificate={
                "acm_certificate_arn": props.certificate_arn,
                "ssl_support_method": "sni-only",
                "minimum_protocol_version": MINIMUM_TLS,
            },
            tags=tags,
        )
        origin.admit_distribution(distribution.arn)
        # Standard logging v2 (CloudWatch vended logs) rather than the legacy logging_config:
        # legacy delivery writes with an ACL grant to the awslogsdelivery account, so the log
        # bucket would need ACLs enabled (not BucketOwnerEnforced); v2 writes under a bucket
        # policy, like every other service delivering into our log bucket.
        log_name = f"{props.name}-access-logs"
        source = CloudwatchLogDeliverySource(
            self, "log_source", provider=provider, name=log_name, log_type="ACCESS_LOGS", resource_arn=distribution.arn, tags=tags,
        )
        destination = CloudwatchLogDeliveryDestination(
            self, "log_destination", provider=provider, name=log_name, output_format="parquet",
            delivery_destination_configuration=[CloudwatchLogDeliveryDestinationDeliveryDestinationConfiguration(destination_resource_arn=props.log_bucket_arn)],
            tags=tags,
        )
        CloudwatchLogDelivery(
            self, "log_delivery", provider=provider, delivery_source_name=source.name,
            delivery_destination_arn=destination.arn, tags=tags,
        )
        for record_type in ("A", "AAAA"):
            Route53Record(
                self, f"alias_{record_type.lower()}", zone_id=props.zone_id, name=props.domain_name, type=record_type,
                alias={"name": distribution.domain_name, "zone_id": distribution.hosted_zone_id, "evaluate_target_health": False},
            )
        self.distribution_id: str = distribution.id
        self.distribution_arn: str = distribution.arn
        self.domain_name: str = distribution.domain_name
        self.bucket_name: str = origin.bucket_name
        self.bucket_arn: str = origin.bucket_arn
        self.log_source_name: str = log_name

    def key_statement(self) -> dict:
        """The key-policy statement the origin's KMS key needs: CloudFront may decrypt, only
        on behalf of this distribution (OAC signs as cloudfront.amazonaws.com)."""
        return {
            "Sid": "CloudFrontDecryptsStaticAssets",
            "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": ["kms:Decrypt"],
            "Resource": "*",
            "Condition": {"StringEquals": {"AWS:SourceArn": self.distribution_arn}},
        }
