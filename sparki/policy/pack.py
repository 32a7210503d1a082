"""The policy pack: runs the rules over every resource of every stack's synthesized JSON, the
suppressions, and the report written next to the synthesized stacks.

The rules read Terraform JSON only, so the pack reads each stack's JSON once, after synthesis,
instead of visiting every construct through the jsii runtime as a cdktf Aspect would (10,000
round trips to Node.js for the 24 stacks: most of the synth time). What the JSON alone does not
say comes from the Python side: whether a resource type has `tags` (its binding class) and the
suppressions (recorded by suppress()).
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from cdktf import TerraformResource, TerraformStack

from sparki.policy.model import Outcome, Rule, Suppression, suppressions_in
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
    """The policy pack itself could not run (a rule crashed, a stack's JSON was missing)."""


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

    def join(self, later: PolicyReport) -> PolicyReport:
        """This report followed by one on other stacks (synthesized by another app)."""
        return PolicyReport(
            self.rules, {**self.stacks, **later.stacks}, self.results + later.results,
            self.suppressions + later.suppressions, self.errors + later.errors,
        )

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, sort_keys=False) + "\n"


class PolicyPack:
    """Runs every rule on every resource of the stacks it is applied to.

    apply(stack, production=...) once per stack; after synthesis, report(outdir) reads each
    stack's JSON from the output directory (report() without one asks each stack for it: for
    tests that synthesize with cdktf's Testing). Results come stack by stack in apply order,
    resources by construct path, rules in registration order. A rule is called only for the
    resource types it declares; for every other resource the pack records "not applicable"
    without calling it, so the report still accounts for every (resource, rule) pair.
    """

    def __init__(self, rules: Iterable[Rule] | None = None) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules if rules is not None else RULES.values())
        self._stacks: dict[str, tuple[TerraformStack, bool]] = {}

    def apply(self, stack: TerraformStack, *, production: bool) -> None:
        # Stacks are the app's children: a stack's id is its path.
        path = stack.node.path
        if path in self._stacks:  # a second apply would check every resource twice
            raise ValueError(f"the policy pack is already applied to stack {path}")
        self._stacks[path] = (stack, production)

    def report(self, outdir: Path | None = None) -> PolicyReport:
        docs = _stack_documents(outdir) if outdir is not None else None
        taggable = taggable_types()
        results: list[Result] = []
        suppressions: list[Suppression] = []
        errors: list[str] = []
        for name, (stack, production) in self._stacks.items():
            doc = stack.to_terraform() if docs is None else docs.get(name)
            if doc is None:
                errors.append(f"stack {name} was never checked (it is not in {outdir}/manifest.json)")
                continue
            mine = suppressions_in(stack.node.root, name)
            suppressions += mine
            view = StackView.from_terraform(name, doc, production)
            for resource in sorted(view.resources, key=lambda r: r.path):
                resource = replace(resource, taggable=taggable.get(resource.type, False))
                results += self._check(resource, view, _covering(resource, mine), errors)
        production = {name: p for name, (_, p) in self._stacks.items()}
        return PolicyReport(self.rules, production, results, suppressions, errors)

    def _check(self, resource: Resource, view: StackView, covering: Mapping[str, Suppression], errors: list[str]) -> Iterator[Result]:
        for rule in self.rules:
            if not rule.applies(resource.type):
                yield Result(view.name, resource.path, resource.address, rule.id, Outcome.NOT_APPLICABLE)
                continue
            try:
                finding = rule.check(resource, view)
            except Exception as exc:  # noqa: BLE001 - every crash is reported, after every stack
                errors.append(f"rule {rule.id} crashed on {resource.path}: {type(exc).__name__}: {exc}")
                continue
            suppression = covering.get(rule.id) if finding.outcome is Outcome.NON_COMPLIANT else None
            yield Result(view.name, resource.path, resource.address, rule.id, finding.outcome, finding.detail, suppression)


def _covering(resource: Resource, suppressions: Iterable[Suppression]) -> dict[str, Suppression]:
    """Suppressions on the resource or an ancestor; the nearest wins."""
    nearest: dict[str, Suppression] = {}
    for s in sorted(suppressions, key=lambda s: len(s.path)):
        if resource.path == s.path or resource.path.startswith(s.path + "/"):
            nearest[s.rule] = s
    return nearest


def _stack_documents(outdir: Path) -> dict[str, dict]:
    manifest_path = Path(outdir) / "manifest.json"
    if not manifest_path.exists():
        return {}
    manifest = json.loads(manifest_path.read_text())
    return {name: json.loads((Path(outdir) / s["synthesizedStackPath"]).read_text()) for name, s in manifest["stacks"].items()}


_TYPE_OF: dict[type, str] = {}


def taggable_types() -> dict[str, bool]:
    """Terraform resource type -> whether it has a `tags` argument, from the binding classes
    imported so far (every type a stack can have declared). Only the bindings know: tags is
    a property of the generated class. A type without a loaded class (a raw TerraformResource)
    counts as untaggable."""
    todo, found = list(TerraformResource.__subclasses__()), {}
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if "TF_RESOURCE_TYPE" not in vars(cls):
            continue
        if cls not in _TYPE_OF:  # a jsii round trip, so once per class
            _TYPE_OF[cls] = cls.TF_RESOURCE_TYPE
        found[_TYPE_OF[cls]] = hasattr(cls, "tags")
    return found
