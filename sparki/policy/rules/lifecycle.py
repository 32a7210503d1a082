"""Lifecycle: production data survives a careless apply, keys rotate, logs expire."""
from __future__ import annotations

from catalog.stateful import DELETION_PROTECTION, FORCE_DESTROY
from sparki.policy.model import Finding, compliant, non_compliant, not_applicable, rule
from sparki.policy.rules.common import AttributeCheck, flag
from sparki.policy.view import Resource, StackView, blocks, is_set, truthy


def _final_snapshot(attr: str) -> AttributeCheck:
    # ElastiCache has no deletion protection flag: a final snapshot is what survives a delete.
    def check(r: Resource) -> Finding:
        return compliant() if is_set(r.get(attr)) else non_compliant(f"ElastiCache has no deletion protection and {attr} is not set")

    return check


def _not_forced(attr: str) -> AttributeCheck:
    def check(r: Resource) -> Finding:
        return non_compliant(f"{attr} is true") if truthy(r.get(attr)) else compliant()

    return check


# Every key is a stateful type; the protections themselves are catalog facts the plan review
# reads as well (a change that turns one off gates the review).
DELETION: dict[str, AttributeCheck] = {
    **{rtype: flag(attr) for rtype, attr in DELETION_PROTECTION.items()},
    "aws_elasticache_replication_group": _final_snapshot("final_snapshot_identifier"),
    "aws_elasticache_cluster": _final_snapshot("final_snapshot_identifier"),
    "aws_elasticache_serverless_cache": _final_snapshot("final_snapshot_name"),
    **{rtype: _not_forced(attr) for rtype, attr in FORCE_DESTROY.items()},
}


@rule(
    "SPK-DATA-DEL",
    "production data store can be deleted by a single apply",
    "set deletion_protection=True (RDS, DocumentDB, Neptune), deletion_protection_enabled=True "
    "(DynamoDB), a final snapshot name (ElastiCache), force_destroy=False (S3, backup vaults, "
    "hosted zones) or force_delete=False (ECR), or lifecycle prevent_destroy",
    DELETION,
)
def prod_deletion_protected(r: Resource, stack: StackView) -> Finding:
    if not stack.production:
        return not_applicable()
    if any(truthy(lc.get("prevent_destroy")) for lc in blocks(r.get("lifecycle"))):
        return compliant()
    return DELETION[r.type](r)


@rule(
    "SPK-KMS-ROT",
    "KMS key does not rotate automatically",
    "set enable_key_rotation=True (constructs/kms_key.py EncryptionKey always does)",
    ("aws_kms_key",),
)
def kms_rotation(r: Resource, stack: StackView) -> Finding:
    spec = r.get("customer_master_key_spec")
    if spec not in (None, "SYMMETRIC_DEFAULT"):
        return not_applicable()  # AWS rotates only symmetric encryption keys
    return compliant() if truthy(r.get("enable_key_rotation")) else non_compliant("enable_key_rotation is not true")


@rule(
    "SPK-LOG-RET",
    "log group has no retention",
    "set retention_in_days to the retention the environment sets in environments/",
    ("aws_cloudwatch_log_group",),
)
def log_group_retention(r: Resource, stack: StackView) -> Finding:
    days = r.get("retention_in_days")
    if isinstance(days, int | float) and days > 0:
        return compliant()
    return non_compliant("retention_in_days is not set (logs are kept forever)" if days in (None, 0) else f"retention_in_days is {days!r}")
