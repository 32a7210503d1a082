"""The plan review's monthly cost delta, on hand-made `terraform show -json` plans: priced by the
same functions as `make cost`, per address and per stack, flagged above the environment's
threshold."""
from __future__ import annotations

import pytest

from catalog import prices
from catalog.prices import HOURS_PER_MONTH as H
from sparki.plan_cost import over_threshold, plan_cost
from sparki.plan_review import render, summarize

STACK = "sparki-staging-cluster"
NODE = prices.EC2_LARGE_HOUR["m6i"] * 2 * H + 80 * prices.EBS_GP3_GB_MONTH  # one m6i.xlarge with 80 GiB


def _rc(address: str, actions: list, before: dict | None, after: dict | None) -> dict:
    rtype, name = address.split(".")
    return {"address": address, "mode": "managed", "type": rtype, "name": name,
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {}}}


def _group(desired: int, template_id: str | None = "lt-1") -> dict:
    template = {"id": template_id, "version": "1"} if template_id else {"version": "1"}
    return {"instance_types": ["m6i.xlarge"], "capacity_type": "ON_DEMAND", "launch_template": [template],
            "scaling_config": [{"desired_size": desired, "min_size": 1, "max_size": 9}]}


TEMPLATE = {"id": "lt-1", "block_device_mappings": [{"device_name": "/dev/xvda", "ebs": [{"volume_size": 80}]}]}
CONFIG = {"provider_config": {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "us-east-1"}}}},
          "root_module": {"resources": [
              {"address": "aws_eks_node_group.new", "provider_config_key": "aws",
               "expressions": {"launch_template": [{"id": {"references": ["aws_launch_template.lt.id", "aws_launch_template.lt"]}}]}},
          ]}}


def test_growing_a_node_group_costs_the_added_nodes():
    plan = {"resource_changes": [
        _rc("aws_launch_template.lt", ["no-op"], TEMPLATE, TEMPLATE),
        _rc("aws_eks_node_group.g", ["update"], _group(3), _group(5)),
    ], "configuration": CONFIG}
    cost = plan_cost(STACK, plan)
    assert cost.delta == pytest.approx(2 * NODE)
    assert [a for a, _, _ in cost.per_address] == ["aws_eks_node_group.g"]


def test_a_new_group_finds_its_new_launch_template_through_the_configuration():
    new_template = {k: v for k, v in TEMPLATE.items() if k != "id"}
    plan = {"resource_changes": [
        _rc("aws_launch_template.lt", ["create"], None, new_template),
        _rc("aws_eks_node_group.new", ["create"], None, _group(2, template_id=None)),
    ], "configuration": CONFIG}
    assert plan_cost(STACK, plan).delta == pytest.approx(2 * NODE)


def test_a_destroy_lowers_the_cost():
    db = {"instance_class": "db.m7g.large", "allocated_storage": 50, "multi_az": True}
    cost = plan_cost("sparki-staging-data", {"resource_changes": [_rc("aws_db_instance.db", ["delete"], db, None)]})
    assert cost.delta == pytest.approx(-2 * (prices.RDS_LARGE_HOUR["m7g"] * H + 50 * prices.RDS_GP3_GB_MONTH))


def test_an_unpriced_type_is_reported_not_fatal():
    cost = plan_cost(STACK, {"resource_changes": [_rc("aws_lambda_function.f", ["create"], None, {})]})
    assert "aws_lambda_function has no price" in cost.error


@pytest.mark.parametrize("added, flagged", [(5, True), (1, False)])
def test_the_review_flags_a_rise_above_the_threshold(added, flagged):
    plan = {"resource_changes": [
        _rc("aws_launch_template.lt", ["no-op"], TEMPLATE, TEMPLATE),
        _rc("aws_eks_node_group.g", ["update"], _group(3), _group(3 + added)),
    ], "configuration": CONFIG}
    review = summarize(STACK, plan)
    threshold = 2 * NODE
    text = render("staging", [review], allowed=False, cost_threshold=threshold)
    assert f"| {STACK} | {3 * NODE:,.2f} | {(3 + added) * NODE:,.2f} | {added * NODE:+,.2f} |" in text
    assert ("Monthly cost rises by" in text) is flagged
    assert (over_threshold({STACK: review.cost}, threshold) is not None) is flagged
