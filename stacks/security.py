"""Layer `security`: the environment's keys, secrets, audit trail, CIS monitoring and the
AWS-side scanners (Config, GuardDuty, Security Hub, Access Analyzer).

The Terraform state key (alias/sparki-<env>-state) is not here: it lives in the state layer,
which must exist before any other stack can keep its state (stacks/state.py).
"""
from __future__ import annotations

import dataclasses

from catalog.aws import GUARDDUTY_SEVERITY_FLOOR, SECURITY_HUB_KUBE_BENCH_PRODUCT
from catalog.naming import name_prefix, resource_name, secret_name
from constructs import Construct
from constructs.account_baseline import AccountBaseline, AccountBaselineProps, SecurityContact
from constructs.alarm_topic import AlarmTopic, AlarmTopicProps
from constructs.audit_trail import AuditTrail, AuditTrailProps
from constructs.cis_alarms import CisAlarms, CisAlarmsProps
from constructs.config_recorder import ConfigRecorder, ConfigRecorderProps
from constructs.database import database_identifier
from constructs.database_monitoring import event_source_arns
from constructs.finding_routes import FindingRoutes, FindingRoutesProps, finding_rule_arn
from constructs.key_ring import KeyRing, KeyRingProps
from constructs.log_bucket import LogBucket, LogBucketProps, ServiceWriter, grant_access_log_delivery
from constructs.node_group import grant_node_volume_key
from constructs.secret import Secret, SecretProps
from constructs.security_hub import SecurityHub, SecurityHubProps
from constructs.static_site import access_log_writer, grant_cloudfront_log_delivery
from constructs.telemetry_values import bucket_names as telemetry_buckets
from constructs.threat_detection import ThreatDetection, ThreatDetectionProps
from environments.schema import GLACIER_MINIMUM_DAYS, Environment
from stacks.base import SparkiStack, dr_secret_replicas, state_bucket_name, static_assets_name
from stacks.props import props_from
from stacks.run_settings import RunSettings


