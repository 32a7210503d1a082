"""Plain Kubernetes objects as `kubernetes_manifest` resources, and the patched `default`
service account of each namespace the platform creates."""
from __future__ import annotations

import hashlib
import re
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

import jsii
from cdktf import ITerraformDependable, TerraformDataSource, TerraformElement, TerraformProvider, TerraformResource, TerraformStack
from cdktf_cdktf_provider_kubernetes.default_service_account_v1 import (
    DefaultServiceAccountV1,
    DefaultServiceAccountV1Metadata,
)

from constructs import Construct

MANIFEST = "kubernetes_manifest"


def object_id(manifest: Mapping[str, Any]) -> str:
    """A stable logical id from what identifies the object in the cluster: kind, namespace, name."""
    meta = manifest["metadata"]
    parts = [manifest["kind"], meta.get("namespace", ""), meta["name"]]
    return re.sub(r"[^A-Za-z0-9_]", "_", "_".join(p for p in parts if p)).lower()


def unique_id(components: Sequence[str]) -> str:
    """The logical id cdktf 0.21 gives the element at this construct path below its stack
    (private/unique.ts, makeUniqueId; the same as aws-cdk's). tests/constructs/
    test_kube_objects.py checks it against cdktf's own TerraformStack.get_logical_id()."""
    parts = [c for c in components if c != "Default"]
    if len(parts) == 1 and len(_allowed(parts[0])) <= 255:
        return _allowed(parts[0])
    digest = hashlib.md5("/".join(parts).encode()).hexdigest()[:8].upper()  # noqa: S324 - an id, not security
    human: list[str] = []
    for part in parts:
        if not human or not human[-1].endswith(part):
            human.append(part)
    return "_".join(_allowed(p) for p in human if p != "Resource")[:240] + "_" + digest


def _allowed(part: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "", part)


@jsii.implements(ITerraformDependable)
class KubeObject:
    """One object of a KubeObjects: what a dependant's `depends_on` needs (`fqn`)."""

    def __init__(self, fqn: str) -> None:
        self._fqn = fqn

    @property
    def fqn(self) -> str:
        return self._fqn


_ADDRESSES: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def address(dependable: ITerraformDependable) -> str:
    """What cdktf writes into depends_on for a dependable: its Terraform address. Reading a
    resource's address fixes its logical id (as reading `fqn` does): override it before."""
    if isinstance(dependable, KubeObject):
        return dependable.fqn
    if dependable not in _ADDRESSES:
        if isinstance(dependable, TerraformDataSource):
            _ADDRESSES[dependable] = f"data.{dependable.terraform_resource_type}.{dependable.friendly_unique_id}"
        elif isinstance(dependable, TerraformResource):
            _ADDRESSES[dependable] = f"{dependable.terraform_resource_type}.{dependable.friendly_unique_id}"
        else:
            raise TypeError(f"KubeObjects(after=...) takes resources, data sources and KubeObjects' objects, not {type(dependable).__name__}")
    return _ADDRESSES[dependable]


def depend_on(resource: TerraformResource, after: Sequence[ITerraformDependable]) -> None:
    """What `depends_on=list(after)` does, by address: a KubeObject passed to jsii instead costs a
    proxy object in Node.js and a call back into Python each time cdktf resolves it."""
    if after:
        resource.depends_on = [address(d) for d in after]


class KubeObjects(TerraformElement):
    """One kubernetes_manifest per object; `resources[object_id]` for dependencies.

    The objects are written as JSON by this one element (the to_terraform() contract of
    TerraformElement) instead of one jsii Manifest each: the synthesized resources are the
    same, with the logical ids and construct paths the Manifests had, and cost no Node.js
    round trip each."""

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
        path = self.node.path
        below_stack = path.split("/")[len(TerraformStack.of(self).node.path.split("/")):]
        common: dict[str, Any] = {"provider": provider.fqn}
        if after:
            common["depends_on"] = [address(d) for d in after]
        self.resources: dict[str, KubeObject] = {}
        self._json: dict[str, Any] = {}
        for manifest in manifests:
            key = object_id(manifest)
            if key in self.resources:
                raise ValueError(f"{manifest['kind']} {manifest['metadata'].get('namespace', '')}/{manifest['metadata']['name']} is declared twice")
            logical = unique_id([*below_stack, key])
            self.resources[key] = KubeObject(f"{MANIFEST}.{logical}")
            self._json[logical] = {"//": {"metadata": {"path": f"{path}/{key}", "uniqueId": logical}}, "manifest": dict(manifest), **common}

    def to_terraform(self) -> Any:
        return {"resource": {MANIFEST: self._json}} if self._json else {}


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
            account = DefaultServiceAccountV1(
                self,
                re.sub(r"[^A-Za-z0-9_]", "_", ns),
                metadata=DefaultServiceAccountV1Metadata(namespace=ns),
                automount_service_account_token=False,
                provider=provider,
            )
            depend_on(account, [created])
