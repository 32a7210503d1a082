"""The drill's own logic without moto: which stacks it applies, and how a failure reads."""
from __future__ import annotations

import json

import pytest

from sparki.emulator.drill import DRILL_EXCLUSIONS, DrillFailed, check, drill_stacks, one_line
from sparki.emulator.exclusions import EXCLUSIONS


def _manifest(tmp_path, deps):
    (tmp_path / "manifest.json").write_text(json.dumps({"stacks": {s: {"dependencies": d} for s, d in deps.items()}}))
    return tmp_path


def test_drill_applies_the_checked_layers_and_what_they_need_only(tmp_path):
    p = "sparki-prod-"
    outdir = _manifest(tmp_path, {
        p + "dr-state": [], p + "state": [p + "dr-state"], p + "security": [p + "dr-state"],
        p + "dr-data": [p + "security"], p + "data": [p + "security"], p + "dr-traffic": [],
        p + "edge": [p + "security"], p + "platform": [p + "data"],
    })
    assert drill_stacks(outdir) == sorted(p + s for s in ("dr-state", "security", "data", "dr-data", "dr-traffic"))


def test_a_failed_check_is_one_line_naming_it():
    with pytest.raises(DrillFailed, match="^check dns: not inverted$"):
        check("dns", False, "not inverted")
    check("dns", True, "never raised")
    assert one_line("terraform apply failed:\n  aws_x.y: boom\n\n  more") == "terraform apply failed: aws_x.y: boom more"
    assert len(one_line("x" * 2000)) == 600


def test_drill_exclusions_add_to_the_emulators_and_override_none():
    assert {k: DRILL_EXCLUSIONS[k] for k in EXCLUSIONS} == dict(EXCLUSIONS)
    assert set(DRILL_EXCLUSIONS) - set(EXCLUSIONS) == {"aws_securityhub_account"}
