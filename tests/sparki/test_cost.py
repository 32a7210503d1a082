"""The cost estimate's pricing rules on small hand-built stacks (no synthesis): what doubles,
what is discounted, what is free, and the one-line errors for what cannot be priced."""
from __future__ import annotations

import pytest

from catalog import prices
from catalog.prices import HOURS_PER_MONTH as H
from sparki.cost import CostError, by, estimate_stack, total

STACK = "sparki-dev-data"


def tf(resources: dict, region: str = "us-east-1", **aliases: str) -> dict:
    providers = [{"region": region}] + [{"alias": a, "region": r} for a, r in aliases.items()]
    return {"provider": {"aws": providers}, "resource": resources}


def db(**args) -> dict:
    return {"instance_class": "db.m7g.large", "allocated_storage": 50, "multi_az": False, **args}


def test_multi_az_doubles_the_instance_and_its_storage():
    single = by(estimate_stack(STACK, tf({"aws_db_instance": {"a": db()}})), "kind")
    double = by(estimate_stack(STACK, tf({"aws_db_instance": {"a": db(multi_az=True)}})), "kind")
    assert single["RDS instances"] == pytest.approx(prices.RDS_LARGE_HOUR["m7g"] * H)
    assert double["RDS instances"] == pytest.approx(2 * single["RDS instances"])
    assert double["RDS storage"] == pytest.approx(2 * 50 * prices.RDS_GP3_GB_MONTH)


def test_a_replica_is_priced_with_its_source_storage():
    doc = tf({"aws_db_instance": {
        "primary": db(identifier="x"),
        "replica": db(allocated_storage=None, replicate_source_db="${aws_db_instance.primary.identifier}"),
    }})
    storage = [line for line in estimate_stack(STACK, doc) if line.kind == "RDS storage"]
    assert [line.monthly for line in storage] == pytest.approx([50 * prices.RDS_GP3_GB_MONTH] * 2)


@pytest.mark.parametrize("retention, priced", [(7, False), (31, True)])
def test_performance_insights_costs_only_beyond_the_free_week(retention, priced):
    doc = tf({"aws_db_instance": {"a": db(performance_insights_enabled=True, performance_insights_retention_period=retention)}})
    kinds = by(estimate_stack(STACK, doc), "kind")
    assert ("RDS Performance Insights" in kinds) is priced
    if priced:
        assert kinds["RDS Performance Insights"] == pytest.approx(2 * prices.RDS_INSIGHTS_VCPU_HOUR * H)


def node_group(capacity: str, desired: int = 2) -> dict:
    return {
        "aws_eks_node_group": {"g": {"instance_types": ["m6i.xlarge", "m6a.xlarge"], "capacity_type": capacity,
                                     "scaling_config": {"desired_size": desired, "min_size": 1, "max_size": 4},
                                     "launch_template": {"id": "${aws_launch_template.lt.id}"}}},
        "aws_launch_template": {"lt": {"block_device_mappings": [{"ebs": {"volume_size": 60}}]}},
    }


def test_spot_nodes_cost_the_assumed_share_of_on_demand():
    on_demand = by(estimate_stack(STACK, tf(node_group("ON_DEMAND"))), "kind")
    spot = by(estimate_stack(STACK, tf(node_group("SPOT"))), "kind")
    assert on_demand["EC2 nodes"] == pytest.approx(2 * 2 * prices.EC2_LARGE_HOUR["m6i"] * H)
    assert spot["EC2 nodes"] == pytest.approx(on_demand["EC2 nodes"] * prices.USAGE["dev"].spot_factor)
    assert spot["EBS node volumes"] == on_demand["EBS node volumes"] == pytest.approx(2 * 60 * prices.EBS_GP3_GB_MONTH)


