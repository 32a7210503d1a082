"""`make plan`'s review on real plans: the applied dev environment, changed on purpose.

A copy of the applied output (and its state) is edited the way a pull request would change
it, then `python -m sparki plan` plans it against the same moto. Plans never change the
emulator, so the lifecycle tests around these are not disturbed.

Changes made to the copy:
  security: + an SNS topic (create); the data key's description (update); the secrets key
            becomes multi-region (replace, stateful; its alias and the secrets it encrypts
            follow: update); the audit
            alias is renamed (replace); the eks key and its alias are removed (destroy,
            stateful); one bucket's versioning leaves the state (`removed`, destroy = false:
            forget, noted, not gating).
  network:  the VPC's Name tag (update).
  state:    the bucket's force_destroy turned on, its versioning suspended, its key disabled
            (protection removed: gates like a destroy); the key's alias moved to a new address
            (`moved`: a move and nothing else).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sparki.emulator import terraform_env
from sparki.plan_review import EXIT_OK, EXIT_STATEFUL
from tests.support import ROOT

STACKS = ("sparki-dev-state", "sparki-dev-security", "sparki-dev-network")


def _by(doc: dict, rtype: str, field: str, value: str) -> str:
    (name,) = [n for n, body in doc["resource"][rtype].items() if body.get(field) == value or body.get("tags", {}).get(field) == value]
    return name


def _edit(outdir: Path, stack: str, change) -> None:
    path = outdir / "stacks" / stack / "cdk.tf.json"
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc, indent=2))


def _drop(doc: dict, addresses) -> None:
    for address in addresses:
        rtype, name = address.split(".", 1)
        del doc["resource"][rtype][name]
        if not doc["resource"][rtype]:
            del doc["resource"][rtype]


def _security(doc: dict) -> None:
    keys, aliases = doc["resource"]["aws_kms_key"], doc["resource"]["aws_kms_alias"]
    doc["resource"]["aws_sns_topic"]["review_topic"] = {"name": "sparki-dev-review"}
    keys[_by(doc, "aws_kms_key", "Name", "sparki-dev-data")]["description"] = "sparki-dev: data, described anew"
    keys[_by(doc, "aws_kms_key", "Name", "sparki-dev-secrets")]["multi_region"] = True
    aliases[_by(doc, "aws_kms_alias", "name", "alias/sparki-dev-audit")]["name"] = "alias/sparki-dev-audit-renamed"
    eks_key = _by(doc, "aws_kms_key", "Name", "sparki-dev-eks")
    del keys[eks_key]
    del aliases[_by(doc, "aws_kms_alias", "name", "alias/sparki-dev-eks")]
    # The cluster reads the key's ARN through an output of this stack: it goes with the key.
    outputs = doc.get("output", {})
    for name in [n for n, o in outputs.items() if f"aws_kms_key.{eks_key}." in json.dumps(o)]:
        del outputs[name]


def _forget_versioning(doc: dict) -> None:
    versions = doc["resource"]["aws_s3_bucket_versioning"]
    forgotten = sorted(versions)[0]
    del versions[forgotten]
    doc["removed"] = [{"from": f"aws_s3_bucket_versioning.{forgotten}", "lifecycle": {"destroy": False}}]


def _state(doc: dict) -> None:
    (bucket,) = doc["resource"]["aws_s3_bucket"].values()
    bucket["force_destroy"] = True
    (versioning,) = doc["resource"]["aws_s3_bucket_versioning"].values()
    versioning["versioning_configuration"]["status"] = "Suspended"
    (key,) = doc["resource"]["aws_kms_key"].values()
    key["is_enabled"] = False
    aliases = doc["resource"]["aws_kms_alias"]
    (old,) = list(aliases)
    aliases["moved_alias"] = aliases.pop(old)
    doc["moved"] = [{"from": f"aws_kms_alias.{old}", "to": "aws_kms_alias.moved_alias"}]


def _network(doc: dict) -> None:
    (vpc,) = doc["resource"]["aws_vpc"].values()
    vpc["tags"]["Name"] = "sparki-dev-vpc-renamed"


def _only_review_stacks(directory: str, names: list[str]) -> list[str]:
    """copytree's ignore: the other stacks may still be deploying (files come and go)."""
    return [n for n in names if Path(directory).name == "stacks" and n not in STACKS]


