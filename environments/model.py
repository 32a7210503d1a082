"""The base of every settings model, and how a validation failure becomes one line.

Every settings class is a strict, frozen pydantic model that refuses unknown fields: no
"3" -> 3, no "no" -> False, no float sizes, no string where a list belongs. A rule that needs
more than the type says raises Problem(field, text): a shared field rule on the type
(Annotated[int, in_range(1, 35, "days")], below) or a validator of the model. The loader turns
the first failure into ConfigError, whose str() is one line: environment, dotted field path,
what was given, what is allowed.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Iterable
from typing import Annotated, Any, NoReturn

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, model_validator

from catalog.aws import LOG_RETENTION_DAYS


class ConfigError(ValueError):
    """A setting is invalid. str() is one line: environment, field (none for a file that is
    not TOML), problem and fix."""

    def __init__(self, environment: str, field_name: str | None, problem: str) -> None:
        self.environment = environment
        self.field = field_name
        self.problem = problem
        where = f"field '{field_name}': " if field_name else ""
        super().__init__(f"environment '{environment}': {where}{problem}")


class Problem(ValueError):
    """Raised by a validator: `field` is relative to the model the validator belongs to
    ("" for the field a field-validator guards), `problem` says what was given and the fix."""

    def __init__(self, field_name: str, problem: str) -> None:
        self.field = field_name
        self.problem = problem
        super().__init__(problem)

    def under(self, parent: str) -> Problem:
        return Problem(f"{parent}.{self.field}" if self.field else parent, self.problem)


def fail(field_name: str, problem: str) -> NoReturn:
    raise Problem(field_name, problem)


class Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _known_fields(cls, data: Any) -> Any:
        # Ahead of pydantic's own extra="forbid", to name the fields that do exist.
        if isinstance(data, dict):
            for key in data:
                if key not in cls.model_fields:
                    near = difflib.get_close_matches(str(key), list(cls.model_fields), n=1)
                    hint = f"did you mean '{near[0]}'? " if near else ""
                    fail(str(key), f"unknown field; {hint}{cls.__name__} has {', '.join(cls.model_fields)}")
        return data

    def replace(self, **changes: Any) -> Model:
        """A copy with `changes`, validated again (model_copy would skip validation)."""
        return type(self)(**{**{name: getattr(self, name) for name in type(self).model_fields}, **changes})


# -- rules several layers share -----------------------------------------------------------------
def check_retention(field_name: str, days: int) -> None:
    if days not in LOG_RETENTION_DAYS:
        fail(field_name, f"{days} is not a CloudWatch retention value; use one of {', '.join(map(str, LOG_RETENTION_DAYS))}")


def check_range(field_name: str, value: int, low: int, high: int, unit: str = "", why: str = "") -> None:
    if not low <= value <= high:
        fail(field_name, f"{value} is out of range; {why or 'use'} {low}..{high}{' ' + unit if unit else ''}")


def require_true(settings: Model, field_name: str, why: str) -> None:
    """A switch production needs on; `why` says what false would cost there."""
    if not getattr(settings, field_name):
        fail(field_name, f"false is not allowed in production: {why}; set true")


def check_unique(field_name: str, values: Iterable[object], what: str) -> None:
    values = list(values)
    if len(set(values)) != len(values):
        fail(field_name, f"lists {what} twice; list each once")



def check_named_once(names: list[str], problem: Callable[[str, int], str]) -> None:
    """The items of a list, by their .name, each once; problem(name, first index) says why not."""
    for index, name in enumerate(names):
        first = names.index(name)
        if first != index:
            fail(f"[{index}].name", problem(name, first))


# -- field rules, for Annotated[type, rule]: one rule serves every field it fits ----------------
def rule(check: Callable[[Any], object]) -> AfterValidator:
    """A field rule from a check that raises Problem for the field it guards (field "")."""

    def validate(value: Any) -> Any:
        check(value)
        return value

    return AfterValidator(validate)


def in_range(low: int, high: int, unit: str = "", why: str = "") -> AfterValidator:
    return rule(lambda value: check_range("", value, low, high, unit, why))


def one_of(choices: Collection[object], what: str, note: str = "") -> AfterValidator:
    """`what` completes "'x' is not ...", e.g. "a NAT mode"; `note` follows the choices."""

    def check(value: object) -> None:
        if value not in choices:
            fail("", f"{value!r} is not {what}; use one of {', '.join(map(str, choices))}{' ' + note if note else ''}")

    return rule(check)


def subset_of(choices: Collection[str], what: str, hint: Callable[[list[str]], str] = lambda unknown: "") -> AfterValidator:
    """A list drawn from `choices`, each once; `what` is singular, e.g. "endpoint"."""

    def check(values: tuple[str, ...]) -> None:
        unknown = [v for v in values if v not in choices]
        if unknown:
            fail("", f"unknown {what}(s) {unknown}; use a subset of {', '.join(choices)}{hint(unknown)}")
        check_unique("", values, f"{'an' if what[0] in 'aeiou' else 'a'} {what}")

    return rule(check)


def each(check: Callable[[str, Any], object], unique: str = "", empty: str = "") -> AfterValidator:
    """A list rule: check(field, item) guards each item (field "[index]"); `unique` (e.g. "a
    zone") refuses an item listed twice; `empty`, the problem of an empty list, refuses one."""

    def check_all(values: tuple[Any, ...]) -> None:
        if empty and not values:
            fail("", empty)
        for index, value in enumerate(values):
            check(f"[{index}]", value)
        if unique:
            check_unique("", values, unique)

    return rule(check_all)


def matching(pattern: re.Pattern[str], problem: str) -> AfterValidator:
    """A string `pattern` matches; otherwise "'x' <problem>"."""

    def check(value: str) -> None:
        if not pattern.match(value):
            fail("", f"{value!r} {problem}")

    return rule(check)


Retention = Annotated[int, rule(lambda days: check_retention("", days))]
# S3 lifecycle periods: expiry and transition days.
LifecycleDays = Annotated[int, in_range(1, 3650, "days")]


# -- one line from a pydantic failure -----------------------------------------------------------
_KINDS = {str: "a string", int: "an integer", float: "a decimal number", bool: "a boolean", list: "a list", tuple: "a list", dict: "a table"}
_EXPECTED = {
    "int_type": "must be a whole number, without quotes, e.g. 3",
    "string_type": "must be a string, in quotes",
    "bool_type": "must be true or false, without quotes",
    "tuple_type": 'must be a list, e.g. ["a", "b"]',
    "list_type": 'must be a list, e.g. ["a", "b"]',
    "dict_type": "must be a table of key = value pairs",
    "model_type": "must be a table of settings",
    "model_attributes_type": "must be a table of settings",
    "missing": "is required; add it",
}


def path(loc: Iterable[object]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def shown(value: object) -> str:
    kind = _KINDS.get(type(value))
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    text = repr(value) if not isinstance(value, tuple) else repr(list(value))
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({kind})" if kind and type(value) is not int else text


def one_line(exc: ValidationError) -> tuple[str, str]:
    """(field path, problem) of the first error; "(and N more)" when there are more."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc = list(first["loc"])
    cause = (first.get("ctx") or {}).get("error")
    if isinstance(cause, Problem):
        field_name = path([*loc, *cause.field.split(".")] if cause.field else loc)
        problem = cause.problem
    elif first["type"] == "missing":
        field_name, problem = path(loc), _EXPECTED["missing"]
    else:
        field_name = path(loc)
        expected = _EXPECTED.get(first["type"]) or first["msg"].replace("Input should be", "must be").replace("Value error, ", "")
        problem = f"given {shown(first['input'])}; {expected}"
    if len(errors) > 1:
        problem += f" (and {len(errors) - 1} more)"
    return field_name.replace(".[", "["), problem
