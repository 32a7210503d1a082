"""Every Kubernetes object of a synthesized stack, as the cluster would receive it.

`kubernetes_manifest` carries the object itself; the one typed resource the platform uses,
`kubernetes_default_service_account_v1`, is converted to the ServiceAccount it patches.
Anything else of the kubernetes provider is refused: it would escape validation.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

MANIFEST = "kubernetes_manifest"
DEFAULT_SA = "kubernetes_default_service_account_v1"
# Kinds whose pod template the policy rules and checkov read, and where it sits.
POD_TEMPLATE_PATHS = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}


class UnsupportedResource(ValueError):
    pass


def _as_dict(value: Any) -> Any:
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], Mapping):
        return value[0]
    return value


def default_service_account(config: Mapping[str, Any]) -> dict[str, Any]:
    meta = _as_dict(config["metadata"])
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": "default", "namespace": meta["namespace"]},
        "automountServiceAccountToken": config.get("automount_service_account_token") is True,
    }


def stack_objects(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every object of one stack's cdk.tf.json, in logical-id order."""
    found: list[dict[str, Any]] = []
    for rtype, by_name in sorted(doc.get("resource", {}).items()):
        if not rtype.startswith("kubernetes_"):
            continue
        for logical, config in sorted(by_name.items()):
            if rtype == MANIFEST:
                found.append(json.loads(json.dumps(config["manifest"])))
            elif rtype == DEFAULT_SA:
                found.append(default_service_account(config))
            else:
                raise UnsupportedResource(f"{rtype}.{logical}: write it as kubernetes_manifest so it is validated like every other object")
    return found


def file_name(obj: Mapping[str, Any]) -> str:
    meta = obj["metadata"]
    parts = [obj["kind"], meta.get("namespace", "cluster"), meta["name"]]
    return re.sub(r"[^a-z0-9.-]", "_", "-".join(parts).lower()) + ".yaml"


def write_objects(outdir: Path, stacks: Mapping[str, Mapping[str, Any]]) -> dict[str, list[Path]]:
    """One YAML file per object under outdir/<stack>/; stack name -> files written."""
    written: dict[str, list[Path]] = {}
    for name, doc in stacks.items():
        objects = stack_objects(doc)
        if not objects:
            continue
        target = Path(outdir) / name
        target.mkdir(parents=True, exist_ok=True)
        written[name] = []
        for obj in objects:
            path = target / file_name(obj)
            if path.exists():
                raise ValueError(f"{name}: two objects write {path.name}")
            path.write_text(yaml.safe_dump(obj, sort_keys=False))
            written[name].append(path)
    return written


def pod_spec(obj: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The pod spec of a workload object; None for kinds that run no pods."""
    path = POD_TEMPLATE_PATHS.get(obj.get("kind", ""))
    if path is None:
        return None
    node: Any = obj
    for key in path:
        node = node.get(key, {}) if isinstance(node, Mapping) else {}
    return node if isinstance(node, Mapping) else {}


def containers(spec: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for key in ("initContainers", "containers", "ephemeralContainers"):
        yield from spec.get(key, []) or []
