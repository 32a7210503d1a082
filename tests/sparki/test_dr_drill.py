"""The drill's own logic without terraform: which stacks it applies and in what order, which
prod-only gaps it leaves out, and how a failure reads."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from sparki.emulator.drill import (
    DRILL_EXCLUSIONS,
    SOURCE_LAYERS,
    DrillFailed,
    check,
    drill_dependencies,
    drill_stacks,
    one_line,
    promoted_targets,
)
from sparki.emulator.exclusions import EXCLUSIONS, unused_exclusions

SNAPSHOTS = Path(__file__).resolve().parents[1] / "stacks" / "__snapshots__" / "test_snapshots"
P = "sparki-prod-"


def _manifest(tmp_path, deps):
    (tmp_path / "manifest.json").write_text(json.dumps({"stacks": {s: {"dependencies": d} for s, d in deps.items()}}))
    return tmp_path


MANIFEST = {
    P + "dr-state": [], P + "state": [P + "dr-state"], P + "security": [P + "dr-state"], P + "dr-security": [P + "dr-state"],
    P + "dr-data": [P + "dr-security"], P + "data": [P + "security"], P + "dr-traffic": [],
    P + "edge": [P + "security"], P + "platform": [P + "data"],
}


def test_drill_applies_the_checked_layers_and_what_they_need_only(tmp_path):
    assert drill_stacks(_manifest(tmp_path, MANIFEST)) == sorted(
        P + s for s in ("dr-state", "security", "dr-security", "data", "dr-data", "dr-traffic")
    )


def test_the_replica_waits_for_its_source_which_the_manifest_does_not_name(tmp_path):
    deps = drill_dependencies(_manifest(tmp_path, MANIFEST))
    assert deps[P + "dr-data"] == [P + "dr-security", P + "data"]
    assert {k: v for k, v in deps.items() if k != P + "dr-data"} == {k: v for k, v in MANIFEST.items() if k != P + "dr-data"}
    assert SOURCE_LAYERS["dr-data"] == ("data",)


def test_a_failed_check_is_one_line_naming_it():
    with pytest.raises(DrillFailed, match="^check dns: not inverted$"):
        check("dns", False, "not inverted")
    check("dns", True, "never raised")
    assert one_line("terraform apply failed:\n  aws_x.y: boom\n\n  more") == "terraform apply failed: aws_x.y: boom more"
    assert len(one_line("x" * 2000)) == 600


def test_drill_exclusions_add_to_the_emulators_and_override_none():
    assert {k: DRILL_EXCLUSIONS[k] for k in EXCLUSIONS} == dict(EXCLUSIONS)
    assert set(DRILL_EXCLUSIONS) - set(EXCLUSIONS) == {
        "aws_securityhub_account", "aws_elasticache_global_replication_group", "aws_db_instance_automated_backups_replication",
    }


def test_every_drill_exclusion_still_matches_a_prod_resource():
    """The prod snapshots (what the drill synthesizes, with the S3 backend) hold every resource
    a drill-only exclusion names; a stale entry would hide nothing and mislead."""
    docs = {path.name: json.loads(path.read_text()) for path in SNAPSHOTS.glob(f"*[[]{P}*].json")}
    assert docs, f"no prod snapshots under {SNAPSHOTS}"
    drill_only = {k: v for k, v in DRILL_EXCLUSIONS.items() if k not in EXCLUSIONS}
    assert unused_exclusions(docs, drill_only) == []


def test_the_promoted_plan_also_targets_what_the_promoted_configuration_dropped():
    """promoted = true drops the replica-lag alarm; a plan targeted at the configuration alone
    would not show its destroy."""
    declared = ["aws_db_instance.instance", "aws_cloudwatch_metric_alarm.cpu", "aws_elasticache_global_replication_group.global"]
    state = ["data.terraform_remote_state.x", "aws_db_instance.instance", "aws_cloudwatch_metric_alarm.cpu", "aws_cloudwatch_metric_alarm.lag[0]"]
    targets = ["aws_cloudwatch_metric_alarm.cpu", "aws_db_instance.instance"]
    assert promoted_targets(targets, state, declared) == [
        "aws_cloudwatch_metric_alarm.cpu", "aws_cloudwatch_metric_alarm.lag[0]", "aws_db_instance.instance",
    ]
    assert promoted_targets([], state, declared) == []
