"""The rules of the policy pack, one small function each (cdk-nag shape).

A rule is a function of (resource, stack) that answers COMPLIANT, NOT_APPLICABLE or
non_compliant(detail). It reads the resolved Terraform configuration of the resource, the very
JSON `terraform` will see (overrides included), and may look at the other resources of the same
stack, e.g. to find the public access block that names a bucket. Rules know nothing of cdktf:
they run on plain dictionaries, so each one is tested with a few lines of data.

RULES maps each rule id to its title (what is wrong) and fix (what to do), which is what a
violation prints.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Tags every taggable resource carries: the first four come from the stack's provider
# default_tags (stacks/base.py), Owner and CostCenter from the environment's tags.
REQUIRED_TAGS = ("Project", "Environment", "Layer", "ManagedBy", "Owner", "CostCenter")
WORLD = frozenset({"0.0.0.0/0", "::/0"})
PUBLIC_LB_PORTS = frozenset({80, 443})

COMPLIANT_ = "compliant"
NON_COMPLIANT_ = "non-compliant"
NOT_APPLICABLE_ = "not-applicable"


@dataclass(frozen=True)
class Finding:
    outcome: str
    detail: str = ""


COMPLIANT = Finding(COMPLIANT_)
NOT_APPLICABLE = Finding(NOT_APPLICABLE_)


def non_compliant(detail: str) -> Finding:
    return Finding(NON_COMPLIANT_, detail)


@dataclass(frozen=True)
class Resource:
    """One resource as Terraform sees it.

    type / name: "aws_s3_bucket" and its logical id in the JSON; path: the construct path.
    taggable: the resource type has a `tags` argument.
    """

    type: str
    name: str
    path: str
    config: Mapping[str, Any]
    taggable: bool = False

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"

    def get(self, key: str, default: Any = None) -> Any:
        return self.config.get(key, default)

    def referenced_by(self, value: Any) -> bool:
        """value points at this resource: an interpolation of one of its attributes, or its
        literal name (a bucket may be named instead of referenced)."""
        if isinstance(value, str):
            if "${" + self.address + "." in value:
                return True
            names = {self.config.get(k) for k in ("bucket", "name", "id")}
            return value in {n for n in names if isinstance(n, str) and "${" not in n}
        if isinstance(value, list | tuple):
            return any(self.referenced_by(v) for v in value)
        return False


@dataclass(frozen=True)
class StackView:
    """Everything the rules may know about one stack."""

    name: str
    production: bool
    resources: tuple[Resource, ...]
    data: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)
    provider_tags: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def from_terraform(cls, name: str, doc: Mapping[str, Any], production: bool) -> StackView:
        """From a stack's synthesized JSON (cdktf's to_terraform()); each resource carries its
        construct path in the "//" metadata cdktf writes."""
        resources = []
        for rtype, by_name in sorted(doc.get("resource", {}).items()):
            for logical, config in sorted(by_name.items()):
                path = config.get("//", {}).get("metadata", {}).get("path", f"{name}/{logical}")
                body = {k: v for k, v in config.items() if k != "//"}
                resources.append(Resource(rtype, logical, path, body))
        data = {
            dtype: {n: {k: v for k, v in c.items() if k != "//"} for n, c in by_name.items()}
            for dtype, by_name in doc.get("data", {}).items()
        }
        tags: dict[str, Mapping[str, str]] = {}
        for pname, configs in doc.get("provider", {}).items():
            for config in configs if isinstance(configs, list) else [configs]:
                alias = config.get("alias")
                key = f"{pname}.{alias}" if alias else pname
                merged: dict[str, str] = {}
                for block in blocks(config.get("default_tags")):
                    if isinstance(block.get("tags"), Mapping):
                        merged.update(block["tags"])
                tags[key] = merged
        return cls(name, production, tuple(resources), data, tags)

    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources if r.type in types]

    def at(self, path: str) -> Resource | None:
        for r in self.resources:
            if r.path == path:
                return r
        return None

    def attached(self, target: Resource, rtype: str, attr: str) -> list[Resource]:
        """Resources of rtype whose attr points at target (e.g. the policies of a bucket)."""
        return [r for r in self.of_type(rtype) if target.referenced_by(r.get(attr))]

    def default_tags(self, resource: Resource) -> Mapping[str, str]:
        provider = resource.get("provider") or resource.type.split("_", 1)[0]
        if isinstance(provider, str):
            provider = provider.removeprefix("${").removesuffix("}")
        return self.provider_tags.get(provider, {})

    def policy_document(self, value: Any) -> dict | None:
        """A policy as IAM JSON: a literal JSON string, or an aws_iam_policy_document data
        source of this stack it interpolates. None when it cannot be read here."""
        if isinstance(value, Mapping):
            return dict(value)
        if not isinstance(value, str):
            return None
        match = re.fullmatch(r"\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}", value.strip())
        if match:
            source = self.data.get("aws_iam_policy_document", {}).get(match.group(1))
            return _document_from_data_source(source) if source else None
        try:
            doc = json.loads(value)
        except ValueError:
            return None
        return doc if isinstance(doc, dict) else None

    def public_lb_security_groups(self) -> list[Resource]:
        """Security groups attached to an internet-facing load balancer of this stack."""
        lbs = [lb for lb in self.of_type("aws_lb", "aws_alb") if not truthy(lb.get("internal"))]
        groups = self.of_type("aws_security_group")
        return [sg for sg in groups if any(sg.referenced_by(lb.get("security_groups")) for lb in lbs)]


Check = Callable[[Resource, StackView], Finding]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    fix: str
    check: Check


RULES: dict[str, Rule] = {}


def rule(rule_id: str, title: str, fix: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} is defined twice")
        RULES[rule_id] = Rule(rule_id, title, fix, check)
        return check

    return register


# -- helpers ----------------------------------------------------------------------------------


def blocks(value: Any) -> list[Mapping[str, Any]]:
    """A nested block as a list: Terraform JSON writes one block as an object or a list."""
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, Mapping)]
    return []


def truthy(value: Any) -> bool:
    """True, or the string "true" (some provider arguments are strings)."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def is_set(value: Any) -> bool:
    return value not in (None, "", [], {})


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _document_from_data_source(source: Mapping[str, Any]) -> dict:
    """aws_iam_policy_document arguments -> the IAM JSON they render."""
    statements = []
    for st in blocks(source.get("statement")):
        principals: Any = {}
        for p in blocks(st.get("principals")):
            ids = _as_list(p.get("identifiers"))
            principals = "*" if p.get("type") == "*" or (p.get("type") == "AWS" and ids == ["*"]) else {p.get("type"): ids}
        conditions: dict[str, dict[str, list]] = {}
        for c in blocks(st.get("condition")):
            conditions.setdefault(c.get("test"), {})[c.get("variable")] = _as_list(c.get("values"))
        statements.append(
            {
                "Effect": st.get("effect", "Allow"),
                "Principal": principals,
                "Action": _as_list(st.get("actions")),
                "Resource": _as_list(st.get("resources")),
                "Condition": conditions,
            }
        )
    return {"Statement": statements}


