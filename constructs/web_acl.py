"""A WAFv2 web ACL: AWS managed rule groups, a per-IP rate limit, a body-size limit, an
allow-list, and logs (Authorization and Cookie redacted) in a KMS-encrypted log group."""
from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cdktf import TerraformProvider
from cdktf_cdktf_provider_aws.wafv2_ip_set import Wafv2IpSet
from cdktf_cdktf_provider_aws.wafv2_web_acl import Wafv2WebAcl, Wafv2WebAclRule
from cdktf_cdktf_provider_aws.wafv2_web_acl_logging_configuration import (
    Wafv2WebAclLoggingConfiguration,
    Wafv2WebAclLoggingConfigurationRedactedFields,
)

from catalog.aws import LOG_RETENTION_DAYS
from catalog.aws import WAF_BODY_INSPECTION_LIMIT as BODY_INSPECTION_LIMIT
from catalog.aws import WAF_MODES as MODES
from catalog.aws import WAF_RATE_LIMIT_RANGE as RATE_LIMIT_RANGE
from catalog.aws import WAF_RATE_WINDOWS as RATE_WINDOWS
from constructs import Construct
from constructs.log_group import encrypted_log_group

SCOPES = ("REGIONAL", "CLOUDFRONT")
# A size rule above BODY_INSPECTION_LIMIT could never see the bytes it limits.
LOG_GROUP_PREFIX = "aws-waf-logs-"  # WAF refuses any other CloudWatch Logs destination name
NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
# The baseline AWS recommends for any web application, in evaluation order: reputation first
# (cheapest, drops known-bad sources), then the broad rule sets.
MANAGED_GROUPS = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
)
ANONYMOUS_IP_GROUP = "AWSManagedRulesAnonymousIpList"
REDACTED_HEADERS = ("authorization", "cookie")


@dataclass(frozen=True)
class WebAclProps:
    """Settings for one web ACL.

    name: ACL name, also the metric prefix, e.g. "sparki-dev-api"; 1-128 of [A-Za-z0-9_-].
    scope: "REGIONAL" (load balancers) or "CLOUDFRONT" (distributions; create it with a
        us-east-1 provider).
    log_group_name: must start with "aws-waf-logs-", e.g. "aws-waf-logs-sparki-dev-api".
    log_kms_key_arn: encrypts the log group; a key in the log group's region whose policy lets
        logs.<region>.amazonaws.com use it.
    log_retention_days: a CloudWatch retention value; default 365.
    mode: "block" (default) enforces every rule; "count" only counts what managed groups and the
        rate and size rules would block (the allow-list still allows). Stacks refuse it in prod.
    rate_limit: requests one IP may send per rate_window_seconds before it is blocked;
        default 2000, 10..2,000,000,000.
    rate_window_seconds: 60, 120, 300 (default) or 600.
    max_body_bytes: requests with a larger body are blocked (bodies past what WAF can inspect
        count as larger); default and maximum: the scope's inspection limit (8 KB regional,
        16 KB CloudFront).
    allow_cidrs: IPv4/IPv6 networks allowed before any other rule (monitoring, partners);
        default none, and then no IP set is created.
    anonymous_ip_list: add AWSManagedRulesAnonymousIpList (VPNs, Tor, hosting providers);
        default False.
    tags: extra tags; default none.
    """

    name: str
    scope: str
    log_group_name: str
    log_kms_key_arn: str
    log_retention_days: int = 365
    mode: str = "block"
    rate_limit: int = 2000
    rate_window_seconds: int = 300
    max_body_bytes: int | None = None
    allow_cidrs: Sequence[str] = field(default_factory=tuple)
    anonymous_ip_list: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not NAME.match(self.name):
            raise ValueError(f"name={self.name!r}: 1-128 letters, digits, '_' or '-'")
        if self.scope not in SCOPES:
            raise ValueError(f"scope={self.scope!r}: use REGIONAL (load balancers) or CLOUDFRONT")
        if not self.log_group_name.startswith(LOG_GROUP_PREFIX) or len(self.log_group_name) > 512:
            raise ValueError(f"log_group_name={self.log_group_name!r}: WAF logs only to names starting with {LOG_GROUP_PREFIX!r}")
        if self.log_retention_days not in LOG_RETENTION_DAYS:
            raise ValueError(f"log_retention_days={self.log_retention_days}: use one of {', '.join(map(str, LOG_RETENTION_DAYS))}")
        if self.mode not in MODES:
            raise ValueError(f"mode={self.mode!r}: use 'block' or 'count'")
        low, high = RATE_LIMIT_RANGE
        if not low <= self.rate_limit <= high:
            raise ValueError(f"rate_limit={self.rate_limit}: WAF accepts {low:,}..{high:,} requests per window")
        if self.rate_window_seconds not in RATE_WINDOWS:
            raise ValueError(f"rate_window_seconds={self.rate_window_seconds}: use one of {', '.join(map(str, RATE_WINDOWS))}")
        limit = BODY_INSPECTION_LIMIT[self.scope]
        if self.max_body_bytes is not None and not 1 <= self.max_body_bytes <= limit:
            raise ValueError(f"max_body_bytes={self.max_body_bytes}: must be 1..{limit}, what WAF inspects for scope {self.scope}")
        for cidr in self.allow_cidrs:
            try:
                ipaddress.ip_network(cidr)
            except ValueError:
                raise ValueError(f"allow_cidrs: {cidr!r} is not a network such as '203.0.113.0/24' (host bits must be zero)") from None

    @property
    def body_limit(self) -> int:
        return self.max_body_bytes or BODY_INSPECTION_LIMIT[self.scope]


