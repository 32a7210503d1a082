"""The synth-time policy pack (cdk-nag shape) every stack of every environment passes through.

model.py  what a rule is and answers (Outcome, Finding, Rule), the registry, suppress()
view.py   what a rule sees: a resource's Terraform JSON and the rest of its stack
rules/    the rules by family, one small function each, each declaring its resource types
pack.py   runs the rules over each stack's synthesized JSON, and the report

sparki/synth.py applies the pack to every stack it builds and checks the JSON it wrote; a
violation fails synthesis with one line per finding (construct path, rule id, what is wrong,
how to fix it), and the previous cdktf.out/ stays as it was. docs/security.md lists the rules and the suppressions.
"""
from sparki.policy.model import Outcome, Rule, suppress
from sparki.policy.pack import REPORT_NAME, PolicyError, PolicyPack, PolicyReport, PolicyViolations, Violation
from sparki.policy.rules import REQUIRED_TAGS, RULES

__all__ = [
    "REPORT_NAME", "REQUIRED_TAGS", "RULES", "Outcome", "PolicyError", "PolicyPack", "PolicyReport",
    "PolicyViolations", "Rule", "Violation", "suppress",
]
