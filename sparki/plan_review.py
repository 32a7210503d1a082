"""`make plan`: plan every stack of an environment and render the review a pull request gets.

For each stack (deploy order, or one layer): terraform init, terraform plan -out
plans/<stack>.tfplan, terraform show -json; then plans/review.md: per stack the number of
creates, updates, replacements and destroys and the addresses that change, and first of all a
loud section for stateful resources (catalog/stateful.py) that would be destroyed or replaced.

Exit status: 0 reviewed; 1 a stack could not be planned; 3 a stateful resource would be
destroyed or replaced and that was not allowed (--allow-stateful-destroy or
ALLOW_STATEFUL_DESTROY=1). The review names only addresses and attribute paths, never values:
plan files and `show -json` output can hold secrets, the review cannot.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from catalog.stateful import STATEFUL_TYPES

EXIT_OK, EXIT_PLAN_FAILED, EXIT_STATEFUL = 0, 1, 3
ACTIONS = ("create", "update", "replace", "destroy")
SYMBOLS = {"create": "+", "update": "~", "replace": "-/+", "destroy": "-"}


@dataclass(frozen=True)
class Change:
    """One managed resource the plan would change."""

    address: str
    type: str
    action: str
    forced_by: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()

    @property
    def stateful(self) -> bool:
        return self.type in STATEFUL_TYPES and self.action in ("replace", "destroy")

    def describe(self) -> str:
        why = ""
        if self.forced_by:
            why = f" (forced by {', '.join(self.forced_by)})"
        elif self.attributes:
            why = f" ({', '.join(self.attributes)})"
        return f"{self.action} {self.address}{why}"


@dataclass(frozen=True)
class StackReview:
    stack: str
    changes: tuple[Change, ...] = ()
    error: str = ""
    planfile: str = ""

    @property
    def counts(self) -> dict[str, int]:
        return {a: sum(c.action == a for c in self.changes) for a in ACTIONS}

    @property
    def stateful(self) -> list[Change]:
        return [c for c in self.changes if c.stateful]


def _action(actions: Sequence[str]) -> str | None:
    acts = set(actions)
    if acts == {"create", "delete"}:
        return "replace"
    if acts == {"create"}:
        return "create"
    if acts == {"update"}:
        return "update"
    if acts == {"delete"}:
        return "destroy"
    return None  # no-op, read, forget


def _path(path: Sequence) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _changed_attributes(change: Mapping) -> tuple[str, ...]:
    before, after = change.get("before") or {}, change.get("after") or {}
    unknown = change.get("after_unknown") or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return ()
    keys = set(before) | set(after) | set(unknown)
    return tuple(sorted(k for k in keys if before.get(k) != after.get(k) or unknown.get(k) is True))


def summarize(stack: str, plan: Mapping, planfile: str = "") -> StackReview:
    """A StackReview from `terraform show -json` of a plan; data sources and no-ops are left out."""
    changes = []
    for rc in plan.get("resource_changes", []):
        if rc.get("mode", "managed") != "managed":
            continue
        change = rc.get("change", {})
        action = _action(change.get("actions", []))
        if action is None:
            continue
        forced = tuple(_path(p) for p in change.get("replace_paths", []) or []) if action == "replace" else ()
        attributes = _changed_attributes(change) if action == "update" else ()
        changes.append(Change(rc["address"], rc["type"], action, forced, attributes))
    return StackReview(stack, tuple(sorted(changes, key=lambda c: (ACTIONS.index(c.action), c.address))), planfile=planfile)


def render(environment: str, reviews: Sequence[StackReview], allowed: bool) -> str:
    """The Markdown review: stateful destroys first, then a table, then each stack's changes."""
    lines = [f"# Plan review: {environment}", ""]
    stateful = [(r.stack, c) for r in reviews for c in r.stateful]
    failed = [r for r in reviews if r.error]
    if stateful:
        lines += [
            "> [!CAUTION]",
            f"> **{len(stateful)} stateful resource(s) would be DESTROYED or REPLACED.** Their data, keys or logs are lost.",
            "> " + ("Allowed for this run (ALLOW_STATEFUL_DESTROY=1)." if allowed
                    else "The plan review fails until someone approves it with ALLOW_STATEFUL_DESTROY=1."),
            "",
            "## STATEFUL RESOURCES DESTROYED OR REPLACED",
            "",
            "| stack | resource | action | forced by |",
            "|---|---|---|---|",
            *(f"| {s} | `{c.address}` | **{c.action}** | {', '.join(f'`{p}`' for p in c.forced_by) or '-'} |" for s, c in stateful),
            "",
        ]
    if failed:
        lines += ["> [!WARNING]", f"> **{len(failed)} stack(s) could not be planned:** {', '.join(r.stack for r in failed)}", ""]
    lines += ["## Summary", "", "| stack | create | update | replace | destroy |", "|---|---:|---:|---:|---:|"]
    for r in reviews:
        if r.error:
            lines.append(f"| {r.stack} | plan failed | | | |")
        else:
            lines.append(f"| {r.stack} | " + " | ".join(str(r.counts[a]) for a in ACTIONS) + " |")
    for r in reviews:
        lines += ["", f"## {r.stack}", ""]
        if r.error:
            lines += ["Plan failed:", "", "```", r.error.strip(), "```"]
        elif not r.changes:
            lines.append("No changes.")
        else:
            for c in r.changes:
                mark = " **stateful**" if c.stateful else ""
                lines.append(f"- `{SYMBOLS[c.action]}` {c.action} `{c.address}`{_why(c)}{mark}")
    return "\n".join(lines) + "\n"


