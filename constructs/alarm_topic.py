"""The encrypted SNS topic every alarm and security finding of an environment goes to."""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_policy import SnsTopicPolicy

from constructs import Construct
from constructs.kms_key import EncryptionKey


@dataclass(frozen=True)
class AlarmTopicProps:
    """Settings for the topic.

    name: topic name, e.g. "sparki-dev-alarms".
    kms_key_arn: encrypts messages at rest; grant_key(key) admits CloudWatch, and EventBridge
        when event_rule_arns are given.
    account_id: CloudWatch alarms of this account may publish.
    event_rule_arns: EventBridge rules that may publish (e.g. GuardDuty findings); default none.
    rds_event_source_arns: RDS resources (ARN patterns) whose event subscriptions may publish
        (events.rds.amazonaws.com); default none.
    """

    name: str
    kms_key_arn: str
    account_id: str
    event_rule_arns: Sequence[str] = field(default_factory=tuple)
    rds_event_source_arns: Sequence[str] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        for arn in self.event_rule_arns:
            if not arn.startswith("arn:aws:events:") or ":rule/" not in arn:
                raise ValueError(f"event_rule_arns: {arn!r} is not an EventBridge rule ARN")
        for arn in self.rds_event_source_arns:
            if not arn.startswith("arn:aws:rds:") or f":{self.account_id}:" not in arn:
                raise ValueError(f"rds_event_source_arns: {arn!r} is not an RDS ARN of account {self.account_id}")

    def grant_key(self, key: EncryptionKey) -> None:
        """What kms_key_arn's key must allow: the publishers encrypting messages to the topic."""
        same_account = {"StringEquals": {"aws:SourceAccount": self.account_id}}
        publish = ("kms:Decrypt", "kms:GenerateDataKey*")
        # Alarms publish to the encrypted alarm topic.
        key.grant_to_service("cloudwatch.amazonaws.com", sid="CloudWatchPublishesAlarmsToEncryptedTopic", actions=publish, conditions=same_account)
        if self.event_rule_arns:
            # GuardDuty findings reach the alarm topic through an EventBridge rule.
            key.grant_to_service("events.amazonaws.com", sid="EventBridgePublishesFindingsToEncryptedTopic", actions=publish, conditions=same_account)
        if self.rds_event_source_arns:
            # RDS event subscriptions (failover, failure, storage, maintenance) publish too.
            key.grant_to_service("events.rds.amazonaws.com", sid="RdsEventsPublishToEncryptedTopic", actions=publish, conditions=same_account)


def alarm_topic_policy(topic_arn: str, props: AlarmTopicProps) -> str:
    """Publishers by name and condition only; plain HTTP refused."""

    def publish(sid: str, principal: object, condition: dict, effect: str = "Allow") -> dict:
        return {"Sid": sid, "Effect": effect, "Principal": principal, "Action": "sns:Publish", "Resource": topic_arn, "Condition": condition}

    same_account = {"aws:SourceAccount": props.account_id}
    statements = [
        publish("CloudWatchAlarmsOfThisAccountPublish", {"Service": "cloudwatch.amazonaws.com"}, {"StringEquals": same_account}),
        publish("DenyInsecureTransport", "*", {"Bool": {"aws:SecureTransport": "false"}}, effect="Deny"),
    ]
    if props.rds_event_source_arns:
        statements.insert(1, publish(
            "NamedRdsSourcesPublishEvents", {"Service": "events.rds.amazonaws.com"},
            {"ArnLike": {"aws:SourceArn": list(props.rds_event_source_arns)}, "StringEquals": same_account},
        ))
    if props.event_rule_arns:
        statements.insert(1, publish(
            "NamedEventRulesPublish", {"Service": "events.amazonaws.com"}, {"ArnEquals": {"aws:SourceArn": list(props.event_rule_arns)}},
        ))
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


class AlarmTopic(Construct):
    """A KMS-encrypted topic that CloudWatch alarms of the account and the named EventBridge
    rules may publish to. topic_arn is exported."""

    def __init__(self, scope: Construct, id: str, props: AlarmTopicProps) -> None:
        super().__init__(scope, id)
        topic = SnsTopic(self, "topic", name=props.name, kms_master_key_id=props.kms_key_arn, tags={"Name": props.name})
        SnsTopicPolicy(self, "policy", arn=topic.arn, policy=alarm_topic_policy(topic.arn, props))
        self.topic_arn: str = topic.arn
