"""Updates that take a stateful resource's protection away, read from a plan's before/after.

A destroy or replacement of a stateful type is gated by the plan review; so is an update that
makes a later loss easy: deletion protection off, force-destroy on, a key disabled, automated
backups or snapshots off, versioning suspended. PROTECTIONS is the whole table; the rows that
only weaken a safety net a destroy would need anyway (the deletion window of a key, the final
snapshot) are noted in the review but do not gate, because that destroy is gated itself.

Only the table's own from/to words reach the review, never a value from the plan.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from catalog.stateful import DELETION_PROTECTION, FORCE_DESTROY

Test = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Protection:
    """type / path: where the protection lives; before / after: what the change looks like, in
    words for the review; why: what is at risk; gates: whether it fails the review like a destroy."""

    type: str
    path: tuple[str | int, ...]
    before: str
    after: str
    why: str
    removed: Test
    gates: bool = True

    @property
    def attribute(self) -> str:
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
        return out


def _on(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _off(value: Any) -> bool:
    return value is False or value is None or (isinstance(value, str) and value.lower() == "false")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _turned_off(before: Any, after: Any) -> bool:
    return _on(before) and _off(after)


def _turned_on(before: Any, after: Any) -> bool:
    return _off(before) and _on(after)


def _to_zero(before: Any, after: Any) -> bool:
    return _number(before) and before > 0 and after == 0


def _shortened(before: Any, after: Any) -> bool:
    return _number(before) and _number(after) and after < before


def _suspended(before: Any, after: Any) -> bool:
    return before == "Enabled" and after in ("Suspended", "Disabled")


_FINAL_SNAPSHOT = ("aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster", "aws_redshift_cluster")

PROTECTIONS: tuple[Protection, ...] = (
    *(Protection(t, (a,), "true", "false", "deletion protection off: one call (console, CLI or apply) deletes it", _turned_off)
      for t, a in DELETION_PROTECTION.items()),
    *(Protection(t, (a,), "false", "true", "a destroy also deletes everything in it, instead of refusing", _turned_on)
      for t, a in FORCE_DESTROY.items()),
    Protection("aws_kms_key", ("is_enabled",), "true", "false", "key disabled: everything encrypted with it is unreadable", _turned_off),
    Protection("aws_db_instance", ("backup_retention_period",), "> 0", "0",
               "automated backups off, and the existing automated backups are deleted", _to_zero),
    *(Protection(t, ("snapshot_retention_limit",), "> 0", "0", "automatic snapshots off", _to_zero)
      for t in ("aws_elasticache_replication_group", "aws_elasticache_cluster", "aws_elasticache_serverless_cache", "aws_memorydb_cluster")),
    Protection("aws_s3_bucket_versioning", ("versioning_configuration", 0, "status"), "Enabled", "Suspended",
               "versioning suspended: overwritten and deleted objects are no longer kept", _suspended),
    # Noted, not gating: they matter only on a destroy, and that destroy gates the review itself.
    Protection("aws_kms_key", ("deletion_window_in_days",), "n days", "fewer days",
               "less time to cancel a scheduled key deletion", _shortened, gates=False),
    *(Protection(t, ("skip_final_snapshot",), "false", "true", "no final snapshot when it is deleted", _turned_on, gates=False)
      for t in _FINAL_SNAPSHOT),
)

_BY_TYPE: dict[str, tuple[Protection, ...]] = {}
for _p in PROTECTIONS:
    _BY_TYPE[_p.type] = (*_BY_TYPE.get(_p.type, ()), _p)

_MISSING = object()


def _at(value: Any, path: Sequence[str | int]) -> Any:
    for part in path:
        if isinstance(part, int):
            if not isinstance(value, list) or len(value) <= part:
                return _MISSING
            value = value[part]
        else:
            if not isinstance(value, Mapping) or part not in value:
                return _MISSING
            value = value[part]
    return value


def removed_protections(rtype: str, change: Mapping) -> tuple[Protection, ...]:
    """The rows of PROTECTIONS this change (a resource_changes[].change) matches. A value that
    is unknown until apply, or absent on either side, matches nothing."""
    found = []
    for p in _BY_TYPE.get(rtype, ()):
        before, after = _at(change.get("before"), p.path), _at(change.get("after"), p.path)
        if before is _MISSING or after is _MISSING or _at(change.get("after_unknown"), p.path) is True:
            continue
        if p.removed(before, after):
            found.append(p)
    return tuple(found)
