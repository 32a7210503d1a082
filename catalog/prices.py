"""AWS list prices and the usage assumptions the cost estimate (sparki/cost.py) multiplies them by.

Source: the public AWS pricing pages, on-demand, Linux, US East (N. Virginia) us-east-1, USD,
transcribed 2026-11 (PRICES_READ): aws.amazon.com/ec2/pricing/on-demand, /eks/pricing,
/vpc/pricing (NAT gateway, PrivateLink, public IPv4), /ebs/pricing, /rds/postgresql/pricing,
/rds/performance-insights/pricing, /elasticache/pricing, /cloudwatch/pricing, /kms/pricing,
/secrets-manager/pricing, /config/pricing, /guardduty/pricing, /security-hub/pricing,
/waf/pricing, /cloudfront/pricing, /s3/pricing, /cloudtrail/pricing. Free tiers are left out:
the estimate is what the environment costs once the account is past them. Nothing here is read
from the network; a price that changes is changed here, with PRICES_READ.

A region without a row in REGIONS has no prices: the estimate stops and names it, instead of
pricing a DR region as if it were us-east-1.

No cdktf or provider imports: this module sits below everything else.
"""
from __future__ import annotations

from dataclasses import dataclass

PRICES_READ = "2026-11"
# us-west-2 (Oregon, prod's DR region) lists the same on-demand rates as us-east-1 for every
# service priced here (EC2, EKS, RDS, ElastiCache, NAT, KMS, Secrets Manager, CloudWatch, S3,
# Route 53 is global), so one table serves both; a region that differs gets its own table.
REGIONS = ("us-east-1", "us-west-2")
HOURS_PER_MONTH = 730  # AWS's own convention on the pricing pages and the calculator

# -- compute ------------------------------------------------------------------------------------
EKS_CLUSTER_HOUR = {"STANDARD": 0.10, "EXTENDED": 0.60}
# EC2 on-demand $/hour of each family's .large; sizes scale linearly within a family (the
# pricing page's own ratios), SIZE_FACTOR below. Graviton families: the "g" after the digit.
EC2_LARGE_HOUR = {
    "t3": 0.0832, "t3a": 0.0752, "t4g": 0.0672,
    "m5": 0.096, "m5a": 0.086, "m6i": 0.096, "m6a": 0.0864, "m6g": 0.077, "m7i": 0.1008,
    "m7a": 0.11592, "m7g": 0.0816, "m8g": 0.08976,
    "c5": 0.085, "c5a": 0.077, "c6i": 0.085, "c6a": 0.0765, "c6g": 0.068, "c6gn": 0.0864,
    "c7i": 0.08925, "c7a": 0.10264, "c7g": 0.0725, "c8g": 0.07976,
    "r5": 0.126, "r5a": 0.113, "r6i": 0.126, "r6a": 0.1134, "r6g": 0.1008, "r7i": 0.1323,
    "r7a": 0.15215, "r7g": 0.1071, "r8g": 0.11782,
}
SIZE_FACTOR = {"nano": 0.0625, "micro": 0.125, "small": 0.25, "medium": 0.5, "large": 1.0, "xlarge": 2.0}
EBS_GP3_GB_MONTH = 0.08

# Commitments for a steady base (docs/cost.md's levers): the share of the on-demand price a
# 1-year, no-upfront commitment saves, as the Savings Plans and reserved-instance pricing pages
# list it for these families. EC2 is a Compute Savings Plan; RDS and ElastiCache reserved nodes.
COMMITMENT_SAVING = {"ec2": 0.28, "rds": 0.31, "cache": 0.31}
# x86 family -> its Graviton counterpart of the same shape (docs/cost.md's Graviton lever).
GRAVITON = {"t3": "t4g", "t3a": "t4g", "m5": "m7g", "m5a": "m7g", "m6i": "m7g", "m6a": "m7g", "m7i": "m7g",
            "m7a": "m7g", "c5": "c7g", "c5a": "c7g", "c6i": "c7g", "c6a": "c7g", "c7i": "c7g", "c7a": "c7g",
            "r5": "r7g", "r5a": "r7g", "r6i": "r7g", "r6a": "r7g", "r7i": "r7g", "r7a": "r7g"}

