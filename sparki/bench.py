"""`make bench`: what synthesis costs next to what importing the AWS bindings costs.

Every figure comes from fresh processes measured the same way: wall time (the median of the
runs), CPU time (user + system of the whole process tree, from wait4: a full synth runs two
Python processes, each with its Node.js runtime, so its CPU time exceeds its wall time), and
peak resident memory of the whole tree, sampled from /proc. The machine's load average is printed with the table:
wall times on a shared machine mean little without it. Targets (issue 17): a full synth of
every layer of every environment <= 0.5 x the plain import with a peak <= 1 GiB, and
`make synth ENV=dev` <= 0.35 x. The table says whether each is met; the exit status does not
(timing is no test).
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL_RATIO = 0.5
DEV_RATIO = 0.35
PEAK_MIB = 1024


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_rss_kib(root: int) -> int:
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss_kib(pid)
        todo.extend(_children(pid))
    return total


def measure(cmd: list[str], env: dict) -> tuple[float, float, float]:
    """(seconds, peak MiB of the process tree, CPU seconds of the tree) for one run of cmd.
    The CPU time is wait4's: the process's own and that of every descendant it waited for."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, _tree_rss_kib(proc.pid))
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{proc.stderr.read().decode()}")
    proc.stderr.close()
    return elapsed, peak / 1024, usage.ru_utime + usage.ru_stime


def _median(runs: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """(median seconds, highest peak MiB, median CPU seconds)."""
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs), statistics.median(r[2] for r in runs)


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def main(args: list[str]) -> int:
    runs = int(args[0]) if args else 3
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPARKI_")}
    env.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    python = sys.executable
    synth_cmd = [python, str(ROOT / "main.py")]
    import_cmd = [python, "-c", "import cdktf_cdktf_provider_aws"]
    load_before = _load()
    with tempfile.TemporaryDirectory() as tmp:
        full_env = {**env, "CDKTF_OUTDIR": str(Path(tmp) / "full")}
        dev_env = {**env, "CDKTF_OUTDIR": str(Path(tmp) / "dev"), "SPARKI_ENV": "dev"}
        measure(import_cmd, env)  # warm the bytecode cache and the page cache once
        imp_t, imp_m, imp_c = _median([measure(import_cmd, env) for _ in range(runs)])
        full_t, full_m, full_c = _median([measure(synth_cmd, full_env) for _ in range(runs)])
        dev_t, dev_m, dev_c = _median([measure(synth_cmd, dev_env) for _ in range(runs)])
        stacks = len(list((Path(tmp) / "full" / "stacks").iterdir()))
        dev_stacks = len(list((Path(tmp) / "dev" / "stacks").iterdir()))
    print(f"bench: median wall and CPU time of {runs} fresh runs each, highest peak RSS of the process tree; "
          f"load average (1/5/15 min) {load_before} before, {_load()} after, {os.cpu_count()} CPUs")
    rows = [
        ("measurement", "value", "cpu", "peak", "target", ""),
        ("plain `import cdktf_cdktf_provider_aws`", f"{imp_t:.2f} s", f"{imp_c:.2f} s", f"{imp_m:.0f} MiB", "", ""),
        (f"full synth ({stacks} stacks)", f"{full_t:.2f} s", f"{full_c:.2f} s", f"{full_m:.0f} MiB", "", ""),
        (f"`make synth ENV=dev` ({dev_stacks} stacks)", f"{dev_t:.2f} s", f"{dev_c:.2f} s", f"{dev_m:.0f} MiB", "", ""),
        _target("full synth / plain import", full_t / imp_t, FULL_RATIO, "{:.2f}"),
        _target("full synth peak memory (MiB)", full_m, PEAK_MIB, "{:.0f}"),
        _target("`make synth ENV=dev` / plain import", dev_t / imp_t, DEV_RATIO, "{:.2f}"),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    for row in rows:
        print("  " + "  ".join(f"{cell:<{w}}" if i == 0 else f"{cell:>{w}}" for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip())
    return 0


def _target(label: str, value: float, limit: float, fmt: str) -> tuple[str, str, str, str, str, str]:
    return (label, fmt.format(value), "", "", "<= " + fmt.format(limit), "meets" if value <= limit else "MISSES")
