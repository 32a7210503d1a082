"""Plan, apply, converge and destroy the synthesized stacks against moto, a local AWS emulator.

The stacks are synthesized with SPARKI_BACKEND=local and SPARKI_AWS_ENDPOINT pointing at a
moto server that reports the environment's own account id, so the provider's
allowed_account_ids check stays on.

  exclusions.py  EXCLUSIONS: what moto cannot take through the lifecycle, with reasons
  moto.py        MotoServer: the emulator process, and what its log says it lacks
  harness.py     Harness: the real terraform over each stack, in deploy order
"""
from sparki.emulator.exclusions import (
    EXCLUSIONS,
    MOTO_VERIFIED,
    Exclusion,
    apply_exclusions,
    destroy_exclusions,
    tolerated,
    unused_exclusions,
)
from sparki.emulator.harness import Harness, Step, explain_failure, terraform_env
from sparki.emulator.moto import MotoServer, moto_gaps, moto_version

__all__ = [
    "EXCLUSIONS", "MOTO_VERIFIED", "Exclusion", "Harness", "MotoServer", "Step", "apply_exclusions",
    "destroy_exclusions", "explain_failure", "moto_gaps", "moto_version", "terraform_env", "tolerated",
    "unused_exclusions",
]
