"""Do the pods fit their node groups with everything at its maximum? From cdktf.out alone.

  python -m sparki.capacity [OUTDIR]     prints needed vs available per node group; exit 1 if short

Per cluster (an environment's `cluster` stack and, with a DR site, `dr-cluster`) and node group:
every pod the cluster's Kubernetes stacks run (Helm releases by sparki/capacity_charts.py, pod
templates, ECK Elasticsearch node sets, and each application namespace's ResourceQuota, its
ceiling) is placed by nodeSelector, required node affinity and tolerations against the synthesized
groups (sparki/kubernetes/placement.py), at its maximum: an HPA's maxReplicas, else its replicas;
Jobs and CronJobs one pod. A pod that can land on several groups counts on each (each must hold
it). DaemonSets count once per node and come off every node's allocatable (catalog/ec2_capacity.py,
the smallest of a group's instance types). needed <= max_size x (allocatable - DaemonSets).
A container without requests is listed, never counted as zero silently (EXCEPTIONS).
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from catalog.ec2_capacity import GIB, node_shape
from catalog.kubernetes import cpu_millicores, memory_bytes
from catalog.naming import parse_stack_name
from sparki.capacity_charts import CHARTS, EXCEPTIONS, ChartWorkload
from sparki.kubernetes.objects import POD_TEMPLATE_PATHS, stack_objects
from sparki.kubernetes.placement import NodeGroup, can_land, node_groups
from stacks import DR_LAYERS, KUBERNETES_LAYERS

FIX = ("raise the group's max_size, choose a larger instance type, or lower a maximum ([platform.autoscaling.*] max_replicas, "
       "replicas, [platform.namespace_budget] requests)")


class CapacityError(ValueError):
    """Output the check cannot read: one line naming the stack and what to add."""


@dataclass(frozen=True)
class Pods:
    """Identical pods of one workload at its maximum: count (per node for a DaemonSet) and what
    each requests (millicores, bytes). unrequested: EXCEPTIONS keys of its containers without.
    spread: a namespace's quota, which many pods share; no single pod needs it on one node."""

    source: str
    daemon: bool
    count: int
    cpu: int
    memory: int
    placement: Mapping[str, Any]
    unrequested: tuple[str, ...] = ()
    spread: bool = False


@dataclass
class GroupFit:
    env: str
    cluster: str
    group: NodeGroup
    pods: list[Pods] = field(default_factory=list)

    @property
    def node_cpu(self) -> int:
        return min(node_shape(t).allocatable_millicores for t in self.group.instance_types)

    @property
    def node_memory(self) -> int:
        return min(node_shape(t).allocatable_bytes for t in self.group.instance_types)

    def daemons(self, resource: str) -> int:
        return sum(getattr(p, resource) for p in self.pods if p.daemon)

    def needed(self, resource: str) -> int:
        return sum(p.count * getattr(p, resource) for p in self.pods if not p.daemon)

    def available(self, resource: str) -> int:
        node = self.node_cpu if resource == "cpu" else self.node_memory
        return self.group.max_size * (node - self.daemons(resource))

    def problems(self) -> list[str]:
        where = f"{self.env} {self.cluster} node group {self.group.name}"
        found = []
        for resource in ("cpu", "memory"):
            needed, available = self.needed(resource), self.available(resource)
            node = self.node_cpu if resource == "cpu" else self.node_memory
            room = node - self.daemons(resource)
            if needed > available:
                found.append(f"{where}: {resource} needed at maxima {show(resource, needed)} > available {show(resource, available)} "
                             f"({self.group.max_size} nodes x ({show(resource, node)} allocatable - {show(resource, self.daemons(resource))} "
                             f"DaemonSets)); {FIX}")
            for p in self.pods:
                if not p.daemon and not p.spread and getattr(p, resource) > room:
                    found.append(f"{where}: one {p.source} pod requests {show(resource, getattr(p, resource))} {resource}, a node has "
                                 f"{show(resource, room)} after DaemonSets; choose a larger instance type or lower its requests")
        return found


def show(resource: str, amount: int) -> str:
    return f"{amount / 1000:.2f} vCPU" if resource == "cpu" else f"{amount / GIB:.1f} GiB"


def _get(values: Any, path: tuple[str, ...], default: Any = None) -> Any:
    for key in path:
        if not isinstance(values, Mapping) or key not in values:
            return default
        values = values[key]
    return values


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Helm's merge of values documents: maps merge, anything else is replaced."""
    for key, value in extra.items():
        base[key] = _merge(dict(base.get(key) or {}), value) if isinstance(value, Mapping) and isinstance(base.get(key), Mapping) else value
    return base


