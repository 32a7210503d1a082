"""The emulator's side-by-side run order (run_graph), what it records per step, and the timing
table the run prints; no terraform, no moto."""
from __future__ import annotations

import json
import threading
import time

import pytest

from sparki.emulator.harness import Step, slowest_resources
from sparki.emulator.report import step_table
from sparki.emulator.schedule import longest_chain_first, run_graph

# state and security are free; network and edge wait for security; cluster for network;
# data for cluster (the dev layer graph).
GRAPH = {"state": [], "security": [], "network": ["security"], "edge": ["security"], "cluster": ["network"], "data": ["cluster", "network"]}
ORDER = ["state", "security", "network", "cluster", "data", "edge"]


class Recorder:
    def __init__(self, fail=(), pause=0.02):
        self.fail, self.pause = set(fail), pause
        self.spans: dict[str, tuple[float, float]] = {}
        self.skipped: dict[str, list[str]] = {}
        self.running = self.most = 0
        self.lock = threading.Lock()

    def work(self, node: str) -> bool:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        start = time.monotonic()
        time.sleep(self.pause)
        with self.lock:
            self.running -= 1
        self.spans[node] = (start, time.monotonic())
        return node not in self.fail

    def skip(self, node: str, failed: list[str]) -> None:
        self.skipped[node] = failed


def test_every_node_starts_only_after_what_it_waits_for_has_finished():
    rec = Recorder()
    run_graph(ORDER, GRAPH, rec.work, rec.skip, jobs=3)
    assert sorted(rec.spans) == sorted(ORDER) and not rec.skipped
    for node, deps in GRAPH.items():
        for dep in deps:
            assert rec.spans[dep][1] <= rec.spans[node][0], f"{node} started before {dep} finished"


def test_independent_nodes_run_side_by_side_up_to_jobs():
    rec = Recorder(pause=0.2)
    run_graph(ORDER, GRAPH, rec.work, rec.skip, jobs=2)
    assert rec.most == 2
    rec = Recorder(pause=0.05)
    run_graph(ORDER, GRAPH, rec.work, rec.skip, jobs=1)
    assert rec.most == 1


def test_one_job_keeps_the_given_order():
    rec = Recorder(pause=0)
    run_graph(ORDER, GRAPH, rec.work, rec.skip, jobs=1)
    assert sorted(rec.spans, key=lambda n: rec.spans[n][0]) == ORDER


def test_a_failure_skips_everything_downstream_and_nothing_else():
    rec = Recorder(fail={"network"})
    run_graph(ORDER, GRAPH, rec.work, rec.skip, jobs=3)
    assert rec.skipped == {"cluster": ["network"], "data": ["cluster", "network"]}
    assert sorted(rec.spans) == ["edge", "network", "security", "state"]


def test_the_heads_of_the_longest_chains_go_first_and_ties_keep_their_order():
    assert longest_chain_first(ORDER, GRAPH) == ["security", "network", "cluster", "state", "data", "edge"]
    reverse = {node: [n for n in GRAPH if node in GRAPH[n]] for node in GRAPH}  # destroy: dependents first
    assert longest_chain_first(list(reversed(ORDER)), reverse) == ["data", "cluster", "edge", "network", "security", "state"]


def test_the_longest_chain_starts_first_when_more_nodes_are_free_than_jobs():
    rec = Recorder(pause=0.05)
    run_graph(longest_chain_first(ORDER, GRAPH), GRAPH, rec.work, rec.skip, jobs=1)
    assert sorted(rec.spans, key=lambda n: rec.spans[n][0])[:3] == ["security", "network", "cluster"]


def test_dependencies_outside_the_order_count_as_done():
    rec = Recorder()
    run_graph(["network"], GRAPH, rec.work, rec.skip, jobs=2)
    assert list(rec.spans) == ["network"]


@pytest.mark.parametrize("graph, jobs, message", [({"a": ["b"], "b": ["a"]}, 2, "cyclic"), ({"a": []}, 0, "jobs=0")])
def test_cycles_and_no_jobs_are_refused(graph, jobs, message):
    rec = Recorder()
    with pytest.raises(ValueError, match=message):
        run_graph(list(graph), graph, rec.work, rec.skip, jobs=jobs)


def test_an_exception_in_work_propagates():
    def work(node):
        raise RuntimeError(f"boom in {node}")

    with pytest.raises(RuntimeError, match="boom in a"):
        run_graph(["a"], {}, work, lambda node, failed: None, jobs=2)


def _event(address: str, seconds: int, kind: str = "apply_complete") -> str:
    return json.dumps({"type": kind, "hook": {"resource": {"addr": address}, "action": "create", "elapsed_seconds": seconds}})


def test_slowest_resources_come_from_terraforms_apply_events():
    stream = "\n".join([
        _event("aws_db_instance.db", 162), _event("aws_kms_key.k", 5), _event("aws_s3_bucket.b", 1),
        _event("aws_s3_bucket_lifecycle_configuration.l", 55), _event("aws_db_instance.db", 60, "apply_progress"),
        "not json", '{"type": "apply_complete", broken',
    ])
    assert slowest_resources(stream) == (("aws_db_instance.db", 162.0), ("aws_s3_bucket_lifecycle_configuration.l", 55.0))
    assert slowest_resources(stream, count=5) == (
        ("aws_db_instance.db", 162.0), ("aws_s3_bucket_lifecycle_configuration.l", 55.0), ("aws_kms_key.k", 5.0))


def test_the_table_has_a_row_per_stack_a_column_per_step_and_the_wall_times():
    steps = [
        Step("sparki-dev-state", "plan", True, "", 7.2, 0.0),
        Step("sparki-dev-security", "plan", True, "", 8.0, 0.0),
        Step("sparki-dev-state", "apply", True, "", 60.0, 7.2, (("aws_s3_bucket_lifecycle_configuration.l", 55.0),)),
        Step("sparki-dev-security", "apply", False, "terraform apply failed", 20.0, 8.0),
        Step("sparki-dev-security", "converge", False, "not run: apply failed", 0.0),
        Step("sparki-dev-state", "converge", True, "no changes", 8.0, 67.2),
        Step("sparki-dev-state", "destroy", True, "", 13.0, 100.0, (("aws_s3_bucket_lifecycle_configuration.l", 2.0),)),
    ]
    lines = step_table(steps, jobs=3, session_seconds=240)
    assert lines[0].split()[:5] == ["stack", "plan", "apply", "converge", "destroy"]
    assert lines[1].split() == ["sparki-dev-state", "7", "60", "8", "13", "aws_s3_bucket_lifecycle_configuration.l", "55"]
    assert lines[2].split() == ["sparki-dev-security", "8", "20", "FAIL", "0", "FAIL", "-"]
    assert lines[3].split() == ["sum", "of", "steps", "15", "80", "8", "13"]
    assert lines[4] == "wall time: deploy 75 s, destroy 13 s (3 stack(s) at a time); session 240 s"