# -- network ------------------------------------------------------------------------------------
NAT_GATEWAY_HOUR = 0.045
NAT_GATEWAY_GB = 0.045
PUBLIC_IPV4_HOUR = 0.005  # every public IPv4 address, attached or not, since 2024-02
INTERFACE_ENDPOINT_AZ_HOUR = 0.01
INTERFACE_ENDPOINT_GB = 0.01

# -- data ---------------------------------------------------------------------------------------
# RDS for PostgreSQL single-AZ $/hour; Multi-AZ (one standby) is twice the instance and the storage.
RDS_HOUR = {
    "db.t3.micro": 0.018, "db.t3.small": 0.036, "db.t3.medium": 0.072, "db.t3.large": 0.145,
    "db.t4g.micro": 0.016, "db.t4g.small": 0.032, "db.t4g.medium": 0.065, "db.t4g.large": 0.129,
    "db.t4g.xlarge": 0.258, "db.t4g.2xlarge": 0.517,
}
# m and r classes: $/hour of the .large, linear in size like EC2.
RDS_LARGE_HOUR = {
    "m5": 0.178, "m6g": 0.159, "m6i": 0.178, "m7g": 0.168, "m7i": 0.187,
    "r5": 0.25, "r6g": 0.225, "r6i": 0.25, "r7g": 0.239, "r7i": 0.2625,
}
RDS_GP3_GB_MONTH = 0.115
RDS_PROXY_VCPU_HOUR = 0.015  # per vCPU of the database instance behind it (docs/data.md, "pooler")
# Performance Insights beyond the free 7 days is billed as Database Insights' advanced mode.
RDS_INSIGHTS_VCPU_HOUR = 0.0125
# ElastiCache node-based, Redis OSS $/hour; Valkey nodes are 20% less (VALKEY_FACTOR).
CACHE_HOUR = {
    "cache.t3.micro": 0.017, "cache.t3.small": 0.034, "cache.t3.medium": 0.068,
    "cache.t4g.micro": 0.016, "cache.t4g.small": 0.032, "cache.t4g.medium": 0.065,
}
CACHE_LARGE_HOUR = {"m5": 0.156, "m6g": 0.149, "m7g": 0.158, "r5": 0.216, "r6g": 0.206, "r7g": 0.219}
VALKEY_FACTOR = 0.8

# -- monitoring, keys, secrets ------------------------------------------------------------------
LOGS_INGEST_GB = 0.50
LOGS_STORED_GB_MONTH = 0.03
ALARM_MONTH = 0.10  # per metric of a standard-resolution alarm
ALARM_HIGH_RES_MONTH = 0.30
KMS_KEY_MONTH = 1.00
SECRET_MONTH = 0.40

# -- security services --------------------------------------------------------------------------
CONFIG_ITEM = 0.003
CONFIG_RULE_EVALUATION = 0.001
SECURITY_HUB_CHECK = 0.001
CLOUDTRAIL_DATA_EVENTS_100K = 0.10
# GuardDuty $ per unit of each source it analyses: the detector itself (CloudTrail management
# events, million; VPC flow and DNS logs, GB) and each protection plan.
GUARDDUTY_UNIT = {
    "cloudtrail_million_events": 4.00,
    "flow_dns_gb": 1.00,
    "EKS_AUDIT_LOGS": 2.00,  # per million audit events
    "RUNTIME_MONITORING": 1.50,  # per vCPU-month of monitored nodes
    "S3_DATA_EVENTS": 0.80,  # per million S3 data events
    "EBS_MALWARE_PROTECTION": 0.04,  # per GB scanned
    "RDS_LOGIN_EVENTS": 1.00,  # per provisioned vCPU-month
}

# -- edge and storage ---------------------------------------------------------------------------
WAF_ACL_MONTH = 5.00
WAF_RULE_MONTH = 1.00
WAF_MILLION_REQUESTS = 0.60
CLOUDFRONT_GB_OUT = 0.085
CLOUDFRONT_10K_HTTPS = 0.01
S3_STANDARD_GB_MONTH = 0.023
# Route 53 health checks (aws.amazon.com/route53/pricing): an AWS endpoint's basic check a month,
# and each optional feature (HTTPS, string matching, fast 10 s interval, latency graphs).
HEALTH_CHECK_MONTH = 0.50
HEALTH_CHECK_FEATURE_MONTH = 1.00


