"""The workflows' stack matrix, read from cdktf.out/manifest.json.

`python -m sparki.ci.matrix OUTDIR [--env ENV]...` writes `matrix=<json>` (and `envs=<json>`)
to $GITHUB_OUTPUT, or prints them. Each entry: stack, env, layer, order (the deploy position
within its environment), runs_on (GitHub-hosted, or env's VPC runner for stacks with providers
besides AWS, read from the synthesized provider blocks) and artifact (its plan artifact name). The order is sparki.terraform.deploy_order: manifest dependencies first,
then stacks.LAYERS, the same order `make plan` and the deploy jobs use.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from catalog.naming import parse_stack_name
from environments.environment import DR_SITE_SUFFIX
from sparki import terraform
from stacks import DR_LAYERS

HOSTED_RUNNER = "ubuntu-24.04"


def vpc_runner(env: str) -> tuple[str, ...]:
    """Labels of the self-hosted runners inside env's VPC: the stacks that talk to the private
    cluster API (any provider besides AWS) plan and apply there (docs/runbooks/access-control.md).
    For the DR site, env is its name (sparki-<env>dr-vpc): the DR cluster's private endpoint is
    reachable from the DR VPC only, and a failover cannot wait for the primary region's runner."""
    return ("self-hosted", "linux", f"sparki-{env}-vpc")


def site_of(stack: str, private: bool) -> str:
    """The site whose VPC runner plans and applies `stack` when it is private (reaches a
    cluster): the DR site (<env>dr) for a DR layer, the environment for the rest. An AWS-only
    stack is applied with its environment's (the deploy job's) whatever its layer."""
    env, layer = parse_stack_name(stack)
    return f"{env}{DR_SITE_SUFFIX}" if private and layer in DR_LAYERS else env


def entries(outdir: Path, envs: Sequence[str] = ()) -> list[dict]:
    """Every stack of the manifest (or of `envs`), in deploy order per environment."""
    result: list[dict] = []
    private = set(terraform.stack_dirs(outdir)) - set(terraform.aws_only_stacks(outdir))
    position: dict[str, int] = {}
    order = terraform.deploy_order(outdir)
    first = {}
    for name in order:
        first.setdefault(parse_stack_name(name)[0], len(first))
    # One environment after another (each in deploy order), so the matrix reads like the deploy.
    for name in sorted(order, key=lambda n: first[parse_stack_name(n)[0]]):
        env, layer = parse_stack_name(name)
        if envs and env not in envs:
            continue
        position[env] = position.get(env, 0) + 1
        runs_on = list(vpc_runner(site_of(name, True))) if name in private else HOSTED_RUNNER
        artifact = f"plan-{env}-{position[env]:02d}-{layer}"
        result.append({"stack": name, "env": env, "layer": layer, "order": position[env], "runs_on": runs_on, "artifact": artifact})
    return result


def environments(rows: Sequence[dict]) -> list[str]:
    return list(dict.fromkeys(row["env"] for row in rows))


def outputs(rows: Sequence[dict]) -> dict[str, str]:
    """GitHub job outputs: strings, compact JSON so fromJSON() reads them."""
    return {
        "matrix": json.dumps({"include": list(rows)}, separators=(",", ":")),
        "envs": json.dumps(environments(rows), separators=(",", ":")),
        "layers": json.dumps([row["layer"] for row in rows if row["env"] == rows[0]["env"]] if rows else [], separators=(",", ":")),
    }


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m sparki.ci.matrix", description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--env", action="append", default=[], help="only this environment (repeatable)")
    args = parser.parse_args(argv)
    if not (args.outdir / "manifest.json").exists():
        print(f"matrix: error: {args.outdir} has no manifest.json; run `make synth` first", file=sys.stderr)
        return 2
    rows = entries(args.outdir, args.env)
    if not rows:
        print(f"matrix: error: no stack of {', '.join(args.env) or 'any environment'} in {args.outdir}/manifest.json", file=sys.stderr)
        return 2
    lines = [f"{key}={value}" for key, value in outputs(rows).items()]
    target = os.environ.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        print(f"matrix: {len(rows)} stack(s) of {', '.join(environments(rows))} written to $GITHUB_OUTPUT")
    else:
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
