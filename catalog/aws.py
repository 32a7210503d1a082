"""AWS limits and enumerations that environments/ (to refuse bad data) and constructs/ (to
refuse bad props) both check. One list per fact, each with the AWS page it comes from and
when it was read; a value AWS adds later is added here once, and both sides accept it.

No cdktf or provider imports: this module sits below everything else.
"""
from __future__ import annotations

import re

# -- regions -----------------------------------------------------------------------------------
# "Regions and Zones" (Amazon EC2 User Guide), read 2026-11. Opt-in regions we may use are
# included; a typo ("eu-west-7") must fail at load, not at apply time.
REGIONS = frozenset(
    {
        "us-east-1", "us-east-2", "us-west-1", "us-west-2",
        "ca-central-1", "sa-east-1",
        "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2",
        "eu-north-1", "eu-south-1", "eu-south-2",
        "ap-south-1", "ap-south-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
        "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-east-1",
        "me-south-1", "me-central-1", "af-south-1", "il-central-1",
    }
)
# A VPC spans at most this many zones in our subnet plan (constructs/network.py plan_subnets).
MAX_AZS = 4

# -- disaster recovery --------------------------------------------------------------------------
# The services the DR stacks use in the DR region, and the regions that offer each, as the pages
# named read 2026-11. A DR region missing one is refused at load time, not halfway through a
# failover. Regions of REGIONS only (GovCloud and China are other partitions).
_ALL_REGIONS = REGIONS
DR_SERVICES: dict[str, frozenset[str]] = {
    # "Prerequisites and limitations" (ElastiCache User Guide, Global Datastore).
    "ElastiCache global datastore": frozenset(
        {
            "af-south-1", "ap-east-1", "ap-south-2", "ap-southeast-3", "ap-southeast-4", "ap-south-1",
            "ap-northeast-3", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1",
            "ca-central-1", "eu-central-1", "eu-west-2", "eu-west-1", "eu-south-1", "eu-west-3",
            "eu-south-2", "eu-north-1", "eu-central-2", "il-central-1", "me-south-1", "me-central-1",
            "us-east-1", "us-east-2", "us-west-1", "us-west-2", "sa-east-1",
        }
    ),
    # "Amazon RDS endpoints and quotas" (AWS General Reference): cross-Region read replicas
    # between any two commercial regions. Whether automated backups may replicate between a given
    # pair is answered per account by `aws rds describe-source-regions` (docs/disaster-recovery.md).
    "RDS cross-Region read replicas": _ALL_REGIONS,
    # "Amazon EKS endpoints and quotas" (AWS General Reference).
    "EKS": _ALL_REGIONS,
}
# Global datastores need these node families in size large and above (same page as above).
GLOBAL_DATASTORE_FAMILIES = ("m5", "m6g", "m7g", "r5", "r6g", "r7g")


def supports_global_datastore(node_type: str) -> bool:
    """Whether an ElastiCache node type ("cache.r7g.large") can join a global datastore."""
    _, family, size = node_type.split(".", 2) if node_type.count(".") == 2 else ("", "", "")
    return family in GLOBAL_DATASTORE_FAMILIES and size in _STANDARD_SIZES


# -- CloudWatch Logs ---------------------------------------------------------------------------
# "PutRetentionPolicy" (CloudWatch Logs API Reference), read 2026-11: the only values accepted.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
    2557, 2922, 3288, 3653,
)

# -- KMS ---------------------------------------------------------------------------------------
# "ScheduleKeyDeletion" (AWS KMS API Reference), read 2026-11: PendingWindowInDays 7..30.
KMS_DELETION_WINDOW_DAYS = (7, 30)

# -- EKS ---------------------------------------------------------------------------------------
# "Understand the Kubernetes version lifecycle on EKS" (Amazon EKS User Guide), read 2026-11:
# versions in standard support that our add-on pins were chosen for. Extended support costs six
# times as much per cluster-hour, so a version leaving standard support leaves this list.
KUBERNETES_VERSIONS = ("1.31", "1.32", "1.33")
# "CreateNodegroup" (Amazon EKS API Reference), read 2026-11: capacityType and taint effects.
CAPACITY_TYPES = ("ON_DEMAND", "SPOT")
TAINT_EFFECTS = ("NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE")
# Same page, amiType; Amazon Linux 2023 only: its root device is /dev/xvda, which the node
# launch template encrypts. One per CPU architecture a node group may choose (the names are
# Kubernetes' own, the values of the kubernetes.io/arch node label: amd64 is x86_64).
AMI_TYPE_BY_ARCHITECTURE = {"amd64": "AL2023_x86_64_STANDARD", "arm64": "AL2023_ARM_64_STANDARD"}
ARCHITECTURES = tuple(AMI_TYPE_BY_ARCHITECTURE)
# Same page, updateConfig.maxUnavailablePercentage.
MAX_UNAVAILABLE_PERCENT = (1, 100)
# Ours: the sizes of a node's encrypted gp3 root volume we accept, GiB; and the group names,
# short enough that sparki-<env>-<group> fits every name derived from it.
NODE_DISK_GIB = (20, 1000)
NODE_GROUP_NAME = re.compile(r"^[a-z][a-z0-9-]{1,19}$")

