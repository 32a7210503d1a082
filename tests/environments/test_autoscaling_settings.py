"""[platform.autoscaling]: every rule on the real data (one line naming environment, field and
fix), the rows each environment must have (one per variable-load component it runs, none for
anything else), and docs/platform.md's table of ranges against the data."""
from __future__ import annotations

import re

import pytest

import environments
from catalog.kubernetes import AUTOSCALED, FIXED_REPLICAS, JAEGER, LOKI_READ, LOKI_WRITE
from tests.environments.mistakes import DELETE, assert_refused
from tests.support import ROOT

ENVS = environments.load()
ROW = {"min_replicas": 2, "max_replicas": 4}
DOC = ROOT / "docs" / "platform.md"
SECTION = "## Autoscaling of variable-load components: HPA and PodDisruptionBudget"


@pytest.mark.parametrize(
    "env, path, value, field, says",
    [
        ("dev", "platform.autoscaling.jaeger", {"min_replicas": 3, "max_replicas": 2}, "platform.autoscaling.jaeger.max_replicas", "below min_replicas 3"),
        ("dev", "platform.autoscaling.jaeger.max_replicas", 60, "platform.autoscaling.jaeger.max_replicas", "1..50"),
        ("dev", "platform.autoscaling.jaeger.min_replicas", 0, "platform.autoscaling.jaeger.min_replicas", "1..50"),
        ("staging", "platform.autoscaling.loki-read.cpu_percent", 100, "platform.autoscaling.loki-read.cpu_percent", "10..95"),
        ("prod", "platform.autoscaling.jaeger.min_replicas", 1, "platform.autoscaling.jaeger.min_replicas", "not allowed in production"),
        ("dev", "platform.autoscaling.loki-read", ROW, "platform.autoscaling.loki-read", "does not run in this environment"),
        ("staging", "platform.autoscaling.keda", ROW, "platform.autoscaling.keda", "is not a variable-load component"),
        ("prod", "platform.autoscaling.grafana", ROW, "platform.autoscaling.grafana", "SQLite"),
        ("staging", "platform.autoscaling.jaeger", DELETE, "platform.autoscaling", "lacks a row for 'jaeger'"),
        ("prod", "platform.autoscaling.loki-write.min_replicas", 2, "platform.autoscaling.loki-write.min_replicas", "below 3"),
    ],
)
def test_rule(env, path, value, field, says):
    assert_refused(env, path, value, field, says)


def test_switching_loki_to_one_binary_turns_its_rows_into_mistakes():
    raw = environments.read("staging")
    raw["observability"]["logs"] |= {"mode": "SingleBinary", "replicas": 1}
    with pytest.raises(environments.ConfigError, match="'loki-read' does not run in this environment; remove the row"):
        environments.parse("staging", raw)


@pytest.mark.parametrize("env", ENVS.values(), ids=list(ENVS))
def test_each_environment_has_a_row_for_exactly_the_variable_load_components_it_runs(env):
    scalable = env.observability.logs.mode == "SimpleScalable"
    expected = {JAEGER, *((LOKI_READ, LOKI_WRITE) if scalable else ())}
    assert set(env.platform.autoscaling) == expected
    assert not set(env.platform.autoscaling) & set(FIXED_REPLICAS)
    if env.is_production:
        assert all(row.min_replicas >= 2 for row in env.platform.autoscaling.values()), "a budget must leave one pod serving"


def documented() -> dict[str, list[str]]:
    """docs/platform.md's autoscaling table: component -> its dev, staging and prod cells."""
    text = DOC.read_text()
    section = text[text.index(SECTION):]
    section = section[: section.index("\n## ", len(SECTION))]
    header = next(line for line in section.splitlines() if line.startswith("| component |"))
    envs = [c.strip() for c in header.strip("|").split("|")][-len(ENVS):]
    assert envs == list(ENVS), f"the table's last columns are {envs}; name the environments {list(ENVS)} in order"
    rows = {}
    for line in section.splitlines():
        match = re.match(r"^\| `([\w-]+)` \|", line)
        if match:
            rows[match.group(1)] = [c.strip() for c in line.strip("|").split("|")][-len(ENVS):]
    return rows


def cell(env, name: str) -> str:
    if name in FIXED_REPLICAS:
        return "1 (fixed)"
    row = env.platform.autoscaling.get(name)
    if row is None:
        return "does not run"
    memory = f", {row.memory_percent}% memory" if row.memory_percent is not None else ""
    return f"{row.min_replicas}–{row.max_replicas} ({row.cpu_percent}% CPU{memory}, down after {row.scale_down_seconds} s)"


def test_the_docs_table_lists_every_variable_load_component_with_the_ranges_of_the_data():
    table = documented()
    assert set(table) == set(AUTOSCALED) | set(FIXED_REPLICAS), f"docs/platform.md lists {sorted(table)}"
    for name, cells in table.items():
        assert cells == [cell(env, name) for env in ENVS.values()], f"{name}: docs/platform.md says {cells}"
