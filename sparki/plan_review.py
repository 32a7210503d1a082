"""The plan review: what `terraform show -json` of a plan means for a pull request.

sparki/plan.py (`make plan`) plans each stack and renders plans/review.md from these
StackReviews: per stack the number of
creates, updates, replacements, destroys, forgets and moves and the addresses that change, and
first of all a loud section for stateful resources (catalog/stateful.py) that would be destroyed
or replaced, and for updates that remove a protection (sparki/plan_protection.py).

Exit status: 0 reviewed; 1 a stack could not be planned (or its plan holds an action this review
does not know); 3 a stateful resource would be destroyed or replaced, or lose its protection,
and that was not allowed (--allow-stateful-destroy or ALLOW_STATEFUL_DESTROY=1). A forget
(`removed { lifecycle { destroy = false } }`) does not gate: nothing is deleted. The review names
only addresses and attribute paths, never values: plan files and `show -json` output can hold
secrets, the review cannot.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from catalog.stateful import STATEFUL_TYPES
from sparki.plan_cost import CostDelta, plan_cost, render_cost
from sparki.plan_protection import Protection, removed_protections

EXIT_OK, EXIT_PLAN_FAILED, EXIT_STATEFUL = 0, 1, 3
ACTIONS = ("create", "update", "replace", "destroy", "forget", "move")
SYMBOLS = {"create": "+", "update": "~", "replace": "-/+", "destroy": "-", "forget": ".", "move": "->"}
# terraform show -json "actions" -> the review's action; no-op (unless moved) and read are left out.
KNOWN_ACTIONS = {
    ("create",): "create",
    ("update",): "update",
    ("delete", "create"): "replace",
    ("create", "delete"): "replace",
    ("delete",): "destroy",
    ("forget",): "forget",
    ("create", "forget"): "forget",  # replaced, but the old object is kept (destroy = false)
    ("no-op",): None,
    ("read",): None,
}
# Replacements that lose nothing: forced only by these paths, the "new" resource is the next
# version of a value whose previous version the service keeps. A secret version forced by
# secret_string_wo_version (raising a write-only password's version, docs/runbooks/
# database-password.md): the provider's delete leaves the old version's AWSCURRENT label, the
# create's PutSecretValue moves it to the new version and the old one becomes AWSPREVIOUS.
NEW_VERSION_PATHS: Mapping[str, frozenset[str]] = {
    "aws_secretsmanager_secret_version": frozenset({"secret_string_wo_version"}),
}


@dataclass(frozen=True)
class Change:
    """One managed resource the plan would change. moved_from: its previous address;
    protections: the protections this change removes (plan_protection.PROTECTIONS rows);
    recreated: a forget whose resource is created anew in its place."""

    address: str
    type: str
    action: str
    forced_by: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()
    moved_from: str = ""
    protections: tuple[Protection, ...] = ()
    recreated: bool = False

    @property
    def new_version(self) -> bool:
        """A replacement that only writes the next version of a kept value (NEW_VERSION_PATHS)."""
        paths = NEW_VERSION_PATHS.get(self.type, frozenset())
        return self.action == "replace" and bool(self.forced_by) and set(self.forced_by) <= paths

    @property
    def stateful(self) -> bool:
        """A stateful resource destroyed or replaced (a new version of a kept value is not)."""
        return self.type in STATEFUL_TYPES and self.action in ("replace", "destroy") and not self.new_version

    @property
    def unprotected(self) -> tuple[Protection, ...]:
        """Removed protections that gate the review like a destroy."""
        return tuple(p for p in self.protections if p.gates)

    @property
    def gates(self) -> bool:
        return self.stateful or bool(self.unprotected)

    @property
    def notes(self) -> list[str]:
        """What a reviewer should see about a stateful resource that does not gate."""
        notes = [f"`{p.attribute}` {p.before} -> {p.after}: {p.why}" for p in self.protections if not p.gates]
        if self.action == "forget" and self.type in STATEFUL_TYPES:
            notes.insert(0, "leaves Terraform state; it is NOT destroyed and nothing manages it afterwards")
        if self.new_version:
            notes.insert(0, f"a new version is written ({', '.join(self.forced_by)} changed); the previous value is kept by the service")
        return notes

    def describe(self) -> str:
        why = ""
        if self.forced_by:
            why = f" (forced by {', '.join(self.forced_by)})"
        elif self.attributes:
            why = f" ({', '.join(self.attributes)})"
        moved = f" (moved from {self.moved_from})" if self.moved_from else ""
        return f"{self.action} {self.address}{moved}{why}"


@dataclass(frozen=True)
class StackReview:
    stack: str
    changes: tuple[Change, ...] = ()
    error: str = ""
    planfile: str = ""
    cost: CostDelta | None = None

    @property
    def counts(self) -> dict[str, int]:
        """Per action; "move" counts every address that moves, also one that changes as well."""
        counts = {a: sum(c.action == a for c in self.changes) for a in ACTIONS}
        counts["move"] = sum(bool(c.moved_from) for c in self.changes)
        return counts

    @property
    def stateful(self) -> list[Change]:
        return [c for c in self.changes if c.stateful]

    @property
    def unprotected(self) -> list[Change]:
        return [c for c in self.changes if c.unprotected]

    @property
    def noted(self) -> list[Change]:
        return [c for c in self.changes if c.notes]

    @property
    def gates(self) -> bool:
        return any(c.gates for c in self.changes)


def _path(path: Sequence) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _changed_attributes(change: Mapping) -> tuple[str, ...]:
    before, after = change.get("before") or {}, change.get("after") or {}
    unknown = change.get("after_unknown") or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return ()
    keys = set(before) | set(after) | set(unknown)
    return tuple(sorted(k for k in keys if before.get(k) != after.get(k) or unknown.get(k) is True))


def summarize(stack: str, plan: Mapping, planfile: str = "") -> StackReview:
    """A StackReview from `terraform show -json` of a plan. Data sources and no-ops are left
    out, but a no-op that moves is a "move". An action this review does not know is an error,
    never silently dropped."""
    changes, unknown = [], []
    for rc in plan.get("resource_changes", []):
        if rc.get("mode", "managed") != "managed":
            continue
        change = rc.get("change", {})
        actions = tuple(change.get("actions", []))
        if actions not in KNOWN_ACTIONS:
            unknown.append(f"{rc['address']}: {list(actions)}")
            continue
        action = KNOWN_ACTIONS[actions]
        moved_from = rc.get("previous_address", "")
        if action is None and moved_from:
            action = "move"
        if action is None:
            continue
        replaced = action == "replace" or actions == ("create", "forget")
        forced = tuple(_path(p) for p in change.get("replace_paths", []) or []) if replaced else ()
        attributes = _changed_attributes(change) if action == "update" else ()
        protections = removed_protections(rc["type"], change) if action in ("update", "replace") else ()
        changes.append(Change(rc["address"], rc["type"], action, forced, attributes, moved_from, protections,
                              recreated=actions == ("create", "forget")))
    error = ""
    if unknown:
        error = f"the plan has actions the review does not know (teach sparki/plan_review.py KNOWN_ACTIONS): {'; '.join(unknown)}"
    ordered = sorted(changes, key=lambda c: (ACTIONS.index(c.action), c.address))
    return StackReview(stack, tuple(ordered), error=error, planfile=planfile, cost=plan_cost(stack, plan))


def _caution(reviews: Sequence[StackReview], allowed: bool) -> list[str]:
    destroyed = sum(len(r.stateful) for r in reviews)
    unprotected = sum(len(r.unprotected) for r in reviews)
    if not destroyed and not unprotected:
        return []
    lines = ["> [!CAUTION]"]
    if destroyed:
        lines.append(f"> **{destroyed} stateful resource(s) would be DESTROYED or REPLACED.** Their data, keys or logs are lost.")
    if unprotected:
        lines.append(f"> **{unprotected} stateful resource(s) would LOSE THEIR PROTECTION** against deletion or data loss.")
    lines += [
        "> " + ("Allowed for this run (ALLOW_STATEFUL_DESTROY=1)." if allowed
                else "The plan review fails until someone approves it with ALLOW_STATEFUL_DESTROY=1."),
        "",
    ]
    if destroyed:
        lines += [
            "## STATEFUL RESOURCES DESTROYED OR REPLACED",
            "",
            "| stack | resource | action | forced by |",
            "|---|---|---|---|",
            *(f"| {r.stack} | `{c.address}` | **{c.action}** | {', '.join(f'`{p}`' for p in c.forced_by) or '-'} |"
              for r in reviews for c in r.stateful),
            "",
        ]
    if unprotected:
        lines += [
            "## PROTECTION REMOVED",
            "",
            "| stack | resource | attribute | change | risk |",
            "|---|---|---|---|---|",
            *(f"| {r.stack} | `{c.address}` | `{p.attribute}` | {p.before} -> **{p.after}** | {p.why} |"
              for r in reviews for c in r.unprotected for p in c.unprotected),
            "",
        ]
    return lines


def _notes(reviews: Sequence[StackReview]) -> list[str]:
    rows = [f"| {r.stack} | `{c.address}` | {note} |" for r in reviews for c in r.noted for note in c.notes]
    if not rows:
        return []
    return [
        "> [!WARNING]",
        f"> **{len(rows)} note(s) on stateful resources** that do not fail the review: read them before applying.",
        "",
        "## STATEFUL RESOURCES: NOTES",
        "",
        "| stack | resource | note |",
        "|---|---|---|",
        *rows,
        "",
    ]


def render(environment: str, reviews: Sequence[StackReview], allowed: bool, cost_threshold: float | None = None) -> str:
    """The Markdown review: what gates first, then notes, a table, the monthly cost delta (flagged
    above cost_threshold), then each stack's changes."""
    lines = [f"# Plan review: {environment}", "", *_caution(reviews, allowed), *_notes(reviews)]
    failed = [r for r in reviews if r.error]
    if failed:
        lines += ["> [!WARNING]", f"> **{len(failed)} stack(s) could not be planned:** {', '.join(r.stack for r in failed)}", ""]
    lines += ["## Summary", "", "| stack | " + " | ".join(ACTIONS) + " |", "|---|" + "---:|" * len(ACTIONS)]
    for r in reviews:
        if r.error:
            lines.append(f"| {r.stack} | plan failed |" + " |" * (len(ACTIONS) - 1))
        else:
            lines.append(f"| {r.stack} | " + " | ".join(str(r.counts[a]) for a in ACTIONS) + " |")
    costs = {r.stack: r.cost for r in reviews if r.cost is not None}
    if costs:
        lines += ["", *render_cost(costs, cost_threshold)]
    for r in reviews:
        lines += ["", f"## {r.stack}", ""]
        if r.error:
            lines += ["Plan failed:", "", "```", r.error.strip(), "```"]
        elif not r.changes:
            lines.append("No changes.")
        else:
            lines += [_line(c) for c in r.changes]
    return "\n".join(lines) + "\n"


