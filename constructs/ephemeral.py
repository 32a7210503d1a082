"""Ephemeral values for write-only arguments: generated during each plan and apply, never
written to the configuration, the plan or the state (Terraform 1.10+ `ephemeral` blocks, fed to 1.11+ write-only arguments).

The only place that knows how cdktf 0.21 is made to write one. Its bindings have the
write-only arguments (`password_wo`, `secret_string_wo`, ...) but no ephemeral resource classes,
and cdktf is archived, so the block goes in through the stack's escape hatch (add_override) and
is read through a `locals` entry: a TerraformLocal is public API, and its token may be used
inside Fn.jsonencode and other expressions, where a raw "${ephemeral...}" string would be
escaped into a literal. A local that references an ephemeral value is itself ephemeral, so
Terraform still refuses it anywhere but a write-only argument or another ephemeral context.

Needs Terraform 1.11 (write-only arguments; README). No `required_version` is written: checkov
3.3's Terraform JSON parser fails on any non-block entry of the `terraform` block.
"""
from __future__ import annotations

import re

from cdktf import TerraformLocal, TerraformStack

from constructs import Construct

RANDOM_PASSWORD = "aws_secretsmanager_random_password"
_ARGUMENTS = frozenset({
    "exclude_characters", "exclude_lowercase", "exclude_numbers", "exclude_punctuation",
    "exclude_uppercase", "include_space", "password_length", "require_each_included_type",
})


def random_password(scope: Construct, id: str, **arguments: object) -> str:
    """A token for a password Secrets Manager generates (GetRandomPassword) in every plan and
    apply; use it only in write-only arguments. Within one run every use sees the same value.

    arguments: those of the `aws_secretsmanager_random_password` ephemeral resource of the AWS
    provider 5.100 (e.g. password_length=32, exclude_characters="/@\""); a misspelt one fails
    here instead of in terraform validate.
    """
    unknown = sorted(set(arguments) - _ARGUMENTS)
    if unknown:
        raise ValueError(f"{scope.node.path}/{id}: {RANDOM_PASSWORD} takes no argument {unknown[0]!r}; use {', '.join(sorted(_ARGUMENTS))}")
    stack = TerraformStack.of(scope)
    # The block's name is the construct path below the stack, so two scopes never collide.
    relative = scope.node.path[len(stack.node.path):].strip("/")
    name = re.sub(r"\W", "_", f"{relative}/{id}" if relative else id)
    stack.add_override(f"ephemeral.{RANDOM_PASSWORD}.{name}", dict(arguments))
    local = TerraformLocal(scope, id, f"${{ephemeral.{RANDOM_PASSWORD}.{name}.random_password}}")
    return local.as_string
