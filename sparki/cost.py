"""`make cost [ENV=..]`: the estimated monthly cost of each environment, per stack and per kind.

Reads the synthesized Terraform JSON in cdktf.out/ (no network, no AWS account): each resource
is priced by sparki/cost_pricers.py from the list prices and usage assumptions in
catalog/prices.py, or is listed there as free. A resource type that is neither, or a region
without prices, stops the estimate with one line that says which file to edit.

The same functions price a plan's before and after values for the plan review (plan_cost()).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from catalog import prices
from catalog.naming import parse_stack_name
from sparki.cost_pricers import PRICERS, CostError, Stack

__all__ = ["CostError", "Line", "estimate_outdir", "estimate_stack", "estimate_stacks", "unpriced_types", "usage_for"]


@dataclass(frozen=True)
class Line:
    """One priced row: what a resource costs a month under one kind."""

    stack: str
    address: str
    kind: str
    monthly: float


def usage_for(stack_name: str) -> prices.Usage:
    try:
        env = parse_stack_name(stack_name)[0]
    except ValueError as exc:
        raise CostError(str(exc)) from None
    if env not in prices.USAGE:
        raise CostError(f"{stack_name}: no usage assumptions for environment {env!r}: add a Usage row to catalog/prices.py USAGE")
    return prices.USAGE[env]


def provider_regions(tf: Mapping) -> dict[str, str]:
    """{"": default region, alias: region} of a stack's AWS providers."""
    regions = {}
    for provider in tf.get("provider", {}).get("aws", []):
        regions[provider.get("alias", "")] = provider.get("region", "")
    return regions


def unpriced_types(types: Iterable[str]) -> list[str]:
    return sorted(t for t in set(types) if t not in PRICERS and t not in prices.FREE_TYPES)


def price_resource(stack: Stack, rtype: str, name: str, args: Mapping, provider: str = "") -> list[Line]:
    address = f"{rtype}.{name}"
    if rtype in prices.FREE_TYPES:
        return []
    if rtype not in PRICERS:
        raise CostError(f"{stack.name}: resource type {rtype} has no price: price it in sparki/cost_pricers.py PRICERS "
                        f"or list it as free/usage-only in catalog/prices.py FREE_TYPES")
    alias = provider.partition(".")[2] if provider.startswith("aws") else ""
    region = stack.regions.get(alias, stack.regions.get("", ""))
    if stack.regions and region not in prices.REGIONS:
        raise CostError(f"{stack.name}: {address} is in region {region!r}, which has no prices: add it to catalog/prices.py REGIONS")
    return [Line(stack.name, address, kind, usd) for kind, usd in PRICERS[rtype](stack, address, args) if usd]


def estimate_stack(name: str, tf: Mapping, peers: Mapping[str, Mapping[str, Mapping]] | None = None) -> list[Line]:
    """Every priced row of one synthesized stack; peers: the other stacks' resources by type."""
    resources = tf.get("resource", {})
    stack = Stack(name, resources, usage_for(name), provider_regions(tf), peers or {})
    return [line for rtype, named in sorted(resources.items()) for rname, args in sorted(named.items())
            for line in price_resource(stack, rtype, rname, args, str(args.get("provider", "")))]


def estimate_stacks(stacks: Mapping[str, Mapping]) -> list[Line]:
    """Every priced row of one environment's stacks ({name: synthesized JSON}); each stack sees
    the others as peers (a DR secondary names its primary, which lives in another stack)."""
    lines: list[Line] = []
    for name, tf in stacks.items():
        peers: dict[str, dict[str, Mapping]] = defaultdict(dict)
        for other, doc in stacks.items():
            if other != name:
                for rtype, named in doc.get("resource", {}).items():
                    peers[rtype].update(named)
        lines += estimate_stack(name, tf, peers)
    return lines


def stack_files(outdir: Path) -> dict[str, Path]:
    manifest = json.loads((outdir / "manifest.json").read_text())
    return {name: outdir / entry["synthesizedStackPath"] for name, entry in manifest["stacks"].items()}


def estimate_outdir(outdir: Path, environments: Sequence[str] = ()) -> dict[str, list[Line]]:
    """{environment: rows} for every stack in a synthesized output directory."""
    result: dict[str, list[Line]] = defaultdict(list)
    documents: dict[str, dict[str, Mapping]] = defaultdict(dict)
    for name, path in sorted(stack_files(outdir).items()):
        env = parse_stack_name(name)[0]
        if not environments or env in environments:
            documents[env][name] = json.loads(path.read_text())
    for env, stacks in documents.items():
        result[env] = estimate_stacks(stacks)
    order = list(prices.USAGE)  # promotion order: dev, staging, prod
    return dict(sorted(result.items(), key=lambda kv: order.index(kv[0])))


def total(lines: Iterable[Line]) -> float:
    return sum(line.monthly for line in lines)


def by(lines: Iterable[Line], key: str) -> dict[str, float]:
    sums: dict[str, float] = defaultdict(float)
    for line in lines:
        sums[getattr(line, key)] += line.monthly
    return dict(sums)


def render(estimates: Mapping[str, Sequence[Line]]) -> str:
    """A plain-text table per environment: per stack, then per kind, then the total."""
    out = [f"Estimated monthly cost, USD, {', '.join(prices.REGIONS)} on-demand list prices read {prices.PRICES_READ} "
           "(catalog/prices.py: prices and usage assumptions)"]
    for env, lines in estimates.items():
        out += ["", f"{env}", "  per stack"]
        out += [f"    {stack:<34}{usd:>12,.2f}" for stack, usd in sorted(by(lines, "stack").items())]
        out.append("  per kind")
        out += [f"    {kind:<34}{usd:>12,.2f}" for kind, usd in sorted(by(lines, "kind").items(), key=lambda kv: -kv[1])]
        out.append(f"  {'total':<36}{total(lines):>12,.2f}")
    return "\n".join(out) + "\n"


def main(argv: Sequence[str], root: Path) -> int:
    parser = argparse.ArgumentParser(prog="python -m sparki cost", description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("environment", nargs="?", default="")
    args = parser.parse_args(argv)
    if not (args.outdir / "manifest.json").exists():
        print(f"sparki: error: {args.outdir} has no manifest.json; run `make synth` first", file=sys.stderr)
        return 2
    try:
        estimates = estimate_outdir(args.outdir, [args.environment] if args.environment else ())
    except CostError as exc:
        print(f"sparki: error: {exc}", file=sys.stderr)
        return 2
    if not estimates:
        print(f"sparki: error: no stack of environment {args.environment!r} in {args.outdir}", file=sys.stderr)
        return 2
    print(render(estimates), end="")
    return 0
