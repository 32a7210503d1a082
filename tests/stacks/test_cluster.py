"""The cluster layer as synthesized for the real environments."""
from __future__ import annotations

import json
import re
import subprocess

import pytest
from cdktf import App, TerraformOutput

import environments
from catalog.kubernetes import ACCESS_GROUPS
from catalog.naming import grafana_log_groups
from constructs.cluster_access import ADMIN_POLICY
from constructs.platform_roles import SERVICE_ACCOUNTS
from stacks.base import SparkiStack
from stacks.compose import build_environment
from stacks.run_settings import RunSettings
from tests.support import irsa_binding, of_type, read_stacks
from tests.test_toolchain import CHECKOV_CONFIG, checkov_binary

ENVS = environments.load()
EXPORTS = (
    "cluster_name", "cluster_endpoint", "cluster_certificate_authority", "oidc_provider_arn", "oidc_issuer_url",
    "node_security_group_id",
)


@pytest.fixture(params=list(ENVS))
def env(request):
    return ENVS[request.param]


@pytest.fixture
def doc(stacks, env):
    return stacks[f"sparki-{env.name}-cluster"]


def only(doc, rtype):
    (item,) = of_type(doc, rtype).values()
    return item


def test_control_plane_is_private_encrypted_logged_and_versioned(doc, env):
    cluster = only(doc, "aws_eks_cluster")
    assert cluster["name"] == f"sparki-{env.name}-eks" and cluster["version"] == env.cluster.kubernetes_version
    assert cluster["vpc_config"]["endpoint_private_access"] is True
    assert cluster["vpc_config"]["endpoint_public_access"] is False
    assert all("cross-stack-output-aws_subnetnetwork_private_" in s for s in cluster["vpc_config"]["subnet_ids"])
    assert len(cluster["vpc_config"]["subnet_ids"]) == len(env.azs)
    assert "keys_eks_key" in cluster["encryption_config"]["provider"]["key_arn"]
    assert len(cluster["enabled_cluster_log_types"]) == 5
    (group,) = [g for g in of_type(doc, "aws_cloudwatch_log_group").values() if g["name"].endswith("/cluster")]
    assert group["retention_in_days"] == env.log_retention_days and "keys_logs_key" in group["kms_key_id"]
    assert cluster["access_config"]["authentication_mode"] == "API"
    assert ("lifecycle" in cluster) == env.is_production


def test_node_groups_match_the_environment(doc, env):
    groups = {g["node_group_name"]: g for g in of_type(doc, "aws_eks_node_group").values()}
    assert sorted(groups) == sorted(f"sparki-{env.name}-{g.name}" for g in env.cluster.node_groups)
    for settings in env.cluster.node_groups:
        group = groups[f"sparki-{env.name}-{settings.name}"]
        assert group["instance_types"] == list(settings.instance_types)
        assert group["capacity_type"] == settings.capacity_type
        assert group["scaling_config"] == {"min_size": settings.min_size, "desired_size": settings.desired_size, "max_size": settings.max_size}
        assert group["update_config"] == {"max_unavailable_percentage": settings.max_unavailable_percent}
        assert all(k in group["labels"] for k in settings.labels)
        assert all("cross-stack-output-aws_subnetnetwork_private_" in s for s in group["subnet_ids"])


def test_every_launch_template_requires_imdsv2_hop_one_and_encrypts_with_the_data_key(doc, env):
    templates = of_type(doc, "aws_launch_template").values()
    assert len(templates) == len(env.cluster.node_groups)
    for template in templates:
        assert template["metadata_options"]["http_tokens"] == "required"
        assert template["metadata_options"]["http_put_response_hop_limit"] == 1
        (volume,) = template["block_device_mappings"]
        assert volume["ebs"]["encrypted"] == "true" and volume["ebs"]["volume_type"] == "gp3"
        assert "keys_data_key" in volume["ebs"]["kms_key_id"]
        assert "key_name" not in template


def test_every_irsa_trust_policy_is_bound_to_exactly_one_service_account(doc, env):
    bound = {}
    for role in of_type(doc, "aws_iam_role").values():
        trust = json.loads(role["assume_role_policy"])
        if trust["Statement"][0]["Action"] != "sts:AssumeRoleWithWebIdentity":
            continue
        issuer, namespace, service_account = irsa_binding(role["assume_role_policy"])
        assert issuer.startswith("${local.eks_oidc_issuer_host")
        bound[role["name"].split("-eks-", 1)[1]] = (namespace, service_account)
    # kube-bench's role exists only to send findings to Security Hub.
    expected = {c: sa for c, sa in SERVICE_ACCOUNTS.items() if c != "kube-bench" or env.security.enable_security_hub}
    assert bound == expected


