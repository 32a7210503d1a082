"""Layer `security`: the environment's keys and the alarm topic every layer reports to."""
from __future__ import annotations

from cdktf_cdktf_provider_aws.sns_topic import SnsTopic

from constructs import Construct
from constructs.key_ring import KeyRing, KeyRingProps
from environments.schema import Environment
from sparki.settings import RunSettings
from stacks.base import SparkiStack


class SecurityStack(SparkiStack):
    """Exports: keys (KeyRing; keys.arn("data") etc.) and alarm_topic_arn."""

    layer = "security"

    def __init__(self, scope: Construct, env: Environment, run: RunSettings) -> None:
        super().__init__(scope, env, run)
        self.keys = KeyRing(
            self,
            "keys",
            KeyRingProps(
                name=f"sparki-{env.name}",
                region=env.region,
                account_id=env.account_id,
                deletion_window_days=env.state.kms_deletion_window_days,
            ),
        )
        topic = SnsTopic(
            self,
            "alarm_topic",
            name=env.resource_name("alarms"),
            kms_master_key_id=self.keys.arn("audit"),
        )
        self.alarm_topic_arn: str = topic.arn
