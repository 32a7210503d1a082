"""A full synthesis in two processes: the first environments in a second one, the rest here.

Synthesis is one Python process asking one Node.js process, a request at a time, so a single
app keeps one of the machine's cores busy. Environments share no construct: an environment's
stacks (its DR site included) reference only each other. So two apps can each synthesize a
contiguous run of environments, and the outputs merge into exactly what one app writes: the
stack directories move over unchanged, manifest.json is rewritten the way cdktf writes it
(json-stable-stringify: sorted keys, two spaces), and the policy results join in environment
order. tests/test_synth_split.py proves the merged output byte-identical to one app's.

This module imports no cdktf: the second process installs the lazy bindings before its first
jsii import, and receives its inputs pickled so that unpickling them cannot import one first.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import shutil
import signal
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from environments.schema import Environment
from stacks import layers_of
from stacks.run_settings import RunSettings


def split(envs: Mapping[str, Environment], processes: int) -> tuple[dict[str, Environment], dict[str, Environment]]:
    """(elsewhere, here): envs cut in two contiguous runs with stack counts as even as can be;
    the lighter run goes elsewhere, since the second process starts with the bindings still to
    load. elsewhere is empty when one process is asked for or there is one environment."""
    names = list(envs)
    if processes < 2 or len(names) < 2:
        return {}, dict(envs)
    weights = [len(layers_of(envs[n].dr_region is not None)) for n in names]
    cut = min(range(1, len(names)), key=lambda k: (max(sum(weights[:k]), sum(weights[k:])), k))
    head, tail = names[:cut], names[cut:]
    lighter, heavier = (head, tail) if sum(weights[:cut]) < sum(weights[cut:]) else (tail, head)
    return {n: envs[n] for n in lighter}, {n: envs[n] for n in heavier}


def default_processes() -> int:
    return min(2, os.cpu_count() or 1)


class Part:
    """The second process for `envs`. It starts loading the bindings at once, so main.py makes
    it before loading them itself; begin(outdir) lets it synthesize, result() waits for it."""

    def __init__(self, envs: Mapping[str, Environment], run: RunSettings) -> None:
        self.envs = tuple(envs)
        self.outdir: Path | None = None
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        payload = pickle.dumps((dict(envs), run))
        self._process = context.Process(target=_main, args=(child, payload), name="sparki-synth-part", daemon=True)
        self._process.start()
        child.close()

    def begin(self, outdir: Path) -> None:
        self.outdir = Path(outdir)
        try:
            self._conn.send(str(outdir))
        except OSError:
            pass  # it is gone; result() says so

    def result(self) -> tuple[dict, list, list, list]:
        """The policy pack's (stacks, results, suppressions, errors) for the part, once it is
        written; the part's own exception, re-raised here, if it failed."""
        try:
            status, value = self._conn.recv()
        except EOFError:
            self._process.join()
            raise RuntimeError(f"the second synthesis process died (exit status {self._process.exitcode}) before it reported") from None
        self._process.join()
        if status == "error":
            raise value
        return value

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._conn.close()


def start(envs: Mapping[str, Environment], run: RunSettings, processes: int | None = None) -> Part | None:
    """The second process for the environments split() sends elsewhere, or None."""
    elsewhere, _ = split(envs, default_processes() if processes is None else processes)
    return Part(elsewhere, run) if elsewhere else None


def _stopped(signum, frame):
    raise SystemExit(128 + signum)


def _main(conn, payload: bytes) -> None:
    from sparki import lazy_bindings, quiet_runtime

    # stop() terminates: unwinding (not dying) lets jsii's exit hook stop Node.js and remove
    # its runtime directory.
    signal.signal(signal.SIGTERM, _stopped)
    quiet_runtime()
    lazy_bindings.install()
    try:
        from sparki.synth import synthesize

        envs, run = pickle.loads(payload)
        outdir = Path(conn.recv())
        report = synthesize(envs, run, outdir)
        conn.send(("ok", (dict(report.stacks), report.results, report.suppressions, report.errors)))
    except EOFError:
        pass  # the parent went before it asked for anything
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent to raise
        conn.send(("error", _portable(exc)))
    finally:
        conn.close()


def _portable(exc: BaseException) -> BaseException:
    """exc if it survives pickling, with the second process's traceback as a note; otherwise a
    RuntimeError carrying that traceback."""
    where = "".join(traceback.format_exception(exc))
    try:
        exc.add_note(f"in the second synthesis process:\n{where}")
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - an exception that cannot cross keeps its text
        return RuntimeError(f"the second synthesis process failed:\n{where}")


def merge_into(outdir: Path, part: Path) -> None:
    """Move the part's stacks into outdir and rewrite outdir's manifest with both; part goes."""
    manifest = json.loads((outdir / "manifest.json").read_text())
    theirs = json.loads((part / "manifest.json").read_text())
    for name, stack in theirs["stacks"].items():
        if name in manifest["stacks"]:
            raise RuntimeError(f"stack {name} was synthesized by both processes")
        (outdir / stack["workingDirectory"]).parent.mkdir(parents=True, exist_ok=True)
        os.replace(part / stack["workingDirectory"], outdir / stack["workingDirectory"])
        manifest["stacks"][name] = stack
    (outdir / "manifest.json").write_text(stable_json(manifest))
    shutil.rmtree(part)


def stable_json(value: Any, space: str = "  ") -> str:
    """json-stable-stringify(value, {space}) as cdktf writes manifest.json: keys sorted, and
    empty arrays and objects still broken over two lines."""

    def write(node: Any, level: int) -> str:
        indent = "\n" + space * level
        if isinstance(node, dict):
            items = [f"{indent}{space}{json.dumps(k, ensure_ascii=False)}: {write(node[k], level + 1)}" for k in sorted(node)]
            return "{" + ",".join(items) + indent + "}"
        if isinstance(node, list):
            return "[" + ",".join(f"{indent}{space}{write(v, level + 1)}" for v in node) + indent + "]"
        return json.dumps(node, ensure_ascii=False)

    return write(value, 0)