@dataclass(frozen=True)
class Usage:
    """What an environment is assumed to use per month where AWS bills by volume. Guesses to
    be replaced by the bill once an environment runs; each names its unit.

    nat_gb: GB processed per NAT gateway. endpoint_gb: GB per interface endpoint.
    log_gb: GB ingested per log group (LOG_GB_FACTOR scales the busy ones).
    log_stored_ratio: stored (compressed) bytes per ingested byte.
    spot_factor: spot price as a share of on-demand (the EC2 spot advisor's typical saving).
    config_items: configuration items recorded; config_evaluations: per rule.
    hub_checks: Security Hub checks per standard. trail_data_events: CloudTrail data events.
    guardduty: units per GuardDuty source (GUARDDUTY_UNIT's keys).
    waf_million_requests: per web ACL. cdn_gb / cdn_10k_requests: per distribution.
    s3_gb: stored per bucket.
    """

    nat_gb: float
    endpoint_gb: float
    log_gb: float
    spot_factor: float
    config_items: int
    config_evaluations: int
    hub_checks: int
    trail_data_events: int
    guardduty: dict[str, float]
    waf_million_requests: float
    cdn_gb: float
    cdn_10k_requests: float
    s3_gb: float
    log_stored_ratio: float = 0.15


# Busy log groups, by a part of their name: container logs and VPC flow logs carry most bytes.
LOG_GB_FACTOR = {"/application": 10.0, "vpc-flow-logs": 5.0, "/dataplane": 2.0, "/performance": 2.0}

USAGE = {
    "dev": Usage(
        nat_gb=50, endpoint_gb=5, log_gb=0.5, spot_factor=0.35, config_items=2_000,
        config_evaluations=1_000, hub_checks=2_000, trail_data_events=200_000,
        guardduty={"cloudtrail_million_events": 0.5, "flow_dns_gb": 20, "EKS_AUDIT_LOGS": 2,
                   "RUNTIME_MONITORING": 8, "S3_DATA_EVENTS": 1, "EBS_MALWARE_PROTECTION": 0, "RDS_LOGIN_EVENTS": 2},
        waf_million_requests=1, cdn_gb=10, cdn_10k_requests=100, s3_gb=5,
    ),
    "staging": Usage(
        nat_gb=150, endpoint_gb=20, log_gb=2, spot_factor=0.35, config_items=5_000,
        config_evaluations=3_000, hub_checks=5_000, trail_data_events=500_000,
        guardduty={"cloudtrail_million_events": 1, "flow_dns_gb": 60, "EKS_AUDIT_LOGS": 5,
                   "RUNTIME_MONITORING": 16, "S3_DATA_EVENTS": 2, "EBS_MALWARE_PROTECTION": 20, "RDS_LOGIN_EVENTS": 2},
        waf_million_requests=5, cdn_gb=100, cdn_10k_requests=1_000, s3_gb=20,
    ),
    "prod": Usage(
        nat_gb=500, endpoint_gb=100, log_gb=10, spot_factor=0.35, config_items=15_000,
        config_evaluations=10_000, hub_checks=15_000, trail_data_events=2_000_000,
        guardduty={"cloudtrail_million_events": 3, "flow_dns_gb": 300, "EKS_AUDIT_LOGS": 20,
                   "RUNTIME_MONITORING": 58, "S3_DATA_EVENTS": 10, "EBS_MALWARE_PROTECTION": 100, "RDS_LOGIN_EVENTS": 4},
        waf_million_requests=50, cdn_gb=2_000, cdn_10k_requests=10_000, s3_gb=200,
    ),
}

