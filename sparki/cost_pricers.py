"""How each priced resource type turns its Terraform arguments into monthly dollars.

One function per type, given the resource's arguments (synthesized JSON or a plan's before/after)
and the Stack it sits in; it returns (kind, USD a month) rows. Prices and usage assumptions come
from catalog/prices.py; a type with no function here must be listed there as free (FREE_TYPES).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from catalog import prices as p
from catalog.prices import HOURS_PER_MONTH as H

_REF = re.compile(r"^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}$")
_NXLARGE = re.compile(r"^(\d+)xlarge$")


class CostError(Exception):
    """An estimate that cannot be made; the message is one line that says what to edit."""


@dataclass
class Stack:
    """One stack's resources as {type: {name: arguments}}, its environment's usage assumptions,
    the region of each AWS provider alias ("" is the default provider), and the resources of the
    environment's other stacks (peers, same shape), where a literal reference may point."""

    name: str
    resources: Mapping[str, Mapping[str, Mapping]]
    usage: p.Usage
    regions: Mapping[str, str] = field(default_factory=dict)
    peers: Mapping[str, Mapping[str, Mapping]] = field(default_factory=dict)

    def value(self, address: str, args: Mapping, key: str, default: object = None) -> object:
        """A literal argument; a reference or interpolation cannot be priced and says so."""
        value = args.get(key, default)
        if isinstance(value, str) and "${" in value:
            raise CostError(f"{self.name}: {address}.{key} is {value!r}, not a literal; the estimate needs its value")
        return value

    def referenced(self, rtype: str, ref: object, match_key: str) -> Mapping | None:
        """The arguments of the resource `ref` points at: "${type.name.attr}" in synthesized
        JSON, or the literal identifier/id a plan shows (matched on match_key)."""
        if not isinstance(ref, str):
            return None
        found = _REF.match(ref)
        if found and found.group(1) == rtype:
            return self.resources.get(rtype, {}).get(found.group(2))
        candidates = [*self.resources.get(rtype, {}).values(), *self.peers.get(rtype, {}).values()]
        return next((a for a in candidates if a.get(match_key) == ref), None)


Rows = list[tuple[str, float]]


def _size_factor(size: str) -> float | None:
    if size in p.SIZE_FACTOR:
        return p.SIZE_FACTOR[size]
    match = _NXLARGE.match(size)
    return 2.0 * int(match.group(1)) if match else None


def _scaled(instance_type: str, exact: Mapping[str, float], large: Mapping[str, float], prefix: str) -> float:
    if instance_type in exact:
        return exact[instance_type]
    family, _, size = instance_type.removeprefix(prefix).partition(".")
    factor = _size_factor(size)
    if family not in large or factor is None:
        raise CostError(f"no price for {instance_type!r}: add it to catalog/prices.py")
    return large[family] * factor


def ec2_hour(instance_type: str) -> float:
    return _scaled(instance_type, {}, p.EC2_LARGE_HOUR, "")


def rds_hour(instance_class: str) -> float:
    return _scaled(instance_class, p.RDS_HOUR, p.RDS_LARGE_HOUR, "db.")


def cache_hour(node_type: str) -> float:
    return _scaled(node_type, p.CACHE_HOUR, p.CACHE_LARGE_HOUR, "cache.")


def db_vcpus(instance_class: str) -> int:
    size = instance_class.rpartition(".")[2]
    if instance_class.startswith(("db.t3.", "db.t4g.")):
        return {"xlarge": 4, "2xlarge": 8}.get(size, 2)
    return int(2 * (_size_factor(size) or 1))


def node_disk_gib(stack: Stack, address: str, args: Mapping) -> float:
    """The root volume of each node: the launch template's, else the group's disk_size (EKS's
    default 20 GiB when neither is set)."""
    templates = args.get("launch_template") or []
    template = templates[0] if isinstance(templates, list) and templates else templates or {}
    if template:
        found = stack.referenced("aws_launch_template", template.get("id"), "id")
        if found is None:
            raise CostError(f"{stack.name}: {address}: its launch template {template.get('id')!r} is not in the stack")
        for mapping in found.get("block_device_mappings") or []:
            ebs = mapping.get("ebs") or {}
            ebs = ebs[0] if isinstance(ebs, list) and ebs else ebs
            if ebs.get("volume_size"):
                return float(ebs["volume_size"])
    return float(stack.value(address, args, "disk_size") or 20)


def node_group(stack: Stack, address: str, args: Mapping) -> Rows:
    scaling = args.get("scaling_config") or {}
    scaling = scaling[0] if isinstance(scaling, list) else scaling
    desired = int(stack.value(address, scaling, "desired_size"))
    # The first type is the one the group asks for; the others are same-size fallbacks.
    instance_type = stack.value(address, args, "instance_types")[0]
    hourly = ec2_hour(instance_type)
    if stack.value(address, args, "capacity_type", "ON_DEMAND") == "SPOT":
        hourly *= stack.usage.spot_factor
    disk = node_disk_gib(stack, address, args)
    return [("EC2 nodes", desired * hourly * H), ("EBS node volumes", desired * disk * p.EBS_GP3_GB_MONTH)]


