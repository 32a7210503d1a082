"""The Python the workflows call (sparki/ci/), on small made-up inputs: no GitHub, AWS or cluster."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from catalog.naming import parse_stack_name
from sparki.ci import deploy, health, matrix, pr_comment, reviewed, reviewed_run


def manifest(tmp_path: Path, stacks: dict[str, tuple[list[str], set[str]]]) -> Path:
    """stacks: name -> (dependencies, providers)."""
    out = tmp_path / "cdktf.out"
    doc = {"version": "0.21.0", "stacks": {}}
    for name, (deps, providers) in stacks.items():
        (out / "stacks" / name).mkdir(parents=True)
        (out / "stacks" / name / "cdk.tf.json").write_text(json.dumps({"provider": {p: [{}] for p in providers}}))
        doc["stacks"][name] = {"dependencies": deps, "workingDirectory": f"stacks/{name}"}
    (out / "manifest.json").write_text(json.dumps(doc))
    return out


def test_matrix_follows_dependencies_then_layers_per_environment(tmp_path):
    out = manifest(tmp_path, {
        "sparki-dev-platform": (["sparki-dev-cluster"], {"helm", "kubernetes"}),
        "sparki-dev-cluster": (["sparki-dev-network"], {"aws"}),
        "sparki-dev-network": ([], {"aws"}),
        "sparki-prod-network": ([], {"aws"}),
    })
    rows = matrix.entries(out)
    assert [(r["stack"], r["order"]) for r in rows if r["env"] == "dev"] == [("sparki-dev-network", 1), ("sparki-dev-cluster", 2), ("sparki-dev-platform", 3)]
    assert rows[-1]["runs_on"] == "ubuntu-24.04" and [r for r in rows if r["layer"] == "platform"][0]["runs_on"] == ["self-hosted", "linux", "sparki-dev-vpc"]
    assert [r["artifact"] for r in rows][:2] == ["plan-dev-01-network", "plan-dev-02-cluster"]
    assert [r["stack"] for r in matrix.entries(out, ["prod"])] == ["sparki-prod-network"]
    outputs = matrix.outputs(rows)
    assert json.loads(outputs["matrix"])["include"] == rows and json.loads(outputs["envs"]) == ["dev", "prod"]


def test_matrix_cli_writes_github_output(tmp_path, monkeypatch, capsys):
    out = manifest(tmp_path, {"sparki-dev-network": ([], {"aws"})})
    target = tmp_path / "out.txt"
    monkeypatch.setenv("GITHUB_OUTPUT", str(target))
    assert matrix.main([str(out)]) == 0
    assert target.read_text().startswith("matrix={")
    assert matrix.main([str(out), "--env", "qa"]) == 2
    assert "no stack of qa" in capsys.readouterr().err


def plan(**changes) -> dict:
    return {"resource_changes": [{"address": a, "change": {"actions": acts, "before": None, "after": {"v": v}, "after_unknown": {}}} for a, (acts, v) in changes.items()]}


def test_reviewed_fingerprints_ignore_no_ops_and_name_every_difference():
    base = reviewed.changes(plan(a=(["create"], 1), b=(["no-op"], 2), c=(["update"], 3)))
    assert set(base) == {"a", "c"}
    now = reviewed.changes(plan(a=(["create"], 1), c=(["update"], 4), d=(["delete"], 0)))
    assert reviewed.differences(base, base) == []
    assert reviewed.differences(base, now) == ["c: planned differently from the review", "d: planned now, not in the review"]
    assert reviewed.differences(now, base) == ["c: planned differently from the review", "d: reviewed, no longer planned"]


def test_reviewed_record_check_merge(tmp_path, capsys):
    (tmp_path / "p.json").write_text(json.dumps(plan(a=(["create"], 1))))
    (tmp_path / "q.json").write_text(json.dumps(plan(a=(["create"], 2))))
    (tmp_path / "s1").mkdir()
    book = tmp_path / "s1" / "reviewed.json"
    assert reviewed.main(["record", str(tmp_path / "p.json"), "sparki-dev-x", str(book)]) == 0
    assert reviewed.main(["check", str(tmp_path / "p.json"), "sparki-dev-x", str(book)]) == 0
    assert reviewed.main(["check", str(tmp_path / "q.json"), "sparki-dev-x", str(book)]) == 1
    assert reviewed.main(["check", str(tmp_path / "p.json"), "sparki-dev-y", str(book)]) == 1
    assert "refusing to apply" in capsys.readouterr().err
    assert reviewed.main(["merge", str(tmp_path), str(tmp_path / "all.json")]) == 0
    assert set(json.loads((tmp_path / "all.json").read_text())) == {"sparki-dev-x"}


def test_pr_comment_is_one_comment_updated_in_place(tmp_path):
    for art, stack in (("plan-dev-02-b", "sparki-dev-b"), ("plan-dev-01-a", "sparki-dev-a")):
        (tmp_path / art / stack).mkdir(parents=True)
        (tmp_path / art / stack / "review.md").write_text(f"## {stack}\n")
    text = pr_comment.body(tmp_path)
    assert text.startswith(pr_comment.MARKER) and text.index("sparki-dev-a") < text.index("sparki-dev-b")
    calls = []
    existing = [{"id": 7, "body": "hello", "user": {"type": "User"}}]

    def api(method, path, payload):
        calls.append((method, path))
        return existing if method == "GET" else {}

    assert pr_comment.upsert(api, "o/r", 5, text) == "created"
    existing.append({"id": 9, "body": text, "user": {"type": "Bot"}})
    assert pr_comment.upsert(api, "o/r", 5, text) == "updated"
    assert calls[-1] == ("PATCH", "/repos/o/r/issues/comments/9")
    (tmp_path / "plan-dev-01-a" / "sparki-dev-a" / "review.md").write_text("x" * 70_000)
    assert len(pr_comment.body(tmp_path, "https://run")) <= pr_comment.LIMIT


def test_reviewed_run_finds_the_pull_requests_plan_run():
    def api(method, path, payload):
        if path.endswith("/pulls"):
            return [{"number": 3, "merged_at": "x", "head": {"sha": "h" * 40}}]
        assert "head_sha=" + "h" * 40 in path and "status=success" in path
        return {"workflow_runs": [{"id": 42}]}

    assert reviewed_run.reviewed_run(api, "o/r", "s" * 40) == (42, "#3")
    with pytest.raises(LookupError, match="no merged pull request"):
        reviewed_run.reviewed_run(lambda *a: [], "o/r", "s" * 40)


def node(name: str, ready: bool = True, cordoned: bool = False, group: str = "g") -> dict:
    return {"metadata": {"name": name, "labels": {"eks.amazonaws.com/nodegroup": group}}, "spec": {"unschedulable": cordoned},
            "status": {"conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}}


def test_health_names_every_problem():
    assert health.node_problems({"items": [node("a"), node("b", ready=False), node("c", cordoned=True)]}) == ["node b: not Ready", "node c: cordoned"]
    assert health.node_problems({"items": []}) == ["no nodes"]
    deployments = {"items": [{"metadata": {"namespace": "n", "name": "d"}, "spec": {"replicas": 2}, "status": {"availableReplicas": 1}},
                             {"metadata": {"namespace": "n", "name": "ok"}, "spec": {"replicas": 1}, "status": {"availableReplicas": 1}}]}
    assert health.workload_problems("deployments", deployments) == ["deployment n/d: 1/2 available"]
    daemonsets = {"items": [{"metadata": {"namespace": "k", "name": "ds"}, "status": {"desiredNumberScheduled": 3, "numberAvailable": 3}}]}
    assert health.workload_problems("daemonsets", daemonsets) == []


@pytest.mark.parametrize(("code", "expected"), [(0, 0), (2, 2), (1, 1)])
def test_drift_verdict(code, expected):
    assert deploy.verdict("sparki-dev-x", code, "boom") == expected


class FakePlanner:
    def __init__(self, outdir, plans_dir, env):
        self.plans_dir = plans_dir

    def plan(self, names):
        from sparki.plan_review import StackReview

        return [StackReview(names[0])]


@pytest.fixture
def rollout(tmp_path, monkeypatch):
    """deploy.rollout over two stacks with terraform replaced: returns (run, applied, plans)."""
    stacks = ["sparki-dev-network", "sparki-dev-cluster"]
    return _rollout(tmp_path, monkeypatch, stacks)


def _rollout(tmp_path, monkeypatch, stacks):
    applied: list[str] = []
    plans = {s: plan(a=(["create"], 1)) for s in stacks}
    monkeypatch.setattr(deploy, "Planner", FakePlanner)
    monkeypatch.setattr(deploy, "select", lambda outdir, env, layer: stacks)
    monkeypatch.setattr(deploy.terraform, "cli_env", lambda: {})
    monkeypatch.setattr(deploy.terraform, "stack_dirs", lambda outdir: {s: tmp_path for s in stacks})
    monkeypatch.setattr(deploy.terraform, "aws_only_stacks", lambda outdir: {s: tmp_path for s in stacks if "platform" not in s})
    monkeypatch.setattr(deploy.terraform, "deploy_order", lambda outdir, names: list(names))
    monkeypatch.setattr(deploy.terraform, "show_plan", lambda path, env, planfile: plans[planfile.stem])
    monkeypatch.setattr(deploy, "apply", lambda outdir, stack, planfile: applied.append(stack) or 0)
    monkeypatch.setattr(deploy, "drift", lambda outdir, stack: 0)
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "out"))
    monkeypatch.delenv("ALLOW_STATEFUL_DESTROY", raising=False)
    book = tmp_path / "reviewed.json"
    book.write_text(json.dumps({s: reviewed.changes(plans[s]) for s in stacks}))

    def run(**kwargs) -> int:
        return deploy.rollout(tmp_path, parse_stack_name(stacks[0])[0], book, plans_dir=tmp_path / "plans", **kwargs)

    (tmp_path / "plans").mkdir()
    return run, applied, plans, book


def test_rollout_applies_reviewed_plans_in_order(rollout):
    run, applied, _, _ = rollout
    assert run() == 0 and applied == ["sparki-dev-network", "sparki-dev-cluster"]


def test_rollout_refuses_a_plan_that_is_not_the_reviewed_one(rollout, tmp_path, capsys):
    run, applied, plans, _ = rollout
    plans["sparki-dev-cluster"] = plan(a=(["create"], 2))
    assert run() == 1 and applied == ["sparki-dev-network"]
    assert "failed_stack=sparki-dev-cluster" in (tmp_path / "out").read_text()
    assert "differs from the reviewed one" in capsys.readouterr().err
    assert run(unreviewed=True) == 0


def test_the_dr_sites_cluster_layers_roll_out_from_the_dr_runner_only(tmp_path, monkeypatch):
    stacks = ["sparki-prod-dr-cluster", "sparki-prod-platform", "sparki-prod-dr-platform"]
    run, applied, _, _ = _rollout(tmp_path, monkeypatch, stacks)
    # prod's own runner applies the DR AWS layers and leaves the DR cluster's to the DR runner.
    assert run() == 0 and applied == ["sparki-prod-dr-cluster", "sparki-prod-platform"]
    assert (tmp_path / "out").read_text() == "dr_site=proddr\n"
    assert run(site="proddr") == 0 and applied[2:] == ["sparki-prod-dr-platform"]
    assert (tmp_path / "out").read_text() == "dr_site=proddr\n"


def test_rollout_refuses_a_stack_without_a_review(rollout, capsys):
    run, applied, _, book = rollout
    book.write_text(json.dumps({"sparki-dev-network": reviewed.changes(plan(a=(["create"], 1)))}))
    assert run() == 1 and applied == ["sparki-dev-network"]
    assert "no reviewed plan" in capsys.readouterr().err


def test_blue_green_waits_for_the_live_generation_then_cordons_and_drains_the_retiring():
    from sparki.ci import blue_green

    g = blue_green.Groups(live={"p-w-green": 2}, retiring={"p-w": 2}, absent=())
    nodes = {"items": [node("g1", group="p-w-green"), node("g2", ready=False, group="p-w-green"), node("b1", group="p-w")]}
    assert blue_green.short_of_ready(nodes, g.live) == ["p-w-green: 1/2 nodes Ready"]
    calls = []

    def kubectl(*args):
        calls.append(args[:2])
        if args[0] == "get" and args[1] == "nodes":
            return json.dumps(nodes)
        return json.dumps({"items": []})

    sleeps = []
    assert blue_green.roll(g, kubectl, timeout=30, sleep=sleeps.append) == 1  # never Ready: nothing cordoned
    assert not [c for c in calls if c[0] in ("cordon", "drain")] and len(sleeps) == 2
    nodes["items"][1] = node("g2", group="p-w-green")
    assert blue_green.roll(g, kubectl, timeout=30, sleep=sleeps.append) == 0
    assert [c for c in calls if c[0] in ("cordon", "drain")] == [("cordon", "-l"), ("drain", "-l")]


def test_blue_green_refuses_to_remove_an_undrained_generation():
    from sparki.ci import blue_green

    nodes = {"items": [node("b1", group="p-w"), node("b2", cordoned=True, group="p-w"), node("g1", group="p-w-green")]}
    pods = {"items": [
        {"metadata": {"namespace": "app", "name": "web", "ownerReferences": [{"kind": "ReplicaSet"}]}, "spec": {"nodeName": "b2"}, "status": {"phase": "Running"}},
        {"metadata": {"namespace": "kube-system", "name": "aws-node", "ownerReferences": [{"kind": "DaemonSet"}]}, "spec": {"nodeName": "b2"}, "status": {}},
    ]}
    assert blue_green.removal_problems(nodes, pods, ["p-w"]) == ["p-w: node b1 is not cordoned", "p-w: node b2 still runs app/web"]
    assert blue_green.removal_problems(nodes, pods, ["p-x"]) == []
    fake = lambda *args: json.dumps(nodes if args[1] == "nodes" else pods)  # noqa: E731
    assert blue_green.check_removal(blue_green.Groups({}, {}, ("p-w",)), fake) == 1
    assert blue_green.roll(blue_green.Groups({"p-w-green": 1}, {}, ()), fake) == 0
