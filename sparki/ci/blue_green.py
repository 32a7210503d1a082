"""Blue-green node groups in production: bring up the new generation, drain the old one.

  python -m sparki.ci.blue_green roll ENV          after the apply that added the new generation
  python -m sparki.ci.blue_green check-removal ENV before the apply that removes the old one
  python -m sparki.ci.blue_green cluster ENV       the cluster's name (for aws eks update-kubeconfig)

The environment data says which generation is live and whether the other still exists
(environments cluster.node_generations; docs/runbooks/blue-green-deployment.md). `roll` waits
until every live group has its minimum of Ready nodes, cordons and drains every node of the
retiring groups (PodDisruptionBudgets respected), then waits for every workload to be available.
`check-removal` refuses while a node of a generation the data no longer has still runs pods
that a drain would have moved. Nodes are found by EKS's own label, eks.amazonaws.com/nodegroup.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import environments
from catalog.naming import NODE_GENERATIONS, name_prefix, node_group_name, resource_name
from sparki.ci.health import node_problems, node_ready, workload_problems

NODEGROUP_LABEL = "eks.amazonaws.com/nodegroup"
CLUSTER_COMPONENT = "eks"
Kubectl = Callable[..., str]


def kubectl(*args: str) -> str:
    out = subprocess.run(["kubectl", *args], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"kubectl {' '.join(args[:3])}: {out.stderr.strip()}")
    return out.stdout


@dataclass(frozen=True)
class Groups:
    """Node group names per generation for one environment, and each group's minimum size."""

    live: dict[str, int]
    retiring: dict[str, int]
    absent: tuple[str, ...]


def groups(env: environments.Environment) -> Groups:
    settings = env.cluster
    prefix = name_prefix(env.name)
    gens = settings.node_generations

    def named(generation: str) -> dict[str, int]:
        return {node_group_name(prefix, g.name, generation): max(1, g.min_size) for g in settings.node_groups}

    retiring = gens.retiring_generation
    absent = tuple(n for g in NODE_GENERATIONS if g not in gens.present for n in named(g))
    return Groups(live=named(gens.live), retiring=named(retiring) if retiring else {}, absent=absent)


def nodes_in(nodes: Mapping, group: str) -> list[Mapping]:
    return [n for n in nodes.get("items", []) if n["metadata"].get("labels", {}).get(NODEGROUP_LABEL) == group]


def short_of_ready(nodes: Mapping, wanted: Mapping[str, int]) -> list[str]:
    """Live groups with fewer Ready nodes than their minimum."""
    lines = []
    for group, minimum in wanted.items():
        ready = sum(1 for n in nodes_in(nodes, group) if node_ready(n))
        if ready < minimum:
            lines.append(f"{group}: {ready}/{minimum} nodes Ready")
    return lines


def removal_problems(nodes: Mapping, pods: Mapping, leaving: Sequence[str]) -> list[str]:
    """Nodes of groups about to be removed that are still schedulable or run non-DaemonSet pods."""
    lines = []
    for group in leaving:
        for node in nodes_in(nodes, group):
            name = node["metadata"]["name"]
            if not node.get("spec", {}).get("unschedulable"):
                lines.append(f"{group}: node {name} is not cordoned")
            movable = [
                f"{p['metadata']['namespace']}/{p['metadata']['name']}"
                for p in pods.get("items", [])
                if p.get("spec", {}).get("nodeName") == name
                and not any(o.get("kind") == "DaemonSet" for o in p["metadata"].get("ownerReferences", []))
                and p.get("status", {}).get("phase") not in ("Succeeded", "Failed")
            ]
            if movable:
                lines.append(f"{group}: node {name} still runs {', '.join(sorted(movable))}")
    return lines


def wait(what: str, problems: Callable[[], list[str]], timeout: float, interval: float = 15, sleep: Callable[[float], None] = time.sleep) -> list[str]:
    """Poll until problems() is empty; the last problems when the timeout runs out."""
    waited = 0.0
    while True:
        found = problems()
        if not found or waited >= timeout:
            return found
        print(f"blue-green: waiting for {what}: {found[0]}{f' (+{len(found) - 1} more)' if len(found) > 1 else ''}")
        sleep(interval)
        waited += interval


def roll(g: Groups, run: Kubectl = kubectl, timeout: float = 1800, sleep: Callable[[float], None] = time.sleep) -> int:
    if not g.retiring:
        print(f"blue-green: one generation ({', '.join(g.live)}); nothing to roll")
        return 0
    get = lambda *args: json.loads(run("get", *args, "-o", "json"))  # noqa: E731
    short = wait("the live generation", lambda: short_of_ready(get("nodes"), g.live), timeout, sleep=sleep)
    if short:
        print(f"blue-green: the live generation is not Ready after {timeout:.0f}s: {'; '.join(short)}; the retiring one keeps serving", file=sys.stderr)
        return 1
    for group in g.retiring:
        run("cordon", "-l", f"{NODEGROUP_LABEL}={group}")
        print(f"blue-green: cordoned {group}")
    for group in g.retiring:
        run("drain", "-l", f"{NODEGROUP_LABEL}={group}", "--ignore-daemonsets", "--delete-emptydir-data", f"--timeout={int(timeout)}s")
        print(f"blue-green: drained {group}")

    def unhealthy() -> list[str]:
        live = {"items": [n for group in g.live for n in nodes_in(get("nodes"), group)]}
        return node_problems(live) + [p for kind in ("deployments", "statefulsets", "daemonsets") for p in workload_problems(kind, get(kind, "--all-namespaces"))]

    left = wait("workloads on the live generation", unhealthy, timeout, sleep=sleep)
    if left:
        print(f"blue-green: workloads not healthy after the drain: {'; '.join(left)}; see docs/runbooks/blue-green-deployment.md#rolling-back", file=sys.stderr)
        return 1
    print(f"blue-green: {', '.join(g.live)} serve; {', '.join(g.retiring)} drained, ready for removal")
    return 0


def check_removal(g: Groups, run: Kubectl = kubectl) -> int:
    nodes = json.loads(run("get", "nodes", "-o", "json"))
    pods = json.loads(run("get", "pods", "--all-namespaces", "-o", "json"))
    problems = removal_problems(nodes, pods, g.absent)
    for line in problems:
        print(f"blue-green: {line}", file=sys.stderr)
    if problems:
        print("blue-green: refusing to remove a generation that was not drained; run `python -m sparki.ci.blue_green roll` first", file=sys.stderr)
        return 1
    print(f"blue-green: nothing left to move off {', '.join(g.absent) or 'the removed generation'}")
    return 0


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("roll", "check-removal", "cluster"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        env = environments.load([argv[1]])[argv[1]]
    except environments.ConfigError as exc:
        print(f"blue-green: error: {exc}", file=sys.stderr)
        return 2
    if argv[0] == "cluster":
        # stacks/cluster.py names the cluster the same way.
        print(resource_name(env.name, CLUSTER_COMPONENT))
        return 0
    try:
        return roll(groups(env)) if argv[0] == "roll" else check_removal(groups(env))
    except RuntimeError as exc:
        print(f"blue-green: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
