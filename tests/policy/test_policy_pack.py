"""The policy pack as synthesis runs it: over the synthesized JSON, suppressions, the report, and
synthesis failing on a deliberately broken resource with the documented message."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from cdktf import App, TerraformStack
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.db_instance import DbInstance
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket

import environments
import sparki.synth as synth_module
from catalog.naming import stack_name
from constructs import Construct
from sparki.policy import REPORT_NAME, REQUIRED_TAGS, RULES, PolicyError, PolicyPack, PolicyViolations, Rule, suppress
from sparki.synth import synth
from stacks import layers_of
from stacks.base import SparkiStack
from stacks.run_settings import RunSettings
from tests.support import PREVIOUS_MANIFEST, ROOT, project_copy

TAGS = {t: "test" for t in REQUIRED_TAGS}
DOCS = ROOT / "docs" / "security.md"


def tagged_stack(app: App, name: str) -> TerraformStack:
    stack = TerraformStack(app, name)
    AwsProvider(stack, "aws", region="us-east-1", default_tags=[AwsProviderDefaultTags(tags=TAGS)])
    return stack


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    app = App(outdir=str(tmp_path_factory.mktemp("pack")))
    dev = tagged_stack(app, "dev")
    CloudwatchLogGroup(Construct(dev, "logs"), "group", name="/plain")
    legacy = Construct(dev, "legacy")
    suppress(legacy, "SPK-LOG-ENC", "imported group, re-encrypted by the migration in ticket 42")
    CloudwatchLogGroup(Construct(legacy, "inner"), "group", name="/legacy", retention_in_days=30)
    suppress(Construct(dev, "unused"), "SPK-S3-TLS", "kept to show that unused suppressions are listed")
    DbInstance(dev, "db", instance_class="db.t4g.micro", storage_encrypted=True, deletion_protection=False)
    prod = tagged_stack(app, "prod")
    DbInstance(prod, "db", instance_class="db.t4g.micro", storage_encrypted=True, deletion_protection=False)
    pack = PolicyPack()
    pack.apply(dev, production=False)
    pack.apply(prod, production=True)
    app.synth()
    return pack.report(app.outdir)


def test_violations_name_path_rule_what_and_fix(report):
    assert [v.line() for v in report.violations] == [
        "dev/logs/group: SPK-LOG-ENC log group is not encrypted with a KMS key (kms_key_id is not set); "
        "fix: set kms_key_id to the environment's logs key (SecurityStack keys.arn('logs'))",
        "dev/logs/group: SPK-LOG-RET log group has no retention (retention_in_days is not set (logs are kept forever)); "
        "fix: set retention_in_days to the retention the environment sets in environments/",
        "prod/db: SPK-DATA-DEL production data store can be deleted by a single apply (deletion_protection is not true); "
        f"fix: {RULES['SPK-DATA-DEL'].fix}",
    ]


def test_deletion_protection_is_only_required_in_production(report):
    (dev_db,) = [r for r in report.results if r.path == "dev/db" and r.rule == "SPK-DATA-DEL"]
    assert dev_db.outcome == "not-applicable"


def test_suppression_covers_children_and_is_reported_with_its_reason(report):
    data = report.as_dict()
    assert data["suppressions"] == [
        {"stack": "dev", "path": "dev/legacy", "rule": "SPK-LOG-ENC", "reason": "imported group, re-encrypted by the migration in ticket 42", "covers": ["dev/legacy/inner/group"]},
        {"stack": "dev", "path": "dev/unused", "rule": "SPK-S3-TLS", "reason": "kept to show that unused suppressions are listed", "covers": []},
    ]
    assert data["stacks"]["dev"]["suppressed"] == 1
    assert not any(v.path.startswith("dev/legacy") for v in report.violations)


def test_report_counts_every_stack_and_lists_the_rules(report):
    data = json.loads(report.to_json())
    assert set(data["stacks"]) == {"dev", "prod"}
    assert data["stacks"]["prod"] == {"production": True, "resources": 1, "compliant": 3, "not-applicable": len(RULES) - 4, "non-compliant": 1, "suppressed": 0}
    assert [r["id"] for r in data["rules"]] == list(RULES)
    assert len(data["violations"]) == 3


def test_raise_for_problems_names_every_violation(report):
    with pytest.raises(PolicyViolations) as err:
        report.raise_for_problems()
    assert str(err.value).splitlines() == [v.line() for v in report.violations]


@pytest.mark.parametrize(
    "rule_id, reason, message",
    [
        ("SPK-NOPE", "a perfectly good reason", "unknown rule"),
        ("SPK-TAGS", "too short", "at least 10 characters"),
        ("SPK-TAGS", "          x", "at least 10 characters"),
    ],
)
def test_suppression_must_name_a_rule_and_give_a_reason(rule_id, reason, message, tmp_path):
    app = App(outdir=str(tmp_path))
    with pytest.raises(ValueError, match=message):
        suppress(TerraformStack(app, "s"), rule_id, reason)


def test_a_crashing_rule_is_reported_as_an_error_after_every_stack_was_checked(tmp_path):
    app = App(outdir=str(tmp_path))
    pack = PolicyPack([Rule("SPK-CRASH", "crashes", "fix the rule", lambda r, s: 1 / 0)])
    for name in ("s", "t"):
        stack = tagged_stack(app, name)
        S3Bucket(stack, "bucket", bucket=name)
        pack.apply(stack, production=False)
    app.synth()
    report = pack.report(app.outdir)  # must not raise: the report says what failed
    assert report.errors == [f"rule SPK-CRASH crashed on {n}/bucket: ZeroDivisionError: division by zero" for n in ("s", "t")]
    with pytest.raises(PolicyError, match=r"rule SPK-CRASH crashed on s/bucket: ZeroDivisionError"):
        report.raise_for_problems()


def test_a_rule_runs_only_on_the_types_it_declares(tmp_path):
    app = App(outdir=str(tmp_path))
    stack = tagged_stack(app, "s")
    S3Bucket(stack, "bucket", bucket="b")
    pack = PolicyPack([Rule("SPK-QUEUES", "crashes on anything", "fix the rule", lambda r, s: 1 / 0, frozenset({"aws_sqs_queue"}))])
    pack.apply(stack, production=False)
    app.synth()
    report = pack.report(app.outdir)
    assert not report.errors
    assert [(r.path, r.outcome) for r in report.results] == [("s/bucket", "not-applicable")]


def test_the_pack_is_applied_once_per_stack(tmp_path):
    app = App(outdir=str(tmp_path))
    stack = tagged_stack(app, "s")
    pack = PolicyPack()
    pack.apply(stack, production=False)
    with pytest.raises(ValueError, match="already applied to stack s"):
        pack.apply(stack, production=True)


def test_a_stack_missing_from_the_output_is_an_error(tmp_path):
    app = App(outdir=str(tmp_path))
    stack = tagged_stack(app, "s")
    pack = PolicyPack()
    pack.apply(stack, production=False)
    with pytest.raises(PolicyError, match="stack s was never checked"):
        pack.report(tmp_path).raise_for_problems()  # not synthesized: no manifest.json


def test_the_output_directory_and_the_stacks_own_json_give_the_same_report(report, tmp_path_factory):
    """report() without an output directory (for cdktf's Testing.synth) asks each stack for
    its JSON; it must see what synthesis wrote."""
    app = App(outdir=str(tmp_path_factory.mktemp("again")))
    stack = tagged_stack(app, "prod")
    DbInstance(stack, "db", instance_class="db.t4g.micro", storage_encrypted=True, deletion_protection=False)
    pack = PolicyPack()
    pack.apply(stack, production=True)
    app.synth()
    assert pack.report().results == pack.report(app.outdir).results == [r for r in report.results if r.stack == "prod"]


# -- the real environments --------------------------------------------------------------------


def test_every_stack_of_every_environment_passes_the_pack(synth_dir):
    data = json.loads((synth_dir / REPORT_NAME).read_text())
    expected = {stack_name(name, layer) for name, env in environments.load().items() for layer in layers_of(env.dr_region is not None)}
    assert set(data["stacks"]) == expected
    assert data["violations"] == []
    for name, counts in data["stacks"].items():
        # platform-config holds custom resources only; it is empty until a component has some.
        if not name.endswith("-platform-config"):
            assert counts["resources"] > 0 and counts["compliant"] > 0, name
        assert counts["production"] is name.startswith("sparki-prod-")


def test_report_lists_exactly_the_documented_suppressions(synth_dir):
    data = json.loads((synth_dir / REPORT_NAME).read_text())
    documented = DOCS.read_text()
    for s in data["suppressions"]:
        assert s["covers"], f"{s['path']}: {s['rule']} suppresses nothing; remove it"
        assert f"`{s['rule']}`" in documented and s["reason"] in documented, f"{s['path']} {s['rule']} is not in docs/security.md"


def test_docs_list_every_rule_with_its_fix():
    documented = DOCS.read_text()
    for rule in RULES.values():
        assert f"`{rule.id}`" in documented, rule.id
        assert rule.fix in documented, f"docs/security.md: the fix of {rule.id} differs from the code"


# -- synthesis fails on a broken resource ------------------------------------------------------


class BrokenStack(SparkiStack):
    layer = "broken"

    def __init__(self, scope, env, run):
        super().__init__(scope, env, run)
        S3Bucket(self, "bucket", bucket=f"sparki-{env.name}-broken")


def test_broken_resource_fails_synthesis_and_keeps_previous_output(tmp_path, monkeypatch):
    outdir = tmp_path / "cdktf.out"
    outdir.mkdir()
    (outdir / "manifest.json").write_text(PREVIOUS_MANIFEST)
    build = synth_module.build_environment
    monkeypatch.setattr(synth_module, "build_environment", lambda scope, env, run: {**build(scope, env, run), "broken": BrokenStack(scope, env, run)})
    with pytest.raises(PolicyViolations) as err:
        synth(environments.load(["dev"]), RunSettings(), outdir)
    assert [(v.path, v.rule.id) for v in err.value.violations] == [
        ("sparki-dev-broken/bucket", "SPK-S3-ENC"),
        ("sparki-dev-broken/bucket", "SPK-S3-PAB"),
        ("sparki-dev-broken/bucket", "SPK-S3-TLS"),
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["cdktf.out"]
    assert [p.name for p in outdir.iterdir()] == ["manifest.json"]
    assert (outdir / "manifest.json").read_text() == PREVIOUS_MANIFEST


def documented_failure() -> tuple[str, list[str]]:
    """The example in docs/security.md: the edit it describes and the lines it prints."""
    text = DOCS.read_text()
    block = re.search(r"<!-- policy-failure-example -->\n```\n(.*?)```", text, re.S).group(1)
    lines = block.splitlines()
    return lines[0], [line for line in lines[1:] if line.startswith("sparki: policy:")]


def test_main_prints_the_documented_message_and_exits_1(tmp_path):
    command, expected = documented_failure()
    assert command.startswith("$ SPARKI_ENV=staging make synth")
    project = project_copy(tmp_path)
    network = project / "constructs" / "network.py"
    source = network.read_text()
    assert source.count('"cidrBlocks": [props.vpc_cidr]') == 1
    network.write_text(source.replace('"cidrBlocks": [props.vpc_cidr]', '"cidrBlocks": ["0.0.0.0/0"]'))
    previous = project / "cdktf.out"
    previous.mkdir()
    (previous / "manifest.json").write_text(PREVIOUS_MANIFEST)
    env = {**os.environ, "SPARKI_ENV": "staging"}
    env.pop("CDKTF_OUTDIR", None)
    proc = subprocess.run([sys.executable, "main.py"], cwd=project, env=env, capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == expected
    assert (previous / "manifest.json").read_text() == PREVIOUS_MANIFEST
    assert [p.name for p in project.iterdir() if "cdktf.out" in p.name] == ["cdktf.out"]
