"""`make plan`: plan every stack of an environment and write the review a pull request gets.

For each stack (deploy order, or one layer): terraform init, terraform plan -out
plans/<stack>.tfplan, terraform show -json; then plans/review.md (sparki/plan_review.py says
what it shows and what gates). Exit status: see sparki/plan_review.py and docs/operations.md.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import environments
from catalog.naming import parse_stack_name
from sparki import terraform
from sparki.plan_cost import over_threshold
from sparki.plan_review import StackReview, exit_code, render, summarize


@dataclass
class Planner:
    """Plans stacks of a synthesized output directory into plans_dir."""

    outdir: Path
    plans_dir: Path
    env: Mapping[str, str] = field(default_factory=dict)

    def plan(self, names: Sequence[str]) -> list[StackReview]:
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
    names = [n for n in terraform.stack_dirs(outdir) if parse_stack_name(n)[0] == environment]
    if layer:
        names = [n for n in names if parse_stack_name(n)[1] == layer]
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

    try:
        threshold = environments.load([args.environment])[args.environment].cost_review_threshold_usd
    except environments.ConfigError as exc:
        print(f"sparki: error: {exc}", file=sys.stderr)
        return 2

    reviews = Planner(args.outdir, args.plans_dir).plan(names)
    review = args.plans_dir / "review.md"
    review.write_text(render(args.environment, reviews, allowed, threshold))
    for r in reviews:
        counts = "plan FAILED" if r.error else "  ".join(f"{a} {n}" for a, n in r.counts.items())
        print(f"{r.stack:<28} {counts}")
    code = exit_code(reviews, allowed)
    verdict = "allowed by ALLOW_STATEFUL_DESTROY" if allowed else "set ALLOW_STATEFUL_DESTROY=1 to allow"
    stateful = sum(len(r.stateful) for r in reviews)
    if stateful:
        print(f"plan: {stateful} stateful resource(s) destroyed or replaced ({verdict})", file=sys.stderr)
    unprotected = sum(len(r.unprotected) for r in reviews)
    if unprotected:
        print(f"plan: {unprotected} stateful resource(s) lose their protection ({verdict}); see {review}", file=sys.stderr)
    rise = over_threshold({r.stack: r.cost for r in reviews if r.cost}, threshold)
    if rise is not None:
        print(f"plan: estimated monthly cost rises by ${rise:,.2f}, above {args.environment}'s cost_review_threshold_usd ${threshold:,}; see {review}", file=sys.stderr)
    for r in reviews:
        if r.error:
            print(f"plan: {r.stack} failed: {r.error.splitlines()[0]}", file=sys.stderr)
    print(f"plan: {len(reviews)} stack(s) planned into {args.plans_dir}/; review: {review}")
    return code
