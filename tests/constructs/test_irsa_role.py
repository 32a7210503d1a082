"""Unit tests of constructs/irsa_role.py."""
from __future__ import annotations

import json

import pytest

from constructs.irsa_role import IrsaRole, IrsaRoleProps, irsa_trust_policy
from tests.support import assert_rejected, irsa_binding, of_type, policy_statements, synth_construct, synth_fixture

PROVIDER = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"
HOST = "oidc.eks.us-east-1.amazonaws.com/id/ABC"
MINIMAL = dict(
    name="t-eks-vpc-cni",
    namespace="kube-system",
    service_account="aws-node",
    oidc_provider_arn=PROVIDER,
    oidc_issuer_host=HOST,
    managed_policy_arns=("arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",),
)
STATEMENT = {"Effect": "Allow", "Action": ["route53:ChangeResourceRecordSets"], "Resource": ["arn:aws:route53:::hostedzone/Z1"]}
FULL = dict(MINIMAL, name="t-eks-external-dns", namespace="external-dns", service_account="external-dns", statements=[STATEMENT])


minimal = synth_fixture(lambda s: IrsaRole(s, "role", IrsaRoleProps(**MINIMAL)))
full = synth_fixture(lambda s: IrsaRole(s, "role", IrsaRoleProps(**FULL)))


def test_trust_is_bound_to_exactly_the_given_service_account(minimal, full):
    for doc, (namespace, sa) in ((minimal, ("kube-system", "aws-node")), (full, ("external-dns", "external-dns"))):
        (role,) = of_type(doc, "aws_iam_role").values()
        assert irsa_binding(role["assume_role_policy"]) == (HOST, namespace, sa)
        assert json.loads(role["assume_role_policy"])["Statement"][0]["Principal"] == {"Federated": PROVIDER}


def test_permissions_are_exposed_for_consumers_to_wait_for():
    holder = {}
    synth_construct(lambda s: holder.setdefault("role", IrsaRole(s, "role", IrsaRoleProps(**FULL))))
    assert [type(p).__name__ for p in holder["role"].permissions] == ["IamRolePolicy", "IamRolePolicyAttachment"]


def test_minimal_attaches_managed_policy_and_has_no_inline_policy(minimal):
    (attachment,) = of_type(minimal, "aws_iam_role_policy_attachment").values()
    assert attachment["policy_arn"] == "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"
    assert not of_type(minimal, "aws_iam_role_policy")


def test_full_has_inline_policy_of_exactly_the_given_statements_and_the_managed_one(full):
    (policy,) = of_type(full, "aws_iam_role_policy").values()
    assert policy_statements(full, policy["policy"]) == [STATEMENT]
    assert [a["policy_arn"] for a in of_type(full, "aws_iam_role_policy_attachment").values()] == list(MINIMAL["managed_policy_arns"])
    (role,) = of_type(full, "aws_iam_role").values()
    assert role["name"] == "t-eks-external-dns"


def test_trust_policy_helper_names_one_subject_and_the_sts_audience():
    issuer, ns, sa = irsa_binding(irsa_trust_policy(PROVIDER, HOST, "cert-manager", "cert-manager"))
    assert (issuer, ns, sa) == (HOST, "cert-manager", "cert-manager")


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(namespace="*"), "wildcards are not allowed"),
        (dict(namespace="Kube_System"), "namespace='Kube_System'"),
        (dict(service_account="aws-*"), "wildcards are not allowed"),
        (dict(managed_policy_arns=()), "give statements or managed_policy_arns"),
        (dict(managed_policy_arns=("arn:aws:iam::123456789012:policy/mine",)), "not an AWS managed policy ARN"),
        (dict(statements=[{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]), "Effect 'Allow', Action and Resource"),
        (dict(statements=[{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]), "grants a whole service"),
        (dict(statements=[{"Effect": "Allow", "Action": "*", "Resource": "*"}]), "grants a whole service"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    assert_rejected(IrsaRoleProps, MINIMAL, changes, message.replace("*", r"\*").replace("(", r"\("))
