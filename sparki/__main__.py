"""`python -m sparki <command>`: the Makefile's tools. Each prints what it did.

  validate [OUTDIR]               terraform validate every stack in OUTDIR (default cdktf.out) whose providers
                                  can be installed; one line names the others and why
  plan OUTDIR ENV [LAYER]         plan ENV's stacks into plans/, review in plans/review.md
                                  (--allow-stateful-destroy or ALLOW_STATEFUL_DESTROY=1; see docs/operations.md)
  emulator [ENV]                  run moto for ENV's account (default dev) until Ctrl-C; see docs/emulator.md
  cost OUTDIR [ENV]               estimated monthly cost per environment, stack and kind (catalog/prices.py)
  bench                           time and memory of synthesis vs. a plain provider import, with the targets
  failover ENV [--yes]            promote ENV's DR site: database, cache, nodes, DNS, then dr.promoted = true
  failback ENV [--yes]            hand back to the primary region: cache, nodes, DNS, then dr.promoted = false
                                  (docs/runbooks/disaster-recovery.md)
  dr-drill                        prod's failover against moto: apply, fail over, check, destroy
                                  (docs/disaster-recovery.md)
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _validate(args: list) -> int:
    from sparki.providers import TerraformMissing, provider_source
    from sparki.terraform import missing_providers, validate

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
    source = provider_source()
    print(f"terraform validate: {len(results) - len(failed)}/{len(results)} stacks valid (providers from {source.describe()})")
    skipped = missing_providers(outdir, source)
    if skipped:
        lacking = sorted({p for providers in skipped.values() for p in providers})
        print(f"terraform validate: not validated: {', '.join(sorted(skipped))} ({source.describe()} has no {', '.join(lacking)}; the offline chain in tests/kubernetes/ checks their objects instead)")
    return 1 if failed or not results else 0


def _plan(args: list) -> int:
    from sparki.plan import main as plan_main
    from sparki.providers import TerraformMissing

    try:
        return plan_main(args, ROOT)
    except TerraformMissing as exc:
        print(f"sparki: error: {exc}", file=sys.stderr)
        return 2


def _emulator(args: list) -> int:
    import signal
    import tempfile

    import environments
    from sparki.emulator import MotoServer

    name = args[0] if args else "dev"
    try:
        env = environments.load([name])[name]
    except environments.ConfigError as exc:
        print(f"sparki: error: {exc}", file=sys.stderr)
        return 2
    log = Path(tempfile.gettempdir()) / f"sparki-moto-{name}.log"
    # A plain `kill` must stop moto too, not orphan it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with MotoServer(env.account_id, log) as server:
        print(f"emulator: moto (pid {server.process.pid}) answers as account {env.account_id} at {server.endpoint}; log {log}")
        print(f"  export SPARKI_BACKEND=local SPARKI_AWS_ENDPOINT={server.endpoint} AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing")
        print("  Ctrl-C stops it.")
        try:
            server.process.wait()
        except KeyboardInterrupt:
            pass
    print("emulator: stopped")
    return 0


def _cost(args: list) -> int:
    from sparki.cost import main as cost_main

    return cost_main(args, ROOT)


def _bench(args: list) -> int:
    from sparki.bench import main as bench_main

    return bench_main(args)


def _move(direction: str, args: list) -> int:
    from sparki.failover import main as move_main

    return move_main(direction, args)


def _drill(args: list) -> int:
    from sparki.emulator.drill import main as drill_main

    return drill_main(args)


COMMANDS = {
    "validate": _validate, "plan": _plan, "emulator": _emulator, "bench": _bench, "cost": _cost,
    "failover": lambda args: _move("failover", args), "failback": lambda args: _move("failback", args),
    "dr-drill": _drill,
}


def main(argv: list) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
