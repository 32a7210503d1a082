#!/usr/bin/env python
"""Entry point for `make synth` and `cdktf synth`: environments -> stacks -> cdktf.out/.

Configuration and the output directory are checked before the provider bindings are loaded,
so bad input fails in a fraction of a second with one line, and the previous cdktf.out/ stays
as it was.

Exit status: 0 synthesized; 1 the policy pack found violations (`sparki: policy:` lines);
2 bad input: environment data, a SPARKI_* setting, a platform component breaking the add-on
contract or the output directory (`sparki: error:`);
128 + signal number when SIGTERM (143) or SIGINT (130) stopped it (`sparki: interrupted`).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    sys.path.insert(0, str(HERE))
    from sparki import lazy_bindings, output, quiet_runtime

    # Both set the environment of the jsii runtime (Node.js), which the first jsii import
    # starts: `constructs` below already is one.
    quiet_runtime()
    lazy_bindings.install()
    import environments
    from constructs.addon_contract import ContractError
    from stacks.run_settings import RunSettings, SettingsError

    # `cdktf synth` tells the app where to write through CDKTF_OUTDIR.
    outdir = Path(os.environ.get("CDKTF_OUTDIR") or HERE / "cdktf.out")
    try:
        run = RunSettings.from_environ()
        envs = environments.load(run.environments)
        output.check(outdir)
    except (environments.ConfigError, SettingsError, output.OutputError) as exc:
        print(f"sparki: error: {exc}", file=sys.stderr)
        return 2

    try:
        with output.signals_unwind():
            # A second process takes the first environments (sparki/synth_part.py); started
            # before the bindings load here, its loading overlaps ours.
            from sparki import synth_part

            part = synth_part.start(envs, run)
            from sparki.policy import PolicyViolations
            from sparki.synth import synth, table

            try:
                rows = synth(envs, run, outdir, part=part)
            except PolicyViolations as exc:
                for violation in exc.violations:
                    print(f"sparki: policy: {violation.line()}", file=sys.stderr)
                print(f"sparki: policy: {len(exc.violations)} violation(s); {outdir.name}/ was left as it was", file=sys.stderr)
                return 1
    except (output.OutputError, ContractError) as exc:
        print(f"sparki: error: {exc}", file=sys.stderr)
        return 2
    except output.Interrupted as exc:
        print(f"sparki: interrupted by {exc}; {outdir.name}/ was left as it was", file=sys.stderr)
        return 128 + exc.signum
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