def test_rds_proxy_costs_per_vcpu_of_its_database():
    doc = tf({"aws_db_instance": {"a": db(identifier="x", instance_class="db.r7g.xlarge")},
              "aws_db_proxy": {"p": {}},
              "aws_db_proxy_target": {"t": {"db_instance_identifier": "${aws_db_instance.a.identifier}"}}})
    assert by(estimate_stack(STACK, doc), "kind")["RDS Proxy"] == pytest.approx(4 * prices.RDS_PROXY_VCPU_HOUR * H)


@pytest.mark.parametrize("engine, factor", [("valkey", prices.VALKEY_FACTOR), ("redis", 1.0)])
def test_cache_nodes_by_engine(engine, factor):
    doc = tf({"aws_elasticache_replication_group": {"c": {"node_type": "cache.r7g.xlarge", "num_cache_clusters": 3, "engine": engine}}})
    assert total(estimate_stack(STACK, doc)) == pytest.approx(3 * 2 * prices.CACHE_LARGE_HOUR["r7g"] * factor * H)


def test_gateway_endpoints_are_free_and_interface_endpoints_cost_per_zone():
    doc = tf({"aws_vpc_endpoint": {
        "s3": {"vpc_endpoint_type": "Gateway"},
        "sts": {"vpc_endpoint_type": "Interface", "subnet_ids": ["a", "b", "c"]},
    }})
    lines = estimate_stack(STACK, doc)
    assert [line.address for line in lines] == ["aws_vpc_endpoint.sts"]
    usage = prices.USAGE["dev"]
    assert lines[0].monthly == pytest.approx(3 * prices.INTERFACE_ENDPOINT_AZ_HOUR * H + usage.endpoint_gb * prices.INTERFACE_ENDPOINT_GB)


def test_log_storage_follows_the_retention():
    short = by(estimate_stack(STACK, tf({"aws_cloudwatch_log_group": {"l": {"name": "/x", "retention_in_days": 30}}})), "kind")
    long = by(estimate_stack(STACK, tf({"aws_cloudwatch_log_group": {"l": {"name": "/x", "retention_in_days": 365}}})), "kind")
    assert long["CloudWatch Logs storage"] == pytest.approx(short["CloudWatch Logs storage"] * 365 / 30)
    assert long["CloudWatch Logs ingestion"] == short["CloudWatch Logs ingestion"]


@pytest.mark.parametrize("doc, stack, says", [
    (tf({"aws_lambda_function": {"f": {}}}), STACK, "resource type aws_lambda_function has no price: price it in sparki/cost_pricers.py PRICERS or list it as free/usage-only in catalog/prices.py FREE_TYPES"),
    (tf({"aws_kms_key": {"k": {}}}, region="eu-west-1"), STACK, "in region 'eu-west-1', which has no prices: add it to catalog/prices.py REGIONS"),
    (tf({"aws_kms_key": {"k": {"provider": "aws.dr"}}}, dr="ap-south-1"), STACK, "in region 'ap-south-1'"),
    (tf({"aws_db_instance": {"a": db(instance_class="${var.size}")}}), STACK, "aws_db_instance.a.instance_class is '${var.size}', not a literal"),
    (tf({"aws_db_instance": {"a": db(instance_class="db.x9.large")}}), STACK, "no price for 'db.x9.large': add it to catalog/prices.py"),
    (tf({"aws_kms_key": {"k": {}}}), "sparki-qa-data", "no usage assumptions for environment 'qa': add a Usage row to catalog/prices.py USAGE"),
])
def test_what_cannot_be_priced_is_one_line_naming_the_file(doc, stack, says):
    with pytest.raises(CostError) as err:
        estimate_stack(stack, doc)
    assert says in str(err.value) and "\n" not in str(err.value)


def test_no_type_is_both_priced_and_free():
    from sparki.cost_pricers import PRICERS

    assert not set(PRICERS) & set(prices.FREE_TYPES)


def test_usage_assumptions_exist_for_every_environment():
    import environments

    assert list(prices.USAGE) == list(environments.NAMES)
