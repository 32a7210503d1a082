"""The plan review's reading of `terraform show -json` and its verdicts, on small hand-made
plans for the edge cases. Real plans against moto: tests/emulator/test_emulator_plan_review.py."""
from __future__ import annotations

import json

import pytest

from sparki import plan
from sparki.plan import allowed_by_environment
from sparki.plan_review import (
    EXIT_OK,
    EXIT_PLAN_FAILED,
    EXIT_STATEFUL,
    Change,
    StackReview,
    exit_code,
    render,
    summarize,
)
from tests.support import ROOT


def _rc(address: str, actions: list, mode: str = "managed", **change) -> dict:
    rtype = address.split(".")[-2]
    return {"address": address, "mode": mode, "type": rtype, "change": {"actions": actions, **change}}


PLAN = {
    "format_version": "1.2",
    "resource_changes": [
        _rc("aws_vpc.v", ["no-op"]),
        _rc("data.aws_iam_policy_document.d", ["read"], mode="data"),
        _rc("aws_sns_topic.t", ["create"]),
        _rc("aws_security_group.sg", ["update"], before={"ingress": [], "name": "a"}, after={"ingress": [1], "name": "a"}, after_unknown={}),
        _rc("aws_db_instance.db", ["delete", "create"], replace_paths=[["engine_version"], ["tags", "Name"]]),
        _rc("aws_kms_alias.a", ["create", "delete"], replace_paths=[["name"]]),
        _rc("aws_security_group_rule.r", ["create", "delete"], replace_paths=[["ingress", 0, "cidr_blocks"]]),
        _rc("aws_cloudwatch_log_group.logs", ["delete"]),
        _rc("aws_s3_bucket.b", ["update"], before={"tags": {}}, after={"tags": {"a": "b"}}),
    ],
}


def test_summarize_counts_each_action_and_skips_no_ops_and_data_sources():
    review = summarize("sparki-dev-x", PLAN)
    assert review.counts == {"create": 1, "update": 2, "replace": 3, "destroy": 1, "forget": 0, "move": 0}
    assert "aws_vpc.v" not in {c.address for c in review.changes}
    assert not any(c.address.startswith("data.") for c in review.changes)


def test_replacements_name_the_attributes_that_force_them():
    changes = {c.address: c for c in summarize("s", PLAN).changes}
    assert changes["aws_db_instance.db"].forced_by == ("engine_version", "tags.Name")
    assert changes["aws_security_group_rule.r"].forced_by == ("ingress[0].cidr_blocks",)
    assert changes["aws_security_group.sg"].attributes == ("ingress",)


def test_only_destroys_and_replacements_of_stateful_types_are_stateful():
    stateful = [c.address for c in summarize("s", PLAN).stateful]
    assert stateful == ["aws_db_instance.db", "aws_cloudwatch_log_group.logs"]  # not the bucket's tag update


def test_render_puts_the_loud_section_first_and_no_values():
    text = render("dev", [summarize("sparki-dev-data", PLAN), StackReview("sparki-dev-state")], allowed=False)
    assert text.startswith("# Plan review: dev\n\n> [!CAUTION]\n> **2 stateful resource(s) would be DESTROYED or REPLACED.**")
    assert text.index("## STATEFUL RESOURCES") < text.index("## Summary") < text.index("## sparki-dev-data")
    assert "| sparki-dev-data | `aws_db_instance.db` | **replace** | `engine_version`, `tags.Name` |" in text
    assert "| sparki-dev-data | 1 | 2 | 3 | 1 | 0 | 0 |" in text and "| sparki-dev-state | 0 | 0 | 0 | 0 | 0 | 0 |" in text
    assert "## sparki-dev-state\n\nNo changes." in text


def test_render_without_stateful_changes_has_no_loud_section():
    text = render("dev", [StackReview("sparki-dev-a", (Change("aws_sns_topic.t", "aws_sns_topic", "create"),))], allowed=False)
    assert "CAUTION" not in text and "STATEFUL" not in text and "- `+` create `aws_sns_topic.t`" in text


def test_render_shows_a_failed_plan_with_its_error():
    text = render("dev", [StackReview("sparki-dev-a", error="terraform plan: Invalid CIDR")], allowed=False)
    assert "**1 stack(s) could not be planned:** sparki-dev-a" in text
    assert "| sparki-dev-a | plan failed | | | | | |" in text and "Invalid CIDR" in text


DESTROY = StackReview("s", (Change("aws_kms_key.k", "aws_kms_key", "destroy"),))
UPDATE = StackReview("s", (Change("aws_kms_key.k", "aws_kms_key", "update"),))
FAILED = StackReview("s", error="boom")


@pytest.mark.parametrize(
    "reviews, allowed, expected",
    [
        ([UPDATE], False, EXIT_OK),
        ([DESTROY], False, EXIT_STATEFUL),
        ([DESTROY], True, EXIT_OK),
        ([DESTROY, FAILED], True, EXIT_PLAN_FAILED),
        ([], False, EXIT_OK),
    ],
)
def test_exit_code(reviews, allowed, expected):
    assert exit_code(reviews, allowed) == expected


@pytest.mark.parametrize("value, allowed", [("1", True), ("true", True), ("YES", True), ("0", False), ("", False), ("no", False)])
def test_allow_stateful_destroy_from_the_environment(value, allowed):
    assert allowed_by_environment({"ALLOW_STATEFUL_DESTROY": value}) is allowed


def test_command_without_synthesized_output_says_what_to_run(tmp_path, capsys):
    assert plan.main([str(tmp_path), "dev"], ROOT) == 2
    assert "has no manifest.json; run `make synth` first" in capsys.readouterr().err


def test_command_with_an_unknown_layer_fails_before_planning(tmp_path, capsys):
    stacks = {"sparki-dev-state": {"dependencies": [], "workingDirectory": "stacks/sparki-dev-state"}}
    (tmp_path / "manifest.json").write_text(json.dumps({"stacks": stacks}))
    assert plan.main([str(tmp_path), "dev", "nope", "--plans-dir", str(tmp_path / "plans")], ROOT) == 2
    assert "no stack for layer 'nope' of environment 'dev'" in capsys.readouterr().err
    assert not (tmp_path / "plans").exists()