def eks_cluster(stack: Stack, address: str, args: Mapping) -> Rows:
    policy = args.get("upgrade_policy") or {}
    policy = policy[0] if isinstance(policy, list) and policy else policy
    return [("EKS control plane", p.EKS_CLUSTER_HOUR[policy.get("support_type") or "STANDARD"] * H)]


def db_instance(stack: Stack, address: str, args: Mapping) -> Rows:
    instance_class = stack.value(address, args, "instance_class")
    copies = 2 if stack.value(address, args, "multi_az") else 1
    storage = args.get("allocated_storage")
    if not storage and args.get("replicate_source_db"):
        source = stack.referenced("aws_db_instance", args["replicate_source_db"], "identifier")
        storage = (source or {}).get("allocated_storage")
    storage = stack.value(address, {"allocated_storage": storage}, "allocated_storage")
    if not storage:
        raise CostError(f"{stack.name}: {address}: no allocated_storage, nor a source database in the stack that has one")
    rows = [("RDS instances", copies * rds_hour(instance_class) * H),
            ("RDS storage", copies * float(storage) * p.RDS_GP3_GB_MONTH)]
    if args.get("performance_insights_enabled") and (args.get("performance_insights_retention_period") or 7) > 7:
        rows.append(("RDS Performance Insights", db_vcpus(instance_class) * p.RDS_INSIGHTS_VCPU_HOUR * H))
    return rows


def proxy_target(stack: Stack, address: str, args: Mapping) -> Rows:
    """RDS Proxy bills per vCPU of the instance it fronts."""
    target = stack.referenced("aws_db_instance", args.get("db_instance_identifier"), "identifier")
    if target is None:
        raise CostError(f"{stack.name}: {address}: its database {args.get('db_instance_identifier')!r} is not in the stack")
    return [("RDS Proxy", db_vcpus(stack.value(address, target, "instance_class")) * p.RDS_PROXY_VCPU_HOUR * H)]


def cache_group(stack: Stack, address: str, args: Mapping) -> Rows:
    node_type, engine = args.get("node_type"), args.get("engine")
    if node_type is None and args.get("global_replication_group_id"):
        # A global datastore's secondary takes its node type and engine from the primary group.
        group = stack.referenced("aws_elasticache_global_replication_group", args["global_replication_group_id"], "global_replication_group_id")
        primary = stack.referenced("aws_elasticache_replication_group", (group or {}).get("primary_replication_group_id"), "replication_group_id")
        if primary is None:
            raise CostError(f"{stack.name}: {address}: a global datastore secondary whose primary group is in no stack of the environment")
        node_type, engine = primary.get("node_type"), primary.get("engine")
    if node_type is None:
        raise CostError(f"{stack.name}: {address}: no node_type (a global datastore secondary inherits it from a primary this plan does not show)")
    node_type = stack.value(address, {"node_type": node_type}, "node_type")
    nodes = args.get("num_cache_clusters")
    if not nodes:
        nodes = (args.get("num_node_groups") or 1) * ((args.get("replicas_per_node_group") or 0) + 1)
    factor = p.VALKEY_FACTOR if engine == "valkey" else 1.0
    return [("ElastiCache nodes", int(nodes) * cache_hour(node_type) * factor * H)]


def log_group(stack: Stack, address: str, args: Mapping) -> Rows:
    name = str(args.get("name", ""))
    gb = stack.usage.log_gb * next((f for part, f in p.LOG_GB_FACTOR.items() if part in name), 1.0)
    # Steady state: one retention period's worth is stored (never-expiring groups: ten years).
    days = stack.value(address, args, "retention_in_days") or 3653
    stored = gb * stack.usage.log_stored_ratio * days / 30
    return [("CloudWatch Logs ingestion", gb * p.LOGS_INGEST_GB), ("CloudWatch Logs storage", stored * p.LOGS_STORED_GB_MONTH)]


def metric_alarm(stack: Stack, address: str, args: Mapping) -> Rows:
    metrics = max(1, sum(1 for q in args.get("metric_query") or [] if q.get("metric")))
    high_res = (args.get("period") or 60) < 60
    return [("CloudWatch alarms", metrics * (p.ALARM_HIGH_RES_MONTH if high_res else p.ALARM_MONTH))]


def nat_gateway(stack: Stack, address: str, args: Mapping) -> Rows:
    if args.get("connectivity_type") == "private":
        return [("NAT gateways", p.NAT_GATEWAY_HOUR * H)]
    return [("NAT gateways", p.NAT_GATEWAY_HOUR * H), ("NAT data processing", stack.usage.nat_gb * p.NAT_GATEWAY_GB)]


