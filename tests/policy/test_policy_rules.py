"""Every rule of sparki/policy/rules/ on plain data: a compliant and a non-compliant case each
(and the not-applicable edges), without cdktf."""
from __future__ import annotations

import json

import pytest

from constructs.private_bucket import tls_only_policy
from sparki.policy.model import Outcome
from sparki.policy.rules import REQUIRED_TAGS, RULES
from sparki.policy.view import Resource, StackView
from tests.policy.kubernetes_cases import KUBERNETES_CASES

TAGS = {t: "x" for t in REQUIRED_TAGS}
BUCKET_ARN = "${aws_s3_bucket.b.arn}"


def res(rtype: str, name: str = "r", taggable: bool = False, **config) -> Resource:
    return Resource(rtype, name, f"stack/{name}", config, taggable)


def bucket(**config) -> Resource:
    return res("aws_s3_bucket", "b", **config)


def sse(algorithm: str, target: str = "${aws_s3_bucket.b.id}") -> Resource:
    return res(
        "aws_s3_bucket_server_side_encryption_configuration", "sse", bucket=target,
        rule=[{"apply_server_side_encryption_by_default": {"sse_algorithm": algorithm, "kms_master_key_id": "${aws_kms_key.k.arn}"}}],
    )


def pab(**flags) -> Resource:
    values = {f: True for f in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")}
    return res("aws_s3_bucket_public_access_block", "pab", bucket="${aws_s3_bucket.b.id}", **{**values, **flags})


def policy(document) -> Resource:
    return res("aws_s3_bucket_policy", "policy", bucket="${aws_s3_bucket.b.id}", policy=document if isinstance(document, str) else json.dumps(document))


ALLOW_ONLY = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "s3:GetObject", "Resource": f"{BUCKET_ARN}/*"}]}
DENY_BUCKET_ONLY = {
    "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [BUCKET_ARN], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    ]
}
TLS_DATA_SOURCE = {
    "statement": [
        {
            "effect": "Deny",
            "principals": [{"type": "*", "identifiers": ["*"]}],
            "actions": ["s3:*"],
            "resources": [BUCKET_ARN, f"{BUCKET_ARN}/*"],
            "condition": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}],
        }
    ]
}


def sg(name="sg", *rules, **config) -> Resource:
    return res("aws_security_group", name, ingress=list(rules), **config)


def ingress(port, cidr="0.0.0.0/0", protocol="tcp", to=None, v6=None):
    return {"from_port": port, "to_port": to if to is not None else port, "protocol": protocol, "cidr_blocks": [cidr] if cidr else None, "ipv6_cidr_blocks": [v6] if v6 else None}


def lb(internal=False, groups=("${aws_security_group.lb_sg.id}",)) -> Resource:
    return res("aws_lb", "lb", internal=internal, security_groups=list(groups))


