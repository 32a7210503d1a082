"""The emulator harness's bookkeeping, without an emulator: exclusions, order, moto's log,
terraform's error stream. The real runs are in tests/emulator (`make test-emulator`)."""
from __future__ import annotations

import json
import subprocess

import pytest

from sparki import terraform
from sparki.emulator import (
    EXCLUSIONS,
    Exclusion,
    apply_exclusions,
    destroy_exclusions,
    explain_failure,
    moto_gaps,
    terraform_env,
    tolerated,
    unused_exclusions,
)
from sparki.plan_review import Change
from sparki.terraform import Diagnostic, Outcome, deploy_order

# Lines as moto 5.2.5 writes them to its log.
MOTO_LOG = """\
127.0.0.1 - - [26/Nov/2026 12:03:22] "POST / HTTP/1.1" 200 -
Unable to find appropriate backend for access-analyzer.us-east-1.amazonaws.com.Remember to add the URL to urls.py, and run scripts/update_backend_index.py to index it.
    raise NotImplementedError(f"The {action} action has not been implemented")
NotImplementedError: The delete_cache_subnet_group action has not been implemented
NotImplementedError: The delete_cache_subnet_group action has not been implemented
"""


@pytest.mark.parametrize(
    "phase, reason, attributes, message",
    [
        ("create", "moto lacks CreateThing entirely", (), "phase='create'"),
        ("apply", "no API", (), "say which API moto lacks"),
        ("converge", "moto does not store the field", (), "name them for phase 'converge'"),
        ("destroy", "moto lacks DeleteThing entirely", ("name",), "only for it"),
    ],
)
def test_exclusion_rejects_bad_entries(phase, reason, attributes, message):
    with pytest.raises(ValueError, match=message):
        Exclusion(phase, reason, attributes)


KEEPS_NO_INSIGHTS = {
    "aws_db_instance": Exclusion("converge", "moto 5.2.5 does not store Performance Insights settings",
                                 ("performance_insights_enabled", "performance_insights_retention_period")),
}


@pytest.mark.parametrize(
    "change, excused",
    [
        (Change("aws_db_instance.db", "aws_db_instance", "update", attributes=("performance_insights_enabled",)), True),
        (Change("aws_db_instance.db", "aws_db_instance", "update",
                attributes=("performance_insights_enabled", "instance_class")), False),
        (Change("aws_db_instance.db", "aws_db_instance", "replace", forced_by=("performance_insights_enabled",)), False),
        (Change("aws_vpc.v", "aws_vpc", "update", attributes=("tags",)), False),
    ],
)
def test_converge_exclusion_tolerates_only_updates_of_the_named_attributes(change, excused):
    assert bool(tolerated(change, KEEPS_NO_INSIGHTS)) is excused


def test_the_exclusion_list_holds_only_valid_entries():
    for key, entry in EXCLUSIONS.items():
        assert key.startswith("aws_") and isinstance(entry, Exclusion)


A, B = "sparki-dev-a", "sparki-dev-b"
LACKS = {"aws_foo": Exclusion("apply", "moto lacks CreateFoo in this test")}


def _docs() -> dict:
    a = {
        "resource": {
            "aws_foo": {"foo": {"name": "x"}},
            "aws_bar": {"bar": {"foo_id": "${aws_foo.foo.id}"}},
            "aws_baz": {"baz": {"depends_on": ["aws_bar.bar"]}},
            "aws_qux": {"qux": {"name": "independent", "other": "${data.aws_foo.foo.id}"}},
        },
        "data": {"aws_foo": {"foo": {}}},
        "output": {"lost": {"value": "${aws_foo.foo.arn}"}, "kept": {"value": "${aws_qux.qux.arn}"}},
    }
    remote = "data.terraform_remote_state.cross-stack-reference-input-sparki-dev-a.outputs"
    b = {
        "data": {"terraform_remote_state": {"cross-stack-reference-input-sparki-dev-a": {}}},
        "resource": {"aws_x": {"uses_lost": {"v": f"${{{remote}.lost}}"}, "uses_kept": {"v": f"${{{remote}.kept}}"},
                               "uses_lost_longer_name": {"v": f"${{{remote}.lostandfound}}"}}},
    }
    return {A: a, B: b}


def test_apply_exclusion_takes_its_dependents_within_and_across_stacks():
    left_out = apply_exclusions(_docs(), [A, B], LACKS)
    assert sorted(left_out[A]) == ["aws_bar.bar", "aws_baz.baz", "aws_foo.foo"]
    assert left_out[A]["aws_foo.foo"].startswith("EXCLUSIONS['aws_foo']: moto lacks CreateFoo")
    assert left_out[A]["aws_baz.baz"] == "depends on excluded aws_bar.bar"
    assert sorted(left_out[B]) == ["aws_x.uses_lost"]


def test_an_address_exclusion_covers_only_that_resource():
    docs = {A: {"resource": {"aws_foo": {"one": {}, "two": {}}}}}
    left_out = apply_exclusions(docs, [A], {"aws_foo.two": Exclusion("apply", "moto mishandles this one's settings")})
    assert sorted(left_out[A]) == ["aws_foo.two"]


def test_destroy_exclusions_match_state_addresses_with_indexes():
    rules = {"aws_foo": Exclusion("destroy", "moto lacks DeleteFoo in this test"), "aws_bar": Exclusion("apply", "moto lacks CreateBar here")}
    dropped = destroy_exclusions(["aws_foo.one", "aws_foo.many[0]", "aws_bar.b", "aws_qux.q"], rules)
    assert sorted(dropped) == ["aws_foo.many[0]", "aws_foo.one"]


