"""The real tools over the real output: terraform validate, checkov, the import hook, and
the all-or-nothing behaviour of `make synth`. None of these may skip: a missing tool fails."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import environments
import sparki.synth as synth_module
from sparki.synth import synth
from sparki.terraform import aws_only_stacks, validate
from stacks.run_settings import RunSettings
from tests.support import PREVIOUS_MANIFEST, ROOT, project_copy

CHECKOV_CONFIG = ROOT / ".checkov.yaml"


def checkov_binary() -> str:
    configured = os.environ.get("SPARKI_CHECKOV") or str(ROOT / ".venv-checkov" / "bin" / "checkov")
    found = shutil.which(configured)
    assert found, f"checkov not found at {configured}; run `make deps` (or set SPARKI_CHECKOV)"
    return found


def test_terraform_validate_passes_on_every_aws_only_stack(synth_dir):
    names = aws_only_stacks(synth_dir)
    assert len(names) >= 6
    results = validate(synth_dir)
    failures = [f"{r.stack}: {r.detail}" for r in results if not r.ok]
    assert not failures, "\n".join(failures)
    assert len(results) == len(names)


def test_checkov_reports_no_failed_check(synth_dir):
    proc = subprocess.run(
        [checkov_binary(), "-d", str(synth_dir), "--config-file", str(CHECKOV_CONFIG), "-o", "json"],
        capture_output=True, text=True,
    )
    reports = json.loads(proc.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed = [
        f"{c['check_id']} {c['resource']} in {c['file_path']}"
        for report in reports for c in report["results"].get("failed_checks", [])
    ]
    summary = [report["summary"] for report in reports]
    assert sum(s["parsing_errors"] for s in summary) == 0
    assert sum(s["passed"] for s in summary) > 100, "checkov scanned almost nothing; is the framework terraform_json?"
    assert not failed and sum(s["failed"] for s in summary) == 0, "\n".join(failed)


def test_every_checkov_skip_carries_a_reason():
    lines = CHECKOV_CONFIG.read_text().splitlines()
    start = lines.index("skip-check:")
    skips = [line for line in lines[start + 1:] if line.strip().startswith("- ")]
    assert skips
    for line in skips:
        match = re.match(r"^\s+- (CKV2?_[A-Z0-9]+_\d+)\s+# (.+)$", line)
        assert match and len(match.group(2).strip()) >= 10, f"skip without a reason: {line!r}"


def _default_environ(**extra) -> dict:
    env = {**os.environ, **extra}
    for var in ("SPARKI_BACKEND", "SPARKI_AWS_ENDPOINT", "SPARKI_ENV"):
        env.pop(var, None)
    return env


def _assert_same_output(expected: Path, actual: Path) -> None:
    def synthesized(root):  # what synth wrote, not what terraform validate added later
        return sorted(
            p.relative_to(root) for p in root.rglob("*")
            if p.is_file() and not any(part.startswith(".terraform") for part in p.parts)
        )

    files = synthesized(expected)
    assert files == synthesized(actual) and len(files) >= 10
    for rel in files:
        assert (expected / rel).read_bytes() == (actual / rel).read_bytes(), f"{rel} differs"


def test_lazy_bindings_synthesize_byte_identical_output(synth_dir, tmp_path):
    """The import hook only skips imports; the JSON must not change by a byte."""
    eager = tmp_path / "cdktf.out"
    env = _default_environ(SPARKI_EAGER_BINDINGS="1", CDKTF_OUTDIR=str(eager))
    proc = subprocess.run([sys.executable, str(ROOT / "main.py")], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    _assert_same_output(synth_dir, eager)


def test_one_process_synthesizes_byte_identical_output(synth_dir, tmp_path):
    """The session's synthesis ran in two processes (sparki/synth_part.py): merging their
    outputs must write exactly what one app writes, manifest and policy report included."""
    single = tmp_path / "cdktf.out"
    synth(environments.load(), RunSettings(), single, processes=1)
    _assert_same_output(synth_dir, single)


def test_cdktf_cli_synth_matches_make_synth(synth_dir, tmp_path):
    """`cdktf synth` (pinned npm cdktf-cli, app command from cdktf.json) writes the same output."""
    cli = ROOT / "node_modules" / ".bin" / "cdktf"
    assert cli.exists(), "node_modules/.bin/cdktf missing; run `make deps`"
    out = tmp_path / "cdktf.out"
    proc = subprocess.run(
        [str(cli), "synth", "--output", str(out)], cwd=ROOT, capture_output=True, text=True,
        env=_default_environ(CHECKPOINT_DISABLE="1"),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    _assert_same_output(synth_dir, out)


def test_bad_environment_value_fails_with_one_line_and_keeps_previous_output(tmp_path):
    project = project_copy(tmp_path)
    prod = project / "environments" / "prod.toml"
    prod.write_text(prod.read_text().replace('nat_mode = "per_az"', 'nat_mode = "single"'))
    previous = project / "cdktf.out"
    previous.mkdir()
    (previous / "manifest.json").write_text(PREVIOUS_MANIFEST)
    proc = subprocess.run([sys.executable, "main.py"], cwd=project, capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith("sparki: error: environment 'prod': field 'network.nat_mode': 'single' is not allowed in production")
    assert [p.name for p in project.iterdir() if "cdktf.out" in p.name] == ["cdktf.out"]
    assert (previous / "manifest.json").read_text() == PREVIOUS_MANIFEST


def test_failure_during_synthesis_leaves_previous_output_untouched(tmp_path, monkeypatch):
    outdir = tmp_path / "cdktf.out"
    outdir.mkdir()
    (outdir / "manifest.json").write_text(PREVIOUS_MANIFEST)

    build = synth_module.build_environment

    def explode(scope, env, run):
        build(scope, env, run)
        raise RuntimeError("boom in a later layer")

    monkeypatch.setattr(synth_module, "build_environment", explode)
    with pytest.raises(RuntimeError, match="boom"):
        synth(environments.load(["dev"]), RunSettings(), outdir)
    assert [p.name for p in tmp_path.iterdir()] == ["cdktf.out"]
    assert [p.name for p in outdir.iterdir()] == ["manifest.json"]
    assert (outdir / "manifest.json").read_text() == PREVIOUS_MANIFEST
