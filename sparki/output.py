"""Where synthesis may write, and what it leaves behind when it is stopped.

Synthesis replaces the output directory as a whole, so it must never be pointed at a
directory that holds anything else: check() lets through only an absent or empty path, or a
directory holding nothing but what synthesis writes. Staging directories carry the PID of the
run that made them, so a later run removes the leftovers of a killed one and never the
staging directory of a run still going. Imports no cdktf: main.py calls it before the
provider bindings load.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Everything a synthesis writes at the top of the output directory (the policy report is ours).
SYNTH_ENTRIES = frozenset({"manifest.json", "stacks", "policy-report.json"})


class OutputError(OSError):
    """The output directory cannot be used; str() is one line with the fix."""


class Interrupted(BaseException):  # noqa: N818 -- like KeyboardInterrupt, not an error of ours
    """SIGTERM or SIGINT arrived: unwinds like KeyboardInterrupt so every finally runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _is_cdktf_manifest(path: Path) -> bool:
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and isinstance(doc.get("stacks"), dict) and isinstance(doc.get("version"), str)


def check(outdir: Path) -> None:
    """Raise OutputError unless outdir may be replaced by a new synthesis (nothing is touched)."""
    outdir = Path(outdir)
    hint = "point CDKTF_OUTDIR at cdktf output, an empty directory or a new path"
    if outdir.is_symlink():
        raise OutputError(f"output {outdir}: is a symbolic link; {hint}")
    if outdir.exists() and not outdir.is_dir():
        raise OutputError(f"output {outdir}: is a file, not a directory; {hint}")
    if outdir.is_dir():
        try:
            entries = {p.name for p in outdir.iterdir()}
        except OSError as exc:
            raise OutputError(f"output {outdir}: cannot be read ({exc.strerror}); {hint}") from None
        foreign = sorted(entries - SYNTH_ENTRIES)
        if foreign:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise OutputError(f"output {outdir}: holds {shown}, which synthesis did not write; refusing to replace it; {hint}")
        # A cdktf App creates <outdir>/stacks/ when it is constructed; an empty one is what an
        # App that never synthesized leaves behind: nothing in it to lose.
        if entries == {"stacks"} and outdir.joinpath("stacks").is_dir() and not any(outdir.joinpath("stacks").iterdir()):
            entries = set()
        if entries and not _is_cdktf_manifest(outdir / "manifest.json"):
            raise OutputError(f"output {outdir}: has no cdktf manifest.json, so it is not cdktf output; refusing to replace it; {hint}")
    parent = outdir.resolve().parent
    existing = next(p for p in (parent, *parent.parents) if p.exists())
    if not existing.is_dir():
        raise OutputError(f"output {outdir}: {existing} is a file, so the directory cannot be created; {hint}")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"output {outdir}: no permission to write in {existing}; {hint}")


def _staging_prefix(outdir: Path) -> str:
    return f".{outdir.name}.{os.getpid()}."


def _pattern(outdir: Path) -> re.Pattern[str]:
    # The names make_staging() and swap_in() give, and no other: .<name>.<pid>.<8 tempfile chars>
    # for staging, .<name>.old-<pid> for the directory being replaced.
    name = re.escape(outdir.name)
    return re.compile(rf"\.{name}\.(?:(\d+)\.[a-z0-9_]{{8}}|old-(\d+))")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def leftovers(outdir: Path) -> list[Path]:
    """Staging and old-output directories next to outdir whose run is gone (killed)."""
    outdir = Path(outdir)
    pattern = _pattern(outdir)
    found = []
    try:
        siblings = list(outdir.parent.iterdir())
    except OSError:
        return []
    for path in siblings:
        match = pattern.fullmatch(path.name)
        if not match or path.is_symlink() or not path.is_dir():
            continue
        if _alive(int(match.group(1) or match.group(2))):
            continue
        if {p.name for p in path.iterdir()} <= SYNTH_ENTRIES:
            found.append(path)
    return sorted(found)


def remove_leftovers(outdir: Path) -> list[Path]:
    removed = leftovers(outdir)
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


def make_staging(outdir: Path) -> Path:
    """An empty sibling of outdir to synthesize into (created after check() passed)."""
    outdir = Path(outdir)
    try:
        outdir.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=_staging_prefix(outdir), dir=outdir.parent))
    except OSError as exc:
        raise OutputError(f"output {outdir}: cannot create a directory next to it ({exc.strerror}); point CDKTF_OUTDIR at a writable place") from None


def swap_in(staging: Path, outdir: Path) -> None:
    """Replace outdir by the complete staging directory, checking outdir once more first."""
    check(outdir)
    old = None
    if outdir.exists():
        old = outdir.with_name(f".{outdir.name}.old-{os.getpid()}")
        os.replace(outdir, old)
    os.replace(staging, outdir)
    os.chmod(outdir, 0o755)  # mkdtemp creates 0700
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def signals_unwind() -> Iterator[None]:
    """Within the block SIGTERM and SIGINT raise Interrupted, so staging directories are
    removed by the code that made them and jsii's atexit hook stops its node process and
    deletes its runtime directory. The previous handlers come back afterwards."""

    def handler(signum, frame):
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