def _denies_insecure_transport(doc: Mapping[str, Any]) -> bool:
    for st in _as_list(doc.get("Statement")):
        if not isinstance(st, Mapping) or st.get("Effect") != "Deny":
            continue
        principal = st.get("Principal")
        if principal != "*" and not (isinstance(principal, Mapping) and _as_list(principal.get("AWS")) == ["*"]):
            continue
        if not {"s3:*", "*"} & set(_as_list(st.get("Action"))):
            continue
        resources = [str(r) for r in _as_list(st.get("Resource"))]
        if not (any(r.endswith("/*") for r in resources) and any(not r.endswith("/*") for r in resources)):
            continue
        secure = st.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport")
        if [str(v).lower() for v in _as_list(secure)] == ["false"]:
            return True
    return False


# -- S3 -----------------------------------------------------------------------------------------


@rule(
    "SPK-S3-ENC",
    "bucket is not encrypted by default with a KMS key",
    "add an aws_s3_bucket_server_side_encryption_configuration for the bucket with sse_algorithm "
    "'aws:kms' and one of the environment's keys (see constructs/log_bucket.py)",
)
def bucket_encrypted(r: Resource, stack: StackView) -> Finding:
    if r.type != "aws_s3_bucket":
        return NOT_APPLICABLE
    configs = [c.config for c in stack.attached(r, "aws_s3_bucket_server_side_encryption_configuration", "bucket")]
    configs += blocks(r.get("server_side_encryption_configuration"))
    algorithms = {
        d.get("sse_algorithm")
        for c in configs
        for rl in blocks(c.get("rule"))
        for d in blocks(rl.get("apply_server_side_encryption_by_default"))
    }
    if algorithms & {"aws:kms", "aws:kms:dsse"}:
        return COMPLIANT
    return non_compliant(f"default encryption is {', '.join(sorted(map(str, algorithms)))}" if algorithms else "no default encryption configured")


