"""Run work over a dependency graph: each node once every node it waits for has finished, up
to `jobs` nodes at a time, in a fixed order of preference among the nodes that are free to go.

The emulator's stacks spend most of an apply waiting on the provider's fixed polling delays
(RDS, S3 lifecycle, KMS propagation), not on the CPU, so stacks that do not reference each other
run side by side. What a node's work prints or returns stays that node's own: the caller records
results per node, so a failure is always attributable to one stack.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait


def longest_chain_first(order: Iterable[str], waits_for: Mapping[str, Iterable[str]]) -> list[str]:
    """order re-sorted for run_graph: a node ahead of the longest chain of nodes waiting on it
    comes first, ties keep their place in order. With more nodes free than jobs, the start of
    the longest chain (the run's floor) is not queued behind a node nothing waits for."""
    nodes = list(order)
    waiting_on = {node: [n for n in nodes if node in set(waits_for.get(n, ()))] for node in nodes}

    def chain(node: str, seen: frozenset[str] = frozenset()) -> int:
        if node in seen:  # a cycle; run_graph refuses it
            return 0
        return 1 + max((chain(n, seen | {node}) for n in waiting_on[node]), default=0)

    rank = {node: i for i, node in enumerate(nodes)}
    return sorted(nodes, key=lambda node: (-chain(node), rank[node]))


def run_graph(
    order: Iterable[str],
    waits_for: Mapping[str, Iterable[str]],
    work: Callable[[str], bool],
    skip: Callable[[str, list[str]], None],
    jobs: int,
) -> None:
    """Call work(node) for every node of `order` after all of waits_for[node] finished.

    work returns whether the node succeeded; a node waiting for one that did not (or was
    skipped) is not worked on: skip(node, [the nodes it waited for that did not succeed]) is
    called instead, and it counts as not succeeded. Nodes in waits_for outside `order` count as
    done. Among the nodes free to go, the earlier in `order` starts first. An exception in work
    propagates after the running nodes have finished.
    """
    if jobs < 1:
        raise ValueError(f"jobs={jobs}: must be at least 1")
    nodes = list(order)
    rank = {node: i for i, node in enumerate(nodes)}
    pending = {node: {d for d in waits_for.get(node, ()) if d in rank} for node in nodes}
    succeeded: dict[str, bool] = {}
    running: dict[Future, str] = {}

    def start_what_can_start() -> None:
        progressed = True
        while progressed:
            progressed = False
            for node in sorted((n for n, deps in pending.items() if deps <= succeeded.keys()), key=rank.__getitem__):
                failed = sorted(d for d in pending[node] if not succeeded[d])
                if failed:
                    del pending[node]
                    skip(node, failed)
                    succeeded[node] = False
                    progressed = True
                elif len(running) < jobs:
                    del pending[node]
                    running[pool.submit(work, node)] = node
                    progressed = True

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        while True:
            start_what_can_start()
            if not running:
                if pending:  # nothing runs and nothing can start: the graph has a cycle
                    raise ValueError(f"cyclic dependencies among {', '.join(sorted(pending))}")
                return
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                succeeded[running.pop(future)] = bool(future.result())