@pytest.fixture(scope="module")
def changed(deploying, harness, emulator_outdir, tmp_path_factory) -> tuple[Path, dict, dict]:
    """(output directory, security's and state's parsed JSON before the edit) of the edited copy.
    Starts as soon as the review's stacks have applied; the other stacks may still deploy."""
    deployed = harness.wait_deployed(STACKS)
    not_applied = [s for s in STACKS if not (deployed.get((s, "apply")) and deployed[s, "apply"].ok)]
    assert not not_applied, f"the plan review needs the applied environment; these did not apply: {not_applied}"
    world = tmp_path_factory.mktemp("review")
    outdir = world / "cdktf.out"
    shutil.copytree(emulator_outdir, outdir, symlinks=True, ignore=_only_review_stacks)
    (world / ".terraform-state").mkdir()
    for stack in STACKS:
        shutil.copy2(emulator_outdir.parent / ".terraform-state" / f"{stack}.tfstate", world / ".terraform-state")
    # The review is about the edits below: the copy holds only the stacks they touch, as
    # applied (without what the harness left out for moto, which would otherwise show up as
    # creates, and without downstream stacks that read outputs of excluded resources).
    manifest_path = outdir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["stacks"] = {name: body for name, body in manifest["stacks"].items() if name in STACKS}
    manifest_path.write_text(json.dumps(manifest, indent=2))
    for stack in STACKS:
        _edit(outdir, stack, lambda doc, stack=stack: _drop(doc, harness.left_out[stack]))
    before = json.loads((outdir / "stacks" / "sparki-dev-security" / "cdk.tf.json").read_text())
    state = json.loads((outdir / "stacks" / "sparki-dev-state" / "cdk.tf.json").read_text())
    _edit(outdir, "sparki-dev-security", _security)
    _edit(outdir, "sparki-dev-security", _forget_versioning)
    _edit(outdir, "sparki-dev-network", _network)
    _edit(outdir, "sparki-dev-state", _state)
    return outdir, before, state


def _plan(outdir: Path, plans: Path, *args: str, allow: bool = False) -> subprocess.CompletedProcess:
    env = terraform_env()
    env.pop("ALLOW_STATEFUL_DESTROY", None)
    if allow:
        env["ALLOW_STATEFUL_DESTROY"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "sparki", "plan", str(outdir), "dev", *args, "--plans-dir", str(plans)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )


@pytest.fixture(scope="module")
def whole_environment(changed, tmp_path_factory):
    """`make plan ENV=dev` on the edited copy: (process, review.md text, plans dir)."""
    outdir = changed[0]
    plans = tmp_path_factory.mktemp("plans-dev")
    proc = _plan(outdir, plans)
    review = plans / "review.md"
    assert review.exists(), proc.stderr
    return proc, review.read_text(), plans


def _address(doc: dict, rtype: str, field: str, value: str) -> str:
    return f"{rtype}.{_by(doc, rtype, field, value)}"


def test_stateful_destroy_fails_the_review(whole_environment):
    proc, review, _ = whole_environment
    assert proc.returncode == EXIT_STATEFUL, proc.stdout + proc.stderr
    assert "2 stateful resource(s) destroyed or replaced" in proc.stderr
    assert "3 stateful resource(s) lose their protection" in proc.stderr
    assert "ALLOW_STATEFUL_DESTROY=1" in review


def test_every_stack_gets_a_plan_file_in_deploy_order(whole_environment):
    proc, review, plans = whole_environment
    assert sorted(p.name for p in plans.glob("*.tfplan")) == sorted(f"{s}.tfplan" for s in STACKS)
    assert [review.index(f"## {s}") for s in STACKS] == sorted(review.index(f"## {s}") for s in STACKS)


