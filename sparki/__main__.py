"""`python -m sparki <command>`: the Makefile's tools. Each prints what it did.

  validate [OUTDIR]   terraform validate every AWS-only stack in OUTDIR (default cdktf.out)
  bench               time and memory of a full synth vs. a plain provider import
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _validate(args: list) -> int:
    from sparki.terraform import TerraformMissing, validate

    outdir = Path(args[0]) if args else ROOT / "cdktf.out"
    if not (outdir / "manifest.json").exists():
        print(f"sparki: error: {outdir} has no manifest.json; run `make synth` first", file=sys.stderr)
        return 2
    try:
        results = validate(outdir)
    except TerraformMissing as exc:
        print(f"sparki: error: {exc}", file=sys.stderr)
        return 2
    width = max((len(r.stack) for r in results), default=5)
    for r in results:
        print(f"{r.stack:<{width}}  {'ok  ' if r.ok else 'FAIL'}  {r.detail}")
    failed = [r for r in results if not r.ok]
    print(f"terraform validate: {len(results) - len(failed)}/{len(results)} AWS-only stacks valid")
    return 1 if failed or not results else 0


def _bench(args: list) -> int:
    from sparki.bench import main as bench_main

    return bench_main(args)


COMMANDS = {"validate": _validate, "bench": _bench}


def main(argv: list) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