class SecurityStack(SparkiStack):
    """Exports:
    keys: KeyRing; keys.arn("logs" | "data" | "eks" | "secrets" | "audit").
    alarm_topic_arn: the encrypted topic for every alarm of the environment.
    secret_arns: declared secret name (e.g. "app/session-signing-key") -> secret ARN.
    audit_log_group_name: the CloudTrail log group (for more metric filters).
    audit_bucket_name / access_log_bucket_name / access_log_bucket_arn: the audit bucket and its
        access-log bucket, which also receives the edge layer's CloudFront access logs.
    """

    layer = "security"

    def __init__(self, scope: Construct, env: Environment, run: RunSettings) -> None:
        super().__init__(scope, env, run)
        sec = env.security
        prefix = name_prefix(env.name)
        account, region = env.account_id, env.region

        self.keys = KeyRing(self, "keys", KeyRingProps(name=prefix, account_id=account, deletion_window_days=env.kms_key_deletion_window_days))
        # Every layer's log groups are encrypted with the logs key.
        self.keys.logs.grant_to_service(
            f"logs.{region}.amazonaws.com",
            sid="CloudWatchLogsEncryptsThisAccountsLogGroups",
            conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account}:log-group:*"}},
        )
        # The cluster layer's node groups encrypt their volumes with the data key.
        grant_node_volume_key(self.keys.data, account)
        audit_key = self.keys.arn("audit")
        # The edge layer's CloudFront access logs (standard logging v2) are delivered into the
        # access-log bucket, which the audit key encrypts: the bucket and the key admit that one
        # delivery source by name, so this layer needs no reference to the edge stack.
        cdn_logs = f"{static_assets_name(env)}-access-logs"

        # Findings reach the topic through EventBridge rules, one per service the environment
        # turns on, and so do ElastiCache's events (every environment has a cache); the topic's
        # policy names each rule before it exists.
        sources = {"guardduty": sec.enable_guardduty, "securityhub": sec.enable_security_hub, "config": sec.enable_config, "elasticache": True}
        event_rules = [finding_rule_arn(prefix, source, region, account) for source, on in sources.items() if on]
        # The data layer's RDS event subscriptions publish to the topic as well.
        rds_sources = event_source_arns(database_identifier(prefix), region, account)
        topic_props = AlarmTopicProps(
            name=resource_name(env.name, "alarms"), kms_key_arn=audit_key, account_id=account, event_rule_arns=event_rules, rds_event_source_arns=rds_sources
        )
        topic = AlarmTopic(self, "alarm_topic", topic_props)
        self.alarm_topic_arn: str = topic.topic_arn

        # -- audit trail: access-log bucket <- audit bucket <- CloudTrail and Config ----------
        audit_name = f"{prefix}-audit-{account}"
        access_expire = sec.access_log_expire_after_days
        access_logs = LogBucket(
            self,
            "access_logs",
            LogBucketProps(
                bucket_name=f"{prefix}-access-logs-{account}",
                kms_key_arn=audit_key,
                expire_after_days=access_expire,
                # Archive only what stays in Glacier long enough to be worth its minimum billing.
                archive_after_days=sec.audit_archive_after_days if access_expire >= sec.audit_archive_after_days + GLACIER_MINIMUM_DAYS else None,
                writers=[
                    ServiceWriter(
                        sid="S3ServerAccessLogs",
                        service="logging.s3.amazonaws.com",
                        prefix=f"{audit_name}/",
                        condition={"ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{audit_name}"}, "StringEquals": {"aws:SourceAccount": account}},
                        bucket_actions=(),
                        owner_acl=False,
                    ),
                    access_log_writer(account, cdn_logs),
                    # The observability-aws stack's buckets (Loki, Elasticsearch snapshots).
                    *(
                        ServiceWriter(
                            sid=f"{''.join(part.title() for part in purpose.split('-'))}AccessLogs",
                            service="logging.s3.amazonaws.com",
                            prefix=f"{bucket}/",
                            condition={"ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{bucket}"}, "StringEquals": {"aws:SourceAccount": account}},
                            bucket_actions=(),
                            owner_acl=False,
                        )
                        for purpose, bucket in telemetry_buckets(env.name, account).items()
                    ),
                ],
            ),
        )
        grant_cloudfront_log_delivery(self.keys.audit, account, cdn_logs)
        trail_props = AuditTrailProps(
            name=resource_name(env.name, "audit"),
            region=region,
            account_id=account,
            bucket_name=audit_name,
            kms_key_arn=audit_key,
            log_key_arn=self.keys.arn("logs"),
            log_retention_days=sec.audit_log_retention_days,
            data_event_bucket_arns=(f"arn:aws:s3:::{state_bucket_name(env)}",),
        )
        config_props = ConfigRecorderProps(name=prefix, account_id=account, bucket_name=audit_name, kms_key_arn=audit_key)
        # The audit key's users ask for access; this order is the key policy's statement order.
        trail_props.grant_key(self.keys.audit)
        topic_props.grant_key(self.keys.audit)
        if sec.enable_config:
            config_props.grant_key(self.keys.audit)
        grant_access_log_delivery(self.keys.audit, account)
        audit = LogBucket(
            self,
            "audit",
            LogBucketProps(
                bucket_name=audit_name,
                kms_key_arn=audit_key,
                expire_after_days=sec.audit_expire_after_days,
                archive_after_days=sec.audit_archive_after_days,
                access_log_bucket=access_logs.ready_bucket_name,
                writers=[trail_props.writer()] + ([config_props.writer()] if sec.enable_config else []),
            ),
        )
        # CloudTrail and Config check the bucket policy when they are created: name the bucket
        # through the policy so Terraform creates them after it.
        trail = AuditTrail(self, "trail", dataclasses.replace(trail_props, bucket_name=audit.ready_bucket_name))
        CisAlarms(self, "cis_alarms", CisAlarmsProps(name=prefix, log_group_name=trail.log_group_name, topic_arn=topic.topic_arn))
        self.audit_log_group_name: str = trail.log_group_name
        self.audit_bucket_name: str = audit.bucket_name
        self.access_log_bucket_name: str = access_logs.bucket_name
        self.access_log_bucket_arn: str = access_logs.bucket_arn

        # -- secrets ---------------------------------------------------------------------------
        secrets = Construct(self, "secrets")
        self.secret_arns: dict[str, str] = {}
        for declared in sec.secrets:
            rotation = declared.rotation
            secret = Secret(
                secrets,
                declared.name.replace("/", "-"),
                SecretProps(
                    name=secret_name(env.name, declared.name),
                    description=declared.description,
                    kms_key_arn=self.keys.arn("secrets"),
                    reader_role_arns=[f"arn:aws:iam::{account}:role/{role}" for role in declared.readers],
                    recovery_window_days=sec.secret_recovery_days,
                    rotation_lambda_arn=rotation.lambda_arn if rotation else None,
                    rotation_role_arn=f"arn:aws:iam::{account}:role/{rotation.role}" if rotation else None,
                    rotation_days=rotation.days if rotation else 30,
                    replica_key_arns=dr_secret_replicas(env),
                ),
            )
            self.secret_arns[declared.name] = secret.secret_arn

        # -- account-wide settings and AWS-side scanners -------------------------------------
        contact = sec.security_contact
        AccountBaseline(
            self,
            "baseline",
            AccountBaselineProps(
                name=prefix,
                ebs_key_arn=self.keys.arn("data"),
                access_analyzer=sec.enable_access_analyzer,
                security_contact=props_from(SecurityContact, contact) if contact else None,
                support_principal_arn=f"arn:aws:iam::{account}:role/{sec.support_role_assumed_by}" if sec.support_role_assumed_by else None,
            ),
        )
        if sec.enable_config:
            ConfigRecorder(self, "config", dataclasses.replace(config_props, bucket_name=audit.ready_bucket_name))
        if sec.enable_guardduty:
            ThreatDetection(
                self,
                "guardduty",
                ThreatDetectionProps(
                    name=prefix,
                    features=sec.guardduty_features,
                    topic_arn=topic.topic_arn,
                    min_severity=GUARDDUTY_SEVERITY_FLOOR[sec.finding_severity_threshold],
                ),
            )
        if sec.enable_security_hub:
            # kube-bench (the platform layer's CIS EKS scans) reports here wherever Security Hub is on.
            SecurityHub(
                self,
                "security_hub",
                SecurityHubProps(region=region, standards=sec.security_hub_standards, products=(SECURITY_HUB_KUBE_BENCH_PRODUCT,)),
            )
        FindingRoutes(
            self,
            "finding_routes",
            FindingRoutesProps(
                name=prefix,
                topic_arn=topic.topic_arn,
                threshold=sec.finding_severity_threshold,
                security_hub=sec.enable_security_hub,
                config=sec.enable_config,
            ),
        )
