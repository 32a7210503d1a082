"""Trust policies that let one AWS service assume a role, with the confused-deputy guard.

A service principal in a trust policy admits that service acting for *any* customer. Where the
service puts aws:SourceAccount / aws:SourceArn into its AssumeRole request, the condition pins
the role to this account's resources (IAM User Guide, "The confused deputy problem"). Not every
service does: a condition on a key the service leaves empty denies every request, so a role for
such a service must say why it goes without, instead of quietly omitting the guard.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any


def service_trust_policy(
    service: str,
    *,
    source_account: str | None = None,
    source_arn: str | None = None,
    actions: Sequence[str] = ("sts:AssumeRole",),
    unguarded_because: str | None = None,
) -> str:
    """The JSON trust policy for `service` (e.g. "vpc-flow-logs.amazonaws.com").

    source_account: aws:SourceAccount must equal it (StringEquals).
    source_arn: aws:SourceArn must match it: ArnLike when it holds a wildcard, else StringEquals.
    actions: STS actions the service calls; default sts:AssumeRole only.
    unguarded_because: required instead of both guards, for a service that does not populate
        the keys when it assumes the role; the reason belongs in the call so review can judge it.
    """
    if not service.endswith(".amazonaws.com"):
        raise ValueError(f"service={service!r}: give an AWS service principal, e.g. 'vpc-flow-logs.amazonaws.com'")
    if not actions:
        raise ValueError(f"{service}: actions must name at least one STS action")
    guarded = bool(source_account or source_arn)
    if guarded and unguarded_because:
        raise ValueError(f"{service}: give the confused-deputy guard or unguarded_because, not both")
    if not guarded and not (unguarded_because or "").strip():
        raise ValueError(f"{service}: give source_account and/or source_arn (confused-deputy guard), or unguarded_because with the reason the service cannot be guarded")
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": actions[0] if len(actions) == 1 else list(actions),
    }
    condition: dict[str, dict[str, str]] = {}
    if source_account:
        condition["StringEquals"] = {"aws:SourceAccount": source_account}
    if source_arn:
        condition.setdefault("ArnLike" if "*" in source_arn else "StringEquals", {})["aws:SourceArn"] = source_arn
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})