PUBLIC_ACCESS_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


@rule(
    "SPK-S3-PAB",
    "bucket has no complete public access block",
    "add an aws_s3_bucket_public_access_block for the bucket with block_public_acls, "
    "block_public_policy, ignore_public_acls and restrict_public_buckets all true",
)
def bucket_public_access_blocked(r: Resource, stack: StackView) -> Finding:
    if r.type != "aws_s3_bucket":
        return NOT_APPLICABLE
    pabs = stack.attached(r, "aws_s3_bucket_public_access_block", "bucket")
    if any(all(truthy(p.get(f)) for f in PUBLIC_ACCESS_FLAGS) for p in pabs):
        return COMPLIANT
    if not pabs:
        return non_compliant("no aws_s3_bucket_public_access_block names it")
    off = sorted({f for p in pabs for f in PUBLIC_ACCESS_FLAGS if not truthy(p.get(f))})
    return non_compliant(f"{', '.join(off)} not true")


@rule(
    "SPK-S3-TLS",
    "bucket policy does not deny plain-HTTP requests",
    "attach an aws_s3_bucket_policy with a Deny of s3:* for Principal '*' on the bucket and its "
    "objects when aws:SecureTransport is false (constructs/private_bucket.py tls_only_policy)",
)
def bucket_tls_only(r: Resource, stack: StackView) -> Finding:
    if r.type != "aws_s3_bucket":
        return NOT_APPLICABLE
    values = [p.get("policy") for p in stack.attached(r, "aws_s3_bucket_policy", "bucket")]
    if r.get("policy"):
        values.append(r.get("policy"))
    docs = [stack.policy_document(v) for v in values]
    if any(doc and _denies_insecure_transport(doc) for doc in docs):
        return COMPLIANT
    if not values:
        return non_compliant("no bucket policy")
    if not any(docs):
        return non_compliant("its policy cannot be read at synth time; write it in this stack")
    return non_compliant("no statement denies aws:SecureTransport=false")


# -- encryption at rest ---------------------------------------------------------------------------


@rule(
    "SPK-LOG-ENC",
    "log group is not encrypted with a KMS key",
    "set kms_key_id to the environment's logs key (SecurityStack keys.arn('logs'))",
)
def log_group_encrypted(r: Resource, stack: StackView) -> Finding:
    if r.type != "aws_cloudwatch_log_group":
        return NOT_APPLICABLE
    return COMPLIANT if is_set(r.get("kms_key_id")) else non_compliant("kms_key_id is not set")


@rule(
    "SPK-MSG-ENC",
    "topic or queue is not encrypted with a KMS key",
    "set kms_master_key_id to one of the environment's keys (SNS: the audit key for alarms)",
)
def message_encrypted(r: Resource, stack: StackView) -> Finding:
    if r.type not in ("aws_sns_topic", "aws_sqs_queue"):
        return NOT_APPLICABLE
    if is_set(r.get("kms_master_key_id")):
        return COMPLIANT
    if truthy(r.get("sqs_managed_sse_enabled")):
        return non_compliant("SQS-managed encryption uses a key the environment does not control")
    return non_compliant("kms_master_key_id is not set")