def test_addons_are_pinned_and_ordered_around_the_nodes(doc, env):
    addons = {a["addon_name"]: (aid, a) for aid, a in of_type(doc, "aws_eks_addon").items()}
    versions = env.cluster.addons
    assert {name: a["addon_version"] for name, (_, a) in addons.items()} == {
        "vpc-cni": versions.vpc_cni, "kube-proxy": versions.kube_proxy, "eks-pod-identity-agent": versions.pod_identity_agent,
        "coredns": versions.coredns, "aws-ebs-csi-driver": versions.ebs_csi_driver,
        "eks-node-monitoring-agent": versions.node_monitoring_agent,
    }
    # NetworkPolicy enforced, and its verdicts logged to CloudWatch (the denied-flows panel).
    assert json.loads(addons["vpc-cni"][1]["configuration_values"]) == {
        "enableNetworkPolicy": "true",
        "nodeAgent": {"enablePolicyEventLogs": "true", "enableCloudWatchLogs": "true"},
    }
    assert "irsa_vpc_cni_role" in addons["vpc-cni"][1]["service_account_role_arn"]
    assert "irsa_ebs_csi_driver_role" in addons["aws-ebs-csi-driver"][1]["service_account_role_arn"]
    group_ids = [f"aws_eks_node_group.{gid}" for gid in of_type(doc, "aws_eks_node_group")]
    for group in of_type(doc, "aws_eks_node_group").values():
        for early in ("vpc-cni", "kube-proxy", "eks-pod-identity-agent"):
            assert f"aws_eks_addon.{addons[early][0]}" in group["depends_on"]
    assert sorted(d.split(".")[0] for d in addons["vpc-cni"][1]["depends_on"]) == ["aws_iam_role_policy", "aws_iam_role_policy_attachment"]
    assert [d for d in addons["aws-ebs-csi-driver"][1]["depends_on"] if "irsa_ebs_csi_driver_policy" in d]
    for late in ("coredns", "aws-ebs-csi-driver"):
        assert sorted(d for d in addons[late][1]["depends_on"] if d.startswith("aws_eks_node_group.")) == sorted(group_ids)
        config = json.loads(addons[late][1]["configuration_values"])
        placement = config.get("controller", config)
        assert placement["nodeSelector"] == {"sparki.io/node-group": "system"}
        assert {"key": "CriticalAddonsOnly", "operator": "Exists"} in placement["tolerations"]


def test_network_policy_verdicts_reach_the_group_the_denied_flows_panel_reads(doc, env):
    """aws-node's role (the node agent's too) may write exactly the log group the command
    center's denied-flows panel queries, which Terraform creates encrypted and expiring."""
    name = grafana_log_groups(env.name)["cluster"]
    (group,) = [g for g in of_type(doc, "aws_cloudwatch_log_group").values() if g["name"] == name]
    assert group["kms_key_id"] and group["retention_in_days"] == env.log_retention_days
    (policy,) = [d for k, d in doc["data"]["aws_iam_policy_document"].items() if k.startswith("irsa_vpc_cni")]
    arn = f"arn:aws:logs:{env.region}:{env.account_id}:log-group:{name}"
    grants = {a: set(s["resources"]) for s in policy["statement"] for a in s["actions"]}
    assert grants["logs:PutLogEvents"] == grants["logs:CreateLogStream"] == {arn, f"{arn}:*"}
    assert grants["logs:CreateLogGroup"] == {arn}, "only the existing group: the agent can never create another"
    assert grants["logs:DescribeLogGroups"] == {"*"}


def test_every_addon_survives_its_removal_from_terraform(doc):
    assert all(a["preserve"] is True for a in of_type(doc, "aws_eks_addon").values())


def test_node_health_is_monitored_on_every_node_and_repaired(doc):
    (agent,) = [a for a in of_type(doc, "aws_eks_addon").values() if a["addon_name"] == "eks-node-monitoring-agent"]
    # An Exists toleration without a key matches every taint, whatever the groups carry.
    assert json.loads(agent["configuration_values"])["nodeAgent"]["tolerations"] == [{"operator": "Exists"}]
    groups = of_type(doc, "aws_eks_node_group")
    assert sorted(d for d in agent["depends_on"] if d.startswith("aws_eks_node_group.")) == sorted(f"aws_eks_node_group.{g}" for g in groups)
    assert all(g["node_repair_config"] == {"enabled": True} for g in groups.values())


