"""`make bench`: what a full synth costs next to what importing the AWS bindings costs.

Both run in fresh processes, measured the same way: wall time, and peak resident memory of the
whole process tree (Python plus the Node.js jsii runtime it starts), sampled from /proc.
Target (issue 2): full synth of every stack <= 0.6 x the plain import.
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
TARGET_RATIO = 0.6


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


def measure(cmd: list[str], env: dict) -> tuple[float, float]:
    """(seconds, peak MiB of the process tree) for one run of cmd."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kib(proc.pid))
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{proc.stderr.read().decode()}")
    return elapsed, peak / 1024


def main(args: list[str]) -> int:
    runs = int(args[0]) if args else 3
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPARKI_")}
    env.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        synth_cmd = [python, str(ROOT / "main.py")]
        synth_env = {**env, "CDKTF_OUTDIR": str(Path(tmp) / "cdktf.out")}
        import_cmd = [python, "-c", "import cdktf_cdktf_provider_aws"]
        measure(import_cmd, env)  # warm the bytecode cache and the page cache once
        imports = [measure(import_cmd, env) for _ in range(runs)]
        synths = [measure(synth_cmd, synth_env) for _ in range(runs)]
        stacks = len(list((Path(tmp) / "cdktf.out" / "stacks").iterdir()))
    imp_t = statistics.median(t for t, _ in imports)
    imp_m = max(m for _, m in imports)
    syn_t = statistics.median(t for t, _ in synths)
    syn_m = max(m for _, m in synths)
    ratio = syn_t / imp_t
    print(f"bench: median of {runs} runs each, fresh processes, peak RSS of the process tree")
    rows = [
        ("plain `import cdktf_cdktf_provider_aws`", f"{imp_t:6.2f} s", f"{imp_m:6.0f} MiB"),
        (f"full synth of all {stacks} stacks", f"{syn_t:6.2f} s", f"{syn_m:6.0f} MiB"),
    ]
    for label, t, m in rows:
        print(f"  {label:<42} {t}  {m}")
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(f"  {'ratio synth/import (wall time)':<42} {ratio:6.2f}    target <= {TARGET_RATIO}: {verdict}")
    return 0
