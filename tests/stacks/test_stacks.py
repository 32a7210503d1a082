"""Properties of the synthesized stacks: names, backends, providers, tags, output hygiene."""
from __future__ import annotations

import pytest

import environments
from catalog.naming import parse_stack_name, stack_name
from stacks import DR_LAYERS, KUBERNETES_LAYERS, layers_of
from stacks.base import AWS_SERVICES, EMULATOR_MAX_RETRIES
from stacks.run_settings import RunSettings
from tests.support import ROOT, read_stacks

ENVS = environments.load()
EXPECTED = [stack_name(e, layer) for e, env in ENVS.items() for layer in layers_of(env.dr_region is not None)]
AWS_STACKS = [name for name in EXPECTED if parse_stack_name(name)[1] not in KUBERNETES_LAYERS]


def home_or_site(env: str, layer: str) -> environments.Environment:
    """The environment a stack is built from: the DR site's view for a DR layer."""
    return ENVS[env].dr_site() if layer in DR_LAYERS else ENVS[env]


def test_one_stack_per_environment_and_layer(stacks):
    assert sorted(stacks) == sorted(EXPECTED)


@pytest.mark.parametrize("name", AWS_STACKS)
def test_aws_provider_pins_region_account_and_default_tags(stacks, name):
    env, layer = parse_stack_name(name)
    providers = stacks[name]["provider"]["aws"]
    (default,) = [aws for aws in providers if "alias" not in aws]
    assert default["region"] == home_or_site(env, layer).region
    # An alias (the edge layer's us-east-1, the DR data layer's primary region) differs in region only.
    for aws in providers:
        assert aws["allowed_account_ids"] == [ENVS[env].account_id]
        tags = aws["default_tags"][0]["tags"]
        assert {k: tags[k] for k in ("Project", "Environment", "Layer", "ManagedBy")} == {
            "Project": "sparki", "Environment": env, "Layer": layer, "ManagedBy": "cdktf"
        }
        assert aws["default_tags"] == default["default_tags"]
        assert "endpoints" not in aws and not any(k.startswith("skip_") for k in aws)


@pytest.mark.parametrize("name", [n for n in EXPECTED if not n.endswith("-state")])
def test_layers_use_the_environment_state_bucket_with_native_locking(stacks, name):
    env, layer = parse_stack_name(name)
    s3 = stacks[name]["terraform"]["backend"]["s3"]
    # The DR layers keep their state in the DR site's bucket, in the DR region.
    built = home_or_site(env, layer)
    account, owner = built.account_id, built.name
    assert s3["bucket"] == f"sparki-{owner}-tfstate-{account}"
    assert s3["region"] == built.region
    assert s3["key"] == f"{layer}/terraform.tfstate"
    assert s3["encrypt"] is True and s3["use_lockfile"] is True
    assert s3["kms_key_id"] == f"arn:aws:kms:{built.region}:{account}:alias/sparki-{owner}-state"
    assert "dynamodb_table" not in s3


@pytest.mark.parametrize("env", list(ENVS))
def test_state_layer_bootstraps_on_local_state_and_creates_the_bucket(stacks, env):
    doc = stacks[f"sparki-{env}-state"]
    assert doc["terraform"]["backend"] == {"local": {"path": f"../../../.terraform-state/sparki-{env}-state.tfstate"}}
    (bucket,) = doc["resource"]["aws_s3_bucket"].values()
    assert bucket["bucket"] == f"sparki-{env}-tfstate-{ENVS[env].account_id}"


def test_local_backend_keeps_relative_paths_outside_the_output(synth_with):
    outdir = synth_with(RunSettings(backend="local"))
    for name, doc in read_stacks(outdir).items():
        assert doc["terraform"]["backend"] == {"local": {"path": f"../../../.terraform-state/{name}.tfstate"}}


@pytest.mark.parametrize("run", [RunSettings(), RunSettings(backend="local", aws_endpoint="http://127.0.0.1:5000")])
def test_output_holds_no_absolute_path_of_this_machine(synth_with, run):
    outdir = synth_with(run)
    for path in outdir.rglob("*.json"):
        text = path.read_text()
        # Directory needles end in "/": a construct path like "config/root_account_mfa" is not one.
        for needle in (str(ROOT), str(outdir.parent), "/tmp/", "/root/", "/home/"):
            assert needle not in text, f"{path.name} contains {needle}"


def test_emulator_endpoint_reaches_every_service_with_skip_flags(synth_with):
    outdir = synth_with(RunSettings(backend="local", aws_endpoint="http://127.0.0.1:5000"))
    docs = read_stacks(outdir)
    for aws in (aws for name in AWS_STACKS for aws in docs[name]["provider"]["aws"]):
        assert aws["endpoints"] == [{s: "http://127.0.0.1:5000" for s in AWS_SERVICES}]
        assert aws["skip_credentials_validation"] is True and aws["s3_use_path_style"] is True
        assert aws["max_retries"] == EMULATOR_MAX_RETRIES


# Which endpoint a resource type's API calls go to. A new resource type must be added here,
# which forces the question: is its service in AWS_SERVICES?
SERVICE_BY_PREFIX = {
    # The first matching prefix wins: the account-level public access block is an S3 Control call.
    "aws_s3_account_": "s3control",
    "aws_route53_": "route53",  # before aws_route (EC2 route tables)
    "aws_acm_": "acm", "aws_cloudfront_": "cloudfront", "aws_wafv2_": "wafv2",
    "aws_s3_": "s3", "aws_kms_": "kms", "aws_cloudwatch_log_": "logs", "aws_iam_": "iam",
    "aws_vpc": "ec2", "aws_subnet": "ec2", "aws_route": "ec2", "aws_nat_gateway": "ec2",
    "aws_eip": "ec2", "aws_internet_gateway": "ec2", "aws_default_security_group": "ec2",
    "aws_security_group": "ec2", "aws_flow_log": "ec2", "aws_network_acl": "ec2", "aws_default_network_acl": "ec2", "aws_db_subnet_group": "rds",
    "aws_elasticache_subnet_group": "elasticache", "aws_sns_": "sns",
    "aws_db_": "rds", "aws_elasticache_": "elasticache", "aws_cloudwatch_metric_alarm": "cloudwatch",
    "aws_eks_": "eks", "aws_launch_template": "ec2",
    "aws_cloudtrail": "cloudtrail",
    "aws_cloudwatch_event_": "events", "aws_config_": "configservice", "aws_guardduty_": "guardduty",
    "aws_securityhub_": "securityhub", "aws_accessanalyzer_": "accessanalyzer",
    "aws_secretsmanager_": "secretsmanager", "aws_ebs_": "ec2", "aws_account_": "account",
}


def test_every_resource_type_has_an_emulated_endpoint(stacks):
    types = {t for name in AWS_STACKS for t in stacks[name].get("resource", {})}
    for rtype in sorted(types):
        matches = [svc for prefix, svc in SERVICE_BY_PREFIX.items() if rtype.startswith(prefix)]
        assert matches, f"{rtype}: add its service to SERVICE_BY_PREFIX (and AWS_SERVICES)"
        assert matches[0] in AWS_SERVICES, f"{rtype}: service {matches[0]} missing from AWS_SERVICES"
