"""Every AWS-only dev stack plans, applies, converges and is destroyed against moto."""
from __future__ import annotations

import json
import urllib.request

import pytest

from sparki.emulator import MOTO_VERIFIED, aws_only_stack_names, moto_version, unused_exclusions
from sparki.terraform import aws_only_stacks, deploy_order

# From the layer table at collection time: a new AWS-only layer gets these tests unasked.
AWS_ONLY_STACKS = aws_only_stack_names("dev")


def test_the_synthesized_aws_only_stacks_are_the_layer_tables(emulator_outdir):
    assert sorted(aws_only_stacks(emulator_outdir)) == sorted(AWS_ONLY_STACKS)
    assert len(AWS_ONLY_STACKS) >= 3


def test_deploy_order_puts_every_stack_after_the_stacks_it_references(emulator_outdir):
    manifest = json.loads((emulator_outdir / "manifest.json").read_text())["stacks"]
    order = deploy_order(emulator_outdir, AWS_ONLY_STACKS)
    for stack in order:
        for dependency in manifest[stack]["dependencies"]:
            assert order.index(dependency) < order.index(stack), f"{stack} before its dependency {dependency}"


def test_moto_answers_as_the_environments_account(moto, environment):
    """The provider keeps allowed_account_ids; the emulator must report dev's account."""
    request = urllib.request.Request(
        moto.endpoint + "/",
        data=b"Action=GetCallerIdentity&Version=2011-06-15",
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x"},
    )
    with urllib.request.urlopen(request, timeout=10) as reply:
        body = reply.read().decode()
    assert f"<Account>{environment.account_id}</Account>" in body


def test_exclusions_were_verified_with_the_installed_moto():
    assert moto_version() == MOTO_VERIFIED, (
        f"moto {moto_version()} is installed; EXCLUSIONS were verified with {MOTO_VERIFIED}. Remove each entry, "
        "run `make test-emulator`, keep only those still failing, then set MOTO_VERIFIED (docs/emulator.md)"
    )


def test_every_exclusion_still_matches_a_resource(harness):
    stale = unused_exclusions(harness.docs)
    assert not stale, f"EXCLUSIONS entries match no dev resource any more; remove them: {stale}"


@pytest.mark.parametrize("stack", AWS_ONLY_STACKS)
def test_plan_succeeds(deployed, stack):
    step = deployed[stack, "plan"]
    assert step.ok, str(step)


@pytest.mark.parametrize("stack", AWS_ONLY_STACKS)
def test_apply_succeeds(deployed, stack):
    step = deployed[stack, "apply"]
    assert step.ok, str(step)


@pytest.mark.parametrize("stack", AWS_ONLY_STACKS)
def test_second_plan_reports_no_changes(deployed, stack):
    step = deployed[stack, "converge"]
    assert step.ok, str(step)
    assert step.detail == "no changes"


@pytest.mark.parametrize("stack", AWS_ONLY_STACKS)
def test_destroy_succeeds_in_reverse_order(destroyed, stack):
    step = destroyed[stack]
    assert step.ok, str(step)
