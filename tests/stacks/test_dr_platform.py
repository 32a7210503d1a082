"""The platform on prod's DR cluster, read from the synthesized JSON: the primary's components,
set up for the DR site's region, VPC, roles and state bucket, deployable with the primary
region gone, and small enough to run on the standby nodes."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

import environments
from catalog.aws import ec2_vcpus
from catalog.naming import parse_stack_name, resource_name, stack_name
from constructs.controller_values import EVERY_NODE
from constructs.node_group import GROUP_LABEL
from sparki.kubernetes.objects import stack_objects
from stacks import DR_LAYERS

ENVS = environments.load()
PROD = ENVS["prod"]
SITE = PROD.dr_site()
DR_KUBERNETES = ("dr-platform", "dr-platform-config")
# What EKS's add-ons (dr-cluster's aws_eks_addon resources) put on one system node: (pods, CPU
# millicores requested), from the add-ons' default manifests. CoreDNS and the EBS CSI controller
# run two replicas each, which dr-cluster places on the system group; the rest are DaemonSets.
# The pod identity and node monitoring agents publish no request: 25m each is budgeted. A new
# add-on fails the fit test below until its figures are added here.
ADDONS = {
    "vpc-cni": (1, 50),  # aws-node and the network policy agent, 25m each
    "kube-proxy": (1, 100),
    "eks-pod-identity-agent": (1, 25),
    "coredns": (2, 200),
    "aws-ebs-csi-driver": (3, 150),  # controller 2 x 6 containers x 10m, node 3 containers x 10m
    "eks-node-monitoring-agent": (1, 25),
}
# The kubelet's CPU reserve on the EKS AMIs (6% of the first core, 1% of the second, 0.5% of
# the next two, 0.25% of the rest) and the pods a node's ENIs can address without prefix
# delegation (eni-max-pods: 3 ENIs x 9 addresses + 2 for a large m/c/r type).
MAX_PODS = {"large": 29, "xlarge": 58, "2xlarge": 58}


def kube_reserved_millicores(vcpus: int) -> int:
    shares = (60, 10, 5, 5)
    return sum(shares[:vcpus]) + max(0, vcpus - 4) * 2.5


def releases(doc: dict) -> dict[str, dict]:
    """chart -> parsed values of a platform stack's Helm releases."""
    return {r["chart"]: json.loads(r["values"][0]) for r in doc["resource"]["helm_release"].values()}


def pod_specs(values: Any) -> Iterator[dict]:
    """Every mapping of a chart's values that sizes a pod (has resources.requests)."""
    if isinstance(values, dict):
        if isinstance(values.get("resources"), dict) and "requests" in values["resources"]:
            yield values
        for key, value in values.items():
            if key != "resources":
                yield from pod_specs(value)
    elif isinstance(values, list):
        for value in values:
            yield from pod_specs(value)


def millicores(quantity: str) -> float:
    return float(quantity[:-1]) if quantity.endswith("m") else 1000 * float(quantity)


def test_dr_kubernetes_layers_reach_the_dr_cluster_and_keep_state_in_the_dr_region(stacks):
    for layer in DR_KUBERNETES:
        doc = stacks[stack_name("prod", layer)]
        (remote,) = doc["data"]["terraform_remote_state"].values()
        assert remote["config"]["key"] == "dr-cluster/terraform.tfstate" and remote["config"]["region"] == SITE.region
        assert doc["terraform"]["backend"]["s3"]["region"] == SITE.region


def test_dr_stacks_depend_only_on_dr_stacks(synth_dir):
    # A failover applies them while the primary region is down.
    manifest = json.loads((synth_dir / "manifest.json").read_text())["stacks"]
    for layer in DR_LAYERS:
        for dependency in manifest[stack_name("prod", layer)].get("dependencies", []):
            assert parse_stack_name(dependency)[1] in DR_LAYERS, (layer, dependency)


def test_nothing_in_the_dr_platform_names_the_primary_region_or_network(stacks):
    for layer in DR_KUBERNETES:
        text = json.dumps(stacks[stack_name("prod", layer)])
        assert PROD.region not in text and PROD.network.vpc_cidr.rsplit(".", 2)[0] + "." not in text
        assert stack_name("prod", "cluster") not in text and resource_name(PROD.name, "tfstate") not in text


