"""The platform's health checks after an apply, from kubectl's JSON.

  python -m sparki.ci.health [--selector LABEL=VALUE]   nodes Ready and schedulable, every
                                                        Deployment/StatefulSet/DaemonSet available

The judgement is pure functions over the parsed JSON (unit-tested); the CLI only runs kubectl
with the runner's kubeconfig. Exit 1 names every unhealthy node or workload, one line each.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence

WORKLOAD_KINDS = ("deployments", "statefulsets", "daemonsets")


def kubectl_json(*args: str) -> dict:
    out = subprocess.run(["kubectl", *args, "-o", "json"], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"kubectl {' '.join(args)}: {out.stderr.strip()}")
    return json.loads(out.stdout)


def node_ready(node: Mapping) -> bool:
    conditions = node.get("status", {}).get("conditions", [])
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def node_problems(nodes: Mapping, expect_schedulable: bool = True) -> list[str]:
    problems = []
    items = nodes.get("items", [])
    if not items:
        problems.append("no nodes")
    for node in items:
        name = node["metadata"]["name"]
        if not node_ready(node):
            problems.append(f"node {name}: not Ready")
        if expect_schedulable and node.get("spec", {}).get("unschedulable"):
            problems.append(f"node {name}: cordoned")
    return problems


def workload_problems(kind: str, workloads: Mapping) -> list[str]:
    """Workloads whose available replicas fall short of what they ask for."""
    problems = []
    for item in workloads.get("items", []):
        meta, spec, status = item["metadata"], item.get("spec", {}), item.get("status", {})
        where = f"{kind[:-1]} {meta.get('namespace', '')}/{meta['name']}"
        if kind == "daemonsets":
            want, have = status.get("desiredNumberScheduled", 0), status.get("numberAvailable", 0)
        else:
            want = spec.get("replicas", 1)
            have = status.get("availableReplicas" if kind == "deployments" else "readyReplicas", 0) or 0
        if have < want:
            problems.append(f"{where}: {have}/{want} available")
    return problems


def check(selector: str = "") -> list[str]:
    nodes = kubectl_json("get", "nodes", *(["-l", selector] if selector else []))
    problems = node_problems(nodes)
    for kind in WORKLOAD_KINDS:
        problems += workload_problems(kind, kubectl_json("get", kind, "--all-namespaces"))
    return problems


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m sparki.ci.health", description=__doc__.splitlines()[0])
    parser.add_argument("--selector", default="", help="only nodes with this label, e.g. eks.amazonaws.com/nodegroup=sparki-prod-workload")
    args = parser.parse_args(argv)
    try:
        problems = check(args.selector)
    except RuntimeError as exc:
        print(f"health: error: {exc}", file=sys.stderr)
        return 1
    for line in problems:
        print(f"health: {line}", file=sys.stderr)
    if problems:
        print(f"health: {len(problems)} problem(s); see docs/runbooks/emergency-response.md", file=sys.stderr)
        return 1
    print("health: nodes Ready, every workload available")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