# -- VPC endpoints -----------------------------------------------------------------------------
# "AWS services that integrate with AWS PrivateLink" (Amazon VPC User Guide), read 2026-11: the
# interface endpoints the network construct knows how to create (service short names). ec2, eks,
# eks-auth and ssm: "Deploy private clusters with limited internet access" (Amazon EKS User Guide)
# lists them for nodes without a route out (VPC CNI and EBS CSI call EC2; the autoscaler EKS; the
# Pod Identity agent eks-auth; the SSM agent ssm).
INTERFACE_ENDPOINTS = ("ecr.api", "ecr.dkr", "sts", "logs", "secretsmanager", "kms", "ec2", "eks", "eks-auth", "ssm")

# -- EC2 instance types (EKS node groups) ------------------------------------------------------
# "Amazon EC2 instance types" (Amazon EC2 Instance Types guide), read 2026-11: the current
# general-purpose, compute- and memory-optimised families we run nodes on. Graviton families
# carry a "g" right after the generation digit (m7g, c6gn, t4g).
EC2_FAMILIES = (
    "t3", "t3a", "t4g",
    "m5", "m5a", "m6i", "m6a", "m6g", "m7i", "m7a", "m7g", "m8g",
    "c5", "c5a", "c6i", "c6a", "c6g", "c6gn", "c7i", "c7a", "c7g", "c8g",
    "r5", "r5a", "r6i", "r6a", "r6g", "r7i", "r7a", "r7g", "r8g",
)
EC2_SIZES = (
    "nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge",
    "12xlarge", "16xlarge", "24xlarge", "32xlarge", "48xlarge", "metal",
)
_ARM_FAMILY = re.compile(r"^[a-z]+[0-9]+g[a-z]*$")


def ec2_instance_problem(instance_type: str) -> str | None:
    """Why an EC2 instance type is not one we accept, or None."""
    family, dot, size = instance_type.partition(".")
    if not dot or not family or not size:
        return f"{instance_type!r} is not an EC2 instance type; use family.size, e.g. 'm6i.large' or 'm7g.2xlarge'"
    if family not in EC2_FAMILIES:
        return f"{instance_type!r}: family {family!r} is not one we accept; use one of {', '.join(EC2_FAMILIES)}"
    if size not in EC2_SIZES:
        return f"{instance_type!r}: size {size!r} is not an EC2 size; use one of {', '.join(EC2_SIZES)}"
    return None


def ec2_vcpus(instance_type: str) -> int | None:
    """vCPUs of an EC2 type we accept: burstable (t) sizes up to large have 2; medium is 1 in
    the other families; large 2, xlarge 4, Nxlarge 4N. None for metal or a malformed type."""
    family, _, size = instance_type.partition(".")
    if family.startswith("t") and size in ("nano", "micro", "small", "medium", "large"):
        return 2
    if size == "medium":
        return 1
    return _vcpus(size)


def is_arm(instance_type: str) -> bool:
    """Whether an EC2 (or db./cache.) type is Graviton (arm64)."""
    family = instance_type.removeprefix("db.").removeprefix("cache.").partition(".")[0]
    return bool(_ARM_FAMILY.match(family))


def ec2_architecture(instance_type: str) -> str:
    """The CPU architecture of an EC2 type, as Kubernetes names it: "arm64" (Graviton) or "amd64"."""
    return "arm64" if is_arm(instance_type) else "amd64"


# -- RDS and ElastiCache classes ---------------------------------------------------------------
# "Supported DB engines for DB instance classes" (Amazon RDS User Guide) and "Supported node
# types" (Amazon ElastiCache User Guide), read 2026-11: the families we size for, with memory.
DB_FAMILIES = ("t3", "t4g", "m5", "m6g", "m6i", "m7g", "m7i", "r5", "r6g", "r6i", "r7g", "r7i")
CACHE_FAMILIES = ("t3", "t4g", "m5", "m6g", "m7g", "r5", "r6g", "r7g")
# GiB per class. Burstable sizes are listed; m and r scale with vCPUs.
_BURSTABLE_DB_GIB = {"micro": 1, "small": 2, "medium": 4, "large": 8, "xlarge": 16, "2xlarge": 32}
_BURSTABLE_CACHE_GIB = {"micro": 0.5, "small": 1.37, "medium": 3.09}
_STANDARD_SIZES = ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge")
# ElastiCache reserves part of each node; these are the published usable GiB per vCPU.
_CACHE_GIB_PER_VCPU = {"m": 3.19, "r": 6.535}
_DB_GIB_PER_VCPU = {"m": 4, "r": 8}
_CLASS = re.compile(r"^(db|cache)\.([a-z0-9]+)\.([a-z0-9]+)$")


