"""A ComponentContext for the component group tests, with the [platform] facts the controllers
read: how many replicas they run and which ACME endpoint they use."""
from __future__ import annotations

from dataclasses import dataclass

from constructs.addon_contract import Component, ComponentContext
from constructs.platform_roles import SERVICE_ACCOUNTS

ACCOUNT = "123456789012"
ZONES = ("t.sparki.example", "t2.sparki.example")
ZONE_IDS = ("Z0TSPARKI0000000001", "Z0TSPARKI0000000002")
SYSTEM_SELECTOR = {"sparki.io/node-group": "system"}
SYSTEM_TOLERATIONS = ({"key": "CriticalAddonsOnly", "operator": "Equal", "value": "true", "effect": "NoSchedule"},)


@dataclass(frozen=True)
class Platform:
    app_namespaces: tuple[str, ...] = ("sparki-api", "sparki-web")
    controller_replicas: int = 2
    acme_staging: bool = False


def role_arn(role: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/t-eks-{role}"


def context(replicas: int = 2, acme_staging: bool = False, kubernetes_version: str = "1.33") -> ComponentContext:
    return ComponentContext(
        env="t",
        region="eu-west-1",
        account_id=ACCOUNT,
        cluster_name="t-eks",
        kubernetes_version=kubernetes_version,
        vpc_cidr="10.20.0.0/16",
        role_arns={role: role_arn(role) for role in SERVICE_ACCOUNTS},
        hosted_zone_ids=ZONE_IDS,
        zone_names=ZONES,
        system_node_selector=SYSTEM_SELECTOR,
        system_tolerations=SYSTEM_TOLERATIONS,
        platform=Platform(controller_replicas=replicas, acme_staging=acme_staging),
        slos=(),
        database_max_connections=100,
    )


HA, SINGLE = context(replicas=2), context(replicas=1)


def at(values: dict, path: str) -> dict:
    """values["a"]["b"] for "a.b"; "" is the top level."""
    for key in filter(None, path.split(".")):
        values = values[key]
    return values


def named(components: tuple[Component, ...], name: str) -> Component:
    (component,) = [c for c in components if c.name == name]
    return component


def assert_restricted(pod: dict, container: dict) -> None:
    """What Pod Security "restricted" asks, plus a read-only root filesystem."""
    assert pod.get("runAsNonRoot") is True or container.get("runAsNonRoot") is True
    seccomp = container.get("seccompProfile") or pod.get("seccompProfile")
    assert seccomp == {"type": "RuntimeDefault"}
    assert container["allowPrivilegeEscalation"] is False
    assert container["capabilities"] == {"drop": ["ALL"]}
    assert container["readOnlyRootFilesystem"] is True
    assert container.get("privileged", False) is False


def assert_resources(resources: dict) -> None:
    assert set(resources["requests"]) == {"cpu", "memory"}
    # A null limit removes the chart's default one.
    assert {k for k, v in resources["limits"].items() if v is not None} == {"memory"}, "a memory limit and no CPU limit"


def assert_on_system_nodes(values: dict) -> None:
    assert values["nodeSelector"] == SYSTEM_SELECTOR
    assert values["tolerations"] == [dict(t) for t in SYSTEM_TOLERATIONS]
