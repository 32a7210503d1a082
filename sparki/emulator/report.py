"""The emulator run's timing table: one row per stack, one column per lifecycle step, the
resources that took longest, and the wall time of the run's parts, so a CI log shows where the
time went."""
from __future__ import annotations

from collections.abc import Iterable

from sparki.emulator.harness import Step

PHASES = ("plan", "apply", "converge", "destroy")


def _cell(step: Step | None) -> str:
    if step is None:
        return "-"
    return f"{step.seconds:.0f}" if step.ok else f"{step.seconds:.0f} FAIL"


def _span(steps: list[Step]) -> float:
    return max(s.finished for s in steps) - min(s.started for s in steps) if steps else 0.0


def step_table(steps: Iterable[Step], jobs: int, session_seconds: float) -> list[str]:
    """Lines of the table. Steps that never ran (Step.seconds 0, "not run: ...") show as FAIL
    with 0 s; a step a stack does not have shows as "-"."""
    steps = list(steps)
    stacks = list(dict.fromkeys(s.stack for s in steps))
    by = {(s.stack, s.name): s for s in steps}
    width = max([len("stack"), *map(len, stacks)])
    lines = [f"{'stack':<{width}} " + " ".join(f"{p:>9}" for p in PHASES) + "  slowest resources (s)"]
    for stack in stacks:
        own = [s for s in steps if s.stack == stack]
        longest: dict[str, float] = {}
        for address, seconds in (pair for s in own for pair in s.slowest):  # a create and its delete: the longer
            longest[address] = max(seconds, longest.get(address, 0.0))
        slow = sorted(longest.items(), key=lambda item: -item[1])[:3]
        cells = " ".join(f"{_cell(by.get((stack, p))):>9}" for p in PHASES)
        lines.append(f"{stack:<{width}} {cells}  {', '.join(f'{a} {t:.0f}' for a, t in slow)}".rstrip())
    total = " ".join(f"{sum(s.seconds for s in steps if s.name == p):>9.0f}" for p in PHASES)
    lines.append(f"{'sum of steps':<{width}} {total}")
    deploy = [s for s in steps if s.name != "destroy" and s.seconds]
    destroy = [s for s in steps if s.name == "destroy" and s.seconds]
    lines.append(
        f"wall time: deploy {_span(deploy):.0f} s, destroy {_span(destroy):.0f} s "
        f"({jobs} stack(s) at a time); session {session_seconds:.0f} s"
    )
    return lines
