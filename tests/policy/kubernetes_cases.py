"""Cases of the Kubernetes rules (sparki/policy/rules/kubernetes.py), in test_policy_rules' shape:
(rule, target, other resources, production, outcome, detail contains)."""
from __future__ import annotations

import json

from constructs.namespace_policies import default_deny, namespace
from sparki.policy.model import Outcome
from sparki.policy.view import Resource


def manifest(obj: dict, name: str = "m") -> Resource:
    return Resource("kubernetes_manifest", name, f"stack/{name}", {"manifest": obj})


def deployment(ns: str = "apps", image: str = "registry.example/app:1.2.3", **pod) -> dict:
    container = {"name": "app", "image": image, **pod.pop("container", {})}
    return {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "app", "namespace": ns},
        "spec": {"template": {"spec": {"containers": [container], **pod}}},
    }


def cronjob(ns: str, **pod) -> dict:
    return {
        "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "scan", "namespace": ns},
        "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "x/y:1"}], **pod}}}}},
    }


def release(values: dict) -> Resource:
    return Resource("helm_release", "rel", "stack/rel", {"values": [json.dumps(values)]})


NS = manifest(namespace("apps", "restricted", "1.33"), "ns")
PRIVILEGED_NS = manifest(namespace("scans", "privileged", "1.33", reason="reads the host"), "ns_scans")
DENY = manifest(default_deny("apps"), "deny")
OTHER_DENY = manifest(default_deny("elsewhere"), "deny_other")
ALLOW_ALL_TYPES = manifest({**default_deny("apps"), "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"], "ingress": [{}]}}, "allow")
PRIV = {"container": {"securityContext": {"privileged": True}}}

KUBERNETES_CASES = [
    # -- SPK-K8S-DEFAULT-DENY
    ("SPK-K8S-DEFAULT-DENY", NS, [DENY], False, Outcome.COMPLIANT, ""),
    ("SPK-K8S-DEFAULT-DENY", NS, [], False, Outcome.NON_COMPLIANT, "namespace apps has no default-deny"),
    ("SPK-K8S-DEFAULT-DENY", NS, [OTHER_DENY], False, Outcome.NON_COMPLIANT, "namespace apps"),
    ("SPK-K8S-DEFAULT-DENY", NS, [ALLOW_ALL_TYPES], False, Outcome.NON_COMPLIANT, "namespace apps"),
    ("SPK-K8S-DEFAULT-DENY", DENY, [], False, Outcome.NOT_APPLICABLE, ""),
    # -- SPK-K8S-PRIVILEGED
    ("SPK-K8S-PRIVILEGED", manifest(deployment()), [NS], False, Outcome.COMPLIANT, ""),
    ("SPK-K8S-PRIVILEGED", manifest(deployment(**PRIV)), [NS], False, Outcome.NON_COMPLIANT, "privileged container app"),
    ("SPK-K8S-PRIVILEGED", manifest(deployment(hostPID=True)), [NS], False, Outcome.NON_COMPLIANT, "hostPID"),
    ("SPK-K8S-PRIVILEGED", manifest(cronjob("apps", volumes=[{"name": "etc", "hostPath": {"path": "/etc"}}])), [NS], False, Outcome.NON_COMPLIANT, "hostPath volume etc"),
    ("SPK-K8S-PRIVILEGED", manifest(cronjob("kube-system", hostPID=True)), [], False, Outcome.NON_COMPLIANT, "not privileged"),
    ("SPK-K8S-PRIVILEGED", manifest(cronjob("scans", hostPID=True, volumes=[{"name": "etc", "hostPath": {"path": "/etc"}}])), [PRIVILEGED_NS], False, Outcome.COMPLIANT, ""),
    ("SPK-K8S-PRIVILEGED", NS, [], False, Outcome.NOT_APPLICABLE, ""),
    # -- SPK-K8S-IMAGE-TAG
    ("SPK-K8S-IMAGE-TAG", manifest(deployment()), [], False, Outcome.COMPLIANT, ""),
    ("SPK-K8S-IMAGE-TAG", manifest(deployment(image="registry.example/app@sha256:" + "a" * 64)), [], False, Outcome.COMPLIANT, ""),
    ("SPK-K8S-IMAGE-TAG", manifest(deployment(image="registry.example/app:latest")), [], False, Outcome.NON_COMPLIANT, "app:latest"),
    ("SPK-K8S-IMAGE-TAG", manifest(deployment(image="registry.example:5000/app")), [], False, Outcome.NON_COMPLIANT, "unpinned"),
    ("SPK-K8S-IMAGE-TAG", manifest(deployment(image="busybox")), [], False, Outcome.NON_COMPLIANT, "busybox"),
    ("SPK-K8S-IMAGE-TAG", release({"image": {"tag": "v0.8.1"}, "sidecar": {"image": "x/y:2"}}), [], False, Outcome.COMPLIANT, ""),
    ("SPK-K8S-IMAGE-TAG", release({"controller": {"image": {"repository": "x/c", "tag": "latest"}}}), [], False, Outcome.NON_COMPLIANT, "x/c:latest"),
    ("SPK-K8S-IMAGE-TAG", release({"image": {"tag": ""}}), [], False, Outcome.NON_COMPLIANT, "unpinned"),
    ("SPK-K8S-IMAGE-TAG", NS, [], False, Outcome.NOT_APPLICABLE, ""),
]
