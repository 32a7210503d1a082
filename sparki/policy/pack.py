"""The cdktf Aspect that runs the rules over every resource of every stack, the suppressions,
and the report written next to the synthesized stacks.

cdktf invokes aspects while it synthesizes a stack, from inside the Node.js runtime; an
exception raised in visit() would come back wrapped in a jsii error with a JavaScript stack.
So visit() never raises: it records findings (and any error), and report() - called by
sparki/synth.py after app.synth(), before the output is swapped in - says what failed.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import jsii
from cdktf import Aspects, IAspect, TerraformResource, TerraformStack

from constructs import IConstruct
from sparki.policy.model import SUPPRESSION, Outcome, Rule, Suppression
from sparki.policy.rules import RULES
from sparki.policy.view import Resource, StackView

REPORT_NAME = "policy-report.json"


@dataclass(frozen=True)
class Result:
    stack: str
    path: str
    address: str
    rule: str
    outcome: Outcome
    detail: str = ""
    suppression: Suppression | None = None


@dataclass(frozen=True)
class Violation:
    path: str
    rule: Rule
    detail: str

    def line(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.path}: {self.rule.id} {self.rule.title}{detail}; fix: {self.rule.fix}"


class PolicyViolations(Exception):
    """Synthesis broke policy. str() is one line per violation: path, rule id, what, fix."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        super().__init__("\n".join(v.line() for v in violations))


class PolicyError(RuntimeError):
    """The policy pack itself could not run (a rule crashed, a stack was never visited)."""


@dataclass
class PolicyReport:
    rules: tuple[Rule, ...]
    stacks: Mapping[str, bool]
    results: list[Result]
    suppressions: list[Suppression]
    errors: list[str] = field(default_factory=list)

    @property
    def violations(self) -> list[Violation]:
        by_id = {r.id: r for r in self.rules}
        return [
            Violation(r.path, by_id[r.rule], r.detail)
            for r in self.results
            if r.outcome is Outcome.NON_COMPLIANT and r.suppression is None
        ]

    def raise_for_problems(self) -> None:
        if self.errors:
            raise PolicyError("policy pack failed: " + "; ".join(self.errors))
        violations = self.violations
        if violations:
            raise PolicyViolations(violations)

    def as_dict(self) -> dict:
        stacks = {}
        for name, production in sorted(self.stacks.items()):
            mine = [r for r in self.results if r.stack == name]
            counts = {o.value: sum(r.outcome is o and r.suppression is None for r in mine) for o in (Outcome.COMPLIANT, Outcome.NOT_APPLICABLE, Outcome.NON_COMPLIANT)}
            stacks[name] = {
                "production": production,
                "resources": len({r.path for r in mine}),
                **counts,
                "suppressed": sum(r.suppression is not None for r in mine),
            }
        suppressions = [
            {
                "stack": s.stack,
                "path": s.path,
                "rule": s.rule,
                "reason": s.reason,
                "covers": sorted(r.path for r in self.results if r.suppression == s),
            }
            for s in sorted(self.suppressions, key=lambda s: (s.stack, s.path, s.rule))
        ]
        return {
            "rules": [{"id": r.id, "title": r.title, "fix": r.fix} for r in self.rules],
            "stacks": stacks,
            "suppressions": suppressions,
            "violations": [{"path": v.path, "rule": v.rule.id, "detail": v.detail} for v in self.violations],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, sort_keys=False) + "\n"


@jsii.implements(IAspect)
class PolicyPack:
    """Runs every rule on every resource of the stacks it is applied to.

    A rule is called only for the resource types it declares; for every other resource the
    pack records "not applicable" without calling it, so the report still accounts for every
    (resource, rule) pair. apply(stack, production=...) once per stack; after app.synth(),
    report().
    """

    def __init__(self, rules: Iterable[Rule] | None = None) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules if rules is not None else RULES.values())
        self._production: dict[str, bool] = {}
        self._views: dict[str, StackView] = {}
        self._results: list[Result] = []
        self._suppressions: list[Suppression] = []
        self._errors: list[str] = []
        self._by_type: dict[str, frozenset[str]] = {}

    def apply(self, stack: TerraformStack, *, production: bool) -> None:
        path = stack.node.path
        if path in self._production:  # a second apply would check every resource twice
            raise ValueError(f"the policy pack is already applied to stack {path}")
        self._production[path] = production
        Aspects.of(stack).add(self)

    def visit(self, node: IConstruct) -> None:
        try:
            self._visit(node)
        except Exception as exc:  # noqa: BLE001 - reported by report(), see the module docstring
            self._errors.append(f"{node.node.path}: {type(exc).__name__}: {exc}")

    def _visit(self, node: IConstruct) -> None:
        # Every jsii property read is a round trip to Node.js; read each once. Stacks are the
        # app's children, so the first path segment names the stack.
        tree = node.node
        path = tree.path
        stack_id = path.split("/", 1)[0]
        if isinstance(node, TerraformStack):
            # The stack is visited before its children, and its JSON is complete by now: cdktf
            # prepares every stack (cross-stack references included) before any aspect runs.
            self._views[stack_id] = StackView.from_terraform(stack_id, node.to_terraform(), self._production.get(path, False))
        for entry in tree.metadata:
            if entry.type == SUPPRESSION:
                self._suppressions.append(Suppression(stack_id, path, entry.data["rule"], entry.data["reason"]))
        if not isinstance(node, TerraformResource):
            return
        resource = self._views[stack_id].at(path)
        if resource is None:  # moved away, or not written to this stack
            return
        self._check(replace(resource, taggable=hasattr(type(node), "tags")), self._views[stack_id])

    def _covering(self, resource: Resource, stack_id: str) -> dict[str, Suppression]:
        """Suppressions on the resource or an ancestor (visited earlier); the nearest wins."""
        nearest: dict[str, Suppression] = {}
        for s in sorted(self._suppressions, key=lambda s: len(s.path)):
            if s.stack == stack_id and (resource.path == s.path or resource.path.startswith(s.path + "/")):
                nearest[s.rule] = s
        return nearest

    def _check(self, resource: Resource, view: StackView) -> None:
        covering = self._covering(resource, view.name)
        applicable = self._by_type.get(resource.type)
        if applicable is None:
            applicable = self._by_type[resource.type] = frozenset(r.id for r in self.rules if r.applies(resource.type))
        for rule in self.rules:
            if rule.id not in applicable:
                self._results.append(Result(view.name, resource.path, resource.address, rule.id, Outcome.NOT_APPLICABLE))
                continue
            try:
                finding = rule.check(resource, view)
            except Exception as exc:  # noqa: BLE001
                self._errors.append(f"rule {rule.id} crashed on {resource.path}: {type(exc).__name__}: {exc}")
                continue
            suppression = covering.get(rule.id) if finding.outcome is Outcome.NON_COMPLIANT else None
            self._results.append(Result(view.name, resource.path, resource.address, rule.id, finding.outcome, finding.detail, suppression))

    def report(self) -> PolicyReport:
        errors = list(self._errors)
        names = {}
        for path, production in self._production.items():
            if path not in self._views:
                errors.append(f"stack {path} was never checked (its synthesis did not run the policy pack)")
            names[path.rsplit("/", 1)[-1]] = production
        return PolicyReport(self.rules, names, list(self._results), list(dict.fromkeys(self._suppressions)), errors)
