"""Unit tests of constructs/container_insights.py."""
from __future__ import annotations

from catalog.naming import SHIPPER_LOG_GROUPS
from constructs.container_insights import add_container_insights_log_groups
from tests.support import of_type, synth_construct

KEY = "arn:aws:kms:us-east-1:123456789012:key/logs"


def test_one_encrypted_expiring_group_per_shipper_kind():
    doc = synth_construct(lambda s: add_container_insights_log_groups(s, "c-eks", 30, KEY))
    groups = {g["name"]: g for g in of_type(doc, "aws_cloudwatch_log_group").values()}
    expected = {f"/aws/containerinsights/c-eks/{kind}": component for component, kinds in SHIPPER_LOG_GROUPS.items() for kind in kinds}
    assert set(groups) == set(expected)
    for name, group in groups.items():
        assert group["kms_key_id"] == KEY and group["retention_in_days"] == 30
        assert group["tags"] == {"Name": name, "Component": expected[name]}