def _vcpus(size: str) -> int | None:
    if size == "large":
        return 2
    if size == "xlarge":
        return 4
    match = re.fullmatch(r"(\d+)xlarge", size)
    return 4 * int(match.group(1)) if match else None


def instance_memory_gib(instance_class: str) -> float | None:
    """Memory of a db.* or cache.* class we size for; None for anything else."""
    match = _CLASS.match(instance_class or "")
    if not match:
        return None
    service, family, size = match.groups()
    families = DB_FAMILIES if service == "db" else CACHE_FAMILIES
    if family not in families:
        return None
    if family.startswith("t"):
        table = _BURSTABLE_DB_GIB if service == "db" else _BURSTABLE_CACHE_GIB
        return table.get(size)
    if size not in _STANDARD_SIZES:
        return None
    per_vcpu = (_DB_GIB_PER_VCPU if service == "db" else _CACHE_GIB_PER_VCPU)[family[0]]
    return _vcpus(size) * per_vcpu


# "DB instance class" and "Enhanced Monitoring" (Amazon RDS User Guide), read 2026-11.
MONITORING_INTERVALS = (1, 5, 10, 15, 30, 60)
# "Configuring Performance Insights" (Amazon RDS User Guide), read 2026-11: 7 days (free tier)
# or a whole number of months (31 days each) up to 24.
INSIGHTS_RETENTION_DAYS = (7, *range(31, 732, 31))
# "Working with read replicas" (Amazon RDS User Guide) allows 15 for PostgreSQL; we cap at 5,
# each one is a full instance. "Replication: Redis (cluster mode disabled)" (ElastiCache User
# Guide), read 2026-11: at most 5 replicas per shard.
MAX_DB_READ_REPLICAS = 5
MAX_CACHE_REPLICAS = 5
# How a PostgreSQL master password is kept (docs/data.md, "Credentials"). "rds-managed": RDS
# generates and rotates it in a secret of its own; "Password management with Amazon RDS and
# AWS Secrets Manager" (RDS User Guide), read 2026-11, lists read replicas of such a source and
# blue/green deployments as unsupported. "write-only": Terraform sends an ephemeral password to
# the instance and to our own secret through write-only arguments (Terraform 1.11, AWS 5.100).
DB_PASSWORD_SCHEMES = ("rds-managed", "write-only")
# "/", '"' and "@" are refused by RDS in a master password (ModifyDBInstance,
# MasterUserPassword); "'" and "\\" would need quoting in libpq connection strings.
DB_PASSWORD_EXCLUDED = "/\"@'\\"
# "Backing up and restoring" (RDS) and "Scheduling automatic backups" (ElastiCache), read 2026-11.
MAX_BACKUP_RETENTION_DAYS = 35

# -- maintenance and backup windows -------------------------------------------------------------
# "Maintaining a DB instance" (RDS) and "Managing ElastiCache maintenance", read 2026-11: UTC,
# daily windows "hh:mm-hh:mm", weekly ones "ddd:hh:mm-ddd:hh:mm".
DAILY_WINDOW = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
WEEKLY_WINDOW = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$"
)
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY, WEEK = 24 * 60, 7 * 24 * 60


