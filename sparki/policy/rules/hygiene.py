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
    "never put secret values in code: let the service own them (RDS manage_master_user_password), "
    "generate them at apply time, or put them into the Secrets Manager secret out of band",
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
