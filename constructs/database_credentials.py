"""The master credentials of constructs/database.py when the password is write-only: one
password Secrets Manager generates in each run, sent to the instance and to our own secret and
kept in no file, plan or state (docs/data.md, "Credentials").

Functions rather than a construct, like constructs/database_monitoring.py: the resources sit
directly under the Database.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cdktf import Fn
from cdktf_cdktf_provider_aws.secretsmanager_secret import SecretsmanagerSecret
from cdktf_cdktf_provider_aws.secretsmanager_secret_version import SecretsmanagerSecretVersion

from catalog.aws import DB_PASSWORD_EXCLUDED
from constructs import Construct
from constructs.ephemeral import random_password
from constructs.secret import check_recovery_window, encrypted_secret

# RDS for PostgreSQL takes 8..128 characters; 40 from the full printable set is ~260 bits.
PASSWORD_LENGTH = 40


def master_secret_name(name: str) -> str:
    """The secret that holds the master credentials of the database named `name`."""
    return f"{name}/postgres/master"


def write_only_password(scope: Construct) -> str:
    """The master password: a token for write-only arguments only (password_wo,
    secret_string_wo). Terraform refuses it anywhere else, so it cannot reach state."""
    return random_password(
        scope,
        "master_password",
        password_length=PASSWORD_LENGTH,
        exclude_characters=DB_PASSWORD_EXCLUDED,
        include_space=False,
        require_each_included_type=True,
    )


def instance_credentials(scope: Construct, scheme: str, secret_key_arn: str, version: int) -> tuple[dict, str | None]:
    """The aws_db_instance arguments that set the master password under `scheme`, and the
    password token for the secret (None with "rds-managed", where RDS keeps its own secret)."""
    if scheme == "write-only":
        # Generated in each run, sent through write-only arguments: in no JSON, plan or state.
        # RDS receives it only when the version changes (docs/data.md, "Credentials").
        password = write_only_password(scope)
        return dict(password_wo=password, password_wo_version=version), password
    # RDS generates, keeps and rotates it; this rules out read replicas (docs/data.md).
    return dict(manage_master_user_password=True, master_user_secret_kms_key_id=secret_key_arn), None


@dataclass(frozen=True)
class MasterSecretProps:
    """name: the secret's name (master_secret_name()); kms_key_arn: the secrets key;
    recovery_window_days: 7..30, how long a deleted secret can be restored; version: the
    password_version the value belongs to: a new version writes a new value; replica_key_arns:
    region -> key there, where Secrets Manager keeps a replica (the DR region); default none."""

    name: str
    kms_key_arn: str
    recovery_window_days: int
    version: int
    replica_key_arns: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_recovery_window(self.name, self.recovery_window_days)
        if self.version < 1:
            raise ValueError(f"{self.name}: version={self.version}: must be at least 1")


def master_secret(scope: Construct, props: MasterSecretProps, *, username: str, password: str, host: str, port: str | float) -> SecretsmanagerSecret:
    """The secret with the credentials in the shape RDS's own secrets have (username, password,
    engine, host, port), so tools that read an RDS secret read this one. Only the password is
    secret; the value goes in through secret_string_wo, so state holds neither."""
    secret = encrypted_secret(
        scope,
        "master_secret",
        name=props.name,
        description="Master user of the PostgreSQL instance; written by Terraform through a write-only argument (docs/data.md)",
        kms_key_arn=props.kms_key_arn,
        recovery_window_days=props.recovery_window_days,
        replica_key_arns=props.replica_key_arns,
    )
    SecretsmanagerSecretVersion(
        scope,
        "master_secret_value",
        secret_id=secret.id,
        secret_string_wo=Fn.jsonencode({"username": username, "password": password, "engine": "postgres", "host": host, "port": port}),
        # The value is sent only when this changes: the same apply that sends the instance a
        # new password (the same number) sends it here.
        secret_string_wo_version=props.version,
    )
    return secret
