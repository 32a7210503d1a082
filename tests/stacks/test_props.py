"""stacks/props.py: settings become props by field name, and every mismatch fails."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

import environments
from constructs.cache import CacheProps
from constructs.database import DatabaseProps
from constructs.node_group import NodeGroupProps
from environments.model import Model
from stacks.props import MappingError, props_from

ENVS = environments.load()


class Settings(Model):
    size: int
    label: str = "x"


@dataclass(frozen=True)
class Props:
    size: int
    name: str
    label: str = "x"
    tags: dict = field(default_factory=dict)


def test_fields_map_by_name_with_renames_conversions_and_extras():
    props = props_from(Props, Settings(size=3), convert={"size": lambda n: n * 2}, extra={"name": "n"})
    assert props == Props(size=6, name="n", label="x")


@pytest.mark.parametrize(
    "kwargs, says",
    [
        (dict(extra={"name": "n"}, rename={"label": "colour"}), "Settings.label has no prop in Props"),
        (dict(extra={"name": "n"}, rename={"sise": "size"}), "Settings has no field 'sise'"),
        (dict(extra={"name": "n"}, convert={"colour": str}), "Settings has no field 'colour'"),
        (dict(extra={"name": "n", "size": 4}), "Props.size comes from Settings.size and from an extra value"),
        (dict(extra={"name": "n", "colour": "red"}), "Props has no prop 'colour'"),
        (dict(), "Props.name is required and set by neither Settings nor the extra values"),
    ],
)
def test_every_mismatch_fails_with_one_line(kwargs, says):
    with pytest.raises(MappingError) as err:
        props_from(Props, Settings(size=3), **kwargs)
    assert says in str(err.value) and "\n" not in str(err.value)


DB_RENAME = {"storage_gib": "allocated_storage_gib", "max_storage_gib": "max_allocated_storage_gib"}
ARNS = dict(storage_key_arn="k", log_key_arn="k", alarm_topic_arn="t", vpc_id="v", subnet_group_name="s")


def reached(settings, props, rename=None) -> list[str]:
    """The settings fields whose value the props do not carry."""
    return [f for f in type(settings).model_fields if getattr(props, (rename or {}).get(f, f)) != getattr(settings, f)]


@pytest.mark.parametrize("env", list(ENVS.values()), ids=list(ENVS))
def test_every_data_and_node_group_setting_reaches_its_prop(env):
    db = props_from(DatabaseProps, env.data.database, rename=DB_RENAME, extra=dict(ARNS, name="n", region="r", account_id="a", secret_key_arn="k"))
    assert reached(env.data.database, db, DB_RENAME) == []
    cache = props_from(CacheProps, env.data.cache, extra=dict(ARNS, name="n"))
    assert reached(env.data.cache, cache) == []
    for group in env.cluster.node_groups:
        props = props_from(NodeGroupProps, group, rename={"name": "group"}, extra=dict(
            name_prefix="p", cluster_name="c", cluster_version="1.33", subnet_ids=("s",), root_volume_key_arn="k"))
        assert reached(group, props, {"name": "group"}) == []