def release_values(release: Mapping[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for document in release.get("values", []):
        _merge(merged, yaml.safe_load(document) or {})
    return merged


def _requests(resources: Any) -> tuple[int | None, int | None]:
    requests = _get(resources, ("requests",)) or {}
    cpu, memory = requests.get("cpu"), requests.get("memory")
    return (cpu_millicores(str(cpu)) if cpu is not None else None, memory_bytes(str(memory)) if memory is not None else None)


def _pod_requests(spec: Mapping[str, Any], key: str) -> tuple[int, int, tuple[str, ...]]:
    """A pod spec's effective requests (the larger of its containers' sum and any init
    container) and the EXCEPTIONS keys of its containers that set none."""
    missing, sums, init = [], [0, 0], [0, 0]
    for container in spec.get("containers", []):
        cpu, memory = _requests(container.get("resources"))
        if cpu is None or memory is None:
            missing.append(f"{key}/{container['name']}")
        sums = [sums[0] + (cpu or 0), sums[1] + (memory or 0)]
    for container in spec.get("initContainers", []):
        cpu, memory = _requests(container.get("resources"))
        init = [max(init[0], cpu or 0), max(init[1], memory or 0)]
    return max(sums[0], init[0]), max(sums[1], init[1]), tuple(missing)


def _chart_pods(chart: str, workload: ChartWorkload, values: Mapping[str, Any], hpa: Mapping[tuple[str, str], int], namespace: str,
                used: set[tuple[str, str]]) -> Pods | None:
    if workload.enabled and not _get(values, workload.enabled[0], workload.enabled[1]):
        return None
    block = _get(values, workload.block, {}) or {}
    kind = block.get(workload.kind_key, workload.kind) if workload.kind_key else workload.kind
    key = f"{chart} {workload.name}"
    cpu, memory = _requests(block.get("resources"))
    missing = [] if cpu is not None and memory is not None else [f"{key}/{workload.name}"]
    cpu, memory = cpu or 0, memory or 0
    for sidecar in workload.sidecars:
        if sidecar.enabled and not _get(values, sidecar.enabled, False):
            continue
        extra_cpu, extra_memory = _requests(_get(values, sidecar.resources))
        if extra_cpu is None or extra_memory is None:
            missing.append(f"{key}/{sidecar.container}")
        cpu, memory = cpu + (extra_cpu or 0), memory + (extra_memory or 0)
    count = _get(block, (workload.replicas,)) if workload.replicas else 1
    count = workload.default_replicas if count is None else count
    if workload.autoscaling and _get(block, workload.autoscaling[0], workload.autoscaling[2]):
        count = _get(block, workload.autoscaling[1], workload.autoscaling[3])
    if workload.hpa_target and (namespace, workload.hpa_target) in hpa:
        count = hpa[(namespace, workload.hpa_target)]
        used.add((namespace, workload.hpa_target))
    placement = {k: block[k] for k in ("nodeSelector", "tolerations", "affinity") if k in block}
    return Pods(f"{chart} {workload.name}", kind == "DaemonSet", count, cpu, memory, placement, tuple(missing))


def stack_pods(stack: str, doc: Mapping[str, Any], hpa: Mapping[tuple[str, str], int], used: set[tuple[str, str]]) -> Iterator[Pods]:
    """Every workload one Kubernetes stack runs, at its maximum. hpa: (namespace, target) -> max;
    used collects the HPAs that scaled something."""
    for release in doc.get("resource", {}).get("helm_release", {}).values():
        if release["chart"] not in CHARTS:
            raise CapacityError(f"{stack}: chart {release['chart']!r} has no row in sparki/capacity_charts.py; list the pods it runs")
        values = release_values(release)
        for workload in CHARTS[release["chart"]]:
            pods = _chart_pods(release["chart"], workload, values, hpa, release["namespace"], used)
            if pods and (pods.count or pods.daemon):
                yield pods
    for obj in stack_objects(doc):
        kind, meta, spec = obj["kind"], obj["metadata"], obj.get("spec") or {}
        name = f"{meta.get('namespace', '')}/{meta['name']}"
        if kind in POD_TEMPLATE_PATHS:
            template = _get(obj, POD_TEMPLATE_PATHS[kind], {})
            cpu, memory, missing = _pod_requests(template, f"{kind} {name}")
            count, key = 1, (meta.get("namespace", ""), meta["name"])
            if kind in ("Deployment", "StatefulSet", "ReplicaSet"):
                count = hpa[key] if key in hpa else 1 if spec.get("replicas") is None else spec["replicas"]
                used.update({key} & set(hpa))
            yield Pods(f"{kind} {name}", kind == "DaemonSet", count, cpu, memory, template, missing)
        elif kind == "Elasticsearch":
            for node_set in spec.get("nodeSets", []):
                template = _get(node_set, ("podTemplate", "spec"), {})
                cpu, memory, missing = _pod_requests(template, f"Elasticsearch {name}")
                yield Pods(f"Elasticsearch {name} {node_set['name']}", False, node_set["count"], cpu, memory, template, missing)
        elif kind == "ResourceQuota":
            hard = spec.get("hard", {})
            cpu, memory = _requests({"requests": {k.removeprefix("requests."): v for k, v in hard.items()}})
            missing = () if cpu is not None and memory is not None else (f"ResourceQuota {name}/quota",)
            # Application pods are the teams' own: placed by default, off every tainted group.
            yield Pods(f"ResourceQuota {name}", False, 1, cpu or 0, memory or 0, {}, missing, spread=True)


def _hpa_maxima(objects: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    return {(o["metadata"].get("namespace", ""), o["spec"]["scaleTargetRef"]["name"]): o["spec"]["maxReplicas"]
            for o in objects if o["kind"] == "HorizontalPodAutoscaler"}


def cluster_of(layer: str) -> str:
    """The cluster layer a Kubernetes layer's stack deploys to."""
    return "dr-cluster" if layer in DR_LAYERS else "cluster"


def fits(stacks: Mapping[str, Mapping[str, Any]]) -> tuple[list[GroupFit], list[str]]:
    """Every node group of every cluster with the pods that can land on it, and the EXCEPTIONS
    keys of every container without requests (sorted, once each)."""
    result: list[GroupFit] = []
    unrequested: set[str] = set()
    for name, doc in stacks.items():
        env, layer = parse_stack_name(name)
        if layer not in ("cluster", "dr-cluster"):
            continue
        unrequested.update(f"eks-addon {a['addon_name']}/{a['addon_name']}" for a in doc.get("resource", {}).get("aws_eks_addon", {}).values())
        kube = {s: d for s, d in stacks.items() if parse_stack_name(s)[0] == env and parse_stack_name(s)[1] in KUBERNETES_LAYERS
                and cluster_of(parse_stack_name(s)[1]) == layer}
        hpa = {k: v for d in kube.values() for k, v in _hpa_maxima(stack_objects(d)).items()}
        used: set[tuple[str, str]] = set()
        pods = [p for s, d in kube.items() for p in stack_pods(s, d, hpa, used)]
        unused = sorted(f"{namespace}/{target}" for namespace, target in set(hpa) - used)
        if unused:
            raise CapacityError(f"{env} {layer}: the HorizontalPodAutoscaler of {', '.join(unused)} scales nothing the check counts; "
                                "give its chart's row in sparki/capacity_charts.py hpa_target")
        groups = [GroupFit(env, layer, g) for g in node_groups(name, doc)]
        for p in pods:
            unrequested.update(p.unrequested)
            landing = [g for g in groups if can_land(p.placement, g.group.labels, g.group.taints)]
            if not landing and (p.cpu or p.memory):
                raise CapacityError(f"{env} {layer}: {p.source} can land on no node group (placement {json.dumps(p.placement, sort_keys=True)[:200]})")
            for g in landing:
                g.pods.append(p)
        result += groups
    return result, sorted(unrequested)


def table(groups: list[GroupFit]) -> list[str]:
    lines = ["| environment | cluster | node group | max x type | resource | needed at maxima | available | DaemonSets per node | use |",
             "|---|---|---|---|---|---|---|---|---|"]
    for g in groups:
        for resource in ("cpu", "memory"):
            needed, available = g.needed(resource), g.available(resource)
            use = f"{100 * needed / available:.0f}%" if available > 0 else "no room"
            lines.append(f"| {g.env} | {g.cluster} | {g.group.name} | {g.group.max_size} x {', '.join(g.group.instance_types)} | {resource} "
                         f"| {show(resource, needed)} | {show(resource, available)} | {show(resource, g.daemons(resource))} | {use} |")
    return lines


def read_outdir(outdir: Path) -> dict[str, dict[str, Any]]:
    manifest = json.loads((outdir / "manifest.json").read_text())
    return {name: json.loads((outdir / entry["synthesizedStackPath"]).read_text()) for name, entry in manifest["stacks"].items()}


def main(argv: list[str]) -> int:
    outdir = Path(argv[0]) if argv else Path("cdktf.out")
    if not (outdir / "manifest.json").exists():
        print(f"sparki: error: {outdir} has no manifest.json; run `make synth` first", file=sys.stderr)
        return 2
    try:
        groups, unrequested = fits(read_outdir(outdir))
    except CapacityError as error:
        print(f"sparki: error: {error}", file=sys.stderr)
        return 2
    print("\n".join(table(groups)))
    problems = [line for g in groups for line in g.problems()]
    problems += [f"{key}: no requests and no reason in sparki/capacity_charts.py EXCEPTIONS; set its requests" for key in unrequested if key not in EXCEPTIONS]
    for line in problems:
        print(f"sparki: capacity: {line}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