def _visibility(metric: str) -> dict:
    return {"cloudwatch_metrics_enabled": True, "metric_name": metric, "sampled_requests_enabled": True}


def _action(props: WebAclProps) -> dict:
    return {"count": {}} if props.mode == "count" else {"block": {}}


def managed_rule(name: str, priority: int, props: WebAclProps) -> Wafv2WebAclRule:
    # override_action "count" turns every rule of the group into a count; "none" keeps the
    # group's own actions (block).
    return Wafv2WebAclRule(
        name=name,
        priority=priority,
        override_action={"count": {}} if props.mode == "count" else {"none": {}},
        statement={"managed_rule_group_statement": {"name": name, "vendor_name": "AWS"}},
        visibility_config=_visibility(f"{props.name}-{name}"),
    )


def custom_rules(props: WebAclProps) -> list[Wafv2WebAclRule]:
    rate: dict[str, Any] = {"limit": props.rate_limit, "aggregate_key_type": "IP", "evaluation_window_sec": props.rate_window_seconds}
    size = {
        "comparison_operator": "GT",
        "size": props.body_limit,
        # A body WAF cannot read to the end is treated as too large, not waved through.
        "field_to_match": {"body": {"oversize_handling": "MATCH"}},
        "text_transformation": [{"priority": 0, "type": "NONE"}],
    }
    return [
        Wafv2WebAclRule(
            name="rate-per-ip", priority=10, action=_action(props),
            statement={"rate_based_statement": rate}, visibility_config=_visibility(f"{props.name}-rate-per-ip"),
        ),
        Wafv2WebAclRule(
            name="body-size", priority=20, action=_action(props),
            statement={"size_constraint_statement": size}, visibility_config=_visibility(f"{props.name}-body-size"),
        ),
    ]


class WebAcl(Construct):
    """A web ACL that allows the allow-list, then rate-limits, size-limits and applies the AWS
    managed groups (blocking, or counting in "count" mode); everything else is allowed. Its
    requests are logged with credentials redacted.

    provider: the AWS provider; default the stack's. CLOUDFRONT scope needs us-east-1.
    arn, name: the ACL (arn goes to a distribution's web_acl_id, or to the Ingress annotation
    alb.ingress.kubernetes.io/wafv2-acl-arn). log_group_name: where its logs go.
    """

    def __init__(self, scope: Construct, id: str, props: WebAclProps, provider: TerraformProvider | None = None) -> None:
        super().__init__(scope, id)
        tags = {"Name": props.name, **dict(props.tags)}
        rules = []
        networks = [ipaddress.ip_network(c) for c in props.allow_cidrs]
        for priority, version in enumerate(("IPV4", "IPV6")):
            cidrs = sorted(str(n) for n in networks if n.version == int(version[-1]))
            if not cidrs:
                continue
            ip_set = Wafv2IpSet(
                self, f"allow_{version.lower()}", provider=provider, name=f"{props.name}-allow-{version.lower()}",
                scope=props.scope, ip_address_version=version, addresses=cidrs, tags=tags,
            )
            rules.append(
                Wafv2WebAclRule(
                    name=f"allow-list-{version.lower()}", priority=priority, action={"allow": {}},
                    statement={"ip_set_reference_statement": {"arn": ip_set.arn}},
                    visibility_config=_visibility(f"{props.name}-allow-list-{version.lower()}"),
                )
            )
        rules += custom_rules(props)
        groups = MANAGED_GROUPS + ((ANONYMOUS_IP_GROUP,) if props.anonymous_ip_list else ())
        rules += [managed_rule(name, 30 + i, props) for i, name in enumerate(groups)]
        acl = Wafv2WebAcl(
            self,
            "acl",
            provider=provider,
            name=props.name,
            scope=props.scope,
            description=f"{props.name}: managed groups, rate and body-size limits ({props.mode} mode)",
            default_action={"allow": {}},
            rule=rules,
            visibility_config=_visibility(props.name),
            tags=tags,
        )
        group = encrypted_log_group(self, "logs", props.log_group_name, props.log_retention_days, props.log_kms_key_arn, provider=provider)
        Wafv2WebAclLoggingConfiguration(
            self,
            "logging",
            provider=provider,
            resource_arn=acl.arn,
            log_destination_configs=[group.arn],
            redacted_fields=[Wafv2WebAclLoggingConfigurationRedactedFields(single_header={"name": h}) for h in REDACTED_HEADERS],
        )
        self.arn: str = acl.arn
        self.name: str = props.name
        self.log_group_name: str = group.name
