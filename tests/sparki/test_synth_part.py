"""The second synthesis process: how environments are split, how its output and its failures
come back. That the merged output is byte-identical to one process's is proven in
tests/test_toolchain.py."""
from __future__ import annotations

import json

import pytest
from cdktf import App, TerraformOutput, TerraformStack

import environments
from sparki import synth_part
from sparki.policy import PolicyReport
from sparki.policy.model import Outcome
from sparki.policy.pack import Result
from sparki.synth import synth
from stacks.run_settings import RunSettings
from tests.support import PREVIOUS_MANIFEST


@pytest.fixture(scope="module")
def envs():
    return environments.load()


def test_the_lighter_run_of_environments_goes_to_the_second_process(envs):
    elsewhere, here = synth_part.split(envs, 2)
    # prod brings its DR site: 18 stacks against dev's and staging's 10 each.
    assert list(elsewhere) == ["prod"] and list(here) == ["dev", "staging"]


def test_runs_stay_contiguous_and_in_order(envs):
    two = {name: envs[name] for name in ("dev", "staging")}
    elsewhere, here = synth_part.split(two, 2)
    assert (list(elsewhere), list(here)) == (["staging"], ["dev"])
    ordered = {name: envs[name] for name in ("prod", "dev", "staging")}
    elsewhere, here = synth_part.split(ordered, 2)
    assert (list(elsewhere), list(here)) == (["prod"], ["dev", "staging"])
    ordered = {name: envs[name] for name in ("dev", "prod", "staging")}
    elsewhere, here = synth_part.split(ordered, 2)
    assert (list(elsewhere), list(here)) == (["dev"], ["prod", "staging"]), "never dev and staging around prod"


@pytest.mark.parametrize("names, processes", [(("dev", "staging", "prod"), 1), (("dev",), 2)])
def test_one_process_or_one_environment_keeps_everything_here(envs, names, processes):
    chosen = {name: envs[name] for name in names}
    assert synth_part.split(chosen, processes) == ({}, chosen)
    assert synth_part.start(chosen, RunSettings(), processes) is None


def test_the_manifest_is_written_byte_for_byte_as_cdktf_writes_it(tmp_path):
    app = App(outdir=str(tmp_path))
    first = TerraformStack(app, "sparki-dev-first")
    TerraformOutput(first, "value", value="x")
    TerraformStack(app, "sparki-dev-alone")
    app.synth()
    written = (tmp_path / "manifest.json").read_text()
    assert '[\n      ]' in written, "the sample has an empty list, the case json.dumps writes differently"
    assert synth_part.stable_json(json.loads(written)) == written


def _report(stack: str) -> PolicyReport:
    result = Result(stack, f"{stack}/bucket", "aws_s3_bucket.bucket", "S3-1", Outcome.NON_COMPLIANT)
    return PolicyReport((), {stack: False}, [result], [], [f"error in {stack}"])


def test_policy_results_come_back_in_environment_order():
    dev, prod = _report("sparki-dev-data"), _report("sparki-prod-data")
    joined = dev.join(prod)
    assert [r.stack for r in joined.results] == ["sparki-dev-data", "sparki-prod-data"]
    assert joined.errors == ["error in sparki-dev-data", "error in sparki-prod-data"]
    assert list(joined.stacks) == ["sparki-dev-data", "sparki-prod-data"]


def _previous(outdir):
    outdir.mkdir()
    (outdir / "manifest.json").write_text(PREVIOUS_MANIFEST)


def test_a_failure_in_the_second_process_is_raised_here_and_leaves_previous_output(envs, tmp_path):
    staging = envs["staging"]
    contact = staging.security.security_contact.model_copy(update={"email": "not-an-email"})
    broken = staging.model_copy(update={"security": staging.security.model_copy(update={"security_contact": contact})})
    outdir = tmp_path / "cdktf.out"
    _previous(outdir)
    with pytest.raises(ValueError, match="security_contact.email='not-an-email'") as raised:
        synth({"dev": envs["dev"], "staging": broken}, RunSettings(), outdir, processes=2)
    assert any("in the second synthesis process" in note for note in raised.value.__notes__)
    assert [p.name for p in tmp_path.iterdir()] == ["cdktf.out"], "the staging directory and the part's are gone"
    assert (outdir / "manifest.json").read_text() == PREVIOUS_MANIFEST


def test_a_second_process_that_dies_is_reported_not_waited_for(envs, tmp_path):
    part = synth_part.start({"dev": envs["dev"], "staging": envs["staging"]}, RunSettings(), 2)
    try:
        part._process.kill()
        part._process.join()
        part.begin(tmp_path / "part")
        with pytest.raises(RuntimeError, match=r"died \(exit status -9\) before it reported"):
            part.result()
    finally:
        part.stop()
