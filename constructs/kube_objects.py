"""Plain Kubernetes objects as `kubernetes_manifest` resources, and the patched `default`
service account of each namespace the platform creates."""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from cdktf import ITerraformDependable, TerraformProvider
from cdktf_cdktf_provider_kubernetes.default_service_account_v1 import (
    DefaultServiceAccountV1,
    DefaultServiceAccountV1Metadata,
)
from cdktf_cdktf_provider_kubernetes.manifest import Manifest

from constructs import Construct


def object_id(manifest: Mapping[str, Any]) -> str:
    """A stable logical id from what identifies the object in the cluster: kind, namespace, name."""
    meta = manifest["metadata"]
    parts = [manifest["kind"], meta.get("namespace", ""), meta["name"]]
    return re.sub(r"[^A-Za-z0-9_]", "_", "_".join(p for p in parts if p)).lower()


class KubeObjects(Construct):
    """One kubernetes_manifest per object; `resources[object_id]` for dependencies."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        manifests: Sequence[Mapping[str, Any]],
        *,
        provider: TerraformProvider,
        after: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        self.resources: dict[str, Manifest] = {}
        for manifest in manifests:
            key = object_id(manifest)
            if key in self.resources:
                raise ValueError(f"{manifest['kind']} {manifest['metadata'].get('namespace', '')}/{manifest['metadata']['name']} is declared twice")
            self.resources[key] = Manifest(self, key, manifest=dict(manifest), provider=provider, depends_on=list(after) or None)


class DefaultServiceAccounts(Construct):
    """`automountServiceAccountToken: false` on the `default` service account of each namespace:
    a pod that names no service account gets no API token (CIS 5.1.5). The typed resource patches
    the account Kubernetes creates; a manifest would conflict with it."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        namespaces: Mapping[str, ITerraformDependable],
        *,
        provider: TerraformProvider,
    ) -> None:
        super().__init__(scope, id)
        for ns, created in namespaces.items():
            DefaultServiceAccountV1(
                self,
                re.sub(r"[^A-Za-z0-9_]", "_", ns),
                metadata=DefaultServiceAccountV1Metadata(namespace=ns),
                automount_service_account_token=False,
                provider=provider,
                depends_on=[created],
            )
