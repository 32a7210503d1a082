"""Session-wide fixtures. The provider bindings load once per test session, and every stack
of every environment is synthesized once; tests read the parsed JSON."""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sparki import lazy_bindings, quiet_runtime  # noqa: E402

quiet_runtime()
lazy_bindings.install()

import environments  # noqa: E402
from sparki.synth import synth  # noqa: E402
from stacks.run_settings import RunSettings  # noqa: E402
from tests.support import read_stacks  # noqa: E402


@pytest.fixture(scope="session")
def synth_with(tmp_path_factory) -> Callable[[RunSettings], Path]:
    """synth_with(RunSettings(...)) -> output directory; each distinct setting synthesizes once."""
    cache: dict[RunSettings, Path] = {}

    def _synth(run: RunSettings) -> Path:
        if run not in cache:
            # <tmp>/cdktf.out, like the project layout, so relative state paths resolve the same.
            outdir = tmp_path_factory.mktemp("synth") / "cdktf.out"
            synth(environments.load(), run, outdir)
            cache[run] = outdir
        return cache[run]

    return _synth


@pytest.fixture(scope="session")
def synth_dir(synth_with) -> Path:
    """The default synthesis (S3 backend, no emulator) of every environment."""
    return synth_with(RunSettings())


@pytest.fixture(scope="session")
def stacks(synth_dir) -> dict[str, dict]:
    """Stack name -> parsed cdk.tf.json of the default synthesis."""
    return read_stacks(synth_dir)
