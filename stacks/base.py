"""What every Sparki stack shares: naming, provider, backend, tags."""
from __future__ import annotations

from cdktf import LocalBackend, S3Backend, TerraformProvider, TerraformResource, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags, AwsProviderEndpoints

from catalog.naming import resource_name, stack_name
from constructs import Construct
from environments.schema import Environment
from stacks.run_settings import RunSettings

# Every AWS service any stack talks to. With SPARKI_AWS_ENDPOINT each one is pointed at the
# emulator; a service missing here would silently reach real AWS, so tests check the list
# against the resource types in the synthesized JSON.
AWS_SERVICES = (
    "account", "accessanalyzer", "acm", "autoscaling", "cloudfront", "cloudtrail", "cloudwatch",
    "configservice", "dynamodb", "ec2", "ecr", "eks", "elasticache", "elbv2", "events",
    "guardduty", "iam", "kms", "logs", "rds", "route53", "s3", "s3control", "secretsmanager",
    "securityhub", "sns", "sqs", "ssm", "sts", "wafv2",
)
# The provider's Python bindings spell a few endpoint names differently from Terraform.
ENDPOINT_KWARGS = {"s3control": "s3_control"}
# Relative to a stack's working directory (<outdir>/stacks/<stack>): state files live beside
# the output directory, so re-synthesizing never deletes them and no absolute path of this
# machine ends up in the JSON.
LOCAL_STATE_DIR = "../../../.terraform-state"
EMULATOR_MAX_RETRIES = 3


def state_bucket_name(env: Environment) -> str:
    """Bucket names are global; the account id keeps ours from colliding with anyone's."""
    return resource_name(env.name, f"tfstate-{env.account_id}")


def state_key_alias(env: Environment) -> str:
    return resource_name(env.name, "state")


def static_assets_name(env: Environment) -> str:
    """The edge layer's static-assets site; the security layer admits its access-log delivery
    source ("<this>-access-logs") by this name, before the edge stack exists."""
    return resource_name(env.name, "static")


def backend_kms_key_id(env: Environment) -> str:
    """What the S3 backend sends as the state's KMS key: the alias ARN, known before the key
    exists. The state bucket's policy admits uploads naming it (constructs/state_bucket.py)."""
    return f"arn:aws:kms:{env.region}:{env.account_id}:alias/{state_key_alias(env)}"


def dr_key_alias_arn(env: Environment, purpose: str) -> str:
    """The DR site's key for `purpose` by alias ARN, known before the key exists: what the
    primary's secrets and state bucket replicate with (the DR layers deploy first)."""
    site = env.dr_site()
    if site is None:
        raise ValueError(f"environment {env.name!r} has no dr_region; there is no DR key")
    return f"arn:aws:kms:{site.region}:{site.account_id}:alias/{resource_name(site.name, purpose)}"


def dr_secret_replicas(env: Environment) -> dict[str, str]:
    """region -> key for the replicas of the environment's secrets: the DR region with the DR
    site's secrets key; none without DR (and for the DR site itself)."""
    if env.is_dr_site or env.dr_site() is None:
        return {}
    return {str(env.dr_region): dr_key_alias_arn(env, "secrets")}


def place_in(construct: Construct, provider: TerraformProvider) -> None:
    """Every resource of a construct that takes no provider prop is created with `provider`."""
    for child in construct.node.find_all():
        if isinstance(child, TerraformResource):
            child.provider = provider


class SparkiStack(TerraformStack):
    """A stack named sparki-<env>-<layer>, with the environment's backend and, unless the class
    sets `aws_provider = False` (the Kubernetes layers, which add their own), the AWS provider."""

    layer: str = ""
    aws_provider: bool = True

    def __init__(self, scope: Construct, env: Environment, run: RunSettings, *, s3_backend: bool = True) -> None:
        if not self.layer:
            raise TypeError(f"{type(self).__name__} must set the class attribute 'layer'")
        super().__init__(scope, stack_name(env.home, self.layer))
        self.env = env
        self.run = run
        self.tags: dict[str, str] = {
            **dict(env.tags),
            "Project": "sparki",
            "Environment": env.home,
            "Layer": self.layer,
            "ManagedBy": "cdktf",
        }
        self.aws = self._aws_provider() if self.aws_provider else None
        self._backend(s3_backend)

    # -- provider --------------------------------------------------------------------------
    def _aws_provider(self, region: str | None = None, alias: str | None = None) -> AwsProvider:
        env, endpoint = self.env, self.run.aws_endpoint
        extra = {}
        if endpoint:
            extra = dict(
                endpoints=[AwsProviderEndpoints(**{ENDPOINT_KWARGS.get(service, service): endpoint for service in AWS_SERVICES})],
                skip_credentials_validation=True,
                skip_metadata_api_check="true",
                skip_region_validation=True,
                s3_use_path_style=True,
                # moto answers an API it lacks with HTTP 500, which the provider retries 25
                # times with backoff (~10 minutes per call). Three attempts make a missing API
                # fail in seconds with the operation named (sparki/emulator/ reports it).
                max_retries=EMULATOR_MAX_RETRIES,
            )
        return AwsProvider(
            self,
            f"aws_{alias}" if alias else "aws",
            region=region or env.region,
            alias=alias,
            allowed_account_ids=[env.account_id],
            default_tags=[AwsProviderDefaultTags(tags=self.tags)],
            **extra,
        )

    # -- backend ---------------------------------------------------------------------------
    def _backend(self, s3: bool) -> None:
        if self.run.backend == "local" or not s3:
            LocalBackend(self, path=f"{LOCAL_STATE_DIR}/{self.node.id}.tfstate")
            return
        env = self.env
        S3Backend(
            self,
            bucket=state_bucket_name(env),
            key=f"{self.layer}/terraform.tfstate",
            region=env.region,
            encrypt=True,
            kms_key_id=backend_kms_key_id(env),
            allowed_account_ids=[env.account_id],
        )
        # S3-native locking (Terraform >= 1.10) replaces the DynamoDB lock table. cdktf 0.21
        # has no typed prop for it, hence the override.
        self.add_override("terraform.backend.s3.use_lockfile", True)