def vpc_endpoint(stack: Stack, address: str, args: Mapping) -> Rows:
    if args.get("vpc_endpoint_type", "Gateway") == "Gateway":
        return []  # S3 and DynamoDB gateway endpoints are free
    azs = len(args.get("subnet_ids") or [])
    return [("VPC interface endpoints", azs * p.INTERFACE_ENDPOINT_AZ_HOUR * H + stack.usage.endpoint_gb * p.INTERFACE_ENDPOINT_GB)]


def guardduty_feature(stack: Stack, address: str, args: Mapping) -> Rows:
    name = stack.value(address, args, "name")
    if args.get("status") != "ENABLED":
        return []
    if name not in p.GUARDDUTY_UNIT:
        raise CostError(f"{stack.name}: {address}: no price for GuardDuty feature {name!r}: add it to catalog/prices.py GUARDDUTY_UNIT")
    return [("GuardDuty", stack.usage.guardduty.get(name, 0) * p.GUARDDUTY_UNIT[name])]


def guardduty_detector(stack: Stack, address: str, args: Mapping) -> Rows:
    g = stack.usage.guardduty
    return [("GuardDuty", g["cloudtrail_million_events"] * p.GUARDDUTY_UNIT["cloudtrail_million_events"]
             + g["flow_dns_gb"] * p.GUARDDUTY_UNIT["flow_dns_gb"])]


def cloudtrail(stack: Stack, address: str, args: Mapping) -> Rows:
    # The first copy of management events is free; data events are not.
    selectors = args.get("advanced_event_selector") or []
    data = any(f.get("field") == "eventCategory" and "Data" in (f.get("equals") or [])
               for s in selectors for f in s.get("field_selector") or [])
    return [("CloudTrail data events", stack.usage.trail_data_events / 100_000 * p.CLOUDTRAIL_DATA_EVENTS_100K)] if data else []


def web_acl(stack: Stack, address: str, args: Mapping) -> Rows:
    rules = len(args.get("rule") or [])
    return [("WAF", p.WAF_ACL_MONTH + rules * p.WAF_RULE_MONTH + stack.usage.waf_million_requests * p.WAF_MILLION_REQUESTS)]


def health_check(stack: Stack, address: str, args: Mapping) -> Rows:
    features = sum((
        str(args.get("type", "")).startswith("HTTPS"),
        str(args.get("type", "")).endswith("STR_MATCH"),
        args.get("request_interval") == 10,
        bool(args.get("measure_latency")),
    ))
    return [("Route 53 health checks", p.HEALTH_CHECK_MONTH + features * p.HEALTH_CHECK_FEATURE_MONTH)]


def _flat(kind: str, usd: float) -> Callable[[Stack, str, Mapping], Rows]:
    return lambda stack, address, args: [(kind, usd)]


def _usage(kind: str, fn: Callable[[p.Usage], float]) -> Callable[[Stack, str, Mapping], Rows]:
    return lambda stack, address, args: [(kind, fn(stack.usage))]


PRICERS: dict[str, Callable[[Stack, str, Mapping], Rows]] = {
    "aws_eks_cluster": eks_cluster,
    "aws_eks_node_group": node_group,
    "aws_db_instance": db_instance,
    "aws_db_proxy_target": proxy_target,
    "aws_elasticache_replication_group": cache_group,
    "aws_cloudwatch_log_group": log_group,
    "aws_cloudwatch_metric_alarm": metric_alarm,
    "aws_nat_gateway": nat_gateway,
    "aws_eip": _flat("public IPv4 addresses", p.PUBLIC_IPV4_HOUR * H),
    "aws_vpc_endpoint": vpc_endpoint,
    "aws_kms_key": _flat("KMS keys", p.KMS_KEY_MONTH),
    "aws_secretsmanager_secret": _flat("Secrets Manager", p.SECRET_MONTH),
    "aws_config_configuration_recorder": _usage("AWS Config", lambda u: u.config_items * p.CONFIG_ITEM),
    "aws_config_config_rule": _usage("AWS Config", lambda u: u.config_evaluations * p.CONFIG_RULE_EVALUATION),
    "aws_guardduty_detector": guardduty_detector,
    "aws_guardduty_detector_feature": guardduty_feature,
    "aws_securityhub_standards_subscription": _usage("Security Hub", lambda u: u.hub_checks * p.SECURITY_HUB_CHECK),
    "aws_cloudtrail": cloudtrail,
    "aws_wafv2_web_acl": web_acl,
    "aws_route53_health_check": health_check,
    "aws_cloudfront_distribution": _usage("CloudFront", lambda u: u.cdn_gb * p.CLOUDFRONT_GB_OUT + u.cdn_10k_requests * p.CLOUDFRONT_10K_HTTPS),
    "aws_s3_bucket": _usage("S3", lambda u: u.s3_gb * p.S3_STANDARD_GB_MONTH),
}
