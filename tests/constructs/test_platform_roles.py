"""Unit tests of constructs/platform_roles.py: every IRSA role is bound to one service account
and limited to this cluster's resources where the API allows it."""
from __future__ import annotations

import pytest

from constructs.irsa_policies import CLUSTER_TAG, LBC_TAG
from constructs.platform_roles import SERVICE_ACCOUNTS, PlatformRoles, PlatformRolesProps
from tests.support import assert_rejected, irsa_binding, of_type, policy_statements, synth_construct, synth_fixture

ACCOUNT = "123456789012"
DATA_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/data"
LOGS_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/logs"
SECRETS_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/secrets"
PROPS = dict(
    name_prefix="t-eks",
    cluster_name="t-eks",
    region="us-east-1",
    account_id=ACCOUNT,
    vpc_id="vpc-0abc",
    hosted_zone_ids=("Z111", "Z222"),
    volume_key_arn=DATA_KEY,
    logs_key_arn=LOGS_KEY,
    log_retention_days=30,
    secret_arns=f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:t/*",
    secrets_key_arn=SECRETS_KEY,
    oidc_provider_arn=f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
    oidc_issuer_host="oidc.eks.us-east-1.amazonaws.com/id/ABC",
)
ZONES = ["arn:aws:route53:::hostedzone/Z111", "arn:aws:route53:::hostedzone/Z222"]
# Actions that take no resource ARN at all, so Resource "*" is the only way to grant them.
RESOURCELESS_WRITES = {"elasticloadbalancing:SetWebAcl", "shield:CreateProtection"}


doc = synth_fixture(lambda s: PlatformRoles(s, "irsa", PlatformRolesProps(**PROPS)))


def roles_by_component(doc) -> dict[str, tuple[str, dict]]:
    """component -> (role logical id, role)"""
    return {r["name"].removeprefix("t-eks-"): (rid, r) for rid, r in of_type(doc, "aws_iam_role").items()}


def statements_of(doc, component) -> list[dict]:
    role_id, _ = roles_by_component(doc)[component]
    (policy,) = [p for p in of_type(doc, "aws_iam_role_policy").values() if p["role"] == f"${{aws_iam_role.{role_id}.id}}"]
    return policy_statements(doc, policy["policy"])


def granting(statements, action) -> list[dict]:
    return [s for s in statements if action in s["Action"]]


# -- trust ----------------------------------------------------------------------------------------------


def test_one_role_per_component_each_bound_to_its_own_service_account(doc):
    roles = roles_by_component(doc)
    assert set(roles) == set(SERVICE_ACCOUNTS)
    subjects = set()
    for component, (_, role) in roles.items():
        issuer, namespace, service_account = irsa_binding(role["assume_role_policy"])
        assert issuer == PROPS["oidc_issuer_host"]
        assert (namespace, service_account) == SERVICE_ACCOUNTS[component]
        subjects.add((namespace, service_account))
    assert len(subjects) == len(SERVICE_ACCOUNTS), "no two components share a service account"


# -- least privilege, everywhere -----------------------------------------------------------------------


def test_star_resources_hold_only_read_actions_or_carry_a_condition(doc):
    for component in set(SERVICE_ACCOUNTS) - {"vpc-cni"}:
        for statement in statements_of(doc, component):
            assert not any(a == "*" or a.endswith(":*") for a in statement["Action"])
            if "*" in statement["Resource"]:
                assert statement["Resource"] == ["*"]
                writes = [a for a in statement["Action"] if not a.split(":")[1].startswith(("Describe", "List", "Get"))]
                assert "Condition" in statement or set(writes) <= RESOURCELESS_WRITES, f"{component}: {writes} on *"


def test_every_arn_names_this_region_and_account(doc):
    for component in set(SERVICE_ACCOUNTS) - {"vpc-cni"}:
        for statement in statements_of(doc, component):
            for arn in statement["Resource"]:
                if arn == "*" or arn.startswith("${"):
                    continue
                _, _, service, region, account, resource = arn.split(":", 5)
                assert region in ("us-east-1", ""), arn
                # Route 53 ARNs have no account; neither do the products Security Hub integrates.
                accountless = service == "route53" or (service == "securityhub" and resource.startswith("product/"))
                assert account == ACCOUNT or (accountless and account == ""), arn


def test_vpc_cni_uses_the_aws_managed_cni_policy_and_writes_only_policy_verdicts(doc):
    role_id, _ = roles_by_component(doc)["vpc-cni"]
    attached = [a["policy_arn"] for a in of_type(doc, "aws_iam_role_policy_attachment").values() if role_id in a["role"]]
    assert attached == ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]
    # Its network policy agent sends verdicts to the control-plane log group, nothing else.
    (inline,) = [p for p in of_type(doc, "aws_iam_role_policy").values() if role_id in p["role"]]
    group = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/eks/t-eks/cluster"
    grants = {a: set(s["Resource"]) for s in policy_statements(doc, inline["policy"]) for a in s["Action"]}
    assert grants == {
        "logs:DescribeLogGroups": {"*"},
        "logs:CreateLogGroup": {group},
        "logs:CreateLogStream": {group, f"{group}:*"},
        "logs:PutLogEvents": {group, f"{group}:*"},
        "logs:DescribeLogStreams": {group, f"{group}:*"},
    }


# -- per component --------------------------------------------------------------------------------------


def test_autoscaler_resizes_only_this_clusters_groups(doc):
    statements = statements_of(doc, "cluster-autoscaler")
    (resize,) = granting(statements, "autoscaling:SetDesiredCapacity")
    assert resize["Action"] == ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]
    assert resize["Condition"] == {"StringEquals": {"aws:ResourceTag/k8s.io/cluster-autoscaler/t-eks": ["owned"]}}
    (describe,) = granting(statements, "eks:DescribeNodegroup")
    assert describe["Resource"] == [f"arn:aws:eks:us-east-1:{ACCOUNT}:nodegroup/t-eks/*/*"]


def test_external_dns_changes_records_only_in_the_listed_zones(doc):
    statements = statements_of(doc, "external-dns")
    (change,) = granting(statements, "route53:ChangeResourceRecordSets")
    assert change["Resource"] == ZONES
    (list_zones,) = granting(statements, "route53:ListHostedZones")
    assert list_zones["Action"] == ["route53:ListHostedZones"] and list_zones["Resource"] == ["*"]


def test_cert_manager_writes_only_acme_challenge_txt_records_in_the_listed_zones(doc):
    statements = statements_of(doc, "cert-manager")
    (change,) = granting(statements, "route53:ChangeResourceRecordSets")
    assert change["Resource"] == ZONES
    assert change["Condition"] == {
        "ForAllValues:StringEquals": {"route53:ChangeResourceRecordSetsRecordTypes": ["TXT"]},
        "ForAllValues:StringLike": {"route53:ChangeResourceRecordSetsNormalizedRecordNames": ["_acme-challenge.*"]},
    }
    assert granting(statements, "route53:GetChange")[0]["Resource"] == ["arn:aws:route53:::change/*"]


def test_ebs_csi_driver_acts_only_on_volumes_snapshots_and_nodes_of_this_cluster(doc):
    statements = statements_of(doc, "ebs-csi-driver")
    ours = {"aws:ResourceTag/" + CLUSTER_TAG: ["t-eks"]}
    for action in ("ec2:AttachVolume", "ec2:DetachVolume", "ec2:ModifyVolume", "ec2:DeleteVolume", "ec2:DeleteSnapshot"):
        for statement in granting(statements, action):
            assert statement["Condition"]["StringEquals"] == ours, action
    for statement in granting(statements, "ec2:CreateVolume") + granting(statements, "ec2:CreateSnapshot"):
        tags = statement["Condition"]["StringEquals"]
        assert tags in (ours, {"aws:RequestTag/" + CLUSTER_TAG: ["t-eks"]}), statement
    kms = [s for s in statements if any(a.startswith("kms:") for a in s["Action"])]
    assert kms and all(s["Resource"] == [DATA_KEY] for s in kms)
    (grants,) = granting(statements, "kms:CreateGrant")
    assert grants["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": ["true"]}}
    (retag,) = granting(statements, "ec2:DeleteTags")
    assert retag["Condition"]["ForAllValues:StringNotEquals"] == {"aws:TagKeys": [CLUSTER_TAG]}


