"""Storage: S3 buckets are encrypted with the environment's keys, closed to the public, TLS-only."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sparki.policy.model import Finding, compliant, non_compliant, rule
from sparki.policy.view import Resource, StackView, as_list, blocks, truthy

BUCKET = ("aws_s3_bucket",)


def _denies_insecure_transport(doc: Mapping[str, Any]) -> bool:
    for st in as_list(doc.get("Statement")):
        if not isinstance(st, Mapping) or st.get("Effect") != "Deny":
            continue
        principal = st.get("Principal")
        if principal != "*" and not (isinstance(principal, Mapping) and as_list(principal.get("AWS")) == ["*"]):
            continue
        if not {"s3:*", "*"} & set(as_list(st.get("Action"))):
            continue
        resources = [str(r) for r in as_list(st.get("Resource"))]
        if not (any(r.endswith("/*") for r in resources) and any(not r.endswith("/*") for r in resources)):
            continue
        secure = st.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport")
        if [str(v).lower() for v in as_list(secure)] == ["false"]:
            return True
    return False


@rule(
    "SPK-S3-ENC",
    "bucket is not encrypted by default with a KMS key",
    "add an aws_s3_bucket_server_side_encryption_configuration for the bucket with sse_algorithm "
    "'aws:kms' and one of the environment's keys (see constructs/log_bucket.py)",
    BUCKET,
)
def bucket_encrypted(r: Resource, stack: StackView) -> Finding:
    configs = [c.config for c in stack.attached(r, "aws_s3_bucket_server_side_encryption_configuration", "bucket")]
    configs += blocks(r.get("server_side_encryption_configuration"))
    algorithms = {
        d.get("sse_algorithm")
        for c in configs
        for rl in blocks(c.get("rule"))
        for d in blocks(rl.get("apply_server_side_encryption_by_default"))
    }
    if algorithms & {"aws:kms", "aws:kms:dsse"}:
        return compliant()
    return non_compliant(f"default encryption is {', '.join(sorted(map(str, algorithms)))}" if algorithms else "no default encryption configured")


PUBLIC_ACCESS_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


@rule(
    "SPK-S3-PAB",
    "bucket has no complete public access block",
    "add an aws_s3_bucket_public_access_block for the bucket with block_public_acls, "
    "block_public_policy, ignore_public_acls and restrict_public_buckets all true",
    BUCKET,
)
def bucket_public_access_blocked(r: Resource, stack: StackView) -> Finding:
    pabs = stack.attached(r, "aws_s3_bucket_public_access_block", "bucket")
    if any(all(truthy(p.get(f)) for f in PUBLIC_ACCESS_FLAGS) for p in pabs):
        return compliant()
    if not pabs:
        return non_compliant("no aws_s3_bucket_public_access_block names it")
    off = sorted({f for p in pabs for f in PUBLIC_ACCESS_FLAGS if not truthy(p.get(f))})
    return non_compliant(f"{', '.join(off)} not true")


@rule(
    "SPK-S3-TLS",
    "bucket policy does not deny plain-HTTP requests",
    "attach an aws_s3_bucket_policy with a Deny of s3:* for Principal '*' on the bucket and its "
    "objects when aws:SecureTransport is false (constructs/private_bucket.py tls_only_policy)",
    BUCKET,
)
def bucket_tls_only(r: Resource, stack: StackView) -> Finding:
    values = [p.get("policy") for p in stack.attached(r, "aws_s3_bucket_policy", "bucket")]
    if r.get("policy"):
        values.append(r.get("policy"))
    docs = [stack.policy_document(v) for v in values]
    if any(doc and _denies_insecure_transport(doc) for doc in docs):
        return compliant()
    if not values:
        return non_compliant("no bucket policy")
    if not any(docs):
        return non_compliant("its policy cannot be read at synth time; write it in this stack")
    return non_compliant("no statement denies aws:SecureTransport=false")
