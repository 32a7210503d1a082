"""Settings of the edge layer: the API's web ACL, CloudFront for static assets, their names
and alarms."""
from __future__ import annotations

import ipaddress
import re
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from catalog.aws import CLOUDFRONT_PRICE_CLASSES, WAF_BODY_INSPECTION_LIMIT, WAF_MODES, WAF_RATE_LIMIT_RANGE
from environments.model import Model, Problem, Retention, each, fail, in_range, one_of, require_true, rule

# Lowercase RFC 1123 labels, at least two; no wildcard: each name is served as it is.
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DNS_NAME = re.compile(rf"^({_LABEL}\.)+{_LABEL}$")
# The API's body limit applies behind the ALB, the smaller of the two inspection limits.
MAX_BODY_BYTES = WAF_BODY_INSPECTION_LIMIT["REGIONAL"]


def check_dns_name(field_name: str, name: str) -> None:
    if len(name) > 253 or not _DNS_NAME.match(name):
        fail(field_name, f"{name!r} is not a lowercase DNS name; use labels of a-z, 0-9 and '-' separated by dots, e.g. 'api.dev.sparki.example'")


def _check_allowed_cidr(field_name: str, cidr: str) -> None:
    try:
        net = ipaddress.ip_network(cidr, strict=True)
    except ValueError as exc:
        fail(field_name, f"{cidr!r} is not a network ({exc}); use e.g. '203.0.113.0/24' with the host bits zero")
    if net.prefixlen == 0:
        fail(field_name, f"{cidr} allows the whole internet past every rule; list the monitors' or partners' own ranges")


DnsName = Annotated[str, rule(lambda name: check_dns_name("", name))]


class WafSettings(Model):
    """Both web ACLs of the environment: the regional one in front of the API's load balancer
    and the CLOUDFRONT one in front of the static assets.

    mode: "block" (default) or "count" (rules only count what they would block); production
        refuses "count".
    rate_limit: requests one client IP may send per 5 minutes before it is blocked; default
        2000, 10..2,000,000,000 (what WAF accepts).
    max_body_bytes: larger request bodies are blocked; default and maximum 8192 (what WAF
        inspects behind an ALB).
    allow_cidrs: IPv4/IPv6 networks allowed before any other rule (uptime monitors, partners);
        default none. Never 0.0.0.0/0 or ::/0.
    anonymous_ip_list: the API's ACL also blocks VPNs, Tor and hosting providers
        (AWSManagedRulesAnonymousIpList); default true; production refuses false. The
        CLOUDFRONT ACL always has it.
    log_retention_days: CloudWatch retention of the WAF logs; a value CloudWatch accepts;
        default 365; never shorter than in an environment before it.
    """

    mode: Annotated[str, one_of(WAF_MODES, "a WAF mode")] = "block"
    rate_limit: Annotated[int, in_range(*WAF_RATE_LIMIT_RANGE, "requests per 5 minutes", "WAF accepts")] = 2000
    max_body_bytes: Annotated[int, in_range(1, MAX_BODY_BYTES, "bytes (what WAF inspects behind an ALB)")] = MAX_BODY_BYTES
    allow_cidrs: Annotated[tuple[str, ...], each(_check_allowed_cidr, unique="a network")] = ()
    anonymous_ip_list: bool = True
    log_retention_days: Retention = 365

    def check_in(self, production: bool) -> None:
        if not production:
            return
        if self.mode != "block":
            fail("mode", f"{self.mode!r} is not allowed in production: a counting ACL lets every attack through; use 'block'")
        require_true(self, "anonymous_ip_list", "the API blocks anonymizing networks")


class StaticAssetsSettings(Model):
    """CloudFront in front of the environment's static assets.

    domain_name: the name the assets are served under, in the environment's zone, e.g.
        "static.dev.sparki.example".
    content_security_policy: the Content-Security-Policy header sent with every asset;
        required, one non-empty line.
    price_class: PriceClass_100 (default: North America and Europe), PriceClass_200 or
        PriceClass_All.
    """

    domain_name: DnsName
    content_security_policy: str
    price_class: Annotated[str, one_of(CLOUDFRONT_PRICE_CLASSES, "a CloudFront price class")] = "PriceClass_100"

    @field_validator("content_security_policy")
    @classmethod
    def _csp(cls, csp: str) -> str:
        if not csp.strip() or "\n" in csp or "\r" in csp:
            fail("", "must be one non-empty line, e.g. \"default-src 'self'; frame-ancestors 'none'\"")
        return csp


class EdgeAlarmSettings(Model):
    """When the edge alarms fire.

    blocked_per_5_minutes: requests one ACL blocks in 5 minutes that count as a spike;
        default 1000, >= 1.
    error_rate_percent: CloudFront's 5xx share of responses, over 15 minutes, that alarms;
        default 5, 1..100.
    """

    blocked_per_5_minutes: Annotated[int, in_range(1, 1_000_000_000, "requests")] = 1000
    error_rate_percent: Annotated[int, in_range(1, 100, "percent")] = 5


class EdgeSettings(Model):
    """The edge layer of one environment.

    zone_name: the public Route 53 zone the environment's names live in, e.g.
        "dev.sparki.example": the zone of one of cluster.hosted_zone_ids (external-dns writes
        the API's record there). The stack looks the zone up by this name.
    api_domain: the API's name in that zone, e.g. "api.dev.sparki.example"; its certificate is
        made here, its DNS record by external-dns.
    waf: WafSettings; static_assets: StaticAssetsSettings; alarms: EdgeAlarmSettings.
    """

    zone_name: DnsName
    api_domain: DnsName
    static_assets: StaticAssetsSettings
    waf: WafSettings = Field(default_factory=WafSettings)
    alarms: EdgeAlarmSettings = Field(default_factory=EdgeAlarmSettings)

    @model_validator(mode="after")
    def _together(self) -> EdgeSettings:
        for fname, name in (("api_domain", self.api_domain), ("static_assets.domain_name", self.static_assets.domain_name)):
            if not name.endswith(f".{self.zone_name}"):
                fail(fname, f"{name!r} is not in the zone {self.zone_name!r}; use a name ending in '.{self.zone_name}'")
        if self.api_domain == self.static_assets.domain_name:
            fail("static_assets.domain_name", f"{self.api_domain!r} is also api_domain; the API and the static assets need names of their own")
        return self

    def check_in(self, production: bool) -> None:
        try:
            self.waf.check_in(production)
        except Problem as problem:
            raise problem.under("waf") from None
