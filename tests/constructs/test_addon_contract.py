"""check_components(): one failing declaration per rule, each refused with one line."""
from __future__ import annotations

from dataclasses import replace

import pytest

from constructs.addon_contract import Component, ContractError, NetworkAllow, ServiceAccount, check_components, install_order

ROLES = {"cert-manager": ("cert-manager", "cert-manager")}


def comp(name: str, **kw) -> Component:
    base = dict(chart=name, repository="https://charts.example", version="1.2.3", namespace=name, values={})
    return Component(name=name, **{**base, **kw})


GOOD = (
    comp("cert-manager", service_accounts=(ServiceAccount("cert-manager", role="cert-manager"),), crds=("cert-manager.io/ClusterIssuer",)),
    comp("webhook", namespace="cert-manager", owns_namespace=False, depends_on=("cert-manager",)),
    comp("controller", namespace="kube-system", owns_namespace=False),
)
ISSUER = {"apiVersion": "cert-manager.io/v1", "kind": "ClusterIssuer", "metadata": {"name": "ca"}}
CRON = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "scan", "namespace": "scan"}}


def plain(name: str = "scan", **kw) -> Component:
    """A component without a Helm release: its objects are its manifests."""
    return comp(name, **{"chart": "", "repository": "", "version": "", "manifests": (CRON,), **kw})


def test_a_valid_set_passes_and_installs_owners_first():
    check_components("dev", GOOD, [ISSUER], service_accounts=ROLES)
    order = [c.name for c in install_order(tuple(reversed(GOOD)))]
    assert order.index("cert-manager") < order.index("webhook")


@pytest.mark.parametrize(
    ("components", "resources", "message"),
    [
        ((*GOOD, comp("x", depends_on=("nope",))), (), "depends on 'nope'"),
        ((*GOOD, comp("x", version="1.2")), (), "not an exact chart version"),
        ((*GOOD, comp("x", version="latest")), (), "not an exact chart version"),
        ((*GOOD, comp("x", version="^1.2.3")), (), "not an exact chart version"),
        ((*GOOD, comp("x", repository="http://charts.example")), (), "neither https:// nor oci://"),
        ((*GOOD, comp("x", namespace="cert-manager")), (), "already owned by 'cert-manager'"),
        ((*GOOD, comp("x", namespace="cert-manager", owns_namespace=False)), (), "without depending on its owner"),
        ((*GOOD, comp("x", namespace="nobody", owns_namespace=False)), (), "which no component owns"),
        ((*GOOD, comp("x", namespace="cert-manager", owns_namespace=False, depends_on=("webhook",), service_accounts=(ServiceAccount("cert-manager"),))), (), "already claimed by 'cert-manager'"),
        ((*GOOD, comp("x", service_accounts=(ServiceAccount("x", role="ghost"),))), (), "does not know"),
        ((*GOOD, comp("x", service_accounts=(ServiceAccount("x", role="cert-manager"),))), (), "which trusts cert-manager/cert-manager"),
        ((*GOOD, comp("x", pod_security="privileged")), (), "without a reason"),
        ((*GOOD, comp("x", pod_security="lax", pod_security_reason="r")), (), "not a Pod Security level"),
        ((*GOOD, comp("a", depends_on=("b",)), comp("b", depends_on=("a",))), (), "dependency cycle"),
        ((*GOOD, comp("cert-manager")), (), "declared twice"),
        ((*GOOD, comp("x", crds=("ClusterIssuer",))), (), "not 'group/Kind'"),
        (GOOD, ({"apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret", "metadata": {"name": "s"}},), "installed by no component"),
        ((*GOOD, plain(repository="https://charts.example")), (), "has no chart but repository"),
        ((*GOOD, plain(version="1.2.3")), (), "has no chart but repository"),
        ((*GOOD, plain(manifests=())), (), "neither a chart nor manifests"),
        ((*GOOD, plain(namespace="elsewhere")), (), "a component's manifests live in its namespace 'elsewhere'"),
        ((*GOOD, comp("x", manifests=({**ISSUER, "metadata": {"name": "ca", "namespace": "x"}},))), (), "is a custom kind"),
    ],
)
def test_a_broken_declaration_is_refused_in_one_line(components, resources, message):
    with pytest.raises(ContractError, match=message) as raised:
        check_components("dev", components, resources, service_accounts=ROLES)
    assert str(raised.value).startswith("environment 'dev': component ")
    assert "\n" not in str(raised.value)


def test_a_component_without_a_chart_passes_and_keeps_ordering():
    scan = plain(pod_security="privileged", pod_security_reason="host PID", depends_on=("cert-manager",))
    with_objects = comp("y", manifests=({**CRON, "metadata": {"name": "scan", "namespace": "y"}},))
    check_components("dev", (*GOOD, scan, with_objects), service_accounts=ROLES)
    order = [c.name for c in install_order((scan, *GOOD))]
    assert order.index("cert-manager") < order.index("scan")


def test_a_looser_level_with_a_reason_passes():
    check_components("dev", (*GOOD, comp("x", pod_security="privileged", pod_security_reason="host networking")), service_accounts=ROLES)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (dict(why=" "), "why is empty"),
        (dict(direction="both"), "direction"),
        (dict(ports=()), "at least one port"),
        (dict(ports=(70000,)), "at least one port"),
        (dict(protocol="ICMP"), "protocol"),
        (dict(cidrs=(), namespaces=()), "give cidrs or namespaces"),
        (dict(name="Not_A_Label"), "DNS label"),
    ],
)
def test_a_network_allow_without_a_reason_or_peer_is_refused(changes, message):
    allow = NetworkAllow(name="webhook", why="API server calls the webhook", direction="ingress", ports=(10250,), cidrs=("10.0.0.0/16",))
    with pytest.raises(ValueError, match=message):
        replace(allow, **changes)
