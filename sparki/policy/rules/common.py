"""Check builders more than one family uses."""
from __future__ import annotations

from collections.abc import Callable

from sparki.policy.model import Finding, compliant, non_compliant
from sparki.policy.view import Resource, truthy

AttributeCheck = Callable[[Resource], Finding]


def flag(attr: str) -> AttributeCheck:
    """Compliant when the argument is true (a boolean, or the string "true")."""

    def check(r: Resource) -> Finding:
        return compliant() if truthy(r.get(attr)) else non_compliant(f"{attr} is not true")

    return check