def test_unused_exclusions_are_reported():
    rules = {**LACKS, "aws_gone": Exclusion("destroy", "moto lacked DeleteGone once")}
    assert unused_exclusions(_docs(), rules) == ["aws_gone"]


def test_moto_gaps_are_read_from_its_log_once_each():
    assert moto_gaps(MOTO_LOG) == [
        "no service emulated at access-analyzer.us-east-1.amazonaws.com",
        "action delete_cache_subnet_group is not implemented",
    ]
    assert moto_gaps('127.0.0.1 - - "POST / HTTP/1.1" 200 -\n') == []


def _error(address: str, summary: str) -> Diagnostic:
    return Diagnostic(summary, "", address)


def test_failure_names_only_the_types_whose_api_moto_lacks():
    """Errors as terraform and moto 5.2.5 reported them for a data layer: two calls moto lacks,
    one error of another kind (which must not be blamed on moto)."""
    outcome = Outcome(("apply",), 1, (
        _error("aws_elasticache_parameter_group.p", "creating ElastiCache Parameter Group (x): operation error ElastiCache: CreateCacheParameterGroup, exceeded maximum number of attempts, 3, https response error StatusCode: 500"),
        _error("aws_elasticache_user_group.u", "creating ElastiCache User Group (x): operation error ElastiCache: CreateUserGroup, exceeded maximum number of attempts, 3, https response error StatusCode: 500"),
        _error("aws_iam_role_policy_attachment.a", "attaching IAM Policy (arn:aws:iam::aws:policy/x) to IAM Role (r): operation error IAM: AttachRolePolicy, https response error StatusCode: 404, NoSuchEntity"),
    ), "", "")
    log = MOTO_LOG.replace("delete_cache_subnet_group", "create_cache_parameter_group") + (
        "NotImplementedError: The create_user_group action has not been implemented\n"
    )
    text = explain_failure("apply", outcome, log, "apply")
    assert "  aws_iam_role_policy_attachment.a: attaching IAM Policy" in text
    assert "moto 5.2.5 says: no service emulated at access-analyzer.us-east-1.amazonaws.com; " in text
    assert (
        "moto cannot apply aws_elasticache_parameter_group, aws_elasticache_user_group: add each to "
        "sparki/emulator/exclusions.py EXCLUSIONS (phase 'apply')"
    ) in text


def test_failure_maps_a_missing_service_to_its_resources():
    outcome = Outcome(("apply",), 1, (
        _error("aws_accessanalyzer_analyzer.a", "creating IAM Access Analyzer Analyzer (a): operation error AccessAnalyzer: CreateAnalyzer, exceeded maximum number of attempts, 3"),
    ), "", "")
    text = explain_failure("apply", outcome, MOTO_LOG, "apply")
    assert "moto cannot apply aws_accessanalyzer_analyzer: add each" in text


def test_failure_without_a_moto_gap_is_terraforms_error_alone():
    outcome = Outcome(("apply",), 1, (Diagnostic("invalid CIDR", "", "aws_vpc.v"),), "", "")
    assert explain_failure("apply", outcome, "", "apply") == "terraform apply failed:\n  aws_vpc.v: invalid CIDR"


def test_terraform_json_stream_yields_error_diagnostics_only():
    stdout = "\n".join(
        json.dumps(e)
        for e in (
            {"type": "version", "terraform": "1.11.4"},
            {"type": "diagnostic", "diagnostic": {"severity": "warning", "summary": "deprecated"}},
            {"type": "diagnostic", "diagnostic": {"severity": "error", "summary": "boom", "detail": " why \n", "address": "aws_vpc.v"}},
        )
    )
    errors = terraform._errors(subprocess.CompletedProcess([], 1, stdout, ""))
    assert errors == (Diagnostic("boom", "why", "aws_vpc.v"),)


def _manifest(tmp_path, deps: dict) -> None:
    stacks = {name: {"dependencies": d, "workingDirectory": f"stacks/{name}"} for name, d in deps.items()}
    (tmp_path / "manifest.json").write_text(json.dumps({"stacks": stacks}))


def test_deploy_order_follows_dependencies_then_layer_order(tmp_path):
    _manifest(tmp_path, {
        "sparki-dev-network": ["sparki-dev-security"],
        "sparki-dev-security": [],
        "sparki-dev-state": [],
        "sparki-dev-newlayer": ["sparki-dev-state"],
    })
    assert deploy_order(tmp_path) == ["sparki-dev-state", "sparki-dev-security", "sparki-dev-network", "sparki-dev-newlayer"]
    assert deploy_order(tmp_path, ["sparki-dev-network"]) == ["sparki-dev-network"]


@pytest.mark.parametrize(
    "deps, names, error, message",
    [
        ({"sparki-dev-a": ["sparki-dev-b"], "sparki-dev-b": ["sparki-dev-a"]}, None, ValueError, "cyclic"),
        ({"sparki-dev-a": []}, ["sparki-dev-zzz"], KeyError, "sparki-dev-zzz"),
    ],
)
def test_deploy_order_rejects_cycles_and_unknown_stacks(tmp_path, deps, names, error, message):
    _manifest(tmp_path, deps)
    with pytest.raises(error, match=message):
        deploy_order(tmp_path, names)


def test_terraform_env_keeps_no_aws_setting_of_this_machine():
    env = terraform_env({"PATH": "/usr/bin", "AWS_PROFILE": "prod-admin", "AWS_SESSION_TOKEN": "t", "AWS_REGION": "eu-west-1"})
    assert "AWS_PROFILE" not in env and "AWS_SESSION_TOKEN" not in env and "AWS_REGION" not in env
    assert env["AWS_ACCESS_KEY_ID"] == "testing" and env["AWS_SHARED_CREDENTIALS_FILE"] == env["AWS_CONFIG_FILE"]
