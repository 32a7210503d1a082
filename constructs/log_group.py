"""A CloudWatch log group as every Sparki log group is: KMS-encrypted with the given key and
expiring after the given retention (the policy pack's SPK-LOG-RET refuses logs kept forever)."""
from __future__ import annotations

from collections.abc import Mapping

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup

from constructs import Construct


def encrypted_log_group(
    scope: Construct,
    id: str,
    name: str,
    retention_days: int,
    key_arn: str,
    *,
    tags: Mapping[str, str] | None = None,
    provider: object | None = None,
) -> CloudwatchLogGroup:
    """The log group `name` under `scope` as `id`. tags: default {"Name": name}. provider:
    default the stack's."""
    return CloudwatchLogGroup(
        scope,
        id,
        provider=provider,
        name=name,
        retention_in_days=retention_days,
        kms_key_id=key_arn,
        tags=dict(tags) if tags is not None else {"Name": name},
    )