def test_load_balancer_controller_is_tied_to_this_cluster_and_vpc(doc):
    statements = statements_of(doc, "load-balancer-controller")
    vpc = f"arn:aws:ec2:us-east-1:{ACCOUNT}:vpc/vpc-0abc"
    (create_sg,) = granting(statements, "ec2:CreateSecurityGroup")
    assert vpc in create_sg["Resource"]
    assert create_sg["Condition"] == {"StringEquals": {f"aws:RequestTag/{LBC_TAG}": ["t-eks"]}}
    (ingress,) = [s for s in granting(statements, "ec2:AuthorizeSecurityGroupIngress")]
    assert ingress["Condition"] == {"ArnEquals": {"ec2:Vpc": [vpc]}}
    for action in ("elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:DeleteTargetGroup", "ec2:DeleteSecurityGroup",
                   "elasticloadbalancing:RegisterTargets"):
        (statement,) = granting(statements, action)
        assert statement["Condition"]["StringEquals"] == {f"aws:ResourceTag/{LBC_TAG}": ["t-eks"]}, action
    for statement in granting(statements, "elasticloadbalancing:CreateLoadBalancer"):
        assert statement["Condition"]["StringEquals"] == {f"aws:RequestTag/{LBC_TAG}": ["t-eks"]}
    assert not [s for s in statements if any(a.startswith("waf-regional:") for a in s["Action"])]


