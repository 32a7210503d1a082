"""Layer `edge`: the API's regional web ACL and certificate (for the load balancer the AWS Load
Balancer Controller creates), and CloudFront for static assets with its own certificate,
CLOUDFRONT-scope web ACL, origin, logs, DNS aliases and alarms.

CloudFront reads its certificate and web ACL from us-east-1 and publishes its metrics and
access logs there, so those pieces use a us-east-1 provider alias (docs/edge.md).
"""
from __future__ import annotations

import dataclasses
import json

from cdktf import TerraformOutput
from cdktf_cdktf_provider_aws.data_aws_route53_zone import DataAwsRoute53Zone
from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey

from catalog.aws import CLOUDFRONT_REGION
from catalog.naming import resource_name
from constructs import Construct
from constructs.alarm_topic import AlarmTopic, AlarmTopicProps
from constructs.certificate import CertificateProps, DnsValidatedCertificate
from constructs.edge_alarms import EdgeAlarms, EdgeAlarmsProps
from constructs.kms_key import EncryptionKey, EncryptionKeyProps, key_policy
from constructs.static_site import StaticAssets, StaticAssetsProps
from constructs.web_acl import LOG_GROUP_PREFIX, WebAcl, WebAclProps
from environments.schema import Environment
from stacks.base import SparkiStack, place_in, static_assets_name
from stacks.props import props_from
from stacks.run_settings import RunSettings

_KEY_USE = ("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey")


