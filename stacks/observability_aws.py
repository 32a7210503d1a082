"""Layer `observability-aws`: what the observability components need from AWS, kept out of the
Kubernetes stack so it validates, scans and runs on the emulator like every AWS-only layer:
IRSA roles (read-only where the component only reads), the Secrets Manager secrets the
in-cluster credentials come from (containers only: values are put out of band, like the
database's), and the buckets of the log and search stores."""
from __future__ import annotations

from cdktf import Fn, TerraformLocal

from catalog.naming import grafana_log_groups, resource_name, secret_name
from constructs import Construct
from constructs.observability_roles import ObservabilityRoles, ObservabilityRolesProps, cloudwatch_exporter, grafana_cloudwatch
from constructs.search_credentials import SearchCredentials, SearchCredentialsProps
from constructs.secret import Secret, SecretProps
from constructs.telemetry_storage import TelemetryStorage, TelemetryStorageProps
from environments.schema import Environment
from stacks.base import SparkiStack
from stacks.run_settings import RunSettings

# secret key -> (name under sparki-<env>/, what the value holds and who puts it there).
SECRETS: dict[str, tuple[str, str]] = {
    "alertmanager-receivers": (
        "observability/alertmanager-receivers",
        "JSON object: slack-<team> (incoming webhook URL) and pagerduty-<team> (Events API v2 routing key) for every team in [observability] teams; put by the platform team",
    ),
    "grafana-admin": (
        "observability/grafana-admin",
        "JSON object: admin-user and admin-password of Grafana's local admin (break-glass only); put by the platform team",
    ),
}


class ObservabilityAwsStack(SparkiStack):
    """Exports: role_arns (service-account name -> role ARN), bucket_names (store -> bucket),
    secret_names (secret key -> Secrets Manager name, what ExternalSecrets fetch)."""

    layer = "observability-aws"

    def __init__(
        self,
        scope: Construct,
        env: Environment,
        run: RunSettings,
        *,
        oidc_provider_arn: str,
        oidc_issuer_url: str,
        secrets_key_arn: str,
        access_log_bucket: str,
    ) -> None:
        super().__init__(scope, env, run)
        issuer_host = TerraformLocal(self, "oidc_issuer_host", Fn.replace(oidc_issuer_url, "https://", "")).as_string
        roles = ObservabilityRoles(
            self,
            "irsa",
            ObservabilityRolesProps(
                name_prefix=resource_name(env.name, "obs"),
                oidc_provider_arn=oidc_provider_arn,
                oidc_issuer_host=issuer_host,
                statements={
                    "grafana": grafana_cloudwatch(env.region, env.account_id, list(grafana_log_groups(env.name).values())),
                    "cloudwatch-exporter": cloudwatch_exporter(),
                },
            ),
        )
        # External Secrets (the cluster layer's role, named <cluster>-<component> there) is the
        # only reader: every in-cluster credential arrives through it.
        reader = f"arn:aws:iam::{env.account_id}:role/{resource_name(env.name, 'eks')}-external-secrets"
        secrets = Construct(self, "secrets")
        self.secret_names: dict[str, str] = {}
        for key, (name, description) in SECRETS.items():
            Secret(
                secrets,
                key,
                SecretProps(
                    name=secret_name(env.name, name),
                    description=description,
                    kms_key_arn=secrets_key_arn,
                    reader_role_arns=[reader],
                    recovery_window_days=env.security.secret_recovery_days,
                ),
            )
            # By name, not by reference: the Kubernetes stack needs no remote state for it.
            self.secret_names[key] = secret_name(env.name, name)
        # Loki's chunks and index, the Elasticsearch snapshots; their roles trust the service
        # accounts constructs/telemetry_values.py names.
        storage = TelemetryStorage(
            self,
            "telemetry",
            TelemetryStorageProps(
                env=env.name,
                account_id=env.account_id,
                region=env.region,
                access_log_bucket=access_log_bucket,
                loki_retention_days=env.observability.logs.retention_days,
                oidc_provider_arn=oidc_provider_arn,
                oidc_issuer_host=issuer_host,
                key_deletion_window_days=env.kms_key_deletion_window_days,
            ),
        )
        # The Elasticsearch users' passwords and CA for clients outside `search`: written by
        # PushSecrets in the cluster, never by hand (constructs/search_users.py).
        credentials = SearchCredentials(
            self,
            "search_credentials",
            SearchCredentialsProps(
                env=env.name,
                account_id=env.account_id,
                region=env.region,
                secrets_key_arn=secrets_key_arn,
                recovery_window_days=env.security.secret_recovery_days,
                oidc_provider_arn=oidc_provider_arn,
                oidc_issuer_host=issuer_host,
            ),
        )
        self.secret_names.update(credentials.secret_names)
        self.role_arns: dict[str, str] = {**roles.role_arns, **storage.role_arns, "es-credentials": credentials.role_arn}
        self.bucket_names: dict[str, str] = dict(storage.bucket_names)
