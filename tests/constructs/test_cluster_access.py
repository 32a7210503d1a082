"""Unit tests of constructs/cluster_access.py."""
from __future__ import annotations

import pytest

from catalog.kubernetes import ACCESS_GROUPS
from constructs.cluster_access import ADMIN_POLICY, ClusterAccess, ClusterAccessProps
from tests.support import of_type, synth_construct

ROLE = "arn:aws:iam::123456789012:role/{}"
MINIMAL = dict(cluster_name="t-eks", admin_role_arns=(ROLE.format("admin"),))
FULL = dict(
    MINIMAL,
    admin_role_arns=(ROLE.format("admin"), ROLE.format("deploy")),
    developer_role_arns=(ROLE.format("developer"),),
    auditor_role_arns=(ROLE.format("auditor"), ROLE.format("team/reader")),
    deployer_role_arns=(ROLE.format("ci"),),
    app_namespaces=("sparki-api", "sparki-web"),
)


@pytest.fixture(scope="module")
def minimal():
    return synth_construct(lambda s: ClusterAccess(s, "access", ClusterAccessProps(**MINIMAL)))


@pytest.fixture(scope="module")
def full():
    return synth_construct(lambda s: ClusterAccess(s, "access", ClusterAccessProps(**FULL)))


def entries(doc):
    return {e["principal_arn"]: e for e in of_type(doc, "aws_eks_access_entry").values()}


def test_minimal_admin_is_cluster_admin_cluster_wide(minimal):
    (entry,) = entries(minimal).values()
    assert entry["principal_arn"] == ROLE.format("admin") and entry["type"] == "STANDARD"
    assert entry["kubernetes_groups"] == [ACCESS_GROUPS["admin"]]
    (policy,) = of_type(minimal, "aws_eks_access_policy_association").values()
    assert policy["principal_arn"].startswith("${aws_eks_access_entry.")  # created after its entry
    assert policy["policy_arn"] == ADMIN_POLICY and policy["access_scope"] == {"type": "cluster"}


def test_full_puts_each_role_in_its_group_and_only_admins_get_a_policy(full):
    assert {arn: e["kubernetes_groups"] for arn, e in entries(full).items()} == {
        ROLE.format("admin"): [ACCESS_GROUPS["admin"]],
        ROLE.format("deploy"): [ACCESS_GROUPS["admin"]],
        ROLE.format("developer"): [ACCESS_GROUPS["developer"]],
        ROLE.format("auditor"): [ACCESS_GROUPS["auditor"]],
        ROLE.format("team/reader"): [ACCESS_GROUPS["auditor"]],
        ROLE.format("ci"): [ACCESS_GROUPS["deployer"]],
    }
    by_entry = {e_id: e["principal_arn"] for e_id, e in of_type(full, "aws_eks_access_entry").items()}
    resolved = {by_entry[a["principal_arn"].split(".")[1]]: (a["policy_arn"], a["access_scope"]) for a in of_type(full, "aws_eks_access_policy_association").values()}
    assert resolved == {ROLE.format(r): (ADMIN_POLICY, {"type": "cluster"}) for r in ("admin", "deploy")}


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(admin_role_arns=()), "at least one admin role"),
        (dict(admin_role_arns=("arn:aws:iam::123456789012:user/alice",)), "is not an IAM role ARN"),
        (dict(auditor_role_arns=(ROLE.format("admin"),)), "exactly one access entry"),
        (dict(deployer_role_arns=(ROLE.format("admin"),)), "exactly one access entry"),
        (dict(developer_role_arns=(ROLE.format("developer"),)), "developers need the namespaces"),
        (dict(developer_role_arns=(ROLE.format("developer"),), app_namespaces=("kube-system",)), "not an application namespace"),
        (dict(developer_role_arns=(ROLE.format("developer"),), app_namespaces=("Bad_NS",)), "not an application namespace"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    with pytest.raises(ValueError, match=message):
        ClusterAccessProps(**{**MINIMAL, **changes})
