"""Application plumbing shared by main.py, the Makefile tools and the tests.

Nothing here describes infrastructure: that lives in constructs/ and stacks/.
"""
import os


def quiet_runtime() -> None:
    """Keep normal output clean: no Node end-of-life banner from jsii (the pinned cdktf
    toolchain runs on Node 20), no version check from the cdktf CLI. Call before the first
    cdktf import; an explicit setting in the environment wins."""
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    os.environ.setdefault("CHECKPOINT_DISABLE", "1")
