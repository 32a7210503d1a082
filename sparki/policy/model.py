"""What a policy rule is, what it answers, and how a construct is exempted from one.

A rule is one small function of (resource, stack) in the cdk-nag shape: it answers compliant,
non-compliant (with a detail) or not applicable. Each rule declares the resource types it applies
to; the pack runs it only on those and records "not applicable" for every other resource
without calling it. Rules live by family in sparki/policy/rules/; nothing here knows cdktf.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

if TYPE_CHECKING:
    from constructs import IConstruct
    from sparki.policy.view import Resource, StackView

MIN_REASON = 10


class Outcome(StrEnum):
    """The three answers; the values are what policy-report.json counts."""

    COMPLIANT = "compliant"
    NON_COMPLIANT = "non-compliant"
    NOT_APPLICABLE = "not-applicable"


@dataclass(frozen=True)
class Finding:
    outcome: Outcome
    detail: str = ""


def compliant() -> Finding:
    return Finding(Outcome.COMPLIANT)


def not_applicable() -> Finding:
    return Finding(Outcome.NOT_APPLICABLE)


def non_compliant(detail: str) -> Finding:
    return Finding(Outcome.NON_COMPLIANT, detail)


Check = Callable[["Resource", "StackView"], Finding]


@dataclass(frozen=True)
class Rule:
    """id, what is wrong (title), what to do (fix), the check, and the resource types it
    applies to (None: every type, e.g. the tags rule, which looks at any taggable resource)."""

    id: str
    title: str
    fix: str
    check: Check
    applies_to: frozenset[str] | None = None

    def applies(self, resource_type: str) -> bool:
        return self.applies_to is None or resource_type in self.applies_to

    def evaluate(self, resource: Resource, stack: StackView) -> Finding:
        return self.check(resource, stack) if self.applies(resource.type) else not_applicable()


RULES: dict[str, Rule] = {}


def rule(rule_id: str, title: str, fix: str, applies_to: Iterable[str] | None) -> Callable[[Check], Check]:
    """Register the decorated check as a rule. Registration order is report order."""

    def register(check: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} is defined twice")
        RULES[rule_id] = Rule(rule_id, title, fix, check, None if applies_to is None else frozenset(applies_to))
        return check

    return register


@dataclass(frozen=True)
class Suppression:
    stack: str
    path: str
    rule: str
    reason: str


# The app (a construct tree's root) -> the suppressions declared in it. Kept on the Python side
# so the pack needs no walk over the construct tree to find them.
_DECLARED: WeakKeyDictionary[IConstruct, list[Suppression]] = WeakKeyDictionary()


def suppress(scope: IConstruct, rule_id: str, reason: str) -> None:
    """Exempt scope and every construct below it from one rule, for a written reason.

    The suppression is listed in the policy report with the resources it covered.
    """
    path = scope.node.path
    if rule_id not in RULES:
        raise ValueError(f"suppress({path!r}, {rule_id!r}): unknown rule; rules: {', '.join(RULES)}")
    if not isinstance(reason, str) or len(reason.strip()) < MIN_REASON:
        raise ValueError(f"suppress({path!r}, {rule_id!r}): the reason must say why, in at least {MIN_REASON} characters")
    # Stacks are the app's children, so the first path segment names the stack.
    declared = _DECLARED.setdefault(scope.node.root, [])
    declared.append(Suppression(path.split("/", 1)[0], path, rule_id, reason.strip()))


def suppressions_in(app: IConstruct, stack: str) -> list[Suppression]:
    """The suppressions declared in one stack of app, each once."""
    return list(dict.fromkeys(s for s in _DECLARED.get(app, ()) if s.stack == stack))
