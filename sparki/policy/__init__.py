"""The synth-time policy pack (cdk-nag shape) every stack of every environment passes through.

rules.py  one small function per rule: compliant, non-compliant or not applicable
pack.py   the cdktf Aspect that runs the rules, suppress(), and the report

sparki/synth.py applies the pack to every stack it builds; a violation fails synthesis with one
line per finding (construct path, rule id, what is wrong, how to fix it), and the previous
cdktf.out/ stays as it was. docs/security.md lists the rules and the suppressions.
"""
from sparki.policy.pack import (
    REPORT_NAME,
    PolicyError,
    PolicyPack,
    PolicyReport,
    PolicyViolations,
    Violation,
    suppress,
)
from sparki.policy.rules import REQUIRED_TAGS, RULES, Rule

__all__ = [
    "REPORT_NAME", "REQUIRED_TAGS", "RULES", "PolicyError", "PolicyPack", "PolicyReport",
    "PolicyViolations", "Rule", "Violation", "suppress",
]