def test_access_entries_follow_the_environment(doc, env):
    entries = {eid: e for eid, e in of_type(doc, "aws_eks_access_entry").items()}
    groups = {e["principal_arn"]: e["kubernetes_groups"] for e in entries.values()}
    expected = {}
    for kind in ACCESS_GROUPS:
        expected |= {arn: [ACCESS_GROUPS[kind]] for arn in getattr(env.cluster, f"{kind}_role_arns")}
    assert groups == expected
    # Only admins hold an EKS access policy; everyone else gets what the platform's RBAC grants.
    granted = {
        entries[a["principal_arn"].split(".")[1]]["principal_arn"]: (a["policy_arn"], a["access_scope"])
        for a in of_type(doc, "aws_eks_access_policy_association").values()
    }
    assert granted == {arn: (ADMIN_POLICY, {"type": "cluster"}) for arn in env.cluster.admin_role_arns}


def test_exports_reach_a_later_layer_as_cross_stack_references(tmp_path):
    """What the data layer (and the platform layer) will do: read the cluster's exports."""
    seen = {}

    class Probe(SparkiStack):
        layer = "probe"

    app = App(outdir=str(tmp_path / "cdktf.out"))
    run = RunSettings()
    cluster = build_environment(app, ENVS["dev"], run)["cluster"]
    probe_stack = Probe(app, ENVS["dev"], run)
    for name in EXPORTS:
        TerraformOutput(probe_stack, name, value=getattr(cluster, name))
    for component, arn in cluster.irsa_role_arns.items():
        TerraformOutput(probe_stack, f"role_{component.replace('-', '_')}", value=arn)
    seen["service_accounts"] = cluster.service_accounts
    seen["roles"] = set(cluster.irsa_role_arns)
    app.synth()
    docs = read_stacks(tmp_path / "cdktf.out")
    probe, cluster = docs["sparki-dev-probe"], docs["sparki-dev-cluster"]
    assert "cross-stack-reference-input-sparki-dev-cluster" in probe["data"]["terraform_remote_state"]
    exported = {o["value"] for o in cluster["output"].values()}
    assert any(v.startswith("${aws_security_group.node_security_group") for v in exported)
    assert any("aws_iam_openid_connect_provider." in v for v in exported)
    assert len(probe["output"]) == len(EXPORTS) + len(seen["roles"])
    assert seen["service_accounts"] == SERVICE_ACCOUNTS
    # dev has Security Hub off, so no kube-bench role (it would have nowhere to send findings).
    assert not ENVS["dev"].security.enable_security_hub and seen["roles"] == set(SERVICE_ACCOUNTS) - {"kube-bench"}


EKS_CHECKS = ("CKV_AWS_37", "CKV_AWS_38", "CKV_AWS_39", "CKV_AWS_58")


def test_eks_checkov_checks_pass_on_every_cluster_and_are_never_skipped(synth_dir):
    # Whole check ids: CKV_AWS_374 (CloudFront geo restriction) is not CKV_AWS_37.
    skipped = set(re.findall(r"^\s*-\s*(CKV2?_AWS_\d+)\b", CHECKOV_CONFIG.read_text().split("skip-check:", 1)[1], re.M))
    assert not [c for c in EKS_CHECKS if c in skipped]
    proc = subprocess.run(
        [checkov_binary(), "-d", str(synth_dir), "--config-file", str(CHECKOV_CONFIG), "--check", ",".join(EKS_CHECKS), "-o", "json"],
        capture_output=True, text=True,
    )
    reports = json.loads(proc.stdout)
    (summary,) = [r["summary"] for r in (reports if isinstance(reports, list) else [reports])]
    # One cluster per environment, and prod's DR cluster.
    clusters = sum(1 for doc in read_stacks(synth_dir).values() if "aws_eks_cluster" in doc.get("resource", {}))
    assert clusters == len(ENVS) + sum(1 for env in ENVS.values() if env.dr_region)
    assert (summary["passed"], summary["failed"], summary["skipped"]) == (len(EKS_CHECKS) * clusters, 0, 0)
