"""Synthesize a single construct inside a throw-away stack, for construct unit tests."""
from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from cdktf import App, TerraformStack, Testing
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags

from sparki.policy import REQUIRED_TAGS, PolicyPack, PolicyReport


def synth_construct(build: Callable[[TerraformStack], object]) -> dict:
    """build(stack) adds the construct under test; returns the stack's parsed JSON."""
    app = Testing.app()
    stack = TerraformStack(app, "test")
    AwsProvider(stack, "aws", region="us-east-1")
    build(stack)
    return json.loads(Testing.synth(stack))


def policy_report(build: Callable[[TerraformStack], object], production: bool = False) -> PolicyReport:
    """Run the policy pack over a construct in a stack whose provider carries the required
    tags (as every Sparki stack's does); the report lists its violations."""
    app = Testing.app()
    stack = TerraformStack(app, "test")
    AwsProvider(stack, "aws", region="us-east-1", default_tags=[AwsProviderDefaultTags(tags={t: "test" for t in REQUIRED_TAGS})])
    build(stack)
    pack = PolicyPack()
    pack.apply(stack, production=production)
    Testing.synth(stack)
    report = pack.report()
    assert not report.errors, report.errors
    return report


def of_type(doc: dict, rtype: str) -> dict:
    return doc.get("resource", {}).get(rtype, {})


def project_copy(tmp_path: Path) -> Path:
    """A copy of what main.py needs, to run it on deliberately broken input."""
    root = Path(__file__).resolve().parent.parent
    project = tmp_path / "project"
    project.mkdir()
    for name in ("main.py", "environments", "stacks", "constructs", "sparki"):
        src = root / name
        if src.is_dir():
            shutil.copytree(src, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, project / name)
    return project


__all__ = ["App", "synth_construct", "of_type", "policy_report", "project_copy"]
