"""Every realistic mistake of tests/environments/mistakes.py, fed to main.py as a user would
make it: exit 2, one line on stderr naming the environment and the field, no traceback, and
the previous output directory untouched. docs/environment-errors.md matches the table."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.environments.mistakes import MISTAKES, ROOT, Mistake, broken_copy, markdown
from tests.support import project_copy

MARKER = "previous synth output"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """One copy of the project per session; each case rewrites only its data files."""
    return project_copy(tmp_path_factory.mktemp("mistakes"))


@pytest.fixture(scope="module")
def previous_output(tmp_path_factory) -> Path:
    outdir = tmp_path_factory.mktemp("previous") / "cdktf.out"
    outdir.mkdir()
    (outdir / "manifest.json").write_text(MARKER)
    return outdir


def test_the_table_is_large_and_each_mistake_distinct():
    assert len(MISTAKES) >= 55
    assert len({(m.env, m.old, m.new) for m in MISTAKES}) == len(MISTAKES)


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.what for m in MISTAKES])
def test_mistake_gives_one_line_naming_environment_and_field(mistake: Mistake, project, previous_output):
    broken_copy(mistake, project / "environments")
    environ = {**os.environ, "CDKTF_OUTDIR": str(previous_output)}
    environ.pop("SPARKI_ENV", None)
    proc = subprocess.run([sys.executable, "main.py"], cwd=project, capture_output=True, text=True, env=environ, timeout=60)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and proc.stderr.endswith("\n"), proc.stderr
    assert proc.stderr.startswith(f"sparki: error: environment '{mistake.env}': "), proc.stderr
    if mistake.field is None:
        assert f"{mistake.env}.toml is not valid TOML" in proc.stderr and "line " in proc.stderr, proc.stderr
    else:
        assert f"field '{mistake.field}': " in proc.stderr, proc.stderr
    assert [p.name for p in previous_output.parent.iterdir()] == ["cdktf.out"]
    assert [p.name for p in previous_output.iterdir()] == ["manifest.json"]
    assert (previous_output / "manifest.json").read_text() == MARKER


def test_error_catalogue_in_docs_is_generated_from_the_table():
    doc = ROOT / "docs" / "environment-errors.md"
    assert doc.read_text() == markdown(), "regenerate: .venv/bin/python -m tests.environments.mistakes > docs/environment-errors.md"