def _flag(attr: str) -> Callable[[Resource], Finding]:
    def check(r: Resource) -> Finding:
        return COMPLIANT if truthy(r.get(attr)) else non_compliant(f"{attr} is not true")

    return check


def _kms_id(attr: str) -> Callable[[Resource], Finding]:
    def check(r: Resource) -> Finding:
        return COMPLIANT if is_set(r.get(attr)) else non_compliant(f"{attr} is not set: the AWS-managed key cannot be scoped or audited per environment")

    return check


def _dynamodb(r: Resource) -> Finding:
    sse = blocks(r.get("server_side_encryption"))
    return COMPLIANT if sse and truthy(sse[0].get("enabled")) else non_compliant("server_side_encryption with a customer key is not enabled")


def _cache_node(r: Resource) -> Finding:
    if is_set(r.get("replication_group_id")):
        return COMPLIANT
    return non_compliant("a standalone cache cluster cannot encrypt at rest; create it in a replication group")


def _instance(r: Resource) -> Finding:
    disks = blocks(r.get("root_block_device")) + blocks(r.get("ebs_block_device"))
    plain = [d.get("device_name", "root") for d in disks if not truthy(d.get("encrypted"))]
    if not blocks(r.get("root_block_device")):
        plain.insert(0, "root")
    return non_compliant(f"unencrypted volume(s): {', '.join(plain)}") if plain else COMPLIANT


def _launch_template(r: Resource) -> Finding:
    ebs = [e for m in blocks(r.get("block_device_mappings")) for e in blocks(m.get("ebs"))]
    if not ebs:
        return NOT_APPLICABLE  # the AMI's volumes, encrypted by the account's EBS default
    return COMPLIANT if all(truthy(e.get("encrypted")) for e in ebs) else non_compliant("a block device mapping has encrypted != true")


def _eks(r: Resource) -> Finding:
    for cfg in blocks(r.get("encryption_config")):
        if "secrets" in _as_list(cfg.get("resources")) and any(is_set(p.get("key_arn")) for p in blocks(cfg.get("provider"))):
            return COMPLIANT
    return non_compliant("Kubernetes secrets are not envelope-encrypted (encryption_config with the eks key)")


def _opensearch(r: Resource) -> Finding:
    enc = blocks(r.get("encrypt_at_rest"))
    return COMPLIANT if enc and truthy(enc[0].get("enabled")) else non_compliant("encrypt_at_rest is not enabled")


def _kinesis(r: Resource) -> Finding:
    return COMPLIANT if r.get("encryption_type") == "KMS" else non_compliant("encryption_type is not KMS")


ENCRYPTION: dict[str, Callable[[Resource], Finding]] = {
    "aws_db_instance": _flag("storage_encrypted"),
    "aws_rds_cluster": _flag("storage_encrypted"),
    "aws_docdb_cluster": _flag("storage_encrypted"),
    "aws_neptune_cluster": _flag("storage_encrypted"),
    "aws_redshift_cluster": _flag("encrypted"),
    "aws_elasticache_replication_group": _flag("at_rest_encryption_enabled"),
    "aws_elasticache_cluster": _cache_node,
    "aws_elasticache_serverless_cache": lambda r: COMPLIANT,  # always encrypted at rest
    "aws_dynamodb_table": _dynamodb,
    "aws_ebs_volume": _flag("encrypted"),
    "aws_efs_file_system": _flag("encrypted"),
    "aws_instance": _instance,
    "aws_launch_template": _launch_template,
    "aws_eks_cluster": _eks,
    "aws_opensearch_domain": _opensearch,
    "aws_kinesis_stream": _kinesis,
    "aws_secretsmanager_secret": _kms_id("kms_key_id"),
    "aws_cloudtrail": _kms_id("kms_key_id"),
}


@rule(
    "SPK-DATA-ENC",
    "data store is not encrypted at rest with a customer key",
    "turn on the type's encryption with the environment's data key: storage_encrypted + "
    "kms_key_id (RDS), at_rest_encryption_enabled (ElastiCache), server_side_encryption "
    "(DynamoDB), encrypted (EBS/EFS), encryption_config (EKS), kms_key_id (secrets, trails)",
)
def data_store_encrypted(r: Resource, stack: StackView) -> Finding:
    check = ENCRYPTION.get(r.type)
    return check(r) if check else NOT_APPLICABLE


