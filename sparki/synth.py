"""Synthesize every stack into an output directory, all or nothing, and summarize it."""
from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cdktf import App

from catalog.naming import parse_stack_name
from environments import NAMES
from environments.schema import Environment
from sparki import output
from sparki.policy import REPORT_NAME, PolicyPack
from stacks import LAYERS
from stacks.compose import build_environment
from stacks.run_settings import RunSettings


@dataclass(frozen=True)
class StackSummary:
    name: str
    environment: str
    layer: str
    resources: int


def build_app(envs: Mapping[str, Environment], run: RunSettings, outdir: Path, pack=None):
    """The cdktf App with every layer of every given environment (not yet synthesized).

    Every stack gets the policy pack: this is the one place it is applied, so no layer can be
    added without passing through it.
    """
    pack = pack if pack is not None else PolicyPack()
    app = App(outdir=str(outdir))
    for env in envs.values():
        for stack in build_environment(app, env, run).values():
            pack.apply(stack, production=env.is_production)
    return app


def synth(envs: Mapping[str, Environment], run: RunSettings, outdir: Path) -> list[StackSummary]:
    """Synthesize into a sibling staging directory and swap it in only when complete.

    A failure anywhere (bad input, a provider type error, a policy violation, SIGTERM under
    output.signals_unwind()) leaves the previous output directory exactly as it was and removes
    the staging directory. outdir must pass output.check() (OutputError otherwise); leftovers
    of a killed run beside it are removed first. The policy report is written next to the
    stacks (REPORT_NAME); a violation raises PolicyViolations after every stack was checked.
    """
    outdir = Path(outdir)
    output.check(outdir)
    output.remove_leftovers(outdir)
    staging = output.make_staging(outdir)
    try:
        pack = PolicyPack()
        build_app(envs, run, staging, pack).synth()
        report = pack.report(staging)
        (staging / REPORT_NAME).write_text(report.to_json())
        report.raise_for_problems()
        summaries = summarize(staging)
        output.swap_in(staging, outdir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return summaries


def summarize(outdir: Path) -> list[StackSummary]:
    """One row per stack, in environment order then deploy order."""
    manifest = json.loads((Path(outdir) / "manifest.json").read_text())
    rows = []
    for name, stack in manifest["stacks"].items():
        doc = json.loads((Path(outdir) / stack["synthesizedStackPath"]).read_text())
        count = sum(len(by_name) for by_name in doc.get("resource", {}).values())
        env, layer = parse_stack_name(name)
        rows.append(StackSummary(name, env, layer, count))
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    return sorted(rows, key=lambda r: (NAMES.index(r.environment), rank.get(r.layer, len(rank)), r.name))


def table(rows: Iterable[StackSummary]) -> str:
    rows = list(rows)
    header = ("stack", "layer", "environment", "resources")
    body = [(r.name, r.layer, r.environment, str(r.resources)) for r in rows]
    widths = [max(len(x) for x in col) for col in zip(header, *body, strict=False)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths[:-1]) + f"  {{:>{widths[-1]}}}"
    lines = [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*b) for b in body]
    lines.append(f"{len(rows)} stacks, {sum(r.resources for r in rows)} resources")
    return "\n".join(lines)
