"""Every rule of environments/edge_settings.py, one failing example each (applied to the real
data), and the promises the real environments' edge data keep."""
from __future__ import annotations

import pytest

import environments
from catalog.aws import WAF_RATE_LIMIT_RANGE
from environments.schema import ConfigError, check_disjoint
from tests.environments.mistakes import DELETE, assert_refused, edited

ENVS = environments.load()
RAW = {name: environments.read(name) for name in environments.NAMES}
WAF, STATIC, ALARMS = "edge.waf", "edge.static_assets", "edge.alarms"
LOW, HIGH = WAF_RATE_LIMIT_RANGE


@pytest.mark.parametrize(
    "env, path, value, field, says",
    [
        ("dev", f"{WAF}.mode", "monitor", f"{WAF}.mode", "use one of block, count"),
        ("prod", f"{WAF}.mode", "count", f"{WAF}.mode", "not allowed in production"),
        ("dev", f"{WAF}.rate_limit", LOW - 1, f"{WAF}.rate_limit", f"{LOW}..{HIGH}"),
        ("dev", f"{WAF}.rate_limit", HIGH + 1, f"{WAF}.rate_limit", f"{LOW}..{HIGH}"),
        ("dev", f"{WAF}.max_body_bytes", 0, f"{WAF}.max_body_bytes", "1..8192"),
        ("dev", f"{WAF}.max_body_bytes", 8193, f"{WAF}.max_body_bytes", "1..8192"),
        ("dev", f"{WAF}.allow_cidrs", ["203.0.113.0/33"], f"{WAF}.allow_cidrs[0]", "not a network"),
        ("dev", f"{WAF}.allow_cidrs", ["203.0.113.9/24"], f"{WAF}.allow_cidrs[0]", "host bits zero"),
        ("dev", f"{WAF}.allow_cidrs", ["203.0.113.0/24", "0.0.0.0/0"], f"{WAF}.allow_cidrs[1]", "whole internet"),
        ("dev", f"{WAF}.allow_cidrs", ["::/0"], f"{WAF}.allow_cidrs[0]", "whole internet"),
        ("dev", f"{WAF}.allow_cidrs", ["203.0.113.0/24", "203.0.113.0/24"], f"{WAF}.allow_cidrs", "twice"),
        ("prod", f"{WAF}.anonymous_ip_list", False, f"{WAF}.anonymous_ip_list", "not allowed in production"),
        ("dev", f"{WAF}.log_retention_days", 10, f"{WAF}.log_retention_days", "retention value"),
        ("dev", f"{STATIC}.content_security_policy", "", f"{STATIC}.content_security_policy", "one non-empty line"),
        ("dev", f"{STATIC}.content_security_policy", "default-src 'self';\nimg-src *", f"{STATIC}.content_security_policy", "one non-empty line"),
        ("dev", f"{STATIC}.content_security_policy", DELETE, f"{STATIC}.content_security_policy", "is required"),
        ("dev", f"{STATIC}.price_class", "PriceClass_300", f"{STATIC}.price_class", "PriceClass_100, PriceClass_200, PriceClass_All"),
        ("dev", f"{STATIC}.domain_name", "*.dev.sparki.example", f"{STATIC}.domain_name", "not a lowercase DNS name"),
        ("dev", f"{STATIC}.domain_name", "static.prod.example", f"{STATIC}.domain_name", "not in the zone 'dev.sparki.example'"),
        ("dev", f"{STATIC}.domain_name", "api.dev.sparki.example", f"{STATIC}.domain_name", "names of their own"),
        ("dev", "edge.api_domain", "api.sparki.example", "edge.api_domain", "not in the zone"),
        ("dev", "edge.zone_name", "localhost", "edge.zone_name", "not a lowercase DNS name"),
        ("dev", f"{ALARMS}.blocked_per_5_minutes", 0, f"{ALARMS}.blocked_per_5_minutes", "1..1000000000"),
        ("dev", f"{ALARMS}.error_rate_percent", 0, f"{ALARMS}.error_rate_percent", "1..100"),
        ("dev", f"{ALARMS}.error_rate_percent", 101, f"{ALARMS}.error_rate_percent", "1..100"),
    ],
)
def test_each_edge_rule(env, path, value, field, says):
    assert_refused(env, path, value, field, says)


def test_dev_may_count():
    """The production refusal is about production: dev may choose count."""
    assert environments.parse("dev", edited(RAW["dev"], f"{WAF}.mode", "count")).edge.waf.mode == "count"


def test_waf_log_retention_never_shrinks_towards_production():
    loaded = {name: environments.parse(name, edited(RAW[name], f"{WAF}.log_retention_days", 14) if name == "prod" else RAW[name]) for name in environments.NAMES}
    with pytest.raises(ConfigError) as err:
        check_disjoint(loaded)
    assert err.value.environment == "prod" and err.value.field == f"{WAF}.log_retention_days"


@pytest.mark.parametrize("name", environments.NAMES)
def test_every_environment_serves_its_names_from_its_own_zone(name):
    edge = ENVS[name].edge
    for domain in (edge.api_domain, edge.static_assets.domain_name):
        assert domain.endswith("." + edge.zone_name)
    others = [ENVS[n].edge for n in environments.NAMES if n != name]
    assert all(edge.static_assets.domain_name != o.static_assets.domain_name for o in others)


def test_production_blocks_with_the_anonymous_ip_list():
    waf = ENVS["prod"].edge.waf
    assert waf.mode == "block" and waf.anonymous_ip_list