def test_the_dr_platform_runs_the_primarys_components_with_the_dr_sites_settings(stacks):
    primary, dr = stacks[stack_name("prod", "platform")], stacks[stack_name("prod", "dr-platform")]

    def pins(doc: dict) -> list[tuple[str, ...]]:
        return sorted((r["chart"], r["repository"], r["version"], r["namespace"]) for r in doc["resource"]["helm_release"].values())

    assert pins(dr) == pins(primary)

    def objects(layer: str) -> set[tuple[str, str, str]]:
        return {(o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]) for o in stack_objects(stacks[stack_name("prod", layer)])}

    assert objects("dr-platform-config") == objects("platform-config")
    # The DR region runs no Security Hub (dr-security): kube-bench prints its report there, so
    # its ASFF configuration and its egress to Security Hub exist on the primary only.
    assert objects("dr-platform") < objects("platform")
    # Nor Loki or Elasticsearch (no observability layer there): Fluent Bit's egress to them
    # exists on the primary only.
    assert {ns for _, ns, _ in objects("platform") - objects("dr-platform")} == {"kube-bench", "amazon-cloudwatch"}
    values = releases(dr)
    lbc = values["aws-load-balancer-controller"]
    assert lbc["region"] == SITE.region and lbc["vpcTags"] == {"Name": resource_name(SITE.name, "vpc")}
    assert values["cluster-autoscaler"]["awsRegion"] == SITE.region
    assert f"region {SITE.region}" in values["fluent-bit"]["config"]["outputs"]
    store = [o for o in stack_objects(stacks[stack_name("prod", "dr-platform-config")]) if o["kind"] == "ClusterSecretStore"]
    # The DR region's replicas of prod's secrets, read by the DR cluster's external-secrets role.
    assert [s["spec"]["provider"]["aws"]["region"] for s in store] == [SITE.region]


def test_standby_runs_one_replica_of_each_controller(stacks):
    def counts(layer: str) -> dict[tuple[str, int], int | None]:
        found = releases(stacks[stack_name("prod", layer)]).items()
        return {(chart, i): spec.get("replicaCount", spec.get("replicas")) for chart, values in found for i, spec in enumerate(pod_specs(values))}

    primary, dr = counts("platform"), counts("dr-platform")
    changed = {key for key in primary if primary[key] != dr[key]}
    assert changed and all(primary[key] == PROD.platform.controller_replicas and dr[key] == 1 for key in changed)
    # metrics-server keeps its two replicas everywhere (constructs/components_metrics.py); the
    # fit test below counts them.
    assert {chart for (chart, i), count in primary.items() if count and (chart, i) not in changed} == {"metrics-server"}


@pytest.mark.parametrize("layer", ["platform", "dr-platform"])
def test_every_platform_pod_is_on_the_system_group_or_on_every_node(stacks, layer):
    system = {GROUP_LABEL: PROD.cluster.system_group.name}
    for chart, values in releases(stacks[stack_name("prod", layer)]).items():
        for spec in pod_specs(values):
            assert spec.get("nodeSelector") == system or (spec.get("tolerations") == EVERY_NODE and "nodeSelector" not in spec), chart


def test_the_standby_platform_fits_one_standby_system_node(stacks):
    """Everything the DR platform runs, EKS's add-ons and the kubelet's reserve fit the system
    group at standby_nodes, counting each node-wide pod once: the cluster autoscaler never has
    to grow a standing-by DR site."""
    system = SITE.cluster.system_group
    assert system.min_size == system.desired_size == PROD.dr.standby_nodes
    smallest = min(system.instance_types, key=ec2_vcpus)
    vcpus, size = ec2_vcpus(smallest), smallest.partition(".")[2]
    pods, cpu = 0, 0.0
    for values in releases(stacks[stack_name("prod", "dr-platform")]).values():
        for spec in pod_specs(values):
            count = 1 if spec.get("tolerations") == EVERY_NODE else spec.get("replicaCount", spec.get("replicas", 1))
            pods += count
            cpu += count * millicores(spec["resources"]["requests"]["cpu"])
    for obj in stack_objects(stacks[stack_name("prod", "dr-platform")]):
        if obj["kind"] == "CronJob":
            pods += 1
            cpu += sum(millicores(c["resources"]["requests"]["cpu"]) for c in obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"])
    addons = {a["addon_name"] for a in stacks[stack_name("prod", "dr-cluster")]["resource"]["aws_eks_addon"].values()}
    pods += sum(ADDONS[a][0] for a in addons)
    cpu += sum(ADDONS[a][1] for a in addons)
    nodes = PROD.dr.standby_nodes
    assert pods <= nodes * MAX_PODS[size], f"{pods} pods on {nodes} x {smallest}"
    assert cpu <= nodes * (1000 * vcpus - kube_reserved_millicores(vcpus)), f"{cpu:g}m CPU requested on {nodes} x {smallest}"
