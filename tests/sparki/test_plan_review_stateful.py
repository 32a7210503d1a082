"""What the plan review gates beyond destroys: removed protections, and what it shows instead
of dropping: forgets and moves. Synthetic plans in `terraform show -json` shape; the same cases
on real plans against moto: tests/emulator/test_emulator_plan_review.py."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from sparki.plan_protection import PROTECTIONS
from sparki.plan_review import EXIT_OK, EXIT_PLAN_FAILED, EXIT_STATEFUL, exit_code, render, summarize


def _rc(address: str, actions: list, previous: str = "", **change) -> dict:
    rc = {"address": address, "mode": "managed", "type": address.split(".")[-2], "change": {"actions": actions, **change}}
    if previous:
        rc["previous_address"] = previous
    return rc


def _update(rtype: str, before: dict, after: dict, unknown: dict | None = None) -> dict:
    return {"resource_changes": [_rc(f"{rtype}.x", ["update"], before=before, after=after, after_unknown=unknown or {})]}


# (type, before, after, attribute flagged, gates): one case per row of PROTECTIONS
REMOVALS = [
    ("aws_db_instance", {"deletion_protection": True}, {"deletion_protection": False}, "deletion_protection", True),
    ("aws_rds_cluster", {"deletion_protection": True}, {"deletion_protection": False}, "deletion_protection", True),
    ("aws_rds_global_cluster", {"deletion_protection": True}, {"deletion_protection": False}, "deletion_protection", True),
    ("aws_docdb_cluster", {"deletion_protection": True}, {"deletion_protection": False}, "deletion_protection", True),
    ("aws_docdb_global_cluster", {"deletion_protection": True}, {"deletion_protection": None}, "deletion_protection", True),
    ("aws_neptune_cluster", {"deletion_protection": True}, {"deletion_protection": False}, "deletion_protection", True),
    ("aws_neptune_global_cluster", {"deletion_protection": True}, {"deletion_protection": False}, "deletion_protection", True),
    ("aws_dynamodb_table", {"deletion_protection_enabled": True}, {"deletion_protection_enabled": False}, "deletion_protection_enabled", True),
    ("aws_dynamodb_table_replica", {"deletion_protection_enabled": True}, {"deletion_protection_enabled": False}, "deletion_protection_enabled", True),
    ("aws_s3_bucket", {"force_destroy": False}, {"force_destroy": True}, "force_destroy", True),
    ("aws_ecr_repository", {"force_delete": None}, {"force_delete": True}, "force_delete", True),
    ("aws_backup_vault", {"force_destroy": False}, {"force_destroy": True}, "force_destroy", True),
    ("aws_route53_zone", {"force_destroy": False}, {"force_destroy": True}, "force_destroy", True),
    ("aws_kms_key", {"is_enabled": True}, {"is_enabled": False}, "is_enabled", True),
    ("aws_db_instance", {"backup_retention_period": 17}, {"backup_retention_period": 0}, "backup_retention_period", True),
    ("aws_elasticache_replication_group", {"snapshot_retention_limit": 17}, {"snapshot_retention_limit": 0}, "snapshot_retention_limit", True),
    ("aws_elasticache_cluster", {"snapshot_retention_limit": 17}, {"snapshot_retention_limit": 0}, "snapshot_retention_limit", True),
    ("aws_elasticache_serverless_cache", {"snapshot_retention_limit": 17}, {"snapshot_retention_limit": 0}, "snapshot_retention_limit", True),
    ("aws_memorydb_cluster", {"snapshot_retention_limit": 17}, {"snapshot_retention_limit": 0}, "snapshot_retention_limit", True),
    ("aws_s3_bucket_versioning", {"versioning_configuration": [{"status": "Enabled"}]}, {"versioning_configuration": [{"status": "Suspended"}]},
     "versioning_configuration[0].status", True),
    ("aws_kms_key", {"deletion_window_in_days": 30}, {"deletion_window_in_days": 7}, "deletion_window_in_days", False),
    *((t, {"skip_final_snapshot": False}, {"skip_final_snapshot": True}, "skip_final_snapshot", False)
      for t in ("aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster", "aws_redshift_cluster")),
]


def test_every_protection_of_the_table_has_a_case():
    assert {(p.type, p.attribute) for p in PROTECTIONS} == {(c[0], c[3]) for c in REMOVALS}


def test_docs_list_exactly_the_table():
    text = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    table = text.split("### Protection removed", 1)[1].split("\n\n", 2)[1]
    documented = set()
    for row in table.splitlines()[2:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        for rtype in re.findall(r"`(aws_\w+)`", cells[0]):
            documented.add((rtype, cells[1].strip("`"), cells[2], cells[3], cells[5] == "yes"))
    assert documented == {(p.type, p.attribute, p.before, p.after, p.gates) for p in PROTECTIONS}


@pytest.mark.parametrize("rtype, before, after, attribute, gates", REMOVALS, ids=[f"{c[0]}.{c[3]}" for c in REMOVALS])
def test_a_removed_protection_is_flagged_and_gates_like_a_destroy(rtype, before, after, attribute, gates):
    review = summarize("s", _update(rtype, before, after))
    (change,) = review.changes
    assert [p.attribute for p in change.protections] == [attribute]
    assert exit_code([review], allowed=False) == (EXIT_STATEFUL if gates else EXIT_OK)
    assert exit_code([review], allowed=True) == EXIT_OK
    text = render("dev", [review], allowed=False)
    if gates:
        assert "## PROTECTION REMOVED" in text and f"| s | `{rtype}.x` | `{attribute}` |" in text
        assert f"**protection removed: `{attribute}`**" in text
    else:
        assert "PROTECTION REMOVED" not in text and "CAUTION" not in text
        assert "## STATEFUL RESOURCES: NOTES" in text and f"| s | `{rtype}.x` | `{attribute}`" in text
    assert "17" not in text and "30" not in text  # the table's words, never the plan's values


@pytest.mark.parametrize(
    "rtype, before, after, unknown",
    [
        ("aws_db_instance", {"deletion_protection": False}, {"deletion_protection": False}, None),  # was never on
        ("aws_db_instance", {"deletion_protection": True}, {"deletion_protection": None}, {"deletion_protection": True}),  # unknown
        ("aws_s3_bucket", {"force_destroy": True}, {"force_destroy": True}, None),  # already off
        ("aws_db_instance", {"backup_retention_period": 7}, {"backup_retention_period": 1}, None),  # shorter, still on
        ("aws_s3_bucket_versioning", {"versioning_configuration": [{"status": "Enabled"}]}, {"versioning_configuration": [{"status": "Enabled"}]}, None),
        ("aws_kms_key", {"deletion_window_in_days": 7}, {"deletion_window_in_days": 30}, None),  # longer
        ("aws_sns_topic", {"deletion_protection": True}, {"deletion_protection": False}, None),  # not a protection of that type
    ],
)
def test_changes_that_keep_the_protection_pass(rtype, before, after, unknown):
    review = summarize("s", _update(rtype, before, after, unknown))
    assert review.changes[0].protections == ()
    assert exit_code([review], allowed=False) == EXIT_OK


def test_a_protection_removed_by_a_replacement_is_flagged_too():
    plan = {"resource_changes": [_rc("aws_s3_bucket.b", ["delete", "create"], replace_paths=[["bucket"]],
                                     before={"force_destroy": False}, after={"force_destroy": True})]}
    (change,) = summarize("s", plan).changes
    assert change.stateful and [p.attribute for p in change.unprotected] == ["force_destroy"]


def test_the_loud_section_counts_destroys_and_removed_protections_apart():
    plan = {"resource_changes": [
        _rc("aws_kms_key.k", ["delete"]),
        _rc("aws_s3_bucket.b", ["update"], before={"force_destroy": False, "tags": {}}, after={"force_destroy": True, "tags": {"a": "b"}}),
    ]}
    text = render("dev", [summarize("sparki-dev-state", plan)], allowed=False)
    assert text.startswith(
        "# Plan review: dev\n\n> [!CAUTION]\n"
        "> **1 stateful resource(s) would be DESTROYED or REPLACED.** Their data, keys or logs are lost.\n"
        "> **1 stateful resource(s) would LOSE THEIR PROTECTION** against deletion or data loss.\n"
        "> The plan review fails until someone approves it with ALLOW_STATEFUL_DESTROY=1.\n"
    )
    assert text.index("## STATEFUL RESOURCES DESTROYED") < text.index("## PROTECTION REMOVED") < text.index("## Summary")
    assert "| sparki-dev-state | `aws_s3_bucket.b` | `force_destroy` | false -> **true** |" in text
    assert "- `~` update `aws_s3_bucket.b` (`force_destroy`, `tags`) **protection removed: `force_destroy`**" in text


# -- forget and moves ---------------------------------------------------------------------------


FORGET_AND_MOVES = {"resource_changes": [
    _rc("aws_kms_key.k", ["forget"]),
    _rc("aws_sns_topic.t", ["forget"]),
    _rc("aws_dynamodb_table.locks", ["no-op"], previous="aws_dynamodb_table.lock"),
    _rc("aws_kms_alias.a", ["update"], previous="aws_kms_alias.old", before={"name": "x"}, after={"name": "y"}),
    _rc("aws_vpc.v", ["no-op"]),
]}


def test_forgets_and_moves_are_counted_and_listed_with_their_meaning():
    review = summarize("sparki-dev-state", FORGET_AND_MOVES)
    assert review.counts == {"create": 0, "update": 1, "replace": 0, "destroy": 0, "forget": 2, "move": 2}
    text = render("dev", [review], allowed=False)
    section = text.split("## sparki-dev-state\n", 1)[1]
    assert section.splitlines()[1:] == [
        "- `~` update `aws_kms_alias.a` (moved from `aws_kms_alias.old`; `name`)",
        "- `.` forget `aws_kms_key.k` (leaves Terraform state; the object itself is kept) **stateful**",
        "- `.` forget `aws_sns_topic.t` (leaves Terraform state; the object itself is kept)",
        "- `->` move `aws_dynamodb_table.locks` (moved from `aws_dynamodb_table.lock`; nothing else changes)",
    ]
    assert "| sparki-dev-state | 0 | 1 | 0 | 0 | 2 | 2 |" in text


def test_a_forgotten_stateful_resource_is_noted_but_does_not_gate():
    review = summarize("sparki-dev-state", FORGET_AND_MOVES)
    assert exit_code([review], allowed=False) == EXIT_OK
    text = render("dev", [review], allowed=False)
    assert "CAUTION" not in text
    notes = text.split("## STATEFUL RESOURCES: NOTES", 1)[1].split("## Summary", 1)[0]
    assert "| sparki-dev-state | `aws_kms_key.k` | leaves Terraform state; it is NOT destroyed" in notes
    assert "aws_sns_topic.t" not in notes


def test_a_replacement_that_keeps_the_old_object_is_a_forget():
    plan = {"resource_changes": [_rc("aws_db_instance.db", ["create", "forget"], replace_paths=[["engine"]])]}
    (change,) = summarize("s", plan).changes
    assert (change.action, change.recreated, change.forced_by, change.stateful) == ("forget", True, ("engine",), False)
    assert "a new one is created in its place; forced by `engine`" in render("dev", [summarize("s", plan)], allowed=False)


def test_an_action_the_review_does_not_know_fails_it_instead_of_vanishing():
    review = summarize("s", {"resource_changes": [_rc("aws_kms_key.k", ["delete", "forget"])]})
    assert "aws_kms_key.k: ['delete', 'forget']" in review.error and "KNOWN_ACTIONS" in review.error
    assert exit_code([review], allowed=True) == EXIT_PLAN_FAILED


def _rotation(forced: list) -> dict:
    """The shape `terraform show -json` gives a password_version bump (measured on moto 5.2.5
    with provider 5.100: docs/runbooks/database-password.md); write-only values are null."""
    return {"resource_changes": [
        _rc("aws_db_instance.db", ["update"], before={"password_wo": None, "password_wo_version": 1},
            after={"password_wo": None, "password_wo_version": 2}, after_unknown={}),
        _rc("aws_secretsmanager_secret_version.v", ["delete", "create"], replace_paths=forced,
            before={"secret_string_wo": None, "secret_string_wo_version": 1}, after={"secret_string_wo": None, "secret_string_wo_version": 2}),
    ]}


def test_a_new_write_only_secret_version_is_noted_not_gated():
    review = summarize("sparki-dev-data", _rotation([["secret_string_wo_version"]]))
    assert [(c.address, c.action, c.attributes) for c in review.changes] == [
        ("aws_db_instance.db", "update", ("password_wo_version",)), ("aws_secretsmanager_secret_version.v", "replace", ())]
    assert not review.gates and exit_code([review], allowed=False) == EXIT_OK
    notes = render("dev", [review], allowed=False).split("## STATEFUL RESOURCES: NOTES", 1)[1]
    assert "a new version is written (secret_string_wo_version changed); the previous value is kept by the service" in notes


@pytest.mark.parametrize("forced", [[["secret_id"]], [["secret_string_wo_version"], ["secret_id"]], []])
def test_a_secret_version_replaced_for_anything_else_still_gates(forced):
    review = summarize("sparki-dev-data", _rotation(forced))
    assert review.gates and exit_code([review], allowed=False) == EXIT_STATEFUL