_MEANING = {
    "forget": "leaves Terraform state; the object itself is kept",
    "move": "nothing else changes",
}


def _line(c: Change) -> str:
    parts = []
    if c.moved_from:
        parts.append(f"moved from `{c.moved_from}`")
    if c.action in _MEANING:
        parts.append(_MEANING[c.action])
    if c.recreated:
        parts.append("a new one is created in its place")
    if c.forced_by:
        parts.append("forced by " + ", ".join(f"`{p}`" for p in c.forced_by))
    elif c.attributes:
        parts.append(", ".join(f"`{a}`" for a in c.attributes))
    why = f" ({'; '.join(parts)})" if parts else ""
    marks = []
    if c.stateful or (c.action == "forget" and c.type in STATEFUL_TYPES):
        marks.append("**stateful**")
    marks += [f"**protection removed: `{p.attribute}`**" for p in c.unprotected]
    marks += [f"*note: `{p.attribute}`*" for p in c.protections if not p.gates]
    return f"- `{SYMBOLS[c.action]}` {c.action} `{c.address}`{why}" + "".join(f" {m}" for m in marks)


def exit_code(reviews: Iterable[StackReview], allowed: bool) -> int:
    reviews = list(reviews)
    if any(r.error for r in reviews):
        return EXIT_PLAN_FAILED
    if not allowed and any(r.gates for r in reviews):
        return EXIT_STATEFUL
    return EXIT_OK