def test_counts_per_stack(whole_environment):
    _, review, _ = whole_environment
    # create, update, replace, destroy, forget, move
    assert "| sparki-dev-state | 0 | 3 | 0 | 0 | 0 | 1 |" in review
    # updates: the data key's description, the secrets alias, and each secret re-encrypted
    # under the replaced secrets key
    assert "| sparki-dev-security | 1 | 4 | 2 | 2 | 1 | 0 |" in review
    # the VPC's tags, and the public and private ACLs whose ICMP entry moto does not keep
    # (EXCLUSIONS["aws_network_acl"])
    assert "| sparki-dev-network | 0 | 3 | 0 | 0 | 0 | 0 |" in review


def test_changed_addresses_are_listed_with_their_cause(whole_environment, changed):
    _, review, _ = whole_environment
    _, before, _ = changed
    section = review.split("## sparki-dev-security", 1)[1].split("\n## ", 1)[0]
    forgotten = sorted(before["resource"]["aws_s3_bucket_versioning"])[0]
    expected = [
        "`+` create `aws_sns_topic.review_topic`",
        f"`~` update `{_address(before, 'aws_kms_key', 'Name', 'sparki-dev-data')}` (`description`)",
        # follows its key's replacement: terraform plans the new key id in place
        f"`~` update `{_address(before, 'aws_kms_alias', 'name', 'alias/sparki-dev-secrets')}` (`target_key_id`)",
        f"`-/+` replace `{_address(before, 'aws_kms_key', 'Name', 'sparki-dev-secrets')}` (forced by `multi_region`) **stateful**",
        f"`-/+` replace `{_address(before, 'aws_kms_alias', 'name', 'alias/sparki-dev-audit')}` (forced by `name`)",
        f"`-` destroy `{_address(before, 'aws_kms_key', 'Name', 'sparki-dev-eks')}` **stateful**",
        f"`-` destroy `{_address(before, 'aws_kms_alias', 'name', 'alias/sparki-dev-eks')}`",
        f"`.` forget `aws_s3_bucket_versioning.{forgotten}` (leaves Terraform state; the object itself is kept) **stateful**",
    ] + [
        # each secret follows its key's replacement
        f"`~` update `aws_secretsmanager_secret.{name}` (`kms_key_id`)"
        for name in before["resource"]["aws_secretsmanager_secret"]
    ]
    for line in expected:
        assert line in section, f"{line!r} not in:\n{section}"
    assert section.count("\n- ") == len(expected)


def _only(doc: dict, rtype: str) -> str:
    (name,) = doc["resource"][rtype]
    return f"{rtype}.{name}"


def test_state_changes_show_removed_protections_and_the_move(whole_environment, changed):
    _, review, _ = whole_environment
    _, _, state = changed
    section = review.split("## sparki-dev-state\n", 1)[1].split("\n## ", 1)[0]
    assert section.strip().splitlines() == [
        f"- `~` update `{_only(state, 'aws_kms_key')}` (`is_enabled`) **protection removed: `is_enabled`**",
        f"- `~` update `{_only(state, 'aws_s3_bucket')}` (`force_destroy`) **protection removed: `force_destroy`**",
        f"- `~` update `{_only(state, 'aws_s3_bucket_versioning')}` (`versioning_configuration`) "
        "**protection removed: `versioning_configuration[0].status`**",
        f"- `->` move `aws_kms_alias.moved_alias` (moved from `{_only(state, 'aws_kms_alias')}`; nothing else changes)",
    ]


