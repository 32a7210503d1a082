"""Settings become construct props in one place: by field name, with the renames, conversions
and extra values a stack names explicitly. A settings field the props cannot take, a stale
entry in a table, or a required prop left unset fails at synth time with one line, so a new
setting cannot be silently dropped on its way to the construct.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

P = TypeVar("P")


class MappingError(TypeError):
    """A settings model and a props dataclass do not fit together; str() says where."""


def props_from(
    props_type: type[P],
    settings: BaseModel,
    *,
    rename: Mapping[str, str] | None = None,
    convert: Mapping[str, Callable[[Any], Any]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> P:
    """props_type built from every field of `settings`.

    rename: settings field -> prop name, where they differ.
    convert: settings field -> function applied to its value (e.g. settings taints to the
        construct's Taint).
    extra: props that do not come from these settings (ARNs of other layers, names).
    """
    rename, convert, extra = dict(rename or {}), dict(convert or {}), dict(extra or {})
    source, target = type(settings).__name__, props_type.__name__
    fields = type(settings).model_fields
    props = {f.name: f for f in dataclasses.fields(props_type)}
    stale = sorted((set(rename) | set(convert)) - set(fields))
    if stale:
        raise MappingError(f"{source} has no field {stale[0]!r}; remove it from the mapping to {target}")
    values: dict[str, Any] = {}
    for name in fields:
        prop = rename.get(name, name)
        if prop not in props:
            raise MappingError(f"{source}.{name} has no prop in {target}; add the prop, or rename the field to the prop that takes it")
        if prop in extra:
            raise MappingError(f"{target}.{prop} comes from {source}.{name} and from an extra value; give it once")
        value = getattr(settings, name)
        values[prop] = convert[name](value) if name in convert else value
    for prop, value in extra.items():
        if prop not in props:
            raise MappingError(f"{target} has no prop {prop!r}; remove it from the extra values")
        values[prop] = value
    missing = [
        name for name, f in props.items()
        if name not in values and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        raise MappingError(f"{target}.{missing[0]} is required and set by neither {source} nor the extra values")
    return props_type(**values)
