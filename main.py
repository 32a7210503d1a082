#!/usr/bin/env python
"""Entry point for `make synth` and `cdktf synth`: environments -> stacks -> cdktf.out/.

Configuration is validated before the provider bindings are loaded, so bad input fails in a
fraction of a second with one line, and the previous cdktf.out/ stays as it was.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    sys.path.insert(0, str(HERE))
    import environments
    from sparki import lazy_bindings, quiet_runtime
    from sparki.settings import RunSettings, SettingsError

    try:
        run = RunSettings.from_environ()
        envs = environments.load(run.environments)
    except (environments.ConfigError, SettingsError) as exc:
        print(f"sparki: error: {exc}", file=sys.stderr)
        return 2

    quiet_runtime()
    lazy_bindings.install()
    from sparki.policy import PolicyViolations
    from sparki.synth import synth, table

    # `cdktf synth` tells the app where to write through CDKTF_OUTDIR.
    outdir = Path(os.environ.get("CDKTF_OUTDIR") or HERE / "cdktf.out")
    try:
        rows = synth(envs, run, outdir)
    except PolicyViolations as exc:
        for violation in exc.violations:
            print(f"sparki: policy: {violation.line()}", file=sys.stderr)
        print(f"sparki: policy: {len(exc.violations)} violation(s); {outdir.name}/ was left as it was", file=sys.stderr)
        return 1
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
