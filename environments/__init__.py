"""Environment settings: data only, validated when loaded.

load() imports each environment module, so a bad value in prod.py surfaces as a ConfigError
that names prod, the field and the fix; nothing else in the program runs first.
"""
from __future__ import annotations

import importlib
from collections.abc import Iterable

from pydantic import ValidationError

from environments.model import one_line
from environments.schema import ConfigError, Environment, check_disjoint

NAMES = ("dev", "staging", "prod")

__all__ = ["NAMES", "ConfigError", "Environment", "load"]


def load(only: Iterable[str] | None = None) -> dict[str, Environment]:
    """Every environment, validated together; `only` narrows the result, not the checks.

    All environments are always loaded, so that a CIDR overlap with an environment that is
    not being synthesized still fails.
    """
    loaded: dict[str, Environment] = {}
    for name in NAMES:
        try:
            module = importlib.import_module(f"environments.{name}")
        except ValidationError as exc:
            raise ConfigError(name, *one_line(exc)) from None
        loaded[name] = module.ENVIRONMENT
    check_disjoint(loaded)
    if only is None:
        return loaded
    wanted = list(only)
    unknown = [n for n in wanted if n not in loaded]
    if unknown:
        raise ConfigError(unknown[0], "ENV", f"unknown environment; use one of {', '.join(NAMES)}")
    return {n: loaded[n] for n in wanted}
