"""The tools above the stacks: they synthesize, check and drive what stacks/ describes.

synth (all-or-nothing synthesis and its output directory), policy (the synth-time policy
pack), terraform (the terraform runner), plan_review, emulator (moto lifecycle runs), bench,
lazy_bindings (the provider import hook). Imports point one way: these modules import stacks/,
environments/ and catalog/ at module top; nothing in stacks/, constructs/, environments/ or
catalog/ imports sparki. Infrastructure itself is described in stacks/ and constructs/ only.
"""
import os


def quiet_runtime() -> None:
    """Keep normal output clean: no Node end-of-life banner from jsii (the pinned cdktf
    toolchain runs on Node 20), no version check from the cdktf CLI. Call before the first
    cdktf import; an explicit setting in the environment wins."""
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    os.environ.setdefault("CHECKPOINT_DISABLE", "1")
