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
    unused_exclusions,
)
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
    "phase, reason, message",
    [
        ("create", "moto lacks CreateThing entirely", "phase='create'"),
        ("apply", "no API", "say which API moto lacks"),
    ],
)
def test_exclusion_rejects_bad_entries(phase, reason, message):
    with pytest.raises(ValueError, match=message):
        Exclusion(phase, reason)


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
        "resource": {"aws_x": {"uses_lost": {"v": f"${{{remote}.lost}}"}, "uses_kept": {"v": f"${{{remote}.kept}}"}}},
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


def test_failure_names_the_type_and_the_list_when_moto_lacks_an_api():
    outcome = Outcome(("destroy",), 1, (Diagnostic("deleting ElastiCache Subnet Group", "500", "aws_elasticache_subnet_group.cache"),), "", "")
    text = explain_failure("destroy", outcome, MOTO_LOG, "destroy")
    assert "aws_elasticache_subnet_group.cache: deleting ElastiCache Subnet Group: 500" in text
    assert "moto cannot destroy aws_elasticache_subnet_group: add each to sparki/emulator.py EXCLUSIONS (phase 'destroy')" in text


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
