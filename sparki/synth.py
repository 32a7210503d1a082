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
from sparki.policy import REPORT_NAME, PolicyPack, PolicyReport
from sparki.synth_part import Part, merge_into, start
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


def synthesize(envs: Mapping[str, Environment], run: RunSettings, outdir: Path) -> PolicyReport:
    """One app with envs, synthesized into outdir, and the policy pack's report on it (not yet
    raised: the caller decides when)."""
    pack = PolicyPack()
    build_app(envs, run, outdir, pack).synth()
    return pack.report(outdir)


def synth(
    envs: Mapping[str, Environment], run: RunSettings, outdir: Path, processes: int | None = None, part: Part | None = None
) -> list[StackSummary]:
    """Synthesize into a sibling staging directory and swap it in only when complete.

    A failure anywhere (bad input, a provider type error, a policy violation, SIGTERM under
    output.signals_unwind()) leaves the previous output directory exactly as it was and removes
    the staging directory. outdir must pass output.check() (OutputError otherwise); leftovers
    of a killed run beside it are removed first. The policy report is written next to the
    stacks (REPORT_NAME); a violation raises PolicyViolations after every stack was checked.
    With several environments and cores, the first environments go to a second process
    (sparki/synth_part.py; processes=1 keeps everything here); the output is the same. part is
    that process when the caller started it early (synth_part.start() with the same envs).
    """
    if part is None:
        part = start(envs, run, processes)
    try:
        return _synth_staged(envs, run, Path(outdir), part)
    finally:
        if part is not None:
            part.stop()


def _synth_staged(envs: Mapping[str, Environment], run: RunSettings, outdir: Path, part: Part | None) -> list[StackSummary]:
    output.check(outdir)
    output.remove_leftovers(outdir)
    staging = output.make_staging(outdir)
    try:
        here = {name: env for name, env in envs.items() if part is None or name not in part.envs}
        if part is not None:
            part.begin(staging / ".part")
        report = synthesize(here, run, staging)
        if part is not None:
            stacks, results, suppressions, errors = part.result()
            merge_into(staging, part.outdir)
            # Results in environment order, as one app gives them.
            if part.envs[0] == next(iter(envs)):
                report = PolicyReport(report.rules, stacks, results, suppressions, errors).join(report)
            else:
                report = report.join(PolicyReport(report.rules, stacks, results, suppressions, errors))
        (staging / REPORT_NAME).write_text(report.to_json())
        report.raise_for_problems()
        summaries = summarize(staging)
        output.swap_in(staging, outdir)
    except BaseException:
        if part is not None:
            part.stop()  # before its directory goes
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