def test_loud_section_names_exactly_the_removed_protections(whole_environment, changed):
    _, review, _ = whole_environment
    _, _, state = changed
    loud = review.split("## PROTECTION REMOVED", 1)[1].split("\n## ", 1)[0]
    rows = [line.rsplit(" | ", 1)[0] for line in loud.splitlines() if line.startswith("| sparki-")]
    assert rows == [
        f"| sparki-dev-state | `{_only(state, 'aws_kms_key')}` | `is_enabled` | true -> **false**",
        f"| sparki-dev-state | `{_only(state, 'aws_s3_bucket')}` | `force_destroy` | false -> **true**",
        f"| sparki-dev-state | `{_only(state, 'aws_s3_bucket_versioning')}` | `versioning_configuration[0].status` | Enabled -> **Suspended**",
    ]
    assert "**3 stateful resource(s) would LOSE THEIR PROTECTION**" in review
    assert review.index("## PROTECTION REMOVED") < review.index("## Summary")


def test_a_forgotten_stateful_resource_is_noted_not_gated(whole_environment, changed):
    _, review, _ = whole_environment
    _, before, _ = changed
    notes = review.split("## STATEFUL RESOURCES: NOTES", 1)[1].split("\n## ", 1)[0]
    forgotten = sorted(before["resource"]["aws_s3_bucket_versioning"])[0]
    assert f"| sparki-dev-security | `aws_s3_bucket_versioning.{forgotten}` | leaves Terraform state; it is NOT destroyed" in notes


def test_loud_section_names_exactly_the_stateful_keys(whole_environment, changed):
    _, review, _ = whole_environment
    _, before, _ = changed
    loud = review.split("## STATEFUL RESOURCES DESTROYED OR REPLACED", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in loud.splitlines() if line.startswith("| sparki-")]
    assert rows == [
        f"| sparki-dev-security | `{_address(before, 'aws_kms_key', 'Name', 'sparki-dev-secrets')}` | **replace** | `multi_region` |",
        f"| sparki-dev-security | `{_address(before, 'aws_kms_key', 'Name', 'sparki-dev-eks')}` | **destroy** | - |",
    ]
    assert review.index("STATEFUL RESOURCES") < review.index("## Summary")


def test_review_holds_no_value_from_the_plan(whole_environment):
    """Addresses and attribute names only: the new description never appears."""
    _, review, _ = whole_environment
    assert "described anew" not in review and "sparki-dev-vpc-renamed" not in review


def test_allowing_stateful_destroy_passes_and_says_so(changed, tmp_path):
    outdir = changed[0]
    proc = _plan(outdir, tmp_path, "security", allow=True)
    assert proc.returncode == EXIT_OK, proc.stdout + proc.stderr
    review = (tmp_path / "review.md").read_text()
    assert "Allowed for this run (ALLOW_STATEFUL_DESTROY=1)" in review
    assert [p.name for p in tmp_path.glob("*.tfplan")] == ["sparki-dev-security.tfplan"]


def test_changes_without_stateful_destroy_pass(changed, tmp_path):
    outdir = changed[0]
    proc = _plan(outdir, tmp_path, "network")
    assert proc.returncode == EXIT_OK, proc.stdout + proc.stderr
    review = (tmp_path / "review.md").read_text()
    # 3: see test_counts_per_stack
    assert "| sparki-dev-network | 0 | 3 | 0 | 0 | 0 | 0 |" in review and "STATEFUL" not in review


def test_an_unplannable_stack_fails_the_review(changed, tmp_path):
    """A broken configuration fails loudly, with terraform's error in the review."""
    outdir = changed[0]
    broken = tmp_path / "cdktf.out"
    shutil.copytree(outdir, broken, symlinks=True)
    shutil.copytree(outdir.parent / ".terraform-state", tmp_path / ".terraform-state")
    _edit(broken, "sparki-dev-network", lambda doc: doc["resource"]["aws_vpc"][next(iter(doc["resource"]["aws_vpc"]))].update(cidr_block="not-a-cidr"))
    proc = _plan(broken, tmp_path / "plans", "network")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    review = (tmp_path / "plans" / "review.md").read_text()
    assert "| sparki-dev-network | plan failed | | | | | |" in review and "not-a-cidr" in review
    assert not (tmp_path / "plans" / "sparki-dev-network.tfplan").exists()
