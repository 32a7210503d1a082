"""A Secrets Manager secret declared by name: its value is never part of the configuration."""
from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdktf_cdktf_provider_aws.secretsmanager_secret import SecretsmanagerSecret, SecretsmanagerSecretReplica
from cdktf_cdktf_provider_aws.secretsmanager_secret_policy import SecretsmanagerSecretPolicy
from cdktf_cdktf_provider_aws.secretsmanager_secret_rotation import (
    SecretsmanagerSecretRotation,
    SecretsmanagerSecretRotationRotationRules,
)

from constructs import Construct

_ROLE_ARN = re.compile(r"^arn:aws:iam::\d{12}:role/[\w+=,.@\-/]{1,512}$")
_LAMBDA_ARN = re.compile(r"^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[\w-]{1,64}$")

# Reading the value is what the policy limits; writing it (PutSecretValue) stays with IAM, so
# operators can put a value without being able to read it back.
READ_ACTIONS = ("secretsmanager:GetSecretValue",)


@dataclass(frozen=True)
class SecretProps:
    """Settings for one secret.

    name: the secret's name, e.g. "sparki-dev/app/session-signing-key".
    description: what the value is and who puts it there.
    kms_key_arn: encrypts the value (the secrets key).
    reader_role_arns: IAM roles that may read the value; at least one. Everyone else is denied
        GetSecretValue by the secret's resource policy, whatever their IAM policies say.
    recovery_window_days: 7..30; default 30.
    rotation_lambda_arn: a rotation function that exists; default None: no rotation.
    rotation_role_arn: the rotation function's execution role (it reads the value); required
        with rotation_lambda_arn.
    rotation_days: rotate every this many days; default 30, 1..1000.
    replica_key_arns: region -> KMS key (ARN or alias ARN) there: Secrets Manager keeps a
        replica of the secret, same name, in each region; default none.
    """

    name: str
    description: str
    kms_key_arn: str
    reader_role_arns: Sequence[str]
    recovery_window_days: int = 30
    rotation_lambda_arn: str | None = None
    rotation_role_arn: str | None = None
    rotation_days: int = 30
    replica_key_arns: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.reader_role_arns:
            raise ValueError(f"{self.name}: reader_role_arns must name at least one role")
        for arn in (*self.reader_role_arns, *([self.rotation_role_arn] if self.rotation_role_arn else [])):
            if not _ROLE_ARN.match(arn):
                raise ValueError(f"{self.name}: {arn!r} is not an IAM role ARN")
        check_recovery_window(self.name, self.recovery_window_days)
        if self.rotation_lambda_arn is not None and not _LAMBDA_ARN.match(self.rotation_lambda_arn):
            raise ValueError(f"{self.name}: rotation_lambda_arn={self.rotation_lambda_arn!r} is not a Lambda function ARN")
        if bool(self.rotation_lambda_arn) != bool(self.rotation_role_arn):
            raise ValueError(f"{self.name}: give rotation_lambda_arn and rotation_role_arn together (the function's role must read the secret)")
        if not 1 <= self.rotation_days <= 1000:
            raise ValueError(f"{self.name}: rotation_days={self.rotation_days}: must be between 1 and 1000")

    @property
    def readers(self) -> list[str]:
        return sorted({*self.reader_role_arns, *([self.rotation_role_arn] if self.rotation_role_arn else [])})


def check_recovery_window(name: str, days: int) -> None:
    """Secrets Manager keeps a deleted secret restorable for 7 to 30 days."""
    if not 7 <= days <= 30:
        raise ValueError(f"{name}: recovery_window_days={days}: must be between 7 and 30")


def encrypted_secret(
    scope: Construct,
    id: str,
    *,
    name: str,
    description: str,
    kms_key_arn: str,
    recovery_window_days: int,
    replica_key_arns: Mapping[str, str] | None = None,
    tags: Mapping[str, str] | None = None,
) -> SecretsmanagerSecret:
    """The secret itself, named and tagged `name` (plus `tags`), its value encrypted with the
    given key; replicated to each region of replica_key_arns (region -> key there), if any."""
    replicas = [SecretsmanagerSecretReplica(region=region, kms_key_id=key) for region, key in sorted((replica_key_arns or {}).items())]
    return SecretsmanagerSecret(
        scope,
        id,
        name=name,
        description=description,
        kms_key_id=kms_key_arn,
        recovery_window_in_days=recovery_window_days,
        tags={"Name": name, **(tags or {})},
        **({"replica": replicas} if replicas else {}),
    )


def reader_policy(secret_arn: str, readers: Sequence[str]) -> str:
    """Deny reading the value to every principal but the named roles (and their sessions).

    A Deny keyed on aws:PrincipalArn needs no Allow naming the roles, so the roles may be
    created by a later layer: an Allow with a role that does not exist yet is rejected.
    """
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "OnlyNamedRolesReadTheValue",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": list(READ_ACTIONS),
                    "Resource": secret_arn,
                    "Condition": {"ArnNotEquals": {"aws:PrincipalArn": list(readers)}},
                }
            ],
        }
    )


class Secret(Construct):
    """A KMS-encrypted secret whose value only the named roles can read; rotated by the given
    function where one is given. secret_arn / secret_name are exported."""

    def __init__(self, scope: Construct, id: str, props: SecretProps) -> None:
        super().__init__(scope, id)
        secret = encrypted_secret(
            self,
            "secret",
            name=props.name,
            description=props.description,
            kms_key_arn=props.kms_key_arn,
            recovery_window_days=props.recovery_window_days,
            replica_key_arns=props.replica_key_arns,
        )
        SecretsmanagerSecretPolicy(
            self,
            "policy",
            secret_arn=secret.arn,
            policy=reader_policy(secret.arn, props.readers),
            # Secrets Manager refuses any policy that would open the secret to other accounts.
            block_public_policy=True,
        )
        if props.rotation_lambda_arn:
            SecretsmanagerSecretRotation(
                self,
                "rotation",
                secret_id=secret.id,
                rotation_lambda_arn=props.rotation_lambda_arn,
                rotation_rules=SecretsmanagerSecretRotationRotationRules(automatically_after_days=props.rotation_days),
            )
        self.secret_arn: str = secret.arn
        self.secret_name: str = secret.name
