"""constructs/components_logging.py: Fluent Bit and the CloudWatch agent."""
from __future__ import annotations

import re

import pytest

from catalog.naming import SHIPPER_LOG_GROUPS, container_insights_log_group
from constructs.components_logging import components
from constructs.controller_values import IRSA_ANNOTATION
from constructs.platform_roles import SERVICE_ACCOUNTS
from tests.constructs.component_support import HA, assert_resources, named, role_arn

ROLES = {"fluent-bit": "log-shipper", "cloudwatch-agent": "metrics-shipper"}


@pytest.mark.parametrize("name", ROLES)
def test_agents_use_the_existing_shipper_roles_and_run_on_every_node(name):
    c = named(components(HA), name)
    role = ROLES[name]
    namespace, service_account = SERVICE_ACCOUNTS[role]
    assert c.namespace == namespace
    assert c.values["serviceAccount"] == {"create": True, "name": service_account, "annotations": {IRSA_ANNOTATION: role_arn(role)}}
    assert c.values["tolerations"] == [{"operator": "Exists"}]
    assert "nodeSelector" not in c.values
    assert_resources(c.values["resources"])


def test_the_namespace_is_privileged_with_its_reason():
    owner = named(components(HA), "fluent-bit")
    assert owner.pod_security == "privileged" and "hostPath" in owner.pod_security_reason
    assert named(components(HA), "cloudwatch-agent").depends_on == ("fluent-bit",)


def test_fluent_bit_runs_without_capabilities_or_escalation_on_a_read_only_root():
    context = named(components(HA), "fluent-bit").values["securityContext"]
    assert context["allowPrivilegeEscalation"] is False and context["readOnlyRootFilesystem"] is True
    assert context["capabilities"] == {"drop": ["ALL"]} and context["seccompProfile"] == {"type": "RuntimeDefault"}
    mounts = named(components(HA), "fluent-bit").values["daemonSetVolumeMounts"]
    assert {m["mountPath"] for m in mounts if not m.get("readOnly")} == {"/var/fluent-bit/state"}


def test_fluent_bit_writes_only_to_the_cluster_layers_log_groups():
    outputs = named(components(HA), "fluent-bit").values["config"]["outputs"]
    groups = re.findall(r"log_group_name (\S+)", outputs)
    assert groups == [container_insights_log_group(HA.cluster_name, kind) for kind in SHIPPER_LOG_GROUPS["log-shipper"]]
    assert outputs.count("auto_create_group Off") == len(groups)
    assert named(components(HA), "fluent-bit").values["testFramework"] == {"enabled": False}


def test_cloudwatch_agent_writes_the_performance_group_of_this_cluster():
    values = named(components(HA), "cloudwatch-agent").values
    assert SHIPPER_LOG_GROUPS["metrics-shipper"] == ("performance",)
    assert values["clusterName"] == HA.cluster_name
    assert values["image"]["tag"] != "latest" and values["image"]["repository"].startswith("public.ecr.aws/")