# -- lifecycle --------------------------------------------------------------------------------------


def _final_snapshot(attr: str) -> Callable[[Resource], Finding]:
    # ElastiCache has no deletion protection flag: a final snapshot is what survives a delete.
    def check(r: Resource) -> Finding:
        return COMPLIANT if is_set(r.get(attr)) else non_compliant(f"ElastiCache has no deletion protection and {attr} is not set")

    return check


def _not_force_destroy(r: Resource) -> Finding:
    return non_compliant("force_destroy is true") if truthy(r.get("force_destroy")) else COMPLIANT


DELETION: dict[str, Callable[[Resource], Finding]] = {
    "aws_db_instance": _flag("deletion_protection"),
    "aws_rds_cluster": _flag("deletion_protection"),
    "aws_docdb_cluster": _flag("deletion_protection"),
    "aws_neptune_cluster": _flag("deletion_protection"),
    "aws_dynamodb_table": _flag("deletion_protection_enabled"),
    "aws_elasticache_replication_group": _final_snapshot("final_snapshot_identifier"),
    "aws_elasticache_cluster": _final_snapshot("final_snapshot_identifier"),
    "aws_elasticache_serverless_cache": _final_snapshot("final_snapshot_name"),
    "aws_s3_bucket": _not_force_destroy,
}


@rule(
    "SPK-DATA-DEL",
    "production data store can be deleted by a single apply",
    "set deletion_protection=True (RDS, DocumentDB, Neptune), deletion_protection_enabled=True "
    "(DynamoDB), a final snapshot name (ElastiCache), force_destroy=False (S3), or lifecycle "
    "prevent_destroy",
)
def prod_deletion_protected(r: Resource, stack: StackView) -> Finding:
    check = DELETION.get(r.type)
    if check is None or not stack.production:
        return NOT_APPLICABLE
    if any(truthy(lc.get("prevent_destroy")) for lc in blocks(r.get("lifecycle"))):
        return COMPLIANT
    return check(r)


@rule(
    "SPK-KMS-ROT",
    "KMS key does not rotate automatically",
    "set enable_key_rotation=True (constructs/kms_key.py EncryptionKey always does)",
)
def kms_rotation(r: Resource, stack: StackView) -> Finding:
    if r.type != "aws_kms_key":
        return NOT_APPLICABLE
    spec = r.get("customer_master_key_spec")
    if spec not in (None, "SYMMETRIC_DEFAULT"):
        return NOT_APPLICABLE  # AWS rotates only symmetric encryption keys
    return COMPLIANT if truthy(r.get("enable_key_rotation")) else non_compliant("enable_key_rotation is not true")


@rule(
    "SPK-LOG-RET",
    "log group has no retention",
    "set retention_in_days to the retention the environment sets in environments/",
)
def log_group_retention(r: Resource, stack: StackView) -> Finding:
    if r.type != "aws_cloudwatch_log_group":
        return NOT_APPLICABLE
    days = r.get("retention_in_days")
    if isinstance(days, int | float) and days > 0:
        return COMPLIANT
    return non_compliant("retention_in_days is not set (logs are kept forever)" if days in (None, 0) else f"retention_in_days is {days!r}")


# -- network --------------------------------------------------------------------------------------


def _port_range(entry: Mapping[str, Any], protocol_key: str) -> str:
    protocol = str(entry.get(protocol_key, "")).lower()
    if protocol in ("-1", "all"):
        return "all traffic"
    low, high = entry.get("from_port"), entry.get("to_port")
    ports = f"{low}" if low == high else f"{low}-{high}"
    return f"{protocol} {ports}"


def _lb_port(entry: Mapping[str, Any], protocol_key: str) -> bool:
    protocol = str(entry.get(protocol_key, "")).lower()
    low, high = entry.get("from_port"), entry.get("to_port")
    return protocol in ("tcp", "6") and low == high and low in PUBLIC_LB_PORTS


