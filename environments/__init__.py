"""Environment settings: data files (environments/<name>.toml), validated when loaded.

load() parses every file with the strict models of environments/*_settings.py, so a bad value
in prod.toml surfaces as one ConfigError line that names prod, the field path, what was given
and what is allowed; nothing else in the program runs first. docs/ARCHITECTURE.md says why the
data are TOML files and not Python modules.
"""
from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from environments.model import one_line
from environments.schema import ConfigError, Environment, check_disjoint

# Promotion order: dev -> staging -> prod. Cross-environment rules (retention never shrinks
# towards production) read it.
NAMES = ("dev", "staging", "prod")
DIRECTORY = Path(__file__).resolve().parent

__all__ = ["NAMES", "ConfigError", "Environment", "load", "parse", "read"]


def _frozen(value: Any) -> Any:
    """TOML arrays become tuples (the models hold tuples and, being strict, accept nothing
    else); tables stay dicts."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    return value


def read(name: str, directory: Path = DIRECTORY) -> dict[str, Any]:
    """The raw table of environments/<name>.toml; ConfigError (file and line) if it is not TOML."""
    path = directory / f"{name}.toml"
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(name, None, f"cannot read {path.name}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(name, None, f"{path.name} is not valid TOML: {exc}") from None


def parse(name: str, data: dict[str, Any]) -> Environment:
    """One environment from its raw table; ConfigError naming the first wrong field."""
    if "name" in data:
        raise ConfigError(name, "name", f"given {data['name']!r}; remove it: the file name ({name}.toml) names the environment")
    try:
        return Environment.model_validate(_frozen({"name": name, **data}))
    except ValidationError as exc:
        raise ConfigError(name, *one_line(exc)) from None


def load(only: Iterable[str] | None = None, directory: Path = DIRECTORY) -> dict[str, Environment]:
    """Every environment, validated together; `only` narrows the result, not the checks.

    All environments are always loaded, so that a CIDR overlap with an environment that is
    not being synthesized still fails.
    """
    loaded = {name: parse(name, read(name, directory)) for name in NAMES}
    check_disjoint(loaded)
    if only is None:
        return loaded
    wanted = list(only)
    unknown = [n for n in wanted if n not in loaded]
    if unknown:
        raise ConfigError(unknown[0], "ENV", f"unknown environment; use one of {', '.join(NAMES)}")
    return {n: loaded[n] for n in wanted}
