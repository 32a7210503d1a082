"""Kubernetes: what the platform stacks put into the cluster.

Objects are read from `kubernetes_manifest` exactly as applied; Helm releases by their values
(what the chart renders from them is only known on a cluster: docs/platform.md).
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from sparki.kubernetes.objects import MANIFEST, containers, pod_spec
from sparki.policy.model import Finding, compliant, non_compliant, not_applicable, rule
from sparki.policy.view import Resource, StackView

ENFORCE = "pod-security.kubernetes.io/enforce"
HOST_FLAGS = ("hostPID", "hostIPC", "hostNetwork")


def _manifest(r: Resource) -> Mapping[str, Any]:
    manifest = r.get("manifest")
    return manifest if isinstance(manifest, Mapping) else {}


def _levels(stack: StackView) -> dict[str, str]:
    """namespace -> enforced Pod Security level, for the namespaces this stack creates."""
    levels = {}
    for r in stack.of_type(MANIFEST):
        m = _manifest(r)
        if m.get("kind") == "Namespace":
            levels[m["metadata"]["name"]] = m["metadata"].get("labels", {}).get(ENFORCE, "")
    return levels


def _is_default_deny(m: Mapping[str, Any]) -> bool:
    spec = m.get("spec", {})
    return (
        m.get("kind") == "NetworkPolicy"
        and spec.get("podSelector") == {}
        and set(spec.get("policyTypes", [])) == {"Ingress", "Egress"}
        and not spec.get("ingress")
        and not spec.get("egress")
    )


@rule(
    "SPK-K8S-DEFAULT-DENY",
    "a namespace has no default-deny NetworkPolicy",
    "give every namespace the platform creates a NetworkPolicy selecting all pods with policyTypes "
    "Ingress and Egress and no rules (constructs/namespace_policies.py default_deny), then allows",
    (MANIFEST,),
)
def namespace_default_deny(r: Resource, stack: StackView) -> Finding:
    m = _manifest(r)
    if m.get("kind") != "Namespace":
        return not_applicable()
    name = m["metadata"]["name"]
    denied = any(_is_default_deny(o) and o["metadata"].get("namespace") == name for o in map(_manifest, stack.of_type(MANIFEST)))
    return compliant() if denied else non_compliant(f"namespace {name} has no default-deny policy")


@rule(
    "SPK-K8S-PRIVILEGED",
    "a pod runs privileged or on the host outside a privileged namespace",
    "drop privileged, hostPath volumes and hostPID/hostIPC/hostNetwork; a component that truly "
    "needs them owns a namespace with pod_security='privileged' and a reason",
    (MANIFEST,),
)
def no_privileged_pods(r: Resource, stack: StackView) -> Finding:
    m = _manifest(r)
    spec = pod_spec(m)
    if spec is None:
        return not_applicable()
    problems = [flag for flag in HOST_FLAGS if spec.get(flag) is True]
    problems += [f"hostPath volume {v.get('name')}" for v in spec.get("volumes", []) or [] if "hostPath" in v]
    problems += [f"privileged container {c.get('name')}" for c in containers(spec) if (c.get("securityContext") or {}).get("privileged") is True]
    if not problems:
        return compliant()
    ns = m["metadata"].get("namespace", "default")
    if _levels(stack).get(ns) == "privileged":
        return compliant()
    return non_compliant(f"{m['kind']} {ns}/{m['metadata']['name']}: {', '.join(problems)} in a namespace that is not privileged")


def _images_in_values(values: Any) -> Iterator[str]:
    """`repository:tag` image strings and image tables ({repository, tag}) anywhere in values."""
    if isinstance(values, Mapping):
        for key, value in values.items():
            if key == "image" and isinstance(value, str):
                yield value
            elif key == "image" and isinstance(value, Mapping) and "tag" in value:
                yield f"{value.get('repository', '<chart default>')}:{value['tag']}"
            else:
                yield from _images_in_values(value)
    elif isinstance(values, list):
        for value in values:
            yield from _images_in_values(value)


# libyaml's loader (PyYAML's wheels ship it): the pure-Python one took 4.6 s of a full synth
# reading the Helm values of 63 releases. Same documents, same result.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _unpinned(image: str) -> bool:
    if "@sha256:" in image:
        return False
    name, _, tag = image.rpartition(":")
    if not name or "/" in tag:
        return True
    return tag in ("", "latest")


@rule(
    "SPK-K8S-IMAGE-TAG",
    "an image has no tag or the tag latest",
    "pin every image to a version tag or a digest; in Helm values set image.tag explicitly or leave "
    "it out so the chart's pinned appVersion applies",
    (MANIFEST, "helm_release"),
)
def pinned_images(r: Resource, stack: StackView) -> Finding:
    if r.type == "helm_release":
        images = [image for doc in r.get("values") or [] for image in _images_in_values(yaml.load(doc, Loader=_LOADER))]
    else:
        spec = pod_spec(_manifest(r))
        if spec is None:
            return not_applicable()
        images = [c.get("image", "") for c in containers(spec)]
    bad = [image for image in images if _unpinned(image)]
    return non_compliant(f"unpinned image(s): {', '.join(bad)}") if bad else compliant()