def test_kube_bench_imports_findings_only_as_its_own_security_hub_product(doc):
    (statement,) = statements_of(doc, "kube-bench")
    assert statement["Action"] == ["securityhub:BatchImportFindings"]
    assert statement["Resource"] == ["arn:aws:securityhub:us-east-1::product/aqua-security/kube-bench"]


def test_kube_bench_role_exists_only_where_findings_go_to_security_hub():
    without = synth_construct(lambda s: PlatformRoles(s, "irsa", PlatformRolesProps(**PROPS, kube_bench=False)))
    assert set(roles_by_component(without)) == set(SERVICE_ACCOUNTS) - {"kube-bench"}


def test_shippers_write_only_to_their_encrypted_log_groups(doc):
    groups = {g["name"]: (gid, g) for gid, g in of_type(doc, "aws_cloudwatch_log_group").items()}
    assert sorted(groups) == [f"/aws/containerinsights/t-eks/{k}" for k in ("application", "dataplane", "host", "performance")]
    assert all(g["kms_key_id"] == LOGS_KEY and g["retention_in_days"] == 30 for _, g in groups.values())
    for component, kinds in (("log-shipper", ("application", "dataplane", "host")), ("metrics-shipper", ("performance",))):
        (writes,) = granting(statements_of(doc, component), "logs:PutLogEvents")
        ids = [groups[f"/aws/containerinsights/t-eks/{k}"][0] for k in kinds]
        expected = [arn for gid in ids for arn in (f"${{aws_cloudwatch_log_group.{gid}.arn}}", f"${{aws_cloudwatch_log_group.{gid}.arn}}:*")]
        assert writes["Resource"] == expected
        assert not [s for s in statements_of(doc, component) if "logs:CreateLogGroup" in s["Action"]]
    (metrics,) = granting(statements_of(doc, "metrics-shipper"), "cloudwatch:PutMetricData")
    assert metrics["Condition"] == {"StringEquals": {"cloudwatch:namespace": ["ContainerInsights"]}}


def test_external_secrets_reads_only_this_environments_secrets_through_secrets_manager(doc):
    statements = statements_of(doc, "external-secrets")
    (read,) = granting(statements, "secretsmanager:GetSecretValue")
    assert read["Action"] == ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    assert read["Resource"] == [PROPS["secret_arns"]] and "Condition" not in read
    (decrypt,) = granting(statements, "kms:Decrypt")
    assert decrypt["Action"] == ["kms:Decrypt"] and decrypt["Resource"] == [SECRETS_KEY]
    assert decrypt["Condition"] == {"StringEquals": {"kms:ViaService": ["secretsmanager.us-east-1.amazonaws.com"]}}
    assert len(statements) == 2, "no ListSecrets and nothing else"


# -- validation -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(hosted_zone_ids=()), "at least one hosted zone"),
        (dict(hosted_zone_ids=("/hostedzone/Z111",)), "is not a hosted zone id"),
        (dict(secret_arns=f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:*"), "must name this environment's secrets"),
        (dict(secret_arns="arn:aws:secretsmanager:eu-west-1:999999999999:secret:t/*"), "must name this environment's secrets"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    assert_rejected(PlatformRolesProps, PROPS, changes, message)