def _why(change: Change) -> str:
    if change.forced_by:
        return " (forced by " + ", ".join(f"`{p}`" for p in change.forced_by) + ")"
    if change.attributes:
        return " (" + ", ".join(f"`{a}`" for a in change.attributes) + ")"
    return ""


def exit_code(reviews: Iterable[StackReview], allowed: bool) -> int:
    reviews = list(reviews)
    if any(r.error for r in reviews):
        return EXIT_PLAN_FAILED
    if not allowed and any(r.stateful for r in reviews):
        return EXIT_STATEFUL
    return EXIT_OK


@dataclass
class Planner:
    """Plans stacks of a synthesized output directory into plans_dir."""

    outdir: Path
    plans_dir: Path
    env: Mapping[str, str] = field(default_factory=dict)

    def plan(self, names: Sequence[str]) -> list[StackReview]:
        from sparki import terraform

        env = self.env or terraform.cli_env()
        dirs = terraform.stack_dirs(self.outdir)
        self.plans_dir.mkdir(parents=True, exist_ok=True)
        reviews = []
        for name in terraform.deploy_order(self.outdir, names):
            planfile = self.plans_dir / f"{name}.tfplan"
            planfile.unlink(missing_ok=True)  # a stale plan must never pass for this run's
            init = terraform.init(dirs[name], env)
            if not init.ok:
                reviews.append(StackReview(name, error=f"terraform init: {init.describe()}"))
                continue
            outcome = terraform.plan(dirs[name], env, planfile)
            if outcome.returncode not in (0, 2):
                reviews.append(StackReview(name, error=f"terraform plan: {outcome.describe()}"))
                continue
            reviews.append(summarize(name, terraform.show_plan(dirs[name], env, planfile), str(planfile)))
        return reviews


def select(outdir: Path, environment: str, layer: str | None) -> list[str]:
    """The stacks of one environment (optionally one layer) in the manifest."""
    from sparki import terraform
    from stacks import layer_of

    names = [n for n in terraform.stack_dirs(outdir) if layer_of(n)[0] == environment]
    if layer:
        names = [n for n in names if layer_of(n)[1] == layer]
    return names


def allowed_by_environment(environ: Mapping[str, str] = os.environ) -> bool:
    return environ.get("ALLOW_STATEFUL_DESTROY", "").strip().lower() in ("1", "true", "yes")


def main(argv: Sequence[str], root: Path) -> int:
    parser = argparse.ArgumentParser(prog="python -m sparki plan", description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("environment")
    parser.add_argument("layer", nargs="?", default=None)
    parser.add_argument("--plans-dir", type=Path, default=root / "plans")
    parser.add_argument("--allow-stateful-destroy", action="store_true", help="or ALLOW_STATEFUL_DESTROY=1")
    args = parser.parse_args(argv)
    allowed = args.allow_stateful_destroy or allowed_by_environment()

    if not (args.outdir / "manifest.json").exists():
        print(f"sparki: error: {args.outdir} has no manifest.json; run `make synth` first", file=sys.stderr)
        return 2
    names = select(args.outdir, args.environment, args.layer)
    if not names:
        what = f"layer {args.layer!r} of " if args.layer else ""
        print(f"sparki: error: no stack for {what}environment {args.environment!r} in {args.outdir}", file=sys.stderr)
        return 2

    reviews = Planner(args.outdir, args.plans_dir).plan(names)
    review = args.plans_dir / "review.md"
    review.write_text(render(args.environment, reviews, allowed))
    for r in reviews:
        counts = "plan FAILED" if r.error else "  ".join(f"{a} {n}" for a, n in r.counts.items())
        print(f"{r.stack:<28} {counts}")
    code = exit_code(reviews, allowed)
    stateful = sum(len(r.stateful) for r in reviews)
    if stateful:
        verdict = "allowed by ALLOW_STATEFUL_DESTROY" if allowed else "set ALLOW_STATEFUL_DESTROY=1 to allow"
        print(f"plan: {stateful} stateful resource(s) destroyed or replaced ({verdict})", file=sys.stderr)
    for r in reviews:
        if r.error:
            print(f"plan: {r.stack} failed: {r.error.splitlines()[0]}", file=sys.stderr)
    print(f"plan: {len(reviews)} stack(s) planned into {args.plans_dir}/; review: {review}")
    return code
