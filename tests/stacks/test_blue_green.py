"""Blue-green node groups: two generations side by side, named so that blue keeps today's names."""
from __future__ import annotations

import pytest
from cdktf import App

import environments
from catalog.naming import node_group_name
from environments.cluster_settings import NodeGenerations
from sparki.ci import blue_green
from stacks.compose import build_environment
from stacks.run_settings import RunSettings
from tests.support import of_type, read_stacks

PROD = environments.load()["prod"]


def rolled(live: str, retiring: bool) -> environments.Environment:
    return PROD.replace(cluster=PROD.cluster.replace(node_generations=NodeGenerations(live=live, retiring=retiring)))


def cluster_doc(env, tmp_path) -> dict:
    tmp_path.mkdir(parents=True, exist_ok=True)
    app = App(outdir=str(tmp_path / "cdktf.out"))
    build_environment(app, env, RunSettings())
    app.synth()
    return read_stacks(tmp_path / "cdktf.out")[f"sparki-{env.name}-cluster"]


def test_a_changed_setting_reaches_only_the_live_generation(tmp_path):
    env = rolled("green", True)
    bigger = [g.replace(disk_size_gib=g.disk_size_gib + 10) for g in env.cluster.node_groups]
    doc = cluster_doc(env.replace(cluster=env.cluster.replace(node_groups=tuple(bigger))), tmp_path)
    templates = {t["name"]: t for t in of_type(doc, "aws_launch_template").values()}
    for g in bigger:
        assert templates[f"sparki-prod-{g.name}"]["lifecycle"]["ignore_changes"] == "all"
        assert "lifecycle" not in templates[f"sparki-prod-{g.name}-green"]


def test_the_environments_run_one_blue_generation():
    for env in environments.load().values():
        assert env.cluster.node_generations == NodeGenerations()
        assert env.cluster.node_generations.present == ("blue",)


def test_a_rollout_runs_both_generations_then_only_the_new_one(tmp_path):
    both = cluster_doc(rolled("green", True), tmp_path / "both")
    groups = {g["node_group_name"]: (key, g) for key, g in of_type(both, "aws_eks_node_group").items()}
    names = [g.name for g in PROD.cluster.node_groups]
    assert sorted(groups) == sorted([f"sparki-prod-{n}" for n in names] + [f"sparki-prod-{n}-green" for n in names])
    for n in names:
        (blue_key, blue), (green_key, green) = groups[f"sparki-prod-{n}"], groups[f"sparki-prod-{n}-green"]
        # Blue keeps the construct id it always had; green gets its own beside it.
        ident = n.replace("-", "_")
        assert blue_key.startswith(f"{ident}_nodes_group_") and green_key.startswith(f"{ident}_nodes_green_group_")
        # Workloads follow the group, not the generation, so they can move between the two.
        assert blue["labels"]["sparki.io/node-group"] == green["labels"]["sparki.io/node-group"] == n
        assert blue["scaling_config"] == green["scaling_config"]
        # The retiring generation is frozen: settings changed for the new one do not roll it.
        assert blue["lifecycle"]["ignore_changes"] == "all" and green["lifecycle"]["ignore_changes"] == ["scaling_config[0].desired_size"]
    # The add-ons that need nodes wait for both generations.
    coredns = [a for a in of_type(both, "aws_eks_addon").values() if a["addon_name"] == "coredns"][0]
    assert sum("aws_eks_node_group." in d for d in coredns["depends_on"]) == len(groups)
    green_only = cluster_doc(rolled("green", False), tmp_path / "green")
    assert sorted(g["node_group_name"] for g in of_type(green_only, "aws_eks_node_group").values()) == sorted(f"sparki-prod-{n}-green" for n in names)


def test_a_retiring_generation_is_drained_and_a_removed_one_checked():
    g = blue_green.groups(rolled("green", True))
    assert set(g.live) == {node_group_name("sparki-prod", n.name, "green") for n in PROD.cluster.node_groups}
    assert set(g.retiring) == {node_group_name("sparki-prod", n.name) for n in PROD.cluster.node_groups} and g.absent == ()
    after = blue_green.groups(rolled("green", False))
    assert after.retiring == {} and set(after.absent) == set(g.retiring)
    assert blue_green.groups(PROD).absent == tuple(after.live)


def test_the_cluster_name_the_pipeline_uses_is_the_synthesized_one(stacks):
    for name in environments.NAMES:
        (cluster,) = of_type(stacks[f"sparki-{name}-cluster"], "aws_eks_cluster").values()
        assert cluster["name"] == blue_green.resource_name(name, blue_green.CLUSTER_COMPONENT)


@pytest.mark.parametrize(("live", "problem"), [("purple", "live"), ("", "live")])
def test_a_generation_must_be_blue_or_green(live, problem):
    raw = environments.read("prod")
    raw["cluster"]["node_generations"] = {"live": live}
    with pytest.raises(environments.ConfigError, match=f"prod.*cluster.node_generations.{problem}"):
        environments.parse("prod", raw)