def _open_entries(entries: Iterable[Mapping[str, Any]], v4: str, v6: str, protocol_key: str, public_lb: bool) -> list[str]:
    problems = []
    for entry in entries:
        sources = sorted(WORLD & {str(c) for c in _as_list(entry.get(v4)) + _as_list(entry.get(v6))})
        if sources and not (public_lb and _lb_port(entry, protocol_key)):
            problems.append(f"{_port_range(entry, protocol_key)} from {' and '.join(sources)}")
    return problems


@rule(
    "SPK-NET-INGRESS",
    "ingress is open to the internet",
    "narrow the source to a CIDR or a security group; only a security group of an internet-facing "
    "load balancer in the same stack may admit 0.0.0.0/0 or ::/0, and only on tcp 80 and 443",
)
def no_world_ingress(r: Resource, stack: StackView) -> Finding:
    public = stack.public_lb_security_groups()
    if r.type in ("aws_security_group", "aws_default_security_group"):
        lb = r.address in {sg.address for sg in public}
        problems = _open_entries(blocks(r.get("ingress")), "cidr_blocks", "ipv6_cidr_blocks", "protocol", lb)
    elif r.type == "aws_security_group_rule":
        if r.get("type") != "ingress":
            return NOT_APPLICABLE
        lb = any(sg.referenced_by(r.get("security_group_id")) for sg in public)
        problems = _open_entries([r.config], "cidr_blocks", "ipv6_cidr_blocks", "protocol", lb)
    elif r.type == "aws_vpc_security_group_ingress_rule":
        lb = any(sg.referenced_by(r.get("security_group_id")) for sg in public)
        problems = _open_entries([r.config], "cidr_ipv4", "cidr_ipv6", "ip_protocol", lb)
    else:
        return NOT_APPLICABLE
    return non_compliant("; ".join(problems)) if problems else COMPLIANT


# -- hygiene ----------------------------------------------------------------------------------------


@rule(
    "SPK-TAGS",
    "required tags are missing",
    "let the stack's provider default_tags carry Project, Environment, Layer and ManagedBy "
    "(stacks/base.py) and the environment's tags carry Owner and CostCenter; do not blank them "
    "in the resource's tags",
)
def required_tags(r: Resource, stack: StackView) -> Finding:
    if not r.taggable:
        return NOT_APPLICABLE
    own = r.get("tags")
    tags = {**stack.default_tags(r), **(own if isinstance(own, Mapping) else {})}
    missing = [t for t in REQUIRED_TAGS if not str(tags.get(t) or "").strip()]
    return non_compliant(f"missing {', '.join(missing)}") if missing else COMPLIANT


SECRET_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "aws_secretsmanager_secret_version": ("secret_string", "secret_binary"),
    "aws_db_instance": ("password",),
    "aws_rds_cluster": ("master_password",),
    "aws_docdb_cluster": ("master_password",),
    "aws_neptune_cluster": ("master_password",),
    "aws_redshift_cluster": ("master_password",),
    "aws_elasticache_replication_group": ("auth_token",),
    "aws_elasticache_user": ("passwords",),
    "aws_mq_broker": ("user",),
}


def _literal(value: Any) -> bool:
    """A value written into the configuration, as opposed to one computed at apply time."""
    if isinstance(value, str):
        return bool(value) and "${" not in value
    if isinstance(value, list | tuple):
        return any(_literal(v) for v in value)
    if isinstance(value, Mapping):
        return _literal(value.get("password"))
    return False


@rule(
    "SPK-SECRET-LITERAL",
    "a secret value is written into the configuration",
    "never put secret values in code: let the service own them (RDS manage_master_user_password), "
    "generate them at apply time, or put them into the Secrets Manager secret out of band",
)
def no_literal_secrets(r: Resource, stack: StackView) -> Finding:
    names = SECRET_ARGUMENTS.get(r.type, ())
    if r.type == "aws_ssm_parameter" and r.get("type") == "SecureString":
        names = ("value",)
    if not names:
        return NOT_APPLICABLE
    literal = [n for n in names if _literal(r.get(n))]
    return non_compliant(f"{', '.join(literal)} is a literal") if literal else COMPLIANT
