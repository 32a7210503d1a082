"""Unit tests of constructs/cluster_access.py."""
from __future__ import annotations

import pytest

from constructs.cluster_access import ADMIN_POLICY, EDIT_POLICY, VIEW_POLICY, ClusterAccess, ClusterAccessProps
from tests.support import assert_rejected, of_type, synth_fixture

ROLE = "arn:aws:iam::123456789012:role/{}"
MINIMAL = dict(cluster_name="t-eks", admin_role_arns=(ROLE.format("admin"),))
FULL = dict(
    MINIMAL,
    admin_role_arns=(ROLE.format("admin"), ROLE.format("deploy")),
    developer_role_arns=(ROLE.format("developer"),),
    auditor_role_arns=(ROLE.format("auditor"), ROLE.format("team/reader")),
    app_namespaces=("sparki-api", "sparki-web"),
)


minimal = synth_fixture(lambda s: ClusterAccess(s, "access", ClusterAccessProps(**MINIMAL)))
full = synth_fixture(lambda s: ClusterAccess(s, "access", ClusterAccessProps(**FULL)))


def entries(doc):
    return {e["principal_arn"]: e for e in of_type(doc, "aws_eks_access_entry").values()}


def test_minimal_admin_is_cluster_admin_cluster_wide(minimal):
    (entry,) = entries(minimal).values()
    assert entry["principal_arn"] == ROLE.format("admin") and entry["type"] == "STANDARD"
    assert "kubernetes_groups" not in entry
    (policy,) = of_type(minimal, "aws_eks_access_policy_association").values()
    assert policy["principal_arn"].startswith("${aws_eks_access_entry.")  # created after its entry
    assert policy["policy_arn"] == ADMIN_POLICY and policy["access_scope"] == {"type": "cluster"}


def test_full_maps_each_role_to_exactly_one_policy(full):
    assert len(entries(full)) == 5
    associations = list(of_type(full, "aws_eks_access_policy_association").values())
    by_entry = {e_id: e["principal_arn"] for e_id, e in of_type(full, "aws_eks_access_entry").items()}
    resolved = {}
    for a in associations:
        entry_id = a["principal_arn"].split(".")[1]
        resolved[by_entry[entry_id]] = (a["policy_arn"], a["access_scope"]["type"], a["access_scope"].get("namespaces"))
    assert resolved == {
        ROLE.format("admin"): (ADMIN_POLICY, "cluster", None),
        ROLE.format("deploy"): (ADMIN_POLICY, "cluster", None),
        ROLE.format("developer"): (EDIT_POLICY, "namespace", ["sparki-api", "sparki-web"]),
        ROLE.format("auditor"): (VIEW_POLICY, "cluster", None),
        ROLE.format("team/reader"): (VIEW_POLICY, "cluster", None),
    }


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(admin_role_arns=()), "at least one admin role"),
        (dict(admin_role_arns=("arn:aws:iam::123456789012:user/alice",)), "is not an IAM role ARN"),
        (dict(auditor_role_arns=(ROLE.format("admin"),)), "exactly one access entry"),
        (dict(developer_role_arns=(ROLE.format("developer"),)), "developers need the namespaces"),
        (dict(developer_role_arns=(ROLE.format("developer"),), app_namespaces=("kube-system",)), "not an application namespace"),
        (dict(developer_role_arns=(ROLE.format("developer"),), app_namespaces=("Bad_NS",)), "not an application namespace"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    assert_rejected(ClusterAccessProps, MINIMAL, changes, message)
