"""Fingerprints of reviewed plans: deploy applies exactly what the pull request showed.

A saved plan file cannot travel from the pull request to the merge (it embeds the PR's state
snapshot and expires with it), so the plan job records, per stack, a fingerprint of what the
plan would do: every resource change (address, actions, before, after, unknown-after) and
every output change. After the merge the deploy job plans again and applies only if the new
plan's fingerprint equals the reviewed one; anything else (a later merge, drift, a console edit)
is refused with the addresses that differ, and the change goes back through review.

  python -m sparki.ci.reviewed record PLAN_JSON STACK FILE   add STACK's fingerprint to FILE
  python -m sparki.ci.reviewed check PLAN_JSON STACK FILE    exit 1 unless they agree
  python -m sparki.ci.reviewed merge DIR FILE                 every reviewed.json under DIR into FILE
"""
from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path


def changes(plan: Mapping) -> dict[str, str]:
    """address -> digest of its change; no-op resources are left out (reads and no-ops churn)."""
    found: dict[str, str] = {}
    for rc in plan.get("resource_changes", []):
        change = rc.get("change", {})
        if change.get("actions") in (["no-op"], ["read"]):
            continue
        found[rc["address"]] = _digest({k: change.get(k) for k in ("actions", "before", "after", "after_unknown")})
    for name, change in (plan.get("output_changes") or {}).items():
        if change.get("actions") != ["no-op"]:
            found[f"output.{name}"] = _digest({k: change.get(k) for k in ("actions", "before", "after", "after_unknown")})
    return found


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def differences(reviewed: Mapping[str, str], current: Mapping[str, str]) -> list[str]:
    """One line per address whose change is not the reviewed one."""
    lines = []
    for address in sorted(set(reviewed) | set(current)):
        if address not in current:
            lines.append(f"{address}: reviewed, no longer planned")
        elif address not in reviewed:
            lines.append(f"{address}: planned now, not in the review")
        elif reviewed[address] != current[address]:
            lines.append(f"{address}: planned differently from the review")
    return lines


def load(path: Path) -> dict[str, dict[str, str]]:
    return json.loads(path.read_text()) if path.exists() else {}


def merge(directory: Path, file: Path) -> int:
    book: dict[str, dict[str, str]] = {}
    for part in sorted(directory.rglob("reviewed.json")):
        for stack, found in load(part).items():
            if stack in book and book[stack] != found:
                raise ValueError(f"{stack} has two different reviews under {directory}")
            book[stack] = found
    file.write_text(json.dumps(book, indent=1, sort_keys=True) + "\n")
    return len(book)


def main(argv: Sequence[str]) -> int:
    if len(argv) == 3 and argv[0] == "merge":
        try:
            count = merge(Path(argv[1]), Path(argv[2]))
        except ValueError as exc:
            print(f"reviewed: {exc}", file=sys.stderr)
            return 1
        print(f"reviewed: {count} stack(s) merged into {argv[2]}")
        return 0
    if len(argv) != 4 or argv[0] not in ("record", "check"):
        print("\n".join(__doc__.strip().splitlines()[-3:]), file=sys.stderr)
        return 2
    command, plan_json, stack, file = argv[0], Path(argv[1]), argv[2], Path(argv[3])
    current = changes(json.loads(plan_json.read_text()))
    book = load(file)
    if command == "record":
        book[stack] = current
        file.write_text(json.dumps(book, indent=1, sort_keys=True) + "\n")
        print(f"reviewed: {stack}: {len(current)} change(s) recorded in {file}")
        return 0
    if stack not in book:
        print(f"reviewed: {stack} has no reviewed plan in {file}; plan it in a pull request first", file=sys.stderr)
        return 1
    diff = differences(book[stack], current)
    for line in diff:
        print(f"reviewed: {stack}: {line}", file=sys.stderr)
    if diff:
        print(f"reviewed: {stack}: the plan differs from the reviewed one in {len(diff)} place(s); refusing to apply", file=sys.stderr)
        return 1
    print(f"reviewed: {stack}: plan equals the reviewed one ({len(current)} change(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
