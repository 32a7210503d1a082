"""Encryption at rest with the environment's own keys: log groups, topics and queues, data stores
and what writes to disk (instance volumes, trail log files). S3 buckets: storage.py."""
from __future__ import annotations

from sparki.policy.model import Finding, compliant, non_compliant, not_applicable, rule
from sparki.policy.rules.common import AttributeCheck, flag
from sparki.policy.view import Resource, StackView, as_list, blocks, is_set, truthy


@rule(
    "SPK-LOG-ENC",
    "log group is not encrypted with a KMS key",
    "set kms_key_id to the environment's logs key (SecurityStack keys.arn('logs'))",
    ("aws_cloudwatch_log_group",),
)
def log_group_encrypted(r: Resource, stack: StackView) -> Finding:
    return compliant() if is_set(r.get("kms_key_id")) else non_compliant("kms_key_id is not set")


@rule(
    "SPK-MSG-ENC",
    "topic or queue is not encrypted with a KMS key",
    "set kms_master_key_id to one of the environment's keys (SNS: the audit key for alarms)",
    ("aws_sns_topic", "aws_sqs_queue"),
)
def message_encrypted(r: Resource, stack: StackView) -> Finding:
    if is_set(r.get("kms_master_key_id")):
        return compliant()
    if truthy(r.get("sqs_managed_sse_enabled")):
        return non_compliant("SQS-managed encryption uses a key the environment does not control")
    return non_compliant("kms_master_key_id is not set")


def _kms_id(attr: str) -> AttributeCheck:
    def check(r: Resource) -> Finding:
        return compliant() if is_set(r.get(attr)) else non_compliant(f"{attr} is not set: the AWS-managed key cannot be scoped or audited per environment")

    return check


def _dynamodb(r: Resource) -> Finding:
    sse = blocks(r.get("server_side_encryption"))
    return compliant() if sse and truthy(sse[0].get("enabled")) else non_compliant("server_side_encryption with a customer key is not enabled")


def _cache_node(r: Resource) -> Finding:
    if is_set(r.get("replication_group_id")):
        return compliant()
    return non_compliant("a standalone cache cluster cannot encrypt at rest; create it in a replication group")


def _instance(r: Resource) -> Finding:
    disks = blocks(r.get("root_block_device")) + blocks(r.get("ebs_block_device"))
    plain = [d.get("device_name", "root") for d in disks if not truthy(d.get("encrypted"))]
    if not blocks(r.get("root_block_device")):
        plain.insert(0, "root")
    return non_compliant(f"unencrypted volume(s): {', '.join(plain)}") if plain else compliant()


def _launch_template(r: Resource) -> Finding:
    ebs = [e for m in blocks(r.get("block_device_mappings")) for e in blocks(m.get("ebs"))]
    if not ebs:
        return not_applicable()  # the AMI's volumes, encrypted by the account's EBS default
    return compliant() if all(truthy(e.get("encrypted")) for e in ebs) else non_compliant("a block device mapping has encrypted != true")


def _eks(r: Resource) -> Finding:
    for cfg in blocks(r.get("encryption_config")):
        if "secrets" in as_list(cfg.get("resources")) and any(is_set(p.get("key_arn")) for p in blocks(cfg.get("provider"))):
            return compliant()
    return non_compliant("Kubernetes secrets are not envelope-encrypted (encryption_config with the eks key)")


def _opensearch(r: Resource) -> Finding:
    enc = blocks(r.get("encrypt_at_rest"))
    return compliant() if enc and truthy(enc[0].get("enabled")) else non_compliant("encrypt_at_rest is not enabled")


def _kinesis(r: Resource) -> Finding:
    return compliant() if r.get("encryption_type") == "KMS" else non_compliant("encryption_type is not KMS")


# Data stores: every key is a stateful type (catalog/stateful.py; tests/catalog/test_stateful.py).
ENCRYPTION: dict[str, AttributeCheck] = {
    "aws_db_instance": flag("storage_encrypted"),
    "aws_rds_cluster": flag("storage_encrypted"),
    "aws_docdb_cluster": flag("storage_encrypted"),
    "aws_neptune_cluster": flag("storage_encrypted"),
    "aws_redshift_cluster": flag("encrypted"),
    "aws_elasticache_replication_group": flag("at_rest_encryption_enabled"),
    "aws_elasticache_cluster": _cache_node,
    "aws_elasticache_serverless_cache": lambda r: compliant(),  # always encrypted at rest
    "aws_dynamodb_table": _dynamodb,
    "aws_ebs_volume": flag("encrypted"),
    "aws_efs_file_system": flag("encrypted"),
    "aws_eks_cluster": _eks,
    "aws_opensearch_domain": _opensearch,
    "aws_kinesis_stream": _kinesis,
    "aws_secretsmanager_secret": _kms_id("kms_key_id"),
}
# Not stores themselves, but what they write lands at rest: instance volumes, trail log files.
WRITERS: dict[str, AttributeCheck] = {
    "aws_instance": _instance,
    "aws_launch_template": _launch_template,
    "aws_cloudtrail": _kms_id("kms_key_id"),
}


@rule(
    "SPK-DATA-ENC",
    "data store is not encrypted at rest with a customer key",
    "turn on the type's encryption with the environment's data key: storage_encrypted + "
    "kms_key_id (RDS), at_rest_encryption_enabled (ElastiCache), server_side_encryption "
    "(DynamoDB), encrypted (EBS/EFS), encryption_config (EKS), kms_key_id (secrets, trails)",
    (*ENCRYPTION, *WRITERS),
)
def data_store_encrypted(r: Resource, stack: StackView) -> Finding:
    return (ENCRYPTION.get(r.type) or WRITERS[r.type])(r)
