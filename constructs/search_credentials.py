"""The AWS side of the Elasticsearch users whose clients run outside `search`: one Secrets
Manager container per shared value (constructs/search_users.shared_secret_names) and the IRSA
role of the namespaced store the PushSecrets in `search` write them with."""
from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.secretsmanager_secret_policy import SecretsmanagerSecretPolicy

from constructs import Construct
from constructs.irsa_role import IrsaRole, IrsaRoleProps
from constructs.search_users import PUSH_SERVICE_ACCOUNT, credential_policy, pusher_role_name, shared_secret_names
from constructs.secret import check_recovery_window, encrypted_secret
from constructs.telemetry_values import SERVICE_ACCOUNTS

# ESO 2.9's AWS provider writes only to a secret tagged so (isManagedByESO); without it a
# PushSecret fails with "secret not managed by external-secrets".
ESO_TAG = {"managed-by": "external-secrets"}
# What a PushSecret calls on an existing secret (providers/v1/aws/secretsmanager at v2.9.0):
# DescribeSecret, GetSecretValue, GetResourcePolicy and, when they differ, PutResourcePolicy
# and PutSecretValue. No CreateSecret, DeleteSecret or TagResource: the containers are ours.
PUSH_ACTIONS = (
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetSecretValue",
    "secretsmanager:PutSecretValue",
    "secretsmanager:GetResourcePolicy",
    "secretsmanager:PutResourcePolicy",
)


@dataclass(frozen=True)
class SearchCredentialsProps:
    """Settings for the shared Elasticsearch credentials.

    env / account_id / region: the environment the names and the resource policy are built for.
    secrets_key_arn: encrypts the values (the environment's secrets key).
    recovery_window_days: Secrets Manager's restore window after a delete, 7..30.
    oidc_provider_arn / oidc_issuer_host: the cluster's IRSA identity provider.
    """

    env: str
    account_id: str
    region: str
    secrets_key_arn: str
    recovery_window_days: int
    oidc_provider_arn: str
    oidc_issuer_host: str

    def __post_init__(self) -> None:
        check_recovery_window("search credentials", self.recovery_window_days)


class SearchCredentials(Construct):
    """Containers only ESO's pull role and the pusher may read; the pusher may write them and
    nothing else. Exports secret_names (key -> name), secret_arns, role_arn."""

    def __init__(self, scope: Construct, id: str, props: SearchCredentialsProps) -> None:
        super().__init__(scope, id)
        self.secret_names: dict[str, str] = shared_secret_names(props.env)
        self.secret_arns: dict[str, str] = {}
        for key, name in self.secret_names.items():
            secret = encrypted_secret(
                self,
                key.replace("-", "_"),
                name=name,
                description=f"{key}: written by a PushSecret in the search namespace (generated in-cluster), read by ExternalSecrets; never set by hand",
                kms_key_arn=props.secrets_key_arn,
                recovery_window_days=props.recovery_window_days,
                tags=ESO_TAG,
            )
            # The PushSecrets give the same text (search_users.credential_policy), so neither
            # side ever changes what the other wrote.
            SecretsmanagerSecretPolicy(
                self, f"{key.replace('-', '_')}_policy", secret_arn=secret.arn, policy=credential_policy(props.env, props.account_id), block_public_policy=True
            )
            self.secret_arns[key] = secret.arn
        arns = sorted(self.secret_arns.values())
        namespace, service_account = SERVICE_ACCOUNTS[PUSH_SERVICE_ACCOUNT]
        role = IrsaRole(
            self,
            "pusher",
            IrsaRoleProps(
                name=pusher_role_name(props.env),
                namespace=namespace,
                service_account=service_account,
                oidc_provider_arn=props.oidc_provider_arn,
                oidc_issuer_host=props.oidc_issuer_host,
                statements=(
                    {"Sid": "SharedCredentials", "Effect": "Allow", "Action": list(PUSH_ACTIONS), "Resource": arns},
                    # Only through Secrets Manager: the key cannot be used directly.
                    {
                        "Sid": "Key",
                        "Effect": "Allow",
                        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                        "Resource": props.secrets_key_arn,
                        "Condition": {"StringEquals": {"kms:ViaService": f"secretsmanager.{props.region}.amazonaws.com"}},
                    },
                ),
            ),
        )
        self.role_arn: str = role.role_arn
