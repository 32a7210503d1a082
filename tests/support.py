"""Synthesize a single construct inside a throw-away stack, for construct unit tests."""
from __future__ import annotations

import json
from collections.abc import Callable

from cdktf import App, TerraformStack, Testing
from cdktf_cdktf_provider_aws.provider import AwsProvider


def synth_construct(build: Callable[[TerraformStack], object]) -> dict:
    """build(stack) adds the construct under test; returns the stack's parsed JSON."""
    app = Testing.app()
    stack = TerraformStack(app, "test")
    AwsProvider(stack, "aws", region="us-east-1")
    build(stack)
    return json.loads(Testing.synth(stack))


def of_type(doc: dict, rtype: str) -> dict:
    return doc.get("resource", {}).get(rtype, {})


__all__ = ["App", "synth_construct", "of_type"]
