"""Every AWS-only dev stack plans, applies, converges and is destroyed against moto."""
from __future__ import annotations

import json
import urllib.request

import pytest

from catalog.naming import stack_name
from sparki.emulator import MOTO_VERIFIED, Harness, MotoServer, moto_version, unused_exclusions
from sparki.terraform import deploy_order, stack_dirs
from stacks import layers_of

# Every layer at collection time, so a new layer gets these tests unasked. Which of them the
# emulator runs is read from the synthesized JSON (AWS provider only): see harness_stack().
STACKS = [stack_name("dev", layer) for layer in layers_of(dr=False)]


def harness_stack(harness, stack: str) -> str:
    if stack not in harness.dirs:
        pytest.skip(f"{stack} uses providers besides aws; the emulator covers only AWS APIs")
    return stack


def test_the_synthesized_dev_stacks_are_the_layers(emulator_outdir):
    assert sorted(stack_dirs(emulator_outdir)) == sorted(STACKS)


def test_deploy_order_puts_every_stack_after_the_stacks_it_references(emulator_outdir):
    manifest = json.loads((emulator_outdir / "manifest.json").read_text())["stacks"]
    order = deploy_order(emulator_outdir, STACKS)
    for stack in order:
        for dependency in manifest[stack]["dependencies"]:
            assert order.index(dependency) < order.index(stack), f"{stack} before its dependency {dependency}"


def test_moto_answers_as_the_environments_account(moto, environment):
    """The provider keeps allowed_account_ids; the emulator must report dev's account."""
    request = urllib.request.Request(
        moto.endpoint + "/",
        data=b"Action=GetCallerIdentity&Version=2011-06-15",
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x"},
    )
    with urllib.request.urlopen(request, timeout=10) as reply:
        body = reply.read().decode()
    assert f"<Account>{environment.account_id}</Account>" in body


def test_exclusions_were_verified_with_the_installed_moto():
    assert moto_version() == MOTO_VERIFIED, (
        f"moto {moto_version()} is installed; EXCLUSIONS were verified with {MOTO_VERIFIED}. Remove each entry, "
        "run `make test-emulator`, keep only those still failing, then set MOTO_VERIFIED (docs/emulator.md)"
    )


def test_every_exclusion_still_matches_a_resource(harness):
    stale = unused_exclusions(harness.docs)
    assert not stale, f"EXCLUSIONS entries match no dev resource any more; remove them: {stale}"


@pytest.mark.parametrize("stack", STACKS)
def test_plan_succeeds(deployed, harness, stack):
    step = deployed[harness_stack(harness, stack), "plan"]
    assert step.ok, str(step)


@pytest.mark.parametrize("stack", STACKS)
def test_apply_succeeds(deployed, harness, stack):
    step = deployed[harness_stack(harness, stack), "apply"]
    assert step.ok, str(step)


@pytest.mark.parametrize("stack", STACKS)
def test_second_plan_reports_no_changes(deployed, harness, stack):
    step = deployed[harness_stack(harness, stack), "converge"]
    assert step.ok, str(step)
    assert step.detail.startswith("no changes")


def _dependents(emulator_outdir, harness, stack: str) -> list[str]:
    manifest = json.loads((emulator_outdir / "manifest.json").read_text())["stacks"]
    return [name for name in harness.dirs if stack in manifest[name].get("dependencies", [])]


@pytest.mark.parametrize("stack", STACKS)
def test_each_stack_is_planned_only_after_the_stacks_it_references_applied(deployed, harness, emulator_outdir, stack):
    """Stacks run side by side, but never ahead of their upstream (from the harness's step
    log, which records when each step ran, against the manifest's dependencies)."""
    plan = deployed[harness_stack(harness, stack), "plan"]
    assert plan.ok, str(plan)
    manifest = json.loads((emulator_outdir / "manifest.json").read_text())["stacks"]
    for upstream in set(manifest[stack].get("dependencies", [])) & set(harness.dirs):
        apply = deployed[upstream, "apply"]
        assert apply.ok and apply.finished <= plan.started, f"{stack} planned before {upstream} had applied"


@pytest.mark.parametrize("stack", STACKS)
def test_destroy_succeeds_in_reverse_order(destroyed, harness, emulator_outdir, stack):
    """Destroyed once, after everything was applied, and only after every stack that
    references it has been destroyed (the order read from the harness's step log, which
    records when each step ran, against the manifest's dependencies)."""
    step = destroyed[harness_stack(harness, stack)]
    assert step.ok, str(step)
    applied = [s for s in harness.steps if s.name == "apply" and s.ok]
    ran = [s for s in harness.steps if s.name == "destroy"]
    assert sorted(s.stack for s in ran) == sorted(s.stack for s in applied)
    assert step.started >= max(s.finished for s in harness.steps if s.name != "destroy")
    for dependent in _dependents(emulator_outdir, harness, stack):
        (theirs,) = [s for s in ran if s.stack == dependent]
        assert theirs.finished <= step.started, f"{stack} destroyed before {dependent}, which references it, was"


def test_a_resource_moto_cannot_create_fails_naming_its_type(moto, emulator_outdir, tmp_path):
    """What a new layer meets when moto lacks its API: a fast failure that names the resource
    type, what moto lacks, and EXCLUSIONS. Access Analyzer has no moto backend at all."""
    security = json.loads((emulator_outdir / "stacks" / "sparki-dev-security" / "cdk.tf.json").read_text())
    outdir = tmp_path / "cdktf.out"
    stack = outdir / "stacks" / "sparki-dev-probe"
    stack.mkdir(parents=True)
    (stack / "cdk.tf.json").write_text(json.dumps({
        "provider": security["provider"],
        "terraform": {**security["terraform"], "backend": {"local": {"path": "../../../.terraform-state/sparki-dev-probe.tfstate"}}},
        "resource": {"aws_accessanalyzer_analyzer": {"probe": {"analyzer_name": "sparki-dev-probe"}}},
    }))
    manifest = {"stacks": {"sparki-dev-probe": {"dependencies": [], "workingDirectory": "stacks/sparki-dev-probe",
                                                "synthesizedStackPath": "stacks/sparki-dev-probe/cdk.tf.json"}}}
    (outdir / "manifest.json").write_text(json.dumps(manifest))
    harness = Harness(outdir, moto, tmp_path / "plans")
    assert harness.plan("sparki-dev-probe").ok
    step = harness.apply("sparki-dev-probe")
    assert not step.ok
    assert "aws_accessanalyzer_analyzer.probe" in step.detail
    assert "no service emulated at access-analyzer" in step.detail
    assert "moto cannot apply aws_accessanalyzer_analyzer: add each to sparki/emulator/exclusions.py EXCLUSIONS (phase 'apply')" in step.detail
    assert step.seconds < 120, "a missing API must fail fast (provider max_retries in emulator mode)"


def test_moto_server_stops_by_pid(environment, tmp_path):
    server = MotoServer(environment.account_id, tmp_path / "moto.log").start()
    process = server.process
    server.stop()
    assert process.poll() is not None and server.process is None
    with pytest.raises(OSError):
        urllib.request.urlopen(server.endpoint + "/moto-api/data.json", timeout=2)
