"""Output handling: what synthesis may replace, what it refuses, and what a stopped run leaves.

The refusals run main.py for real (they end before the provider bindings load). One test
synthesizes for real and stops it with SIGTERM once its staging directory exists.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sparki import output
from tests.support import PREVIOUS_MANIFEST, ROOT, project_copy


def cdktf_output(path: Path) -> Path:
    """A previous output directory, as synthesis leaves it."""
    (path / "stacks" / "sparki-dev-state").mkdir(parents=True)
    (path / "stacks" / "sparki-dev-state" / "cdk.tf.json").write_text("{}")
    (path / "manifest.json").write_text(PREVIOUS_MANIFEST)
    (path / "policy-report.json").write_text("{}")
    return path


def snapshot(path: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(path)): (p.read_bytes() if p.is_file() else None) for p in sorted(path.rglob("*"))}


def run_main(outdir: str | Path, cwd: Path = ROOT, **extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CDKTF_OUTDIR": str(outdir), "SPARKI_ENV": "dev", **extra}
    return subprocess.run([sys.executable, "main.py"], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


# -- what may be replaced ------------------------------------------------------------------------


def test_absent_empty_and_cdktf_output_may_be_replaced(tmp_path):
    output.check(tmp_path / "new" / "cdktf.out")
    (tmp_path / "empty").mkdir()
    output.check(tmp_path / "empty")
    output.check(cdktf_output(tmp_path / "cdktf.out"))
    (tmp_path / "unsynthesized" / "stacks").mkdir(parents=True)  # what a cdktf App() leaves
    output.check(tmp_path / "unsynthesized")


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: (p / ".git").mkdir() or (p / "notes.md").write_text("mine"), "holds .git, notes.md, which synthesis did not write"),
        (lambda p: (p / "manifest.json").write_text('{"stacks": {}}'), "has no cdktf manifest.json"),
        (lambda p: (p / "stacks" / "x").mkdir(parents=True) or (p / "stacks" / "x" / "cdk.tf.json").write_text("{}"), "has no cdktf manifest.json"),
    ],
    ids=["git-and-notes", "manifest-not-cdktf", "no-manifest"],
)
def test_a_directory_that_is_not_cdktf_output_is_refused(tmp_path, make, message):
    outdir = tmp_path / "out"
    outdir.mkdir()
    make(outdir)
    with pytest.raises(output.OutputError, match=message):
        output.check(outdir)


def test_the_project_root_and_the_filesystem_root_are_refused():
    for path in (ROOT, Path("/")):
        with pytest.raises(output.OutputError, match="which synthesis did not write"):
            output.check(path)


def test_a_directory_the_process_cannot_create_is_refused_before_and_during_synthesis():
    # /proc/self is read-only even for root; /sys refuses mkdir (EPERM for root, EACCES otherwise).
    with pytest.raises(output.OutputError, match="no permission to write in"):
        output.check(Path("/proc/self/cdktf.out"))
    with pytest.raises(output.OutputError, match=r"cannot create a directory next to it \((Operation not permitted|Permission denied)\)"):
        output.make_staging(Path("/sys/sparki-test/cdktf.out"))


@pytest.mark.parametrize(
    "outdir, message",
    [
        (lambda tmp: tmp / "work", "holds .git, notes.md, which synthesis did not write; refusing to replace it"),
        (lambda tmp: tmp / "work" / "notes.md", "is a file, not a directory"),
        (lambda tmp: tmp / "work" / "notes.md" / "cdktf.out", "is a file, so the directory cannot be created"),
        (lambda tmp: Path("/proc/self/cdktf.out"), "no permission to write in /proc/"),
    ],
    ids=["git-worktree", "file", "parent-is-file", "unwritable-parent"],
)
def test_main_refuses_with_one_line_exit_2_and_touches_nothing(tmp_path, outdir, message):
    work = tmp_path / "work"
    (work / ".git").mkdir(parents=True)
    (work / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (work / "notes.md").write_text("my notes\n")
    before = snapshot(tmp_path)
    proc = run_main(outdir(tmp_path))
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("sparki: error: output "), proc.stderr
    assert message in proc.stderr
    assert snapshot(tmp_path) == before


# -- leftovers of killed runs ---------------------------------------------------------------------


def test_only_leftovers_of_dead_runs_that_hold_synth_output_are_found(tmp_path):
    outdir = tmp_path / "cdktf.out"
    dead, alive = dead_pid(), os.getpid()
    ours = [tmp_path / f".cdktf.out.{dead}.abcd_123", tmp_path / f".cdktf.out.old-{dead}"]
    kept = [
        tmp_path / f".cdktf.out.{alive}.abcd_123",  # a run still going
        tmp_path / ".cdktf.out.abcd_123",  # not our pattern
        tmp_path / f".other.out.{dead}.abcd_123",  # another output's
        tmp_path / f".cdktf.out.{dead}.ABCDEFGH",  # not tempfile's alphabet
    ]
    for path in ours + kept:
        cdktf_output(path)
    (tmp_path / f".cdktf.out.{dead}.zzzzzzzz").mkdir()
    (tmp_path / f".cdktf.out.{dead}.zzzzzzzz" / "notes.md").write_text("not synth output")
    assert output.leftovers(outdir) == sorted(ours)
    assert output.remove_leftovers(outdir) == sorted(ours)
    assert not any(p.exists() for p in ours) and all(p.exists() for p in kept)


# -- a real synthesis, stopped ------------------------------------------------------------------


# With two environments the second synthesis process runs too, and must go the same way.
@pytest.mark.parametrize("envs", ["dev", "dev,staging"])
def test_sigterm_mid_synthesis_removes_staging_and_leftovers_and_keeps_previous_output(tmp_path, envs):
    project = project_copy(tmp_path)
    previous = cdktf_output(project / "cdktf.out")
    before = snapshot(previous)
    leftover = cdktf_output(project / f".cdktf.out.{dead_pid()}.k1lled_0")
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "SPARKI_ENV": envs, "TMPDIR": str(temp)}
    env.pop("CDKTF_OUTDIR", None)
    proc = subprocess.Popen([sys.executable, "main.py"], cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        while not list(project.glob(f".cdktf.out.{proc.pid}.*")):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no staging directory appeared"
            time.sleep(0.05)
        assert not leftover.exists(), "the killed run's staging directory is removed before synthesis starts"
        time.sleep(0.5)  # into the middle of building the stacks
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert stdout == ""
    assert stderr == "sparki: interrupted by SIGTERM; cdktf.out/ was left as it was\n"
    assert sorted(p.name for p in project.iterdir() if "cdktf.out" in p.name) == ["cdktf.out"]
    assert snapshot(previous) == before
    assert list(temp.iterdir()) == [], "jsii's runtime directories are removed"
