"""Hygiene: every taggable resource carries the required tags; no secret value is written in code."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sparki.policy.model import Finding, compliant, non_compliant, not_applicable, rule
from sparki.policy.view import Resource, StackView

# Tags every taggable resource carries: the first four come from the stack's provider
# default_tags (stacks/base.py), Owner and CostCenter from the environment's tags.
REQUIRED_TAGS = ("Project", "Environment", "Layer", "ManagedBy", "Owner", "CostCenter")


@rule(
    "SPK-TAGS",
    "required tags are missing",
    "let the stack's provider default_tags carry Project, Environment, Layer and ManagedBy "
    "(stacks/base.py) and the environment's tags carry Owner and CostCenter; do not blank them "
    "in the resource's tags",
    None,  # any type with a tags argument; which those are, only the provider bindings know
)
def required_tags(r: Resource, stack: StackView) -> Finding:
    if not r.taggable:
        return not_applicable()
    own = r.get("tags")
    tags = {**stack.default_tags(r), **(own if isinstance(own, Mapping) else {})}
    missing = [t for t in REQUIRED_TAGS if not str(tags.get(t) or "").strip()]
    return non_compliant(f"missing {', '.join(missing)}") if missing else compliant()


SECRET_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "aws_secretsmanager_secret_version": ("secret_string", "secret_binary"),
    "aws_db_instance": ("password",),
    "aws_rds_cluster": ("master_password",),
    "aws_docdb_cluster": ("master_password",),
    "aws_neptune_cluster": ("master_password",),
    "aws_redshift_cluster": ("master_password",),
    "aws_elasticache_replication_group": ("auth_token",),
    "aws_elasticache_user": ("passwords",),
    "aws_mq_broker": ("user",),
}


def _literal(value: Any) -> bool:
    """A value written into the configuration, as opposed to one computed at apply time."""
    if isinstance(value, str):
        return bool(value) and "${" not in value
    if isinstance(value, list | tuple):
        return any(_literal(v) for v in value)
    if isinstance(value, Mapping):
        return _literal(value.get("password"))
    return False


@rule(
    "SPK-SECRET-LITERAL",
    "a secret value is written into the configuration",
    "never put secret values in code: send an ephemeral value through the write-only argument "
    "(password_wo, secret_string_wo), let the service own them (RDS manage_master_user_password), "
    "or put them into the Secrets Manager secret out of band",
    (*SECRET_ARGUMENTS, "aws_ssm_parameter"),
)
def no_literal_secrets(r: Resource, stack: StackView) -> Finding:
    names = SECRET_ARGUMENTS.get(r.type, ())
    if r.type == "aws_ssm_parameter" and r.get("type") == "SecureString":
        names = ("value",)
    if not names:
        return not_applicable()
    literal = [n for n in names if _literal(r.get(n))]
    return non_compliant(f"{', '.join(literal)} is a literal") if literal else compliant()


# Write-only arguments of provider 5.100 (its schema's write_only attributes): Terraform sends
# them and stores them nowhere, but a literal would still sit in the JSON, and a value from a
# resource or data source (random_password.result) sits in state through that resource.
WRITE_ONLY_SECRETS: dict[str, tuple[str, ...]] = {
    "aws_db_instance": ("password_wo",),
    "aws_rds_cluster": ("master_password_wo",),
    "aws_docdb_cluster": ("master_password_wo",),
    "aws_redshift_cluster": ("master_password_wo",),
    "aws_redshiftserverless_namespace": ("admin_user_password_wo",),
    "aws_secretsmanager_secret_version": ("secret_string_wo",),
    "aws_ssm_parameter": ("value_wo",),
}


@rule(
    "SPK-SECRET-WRITE-ONLY",
    "a write-only secret argument is not fed from an ephemeral value",
    "generate the value with an ephemeral resource (constructs/ephemeral.py random_password) and "
    "pass its token; a literal lands in the JSON, a resource's or data source's value in state",
    WRITE_ONLY_SECRETS,
)
def write_only_from_ephemeral(r: Resource, stack: StackView) -> Finding:
    given = [n for n in WRITE_ONLY_SECRETS[r.type] if r.get(n) is not None]
    if not given:
        return not_applicable()
    bad = [n for n in given if not stack.ephemeral(r.get(n))]
    return non_compliant(f"{', '.join(bad)} is not ephemeral") if bad else compliant()
