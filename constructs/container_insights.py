"""The CloudWatch Container Insights log groups the cluster's shippers write to: created by us,
encrypted and expiring, so that no shipper needs logs:CreateLogGroup."""
from __future__ import annotations

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup

from catalog.naming import SHIPPER_LOG_GROUPS, container_insights_log_group
from constructs import Construct
from constructs.log_group import encrypted_log_group


def add_container_insights_log_groups(scope: Construct, cluster_name: str, retention_days: int, key_arn: str) -> dict[str, CloudwatchLogGroup]:
    """kind -> log group, added directly under `scope` as "<kind>_log_group"."""
    groups: dict[str, CloudwatchLogGroup] = {}
    for component, kinds in SHIPPER_LOG_GROUPS.items():
        for kind in kinds:
            name = container_insights_log_group(cluster_name, kind)
            groups[kind] = encrypted_log_group(scope, f"{kind}_log_group", name, retention_days, key_arn, tags={"Name": name, "Component": component})
    return groups
