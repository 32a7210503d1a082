"""The pack reads the synthesized JSON; a construct-tree walk (how it used to run, as a cdktf
Aspect) must find nothing it misses: the same resources, the same `tags` facts, the same JSON,
and so the same answer of every rule on every resource of every environment's stacks.
One synthesis of every environment with the walk attached: a heavy module (run it through
/work/heavy)."""
from __future__ import annotations

import jsii
import pytest
from cdktf import Aspects, IAspect, TerraformResource, TerraformStack
from cdktf_cdktf_provider_kubernetes.manifest import Manifest

import environments
from constructs import IConstruct
from constructs.kube_objects import KubeObjects
from sparki.policy import PolicyPack
from sparki.policy.view import StackView
from sparki.synth import build_app
from stacks.run_settings import RunSettings
from tests.support import read_stacks


@jsii.implements(IAspect)
class ConstructWalk:
    """What the construct tree says, read while cdktf synthesizes: each stack's JSON at that
    moment, and every resource construct with whether its class has `tags`."""

    def __init__(self) -> None:
        self.json: dict[str, dict] = {}
        self.resources: dict[str, dict[str, bool]] = {}

    def visit(self, node: IConstruct) -> None:
        path = node.node.path
        stack = path.split("/", 1)[0]
        if isinstance(node, TerraformStack):
            self.json[stack] = node.to_terraform()
        if isinstance(node, TerraformResource):
            self.resources.setdefault(stack, {})[path] = hasattr(type(node), "tags")
        elif isinstance(node, KubeObjects):
            # An element that writes its resources' JSON itself (no construct each): the tags
            # fact is the typed binding's, as if each were its construct.
            for body in node.to_terraform().get("resource", {}).get("kubernetes_manifest", {}).values():
                self.resources.setdefault(stack, {})[body["//"]["metadata"]["path"]] = hasattr(Manifest, "tags")


class WalkedPack(PolicyPack):
    def __init__(self) -> None:
        super().__init__()
        self.walk = ConstructWalk()
        self.production: dict[str, bool] = {}

    def apply(self, stack: TerraformStack, *, production: bool) -> None:
        super().apply(stack, production=production)
        self.production[stack.node.path] = production
        Aspects.of(stack).add(self.walk)


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("parity") / "cdktf.out"
    pack = WalkedPack()
    build_app(environments.load(), RunSettings(), outdir, pack).synth()
    return pack, pack.report(outdir), outdir


def test_every_stack_was_walked_and_checked_on_the_json_it_was_walked_with(walked):
    pack, report, outdir = walked
    assert set(pack.walk.json) == set(report.stacks) == set(pack.production)
    assert not report.errors
    # The written JSON spells some unset block arguments out as null; Terraform reads both alike.
    assert without_nulls(read_stacks(outdir)) == without_nulls(pack.walk.json)


def without_nulls(value):
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def test_the_pack_checks_exactly_the_resource_constructs_with_their_tags_fact(walked):
    pack, report, _ = walked
    checked = {(r.stack, r.path) for r in report.results}
    walked_paths = {(stack, path) for stack, paths in pack.walk.resources.items() for path in paths}
    assert checked == walked_paths
    tags = [r for r in report.results if r.rule == "SPK-TAGS"]
    assert {(r.stack, r.path): r.outcome != "not-applicable" for r in tags} == {
        (stack, path): taggable for stack, paths in pack.walk.resources.items() for path, taggable in paths.items()
    }


def test_every_rule_answers_as_on_the_construct_walk(walked):
    pack, report, _ = walked
    expected = []
    for stack, doc in pack.walk.json.items():
        view = StackView.from_terraform(stack, doc, pack.production[stack])
        for resource in view.resources:
            resource = type(resource)(resource.type, resource.name, resource.path, resource.config, pack.walk.resources[stack][resource.path])
            for rule in pack.rules:
                finding = rule.evaluate(resource, view)
                expected.append((stack, resource.path, rule.id, finding.outcome, finding.detail))
    actual = [(r.stack, r.path, r.rule, r.outcome, r.detail) for r in report.results]
    assert len(actual) > 10_000
    assert sorted(actual) == sorted(expected)