def daily_window(text: str) -> tuple[int, int] | None:
    """"hh:mm-hh:mm" (UTC) -> (start minute of day, length in minutes); None if malformed."""
    match = DAILY_WINDOW.match(text or "")
    if not match:
        return None
    h1, m1, h2, m2 = map(int, match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    return start, (end - start) % DAY


def weekly_window(text: str) -> tuple[int, int] | None:
    """"ddd:hh:mm-ddd:hh:mm" (UTC) -> (start minute of week, length); None if malformed."""
    match = WEEKLY_WINDOW.match(text or "")
    if not match:
        return None
    d1, h1, m1, d2, h2, m2 = match.groups()
    start = _DAYS.index(d1) * DAY + int(h1) * 60 + int(m1)
    end = _DAYS.index(d2) * DAY + int(h2) * 60 + int(m2)
    return start, (end - start) % WEEK


def daily_overlaps_weekly(daily: tuple[int, int], weekly: tuple[int, int]) -> bool:
    """Whether a window that repeats every day ever overlaps a weekly window."""
    def overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
        d = (b[0] - a[0]) % WEEK
        return d < a[1] or (-d) % WEEK < b[1]

    return any(overlap((day * DAY + daily[0], daily[1]), weekly) for day in range(7))

# -- WAF and CloudFront (the edge layer) -------------------------------------------------------
# "Requirements for using SSL/TLS certificates with CloudFront" and "AWS WAF web ACL scope"
# (CloudFront and WAF Developer Guides), read 2026-11: CloudFront's certificates and
# CLOUDFRONT-scope web ACLs live in us-east-1, as do its metrics and vended access logs.
CLOUDFRONT_REGION = "us-east-1"
# "RateBasedStatement" (AWS WAFV2 API Reference), read 2026-11: Limit and EvaluationWindowSec.
WAF_RATE_LIMIT_RANGE = (10, 2_000_000_000)
WAF_RATE_WINDOWS = (60, 120, 300, 600)
# "Body inspection size limits" (AWS WAF Developer Guide), read 2026-11: what WAF reads of a
# body without an association_config: 8 KB behind an ALB (fixed), 16 KB behind CloudFront.
WAF_BODY_INSPECTION_LIMIT = {"REGIONAL": 8192, "CLOUDFRONT": 16384}
# Ours, not AWS's: "count" only counts what the rules would block.
WAF_MODES = ("block", "count")
# "Choosing the price class" (Amazon CloudFront Developer Guide), read 2026-11.
CLOUDFRONT_PRICE_CLASSES = ("PriceClass_100", "PriceClass_200", "PriceClass_All")

# -- security services ---------------------------------------------------------------------
# "DetectorFeatureConfiguration" (Amazon GuardDuty API Reference), read 2026-11: the protection
# plans an environment may turn on. RUNTIME_MONITORING supersedes EKS_RUNTIME_MONITORING (the
# API refuses both on one detector); it covers EKS, ECS Fargate and EC2 by additional
# configuration, of which we only ever ask for EKS_ADDON_MANAGEMENT.
GUARDDUTY_FEATURES = ("EKS_AUDIT_LOGS", "RUNTIME_MONITORING", "S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS")
GUARDDUTY_RUNTIME_ADDON = "EKS_ADDON_MANAGEMENT"
# "Findings severity levels" (Amazon GuardDuty User Guide), read 2026-11: the lower bound of each
# label on GuardDuty's numeric scale (CRITICAL, 9.0-10.0, was added for attack sequences).
# Security Hub's ASFF Severity.Label uses the same words, plus INFORMATIONAL below LOW.
FINDING_SEVERITIES = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
GUARDDUTY_SEVERITY_FLOOR = {"LOW": 1, "MEDIUM": 4, "HIGH": 7, "CRITICAL": 9}


def severities_from(threshold: str) -> tuple[str, ...]:
    """The severity labels at or above `threshold`, e.g. "HIGH" -> ("HIGH", "CRITICAL")."""
    return FINDING_SEVERITIES[FINDING_SEVERITIES.index(threshold):]


# "Security Hub CSPM standards reference" (AWS Security Hub User Guide), read 2026-11: standards
# by the short name environments use, as the path after "standards/" in the regional ARN
# arn:aws:securityhub:<region>::standards/<path>. (CIS v1.2.0 has a different, global
# "ruleset" ARN and is not offered: v5.0.0 supersedes it.) Sources per ARN: docs/security.md.
SECURITY_HUB_STANDARDS = {
    "aws-foundational-security-best-practices": "aws-foundational-security-best-practices/v/1.0.0",
    "cis-v5.0.0": "cis-aws-foundations-benchmark/v/5.0.0",
    "cis-v3.0.0": "cis-aws-foundations-benchmark/v/3.0.0",
}
# What an environment runs unless it says otherwise (docs/security.md says why CIS v5.0.0
# replaces v3.0.0 instead of running beside it).
SECURITY_HUB_DEFAULT_STANDARDS = ("aws-foundational-security-best-practices", "cis-v5.0.0")


def security_hub_standard_arn(region: str, standard: str) -> str:
    return f"arn:aws:securityhub:{region}::standards/{SECURITY_HUB_STANDARDS[standard]}"


# Third-party integrations by "<company>/<product>", the tail of their regional product ARN
# arn:aws:securityhub:<region>::product/<company>/<product> (kube-bench's docs/asff.md, v0.15.6).
SECURITY_HUB_KUBE_BENCH_PRODUCT = "aqua-security/kube-bench"


def security_hub_product_arn(region: str, product: str) -> str:
    return f"arn:aws:securityhub:{region}::product/{product}"


# "AlternateContactType" (AWS Account Management API Reference), read 2026-11: PutAlternateContact
# limits; Name 1..64, Title 1..50, EmailAddress 1..254, PhoneNumber 1..25 of [\s0-9()+-].
CONTACT_LIMITS = {"name": 64, "title": 50, "email": 254, "phone": 25}
CONTACT_PHONE = re.compile(r"^[\s0-9()+\-]{1,25}$")
CONTACT_EMAIL = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")