class EdgeStack(SparkiStack):
    """Exports:
    api_web_acl_arn: the regional ACL, for alb.ingress.kubernetes.io/wafv2-acl-arn.
    api_certificate_arn: the API's issued certificate, for alb.ingress.kubernetes.io/certificate-arn.
    static_distribution_id / static_bucket_name: the CloudFront distribution and its origin
        bucket (where deployments upload assets).
    Both ARNs are also Terraform outputs (api_web_acl_arn, api_certificate_arn) for the Ingress.

    logs_key_arn / alarm_topic_arn: the security layer's, in the environment's region.
    access_log_bucket_arn: the security layer's access-log bucket, which admits this stack's
        CloudFront log delivery source by name (stacks/security.py).
    """

    layer = "edge"

    def __init__(
        self,
        scope: Construct,
        env: Environment,
        run: RunSettings,
        *,
        logs_key_arn: str,
        alarm_topic_arn: str,
        access_log_bucket_arn: str,
    ) -> None:
        super().__init__(scope, env, run)
        edge, account = env.edge, env.account_id
        api_name, cdn_name = resource_name(env.name, "api"), resource_name(env.name, "cdn")
        self.us_east_1 = self._aws_provider(CLOUDFRONT_REGION, "us_east_1")
        # The zone exists before any stack (external-dns and cert-manager manage records in it);
        # reading it by name fails the plan if it is missing or private.
        zone_id = DataAwsRoute53Zone(self, "zone", name=edge.zone_name, private_zone=False).zone_id

        # -- the API, in the environment's region (where the ALB is) ---------------------------
        api_certificate = DnsValidatedCertificate(self, "api_certificate", CertificateProps(domain_name=edge.api_domain, zone_id=zone_id))
        api_acl_props = props_from(
            WebAclProps,
            edge.waf,
            extra=dict(name=api_name, scope="REGIONAL", log_group_name=f"{LOG_GROUP_PREFIX}{api_name}", log_kms_key_arn=logs_key_arn),
        )
        api_acl = WebAcl(self, "api_acl", api_acl_props)
        EdgeAlarms(
            self,
            "api_alarms",
            props_from(EdgeAlarmsProps, edge.alarms, extra=dict(name=api_name, topic_arn=alarm_topic_arn, web_acl_name=api_acl.name, web_acl_region=env.region)),
        )

        # -- CloudFront: certificate, ACL, log group and alarms in us-east-1 -------------------
        cdn_logs_key, cdn_topic = self._us_east_1_alarm_path(logs_key_arn, alarm_topic_arn)
        cdn_certificate = DnsValidatedCertificate(
            self, "cdn_certificate", CertificateProps(domain_name=edge.static_assets.domain_name, zone_id=zone_id), provider=self.us_east_1
        )
        cdn_acl = WebAcl(
            self,
            "cdn_acl",
            # The same rules as the API's; the anonymous-IP list always (checkov CKV2_AWS_47
            # wants it on an ACL in front of CloudFront).
            dataclasses.replace(
                api_acl_props, name=cdn_name, scope="CLOUDFRONT", log_group_name=f"{LOG_GROUP_PREFIX}{cdn_name}",
                log_kms_key_arn=cdn_logs_key, anonymous_ip_list=True,
            ),
            provider=self.us_east_1,
        )
        # The origin key is this stack's: its policy names the distribution, which a key in an
        # earlier stack could not (a cycle between stacks). Terraform has none: the policy
        # waits for the distribution, the distribution for the bucket, the bucket for the key.
        origin_key = KmsKey(
            self, "static_key", description=f"{static_assets_name(env)}: static assets origin",
            enable_key_rotation=True, deletion_window_in_days=env.kms_key_deletion_window_days,
            tags={"Name": static_assets_name(env)},
        )
        KmsAlias(self, "static_key_alias", name=f"alias/{static_assets_name(env)}", target_key_id=origin_key.key_id)
        static = StaticAssets(
            self,
            "static",
            props_from(
                StaticAssetsProps,
                edge.static_assets,
                extra=dict(
                    name=static_assets_name(env),
                    bucket_name=resource_name(env.name, f"static-{account}"),
                    kms_key_arn=origin_key.arn,
                    zone_id=zone_id,
                    certificate_arn=cdn_certificate.arn,
                    web_acl_arn=cdn_acl.arn,
                    log_bucket_arn=access_log_bucket_arn,
                    force_destroy=env.state.force_destroy,
                ),
            ),
            provider=self.us_east_1,
        )
        policy = json.loads(key_policy(account, ()))
        policy["Statement"].append(static.key_statement())
        origin_key.policy = json.dumps(policy)
        EdgeAlarms(
            self,
            "cdn_alarms",
            props_from(EdgeAlarmsProps, edge.alarms, extra=dict(name=cdn_name, topic_arn=cdn_topic, web_acl_name=cdn_acl.name, distribution_id=static.distribution_id)),
            provider=self.us_east_1,
        )

        self.api_web_acl_arn: str = api_acl.arn
        self.api_certificate_arn: str = api_certificate.arn
        self.static_distribution_id: str = static.distribution_id
        self.static_bucket_name: str = static.bucket_name
        TerraformOutput(self, "api_web_acl_arn", value=api_acl.arn, description="alb.ingress.kubernetes.io/wafv2-acl-arn")
        TerraformOutput(self, "api_certificate_arn", value=api_certificate.arn, description="alb.ingress.kubernetes.io/certificate-arn")

    def _us_east_1_alarm_path(self, logs_key_arn: str, alarm_topic_arn: str) -> tuple[str, str]:
        """(logs key, alarm topic) in us-east-1: the security layer's where the environment is
        there; otherwise a key and topic of this stack. A log group uses a key of its own
        region, and an alarm publishes to a topic of its own region."""
        env = self.env
        if env.region == CLOUDFRONT_REGION:
            return logs_key_arn, alarm_topic_arn
        account, name = env.account_id, resource_name(env.name, f"edge-{CLOUDFRONT_REGION}")
        key = EncryptionKey(
            self,
            "us_east_1_key",
            EncryptionKeyProps(
                alias=name,
                description=f"{name}: CloudFront's WAF logs and alarm topic",
                account_id=account,
                deletion_window_days=env.kms_key_deletion_window_days,
            ),
        )
        key.grant_to_service(
            f"logs.{CLOUDFRONT_REGION}.amazonaws.com", sid="CloudWatchLogsEncryptsThisAccountsLogGroups", actions=_KEY_USE,
            conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{CLOUDFRONT_REGION}:{account}:log-group:*"}},
        )
        key.grant_to_service(
            "cloudwatch.amazonaws.com", sid="CloudWatchPublishesAlarmsToEncryptedTopic",
            actions=("kms:Decrypt", "kms:GenerateDataKey*"), conditions={"StringEquals": {"aws:SourceAccount": account}},
        )
        topic = AlarmTopic(self, "us_east_1_alarms", AlarmTopicProps(name=f"{name}-alarms", kms_key_arn=key.key_arn, account_id=account))
        place_in(key, self.us_east_1)
        place_in(topic, self.us_east_1)
        return key.key_arn, topic.topic_arn