# (rule, target, other resources, production, outcome, detail contains)
CASES = [
    # -- SPK-S3-ENC
    ("SPK-S3-ENC", bucket(), [sse("aws:kms")], False, Outcome.COMPLIANT, ""),
    ("SPK-S3-ENC", bucket(bucket="named"), [sse("aws:kms:dsse", target="named")], False, Outcome.COMPLIANT, ""),
    ("SPK-S3-ENC", bucket(server_side_encryption_configuration=[{"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]}]), [], False, Outcome.COMPLIANT, ""),
    ("SPK-S3-ENC", bucket(), [sse("AES256")], False, Outcome.NON_COMPLIANT, "default encryption is AES256"),
    ("SPK-S3-ENC", bucket(), [sse("aws:kms", target="${aws_s3_bucket.other.id}")], False, Outcome.NON_COMPLIANT, "no default encryption configured"),
    ("SPK-S3-ENC", res("aws_sns_topic"), [], False, Outcome.NOT_APPLICABLE, ""),
    # -- SPK-S3-PAB
    ("SPK-S3-PAB", bucket(), [pab()], False, Outcome.COMPLIANT, ""),
    ("SPK-S3-PAB", bucket(), [pab(restrict_public_buckets=False)], False, Outcome.NON_COMPLIANT, "restrict_public_buckets not true"),
    ("SPK-S3-PAB", bucket(), [], False, Outcome.NON_COMPLIANT, "no aws_s3_bucket_public_access_block names it"),
    ("SPK-S3-PAB", res("aws_s3_bucket_policy"), [], False, Outcome.NOT_APPLICABLE, ""),
    # -- SPK-S3-TLS
    ("SPK-S3-TLS", bucket(), [policy(tls_only_policy(BUCKET_ARN))], False, Outcome.COMPLIANT, ""),
    ("SPK-S3-TLS", bucket(), [policy("${data.aws_iam_policy_document.tls.json}")], False, Outcome.COMPLIANT, ""),
    ("SPK-S3-TLS", bucket(policy=tls_only_policy(BUCKET_ARN)), [], False, Outcome.COMPLIANT, ""),
    ("SPK-S3-TLS", bucket(), [policy(ALLOW_ONLY)], False, Outcome.NON_COMPLIANT, "no statement denies aws:SecureTransport=false"),
    ("SPK-S3-TLS", bucket(), [policy(DENY_BUCKET_ONLY)], False, Outcome.NON_COMPLIANT, "no statement denies"),
    ("SPK-S3-TLS", bucket(), [policy("${var.policy}")], False, Outcome.NON_COMPLIANT, "cannot be read at synth time"),
    ("SPK-S3-TLS", bucket(), [], False, Outcome.NON_COMPLIANT, "no bucket policy"),
    # -- SPK-LOG-ENC
    ("SPK-LOG-ENC", res("aws_cloudwatch_log_group", kms_key_id="${aws_kms_key.k.arn}"), [], False, Outcome.COMPLIANT, ""),
    ("SPK-LOG-ENC", res("aws_cloudwatch_log_group"), [], False, Outcome.NON_COMPLIANT, "kms_key_id is not set"),
    ("SPK-LOG-ENC", res("aws_s3_bucket"), [], False, Outcome.NOT_APPLICABLE, ""),
    # -- SPK-LOG-RET
    ("SPK-LOG-RET", res("aws_cloudwatch_log_group", retention_in_days=30), [], False, Outcome.COMPLIANT, ""),
    ("SPK-LOG-RET", res("aws_cloudwatch_log_group"), [], False, Outcome.NON_COMPLIANT, "kept forever"),
    ("SPK-LOG-RET", res("aws_cloudwatch_log_group", retention_in_days=0), [], False, Outcome.NON_COMPLIANT, "kept forever"),
    ("SPK-LOG-RET", res("aws_cloudwatch_log_group", retention_in_days="${var.days}"), [], False, Outcome.NON_COMPLIANT, "retention_in_days is '${var.days}'"),
    # -- SPK-MSG-ENC
    ("SPK-MSG-ENC", res("aws_sns_topic", kms_master_key_id="${aws_kms_key.k.arn}"), [], False, Outcome.COMPLIANT, ""),
    ("SPK-MSG-ENC", res("aws_sqs_queue", kms_master_key_id="${aws_kms_key.k.arn}"), [], False, Outcome.COMPLIANT, ""),
    ("SPK-MSG-ENC", res("aws_sns_topic"), [], False, Outcome.NON_COMPLIANT, "kms_master_key_id is not set"),
    ("SPK-MSG-ENC", res("aws_sqs_queue", sqs_managed_sse_enabled=True), [], False, Outcome.NON_COMPLIANT, "SQS-managed"),
    ("SPK-MSG-ENC", res("aws_sns_topic_policy"), [], False, Outcome.NOT_APPLICABLE, ""),
    # -- SPK-DATA-ENC
    ("SPK-DATA-ENC", res("aws_db_instance", storage_encrypted=True), [], False, Outcome.COMPLIANT, ""),
    ("SPK-DATA-ENC", res("aws_db_instance", storage_encrypted=False), [], False, Outcome.NON_COMPLIANT, "storage_encrypted is not true"),
    ("SPK-DATA-ENC", res("aws_rds_cluster"), [], False, Outcome.NON_COMPLIANT, "storage_encrypted is not true"),
    ("SPK-DATA-ENC", res("aws_elasticache_replication_group", at_rest_encryption_enabled="true"), [], False, Outcome.COMPLIANT, ""),
    ("SPK-DATA-ENC", res("aws_elasticache_replication_group"), [], False, Outcome.NON_COMPLIANT, "at_rest_encryption_enabled is not true"),
    ("SPK-DATA-ENC", res("aws_elasticache_cluster", replication_group_id="${aws_elasticache_replication_group.g.id}"), [], False, Outcome.COMPLIANT, ""),
    ("SPK-DATA-ENC", res("aws_elasticache_cluster", engine="redis"), [], False, Outcome.NON_COMPLIANT, "standalone cache cluster"),
    ("SPK-DATA-ENC", res("aws_dynamodb_table", server_side_encryption=[{"enabled": True}]), [], False, Outcome.COMPLIANT, ""),
    ("SPK-DATA-ENC", res("aws_dynamodb_table"), [], False, Outcome.NON_COMPLIANT, "server_side_encryption"),
    ("SPK-DATA-ENC", res("aws_ebs_volume", encrypted=True), [], False, Outcome.COMPLIANT, ""),
    ("SPK-DATA-ENC", res("aws_efs_file_system"), [], False, Outcome.NON_COMPLIANT, "encrypted is not true"),
    ("SPK-DATA-ENC", res("aws_instance", root_block_device=[{"encrypted": True}]), [], False, Outcome.COMPLIANT, ""),
    ("SPK-DATA-ENC", res("aws_instance"), [], False, Outcome.NON_COMPLIANT, "unencrypted volume(s): root"),
    ("SPK-DATA-ENC", res("aws_launch_template", block_device_mappings=[{"ebs": [{"encrypted": "true"}]}]), [], False, Outcome.COMPLIANT, ""),
    ("SPK-DATA-ENC", res("aws_launch_template", block_device_mappings=[{"ebs": [{"encrypted": "false"}]}]), [], False, Outcome.NON_COMPLIANT, "encrypted != true"),
    ("SPK-DATA-ENC", res("aws_launch_template"), [], False, Outcome.NOT_APPLICABLE, ""),
    ("SPK-DATA-ENC", res("aws_eks_cluster", encryption_config=[{"resources": ["secrets"], "provider": [{"key_arn": "${aws_kms_key.k.arn}"}]}]), [], False, Outcome.COMPLIANT, ""),
    ("SPK-DATA-ENC", res("aws_eks_cluster"), [], False, Outcome.NON_COMPLIANT, "envelope-encrypted"),
    ("SPK-DATA-ENC", res("aws_secretsmanager_secret", kms_key_id="${aws_kms_key.k.arn}"), [], False, Outcome.COMPLIANT, ""),
    ("SPK-DATA-ENC", res("aws_secretsmanager_secret"), [], False, Outcome.NON_COMPLIANT, "AWS-managed key"),
    ("SPK-DATA-ENC", res("aws_cloudtrail"), [], False, Outcome.NON_COMPLIANT, "kms_key_id is not set"),
    ("SPK-DATA-ENC", res("aws_kinesis_stream", encryption_type="KMS"), [], False, Outcome.COMPLIANT, ""),
    ("SPK-DATA-ENC", res("aws_opensearch_domain", encrypt_at_rest=[{"enabled": False}]), [], False, Outcome.NON_COMPLIANT, "encrypt_at_rest"),
    ("SPK-DATA-ENC", res("aws_vpc"), [], False, Outcome.NOT_APPLICABLE, ""),
    # -- SPK-DATA-DEL
    ("SPK-DATA-DEL", res("aws_db_instance", deletion_protection=True), [], True, Outcome.COMPLIANT, ""),
    ("SPK-DATA-DEL", res("aws_db_instance", deletion_protection=False), [], True, Outcome.NON_COMPLIANT, "deletion_protection is not true"),
    ("SPK-DATA-DEL", res("aws_db_instance", deletion_protection=False), [], False, Outcome.NOT_APPLICABLE, ""),
    ("SPK-DATA-DEL", res("aws_rds_cluster", lifecycle={"prevent_destroy": True}), [], True, Outcome.COMPLIANT, ""),
    ("SPK-DATA-DEL", res("aws_dynamodb_table"), [], True, Outcome.NON_COMPLIANT, "deletion_protection_enabled"),
    ("SPK-DATA-DEL", res("aws_elasticache_replication_group", final_snapshot_identifier="sparki-prod-cache-final"), [], True, Outcome.COMPLIANT, ""),
    ("SPK-DATA-DEL", res("aws_elasticache_replication_group"), [], True, Outcome.NON_COMPLIANT, "ElastiCache has no deletion protection"),
    ("SPK-DATA-DEL", res("aws_s3_bucket", force_destroy=False), [], True, Outcome.COMPLIANT, ""),
    ("SPK-DATA-DEL", res("aws_s3_bucket", force_destroy=True), [], True, Outcome.NON_COMPLIANT, "force_destroy is true"),
    ("SPK-DATA-DEL", res("aws_ecr_repository", force_delete=True), [], True, Outcome.NON_COMPLIANT, "force_delete is true"),
    ("SPK-DATA-DEL", res("aws_docdb_cluster", deletion_protection=False), [], True, Outcome.NON_COMPLIANT, "deletion_protection is not true"),
    ("SPK-DATA-DEL", res("aws_sns_topic"), [], True, Outcome.NOT_APPLICABLE, ""),
    # -- SPK-KMS-ROT
    ("SPK-KMS-ROT", res("aws_kms_key", enable_key_rotation=True), [], False, Outcome.COMPLIANT, ""),
    ("SPK-KMS-ROT", res("aws_kms_key"), [], False, Outcome.NON_COMPLIANT, "enable_key_rotation is not true"),
    ("SPK-KMS-ROT", res("aws_kms_key", customer_master_key_spec="RSA_2048"), [], False, Outcome.NOT_APPLICABLE, ""),
    # -- SPK-NET-INGRESS
    ("SPK-NET-INGRESS", sg("sg", ingress(443, cidr="10.0.0.0/16")), [], False, Outcome.COMPLIANT, ""),
    ("SPK-NET-INGRESS", sg("sg", ingress(22)), [], False, Outcome.NON_COMPLIANT, "tcp 22 from 0.0.0.0/0"),
    ("SPK-NET-INGRESS", sg("sg", ingress(443, cidr=None, v6="::/0")), [], False, Outcome.NON_COMPLIANT, "tcp 443 from ::/0"),
    ("SPK-NET-INGRESS", sg("sg", ingress(0, protocol="-1", to=0)), [], False, Outcome.NON_COMPLIANT, "all traffic from 0.0.0.0/0"),
    ("SPK-NET-INGRESS", sg("sg", ingress(1024, to=2048)), [], False, Outcome.NON_COMPLIANT, "tcp 1024-2048"),
    ("SPK-NET-INGRESS", sg("lb_sg", ingress(443), ingress(80, v6="::/0")), [lb()], False, Outcome.COMPLIANT, ""),
    ("SPK-NET-INGRESS", sg("lb_sg", ingress(22)), [lb()], False, Outcome.NON_COMPLIANT, "tcp 22 from 0.0.0.0/0"),
    ("SPK-NET-INGRESS", sg("lb_sg", ingress(443)), [lb(internal=True)], False, Outcome.NON_COMPLIANT, "tcp 443 from 0.0.0.0/0"),
    ("SPK-NET-INGRESS", res("aws_security_group_rule", type="ingress", security_group_id="${aws_security_group.sg.id}", from_port=22, to_port=22, protocol="tcp", cidr_blocks=["0.0.0.0/0"]), [], False, Outcome.NON_COMPLIANT, "tcp 22"),
    ("SPK-NET-INGRESS", res("aws_security_group_rule", type="ingress", security_group_id="${aws_security_group.lb_sg.id}", from_port=443, to_port=443, protocol="tcp", cidr_blocks=["0.0.0.0/0"]), [sg("lb_sg"), lb()], False, Outcome.COMPLIANT, ""),
    ("SPK-NET-INGRESS", res("aws_security_group_rule", type="egress", from_port=0, to_port=0, protocol="-1", cidr_blocks=["0.0.0.0/0"]), [], False, Outcome.NOT_APPLICABLE, ""),
    ("SPK-NET-INGRESS", res("aws_vpc_security_group_ingress_rule", security_group_id="${aws_security_group.lb_sg.id}", from_port=443, to_port=443, ip_protocol="tcp", cidr_ipv4="0.0.0.0/0"), [sg("lb_sg"), lb()], False, Outcome.COMPLIANT, ""),
    ("SPK-NET-INGRESS", res("aws_vpc_security_group_ingress_rule", security_group_id="${aws_security_group.sg.id}", from_port=443, to_port=443, ip_protocol="tcp", cidr_ipv4="0.0.0.0/0"), [sg("sg")], False, Outcome.NON_COMPLIANT, "tcp 443 from 0.0.0.0/0"),
    ("SPK-NET-INGRESS", res("aws_vpc_security_group_ingress_rule", security_group_id="${aws_security_group.sg.id}", from_port=5432, to_port=5432, ip_protocol="tcp", referenced_security_group_id="${aws_security_group.nodes.id}"), [], False, Outcome.COMPLIANT, ""),
    ("SPK-NET-INGRESS", res("aws_default_security_group", ingress=[]), [], False, Outcome.COMPLIANT, ""),
    ("SPK-NET-INGRESS", res("aws_subnet"), [], False, Outcome.NOT_APPLICABLE, ""),
    # -- SPK-TAGS (provider default tags are given in check())
    ("SPK-TAGS", res("aws_vpc", taggable=True), [], False, Outcome.COMPLIANT, ""),
    ("SPK-TAGS", res("aws_vpc", taggable=True, tags={"Name": "v"}), [], False, Outcome.COMPLIANT, ""),
    ("SPK-TAGS", res("aws_vpc", taggable=True, tags={"Owner": ""}), [], False, Outcome.NON_COMPLIANT, "missing Owner"),
    ("SPK-TAGS", res("aws_vpc", taggable=True, provider="aws.bare"), [], False, Outcome.NON_COMPLIANT, "missing Project, Environment, Layer, ManagedBy, Owner, CostCenter"),
    ("SPK-TAGS", res("aws_vpc", taggable=True, provider="aws.dr"), [], False, Outcome.COMPLIANT, ""),
    ("SPK-TAGS", res("aws_kms_alias"), [], False, Outcome.NOT_APPLICABLE, ""),
    # -- SPK-SECRET-LITERAL
    ("SPK-SECRET-LITERAL", res("aws_secretsmanager_secret_version", secret_string="${random_password.p.result}"), [], False, Outcome.COMPLIANT, ""),
    ("SPK-SECRET-LITERAL", res("aws_secretsmanager_secret_version", secret_string="hunter2"), [], False, Outcome.NON_COMPLIANT, "secret_string is a literal"),
    ("SPK-SECRET-LITERAL", res("aws_db_instance", manage_master_user_password=True), [], False, Outcome.COMPLIANT, ""),
    ("SPK-SECRET-LITERAL", res("aws_db_instance", password="correct-horse"), [], False, Outcome.NON_COMPLIANT, "password is a literal"),
    ("SPK-SECRET-LITERAL", res("aws_elasticache_replication_group", auth_token="tok"), [], False, Outcome.NON_COMPLIANT, "auth_token"),
    ("SPK-SECRET-LITERAL", res("aws_mq_broker", user=[{"username": "u", "password": "p"}]), [], False, Outcome.NON_COMPLIANT, "user is a literal"),
    ("SPK-SECRET-LITERAL", res("aws_ssm_parameter", type="SecureString", value="plain"), [], False, Outcome.NON_COMPLIANT, "value is a literal"),
    ("SPK-SECRET-LITERAL", res("aws_ssm_parameter", type="String", value="us-east-1"), [], False, Outcome.NOT_APPLICABLE, ""),
]

CASES += KUBERNETES_CASES


def check(rule_id, target, others, production):
    view = StackView(
        "stack", production, (target, *others),
        data={"aws_iam_policy_document": {"tls": TLS_DATA_SOURCE}},
        provider_tags={"aws": TAGS, "aws.dr": TAGS, "aws.bare": {}},
    )
    return RULES[rule_id].evaluate(target, view)


@pytest.mark.parametrize("rule_id, target, others, production, outcome, detail", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule(rule_id, target, others, production, outcome, detail):
    finding = check(rule_id, target, others, production)
    assert finding.outcome == outcome, finding
    assert detail in finding.detail


@pytest.mark.parametrize("rule_id", list(RULES))
def test_every_rule_has_a_compliant_and_a_non_compliant_case(rule_id):
    outcomes = {c[4] for c in CASES if c[0] == rule_id}
    assert {Outcome.COMPLIANT, Outcome.NON_COMPLIANT} <= outcomes


def test_the_required_rules_exist():
    assert set(RULES) >= {
        "SPK-S3-ENC", "SPK-LOG-ENC", "SPK-MSG-ENC", "SPK-DATA-ENC",  # encryption at rest
        "SPK-NET-INGRESS", "SPK-S3-TLS", "SPK-S3-PAB", "SPK-DATA-DEL",
        "SPK-KMS-ROT", "SPK-LOG-RET", "SPK-TAGS",
        "SPK-K8S-DEFAULT-DENY", "SPK-K8S-PRIVILEGED", "SPK-K8S-IMAGE-TAG",
    }
    for rule in RULES.values():
        assert rule.title and rule.fix and "\n" not in rule.fix


def test_stack_view_reads_synthesized_json():
    doc = {
        "provider": {"aws": [{"region": "us-east-1", "default_tags": [{"tags": {"Project": "sparki"}}]}, {"alias": "dr", "region": "us-west-2"}]},
        "resource": {"aws_vpc": {"vpc_1": {"//": {"metadata": {"path": "s/network/vpc", "uniqueId": "vpc_1"}}, "cidr_block": "10.0.0.0/16"}}},
        "data": {"aws_iam_policy_document": {"tls": {"//": {}, **TLS_DATA_SOURCE}}},
    }
    view = StackView.from_terraform("s", doc, production=True)
    (vpc,) = view.resources
    assert (vpc.type, vpc.name, vpc.path, dict(vpc.config)) == ("aws_vpc", "vpc_1", "s/network/vpc", {"cidr_block": "10.0.0.0/16"})
    assert view.at("s/network/vpc") == vpc and view.at("s/other") is None
    assert view.provider_tags == {"aws": {"Project": "sparki"}, "aws.dr": {}}
    assert view.default_tags(vpc) == {"Project": "sparki"}
    assert view.policy_document("${data.aws_iam_policy_document.tls.json}")["Statement"][0]["Effect"] == "Deny"
    assert view.production is True
