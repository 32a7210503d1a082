"""The rule files of an environment, written from the same Python the PrometheusRule objects
come from, and promtool runs over them. Imported by the observability tests."""
from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import promql_parser
import yaml

import environments
from constructs.components_rules import rule_groups
from constructs.prometheus_rules import Group
from stacks.platform_components import component_context

ENVS = environments.load()
_LABEL = re.compile(r"\{\{\s*\$labels\.(\w+)\s*\}\}")


@cache
def groups_of(env: str) -> dict[str, list[Group]]:
    return rule_groups(component_context(ENVS[env], cluster_name=f"sparki-{env}-eks", role_arns={}))


def all_rules(env: str) -> list[Mapping[str, Any]]:
    return [r for groups in groups_of(env).values() for g in groups for r in g.rules]


def write_rule_files(env: str, directory: Path) -> dict[str, Path]:
    """One promtool rule file per PrometheusRule object; {object name: path}."""
    directory.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, groups in groups_of(env).items():
        path = directory / f"{name}.yaml"
        path.write_text(yaml.safe_dump({"groups": [g.as_dict() for g in groups]}, sort_keys=False))
        files[name] = path
    return files


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("promtool")
    assert tool, "promtool is missing; `make tools` installs the Debian package prometheus"
    return subprocess.run([tool, *args], capture_output=True, text=True, timeout=600)


def render(template: str, labels: Mapping[str, str]) -> str:
    """An annotation as Prometheus expands it: the rules use $labels only."""
    return _LABEL.sub(lambda m: labels.get(m.group(1), "<no value>"), template)


def metric_names(expr: str) -> set[str]:
    """Every metric name an expression selects."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, promql_parser.VectorSelector):
            names.add(node.name)
            return
        for attr in ("lhs", "rhs", "expr", "param", "vector_selector"):
            child = getattr(node, attr, None)
            if child is not None:
                walk(child)
        for arg in getattr(node, "args", None) or ():
            walk(arg)

    walk(promql_parser.parse(expr))
    return names


def alert_rule(env: str, name: str) -> Mapping[str, Any]:
    """The first alert called `name` (SLO alerts share names across SLOs; tests pass the SLO)."""
    return next(r for r in all_rules(env) if r.get("alert") == name)


def expected_alert(rule: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
    exp_labels = {**labels, **rule["labels"]}
    return {"exp_labels": exp_labels, "exp_annotations": {k: render(v, exp_labels) for k, v in rule["annotations"].items()}}


def unit_test_file(rule_file: Path, interval: str, tests: Sequence[Mapping[str, Any]], path: Path) -> Path:
    path.write_text(yaml.safe_dump(
        {"rule_files": [str(rule_file)], "evaluation_interval": interval, "tests": list(tests)}, sort_keys=False, width=10**9,
    ))
    return path