# Resource types that cost nothing by themselves, or only by a volume that another row already
# counts: each with the reason. A type that is neither here nor priced in sparki/cost.py stops
# the estimate, so a new kind of resource is a decision, not a silent zero.
FREE_TYPES = {
    **dict.fromkeys((
        "aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_service_linked_role",
        "aws_iam_openid_connect_provider", "aws_iam_account_password_policy", "aws_account_alternate_contact",
        "aws_accessanalyzer_analyzer", "aws_s3_account_public_access_block", "aws_ebs_encryption_by_default",
        "aws_ebs_default_kms_key",
    ), "IAM and account settings are free"),
    **dict.fromkeys((
        "aws_vpc", "aws_subnet", "aws_route", "aws_route_table", "aws_route_table_association",
        "aws_internet_gateway", "aws_network_acl", "aws_default_network_acl", "aws_security_group",
        "aws_default_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule",
        "aws_db_subnet_group", "aws_elasticache_subnet_group",
    ), "VPC plumbing is free; traffic is priced on the NAT gateways and endpoints"),
    "aws_flow_log": "billed as ingestion into its log group, priced there",
    "aws_cloudwatch_log_metric_filter": "free; the alarm on its metric is priced",
    "aws_cloudwatch_event_rule": "AWS service events on the default bus are free",
    "aws_cloudwatch_event_target": "free; SNS deliveries are usage-only",
    "aws_cloudwatch_log_delivery": "vended log delivery, billed as ingestion at its destination",
    "aws_cloudwatch_log_delivery_source": "vended log delivery, billed as ingestion at its destination",
    "aws_cloudwatch_log_delivery_destination": "vended log delivery, billed as ingestion at its destination",
    "aws_sns_topic": "usage-only: the first million publishes a month are free",
    "aws_sns_topic_policy": "free",
    "aws_kms_alias": "free; the key is priced",
    "aws_secretsmanager_secret_policy": "free; the secret is priced",
    "aws_secretsmanager_secret_version": "free; the secret is priced",
    "aws_acm_certificate": "public ACM certificates are free",
    "aws_acm_certificate_validation": "free",
    "aws_route53_record": "records are free; queries are usage-only (alias queries to AWS targets free)",
    "aws_launch_template": "free; its root volume is priced per node on the node group",
    "aws_eks_addon": "EKS add-ons are free; they run on the priced nodes",
    "aws_eks_access_entry": "free",
    "aws_eks_access_policy_association": "free",
    "aws_db_parameter_group": "free",
    "aws_db_proxy": "priced per vCPU of its target database (aws_db_proxy_target)",
    "aws_db_proxy_default_target_group": "free; the target is priced",
    "aws_db_event_subscription": "free; SNS deliveries are usage-only",
    "aws_elasticache_parameter_group": "free",
    "aws_elasticache_user": "free",
    "aws_elasticache_user_group": "free",
    "aws_config_configuration_recorder_status": "free; the recorder is priced",
    "aws_config_delivery_channel": "free; delivery to the priced bucket",
    "aws_securityhub_account": "priced per enabled standard's checks",
    "aws_securityhub_product_subscription": "findings ingested from partners: the first 10,000 a month are free",
    "aws_wafv2_web_acl_logging_configuration": "billed as ingestion into its log group, priced there",
    "aws_cloudfront_cache_policy": "free",
    "aws_s3_bucket_replication_configuration": (
        "usage-only: the replica's storage is priced on the destination bucket; inter-Region transfer "
        "($0.02/GB) of state files is a few cents"
    ),
    "aws_db_instance_automated_backups_replication": (
        "usage-only: replicated backup storage ($0.095/GB-month beyond the DR instance's free share) "
        "and inter-Region transfer ($0.02/GB) grow with the database's changes, not with a size set here"
    ),
    "aws_elasticache_global_replication_group": (
        "no charge of its own: both member groups' nodes are priced; cross-Region replication "
        "traffic ($0.02/GB) is usage-only"
    ),
    "aws_cloudfront_origin_access_control": "free",
    "aws_cloudfront_response_headers_policy": "free",
    **dict.fromkeys((
        "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_logging", "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_policy", "aws_s3_bucket_public_access_block", "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_versioning",
    ), "bucket settings are free; the bucket's storage is priced"),
    **dict.fromkeys((
        "helm_release", "kubernetes_manifest", "kubernetes_default_service_account_v1", "kubernetes_namespace_v1",
        "kubernetes_limit_range_v1", "kubernetes_resource_quota_v1",
    ), "Kubernetes objects run on the priced nodes"),
}
