"""Validate Kubernetes objects: core kinds with kubernetes-validate (strict: unknown fields
fail) at the environment's Kubernetes version, custom kinds against their vendored CRD schema.

kubernetes-validate cannot tell a custom kind from a typo; it raises SchemaNotFoundError. Here
that falls through to the CRD index, and a kind found in neither is an error, never a pass.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema
import kubernetes_validate
from kubernetes_validate.utils import SchemaNotFoundError

from sparki.kubernetes.schemas import Key, key_of


@dataclass(frozen=True)
class Result:
    """How one object was validated ("core" or "crd") or why it failed (error, one line)."""

    kind: str
    name: str
    source: str
    error: str = ""


def _where(error: jsonschema.ValidationError) -> str:
    return "/".join(str(p) for p in error.absolute_path) or "(root)"


def strict_schema(schema: Any) -> Any:
    """The CRD schema with unknown fields refused: the API server silently prunes fields a
    structural schema does not declare, so a typo would vanish on apply instead of failing."""
    if not isinstance(schema, Mapping):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("properties", "patternProperties") and isinstance(value, Mapping):
            out[key] = {name: strict_schema(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not"):
            out[key] = strict_schema(value)
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
            out[key] = [strict_schema(sub) for sub in value]
        else:
            out[key] = value
    if "properties" in out and "additionalProperties" not in out and not out.get("x-kubernetes-preserve-unknown-fields"):
        out["additionalProperties"] = False
    return out


def validate_object(obj: Mapping[str, Any], kubernetes_version: str, crds: Mapping[Key, Mapping[str, Any]]) -> Result:
    meta = obj.get("metadata", {})
    name = f"{meta.get('namespace', '')}/{meta.get('name', '?')}".lstrip("/")
    kind = str(obj.get("kind", "?"))
    try:
        kubernetes_validate.validate(dict(obj), kubernetes_version, strict=True)
        return Result(kind, name, "core")
    except SchemaNotFoundError:
        pass
    except jsonschema.ValidationError as exc:
        return Result(kind, name, "core", f"{_where(exc)}: {exc.message}")
    schema = crds.get(key_of(obj))
    if schema is None:
        return Result(kind, name, "none", f"{obj.get('apiVersion')} {kind} is neither a Kubernetes {kubernetes_version} kind nor in a vendored CRD (tests/kubernetes/crds/)")
    implicit = {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"}}
    schema = {**schema, "properties": {**implicit, **schema.get("properties", {})}}
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(strict_schema(schema)).iter_errors(dict(obj)))
    if error is not None:
        return Result(kind, name, "crd", f"{_where(error)}: {error.message}")
    return Result(kind, name, "crd")
