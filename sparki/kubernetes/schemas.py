"""Schemas of custom kinds, from the CRDs vendored under tests/kubernetes/crds/.

Every `*.yaml`/`*.yml` there is read (multi-document files too); each CustomResourceDefinition
contributes one openAPIV3Schema per served version, indexed by (group, version, kind). A CRD
schema is a structural OpenAPI v3 schema, which jsonschema validates as draft 2020-12 once the
Kubernetes extensions (`x-kubernetes-*`) are ignored, as they are: unknown keywords.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

Key = tuple[str, str, str]


class SchemaError(ValueError):
    pass


def load_crd_schemas(directory: Path) -> dict[Key, Mapping[str, Any]]:
    """(group, version, kind) -> openAPIV3Schema of every CRD under directory (recursively)."""
    index: dict[Key, Mapping[str, Any]] = {}
    where: dict[Key, Path] = {}
    files = sorted([*Path(directory).rglob("*.yaml"), *Path(directory).rglob("*.yml")]) if Path(directory).is_dir() else []
    for path in files:
        try:
            documents = list(yaml.safe_load_all(path.read_text()))
        except yaml.YAMLError as exc:
            raise SchemaError(f"{path}: not YAML ({exc.__class__.__name__})") from None
        for doc in documents:
            if not isinstance(doc, Mapping) or doc.get("kind") != "CustomResourceDefinition":
                continue
            spec = doc.get("spec", {})
            group, kind = spec.get("group"), spec.get("names", {}).get("kind")
            for version in spec.get("versions", []):
                schema = (version.get("schema") or {}).get("openAPIV3Schema")
                if not version.get("served", True) or not schema:
                    continue
                key = (group, version["name"], kind)
                if key in index and index[key] != schema:
                    raise SchemaError(f"{path}: {group}/{version['name']} {kind} is also defined differently in {where[key]}")
                index[key] = schema
                where[key] = path
    return index


def key_of(obj: Mapping[str, Any]) -> Key:
    group, _, version = str(obj.get("apiVersion", "")).rpartition("/")
    return group, version, str(obj.get("kind", ""))
