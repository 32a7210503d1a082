"""Who may do what in the cluster, read from the RBAC objects the platform stack applies."""
from __future__ import annotations

import pytest

from catalog.kubernetes import ACCESS_GROUPS
from constructs.platform_rbac import platform_rbac
from tests.kubernetes.conftest import ENVS

SECRET_READ = {"get", "list", "watch", "*"}


def rules_of_group(objects, group: str) -> list[dict]:
    roles = {o["metadata"]["name"]: o for o in objects if o["kind"] == "ClusterRole"}
    found = []
    for b in (o for o in objects if o["kind"] in ("RoleBinding", "ClusterRoleBinding")):
        if any(s.get("kind") == "Group" and s["name"] == group for s in b["subjects"]):
            role = roles.get(b["roleRef"]["name"])
            assert role is not None or b["roleRef"]["name"] == "cluster-admin", f"{b['metadata']['name']} binds a role the platform does not define"
            found += role["rules"] if role else [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]
    return found


def grants_secret_read(rule: dict) -> bool:
    return (
        bool({"", "*"} & set(rule.get("apiGroups", [])))
        and bool({"secrets", "*"} & set(rule.get("resources", [])))
        and bool(SECRET_READ & set(rule.get("verbs", [])))
    )


@pytest.fixture(scope="module")
def rbac(platform_objects):
    return {env: [o for o in platform_objects[f"sparki-{env}-platform"] if o["apiVersion"].startswith("rbac.")] for env in ENVS}


@pytest.mark.parametrize("env", list(ENVS))
@pytest.mark.parametrize("group", ["auditor", "developer", "deployer"])
def test_no_rule_lets_auditors_developers_or_the_pipeline_read_secrets(rbac, env, group):
    rules = rules_of_group(rbac[env], ACCESS_GROUPS[group])
    # prod gives developers no namespace: their group is bound nowhere there.
    assert bool(rules) is (group != "developer" or bool(ENVS[env].cluster.app_namespaces)), group
    assert [r for r in rules if grants_secret_read(r)] == []


def test_the_secret_check_catches_a_wildcard_grant():
    objects = platform_rbac(["apps"], ["apps"])
    auditor = next(o for o in objects if o["metadata"]["name"] == "sparki:auditor")
    auditor["rules"].append({"apiGroups": [""], "resources": ["*"], "verbs": ["list"]})
    assert any(grants_secret_read(r) for r in rules_of_group(objects, ACCESS_GROUPS["auditor"]))


def test_no_platform_role_uses_a_wildcard(rbac):
    for objects in rbac.values():
        for role in (o for o in objects if o["kind"] == "ClusterRole"):
            for rule in role["rules"]:
                assert "*" not in rule["apiGroups"] + rule["resources"] + rule["verbs"], role["metadata"]["name"]


@pytest.mark.parametrize("env", list(ENVS))
def test_developers_are_bound_only_where_they_may_edit_and_the_pipeline_in_every_app_namespace(rbac, env):
    def namespaces(group):
        return {b["metadata"]["namespace"] for b in rbac[env] if b["kind"] == "RoleBinding" and b["subjects"][0]["name"] == ACCESS_GROUPS[group]}

    assert namespaces("developer") == set(ENVS[env].cluster.app_namespaces)
    assert namespaces("deployer") == set(ENVS[env].platform.app_namespaces)
    assert not [b for b in rbac[env] if b["kind"] == "ClusterRoleBinding" and b["subjects"][0]["name"] in (ACCESS_GROUPS["developer"], ACCESS_GROUPS["deployer"])]
