"""Application namespaces' NetworkPolicies: the ambient mesh's allows exist exactly when the
namespace is in the mesh, open only 15008 between application namespaces and the probe SNAT
address, and say why."""
from __future__ import annotations

import pytest

from constructs.namespace_policies import (
    HBONE_PORT,
    PROBE_SNAT_CIDR,
    WHY,
    Network,
    application_policies,
)
from sparki.kubernetes.validate import validate_object

APPS = ("sparki-api", "sparki-web")
NETWORK = Network(vpc_cidr="10.0.0.0/16", public_cidrs=["10.0.0.0/24"], database_cidrs=["10.0.8.0/24"])
AMBIENT_POLICIES = {"allow-hbone-in", "allow-hbone-out", "allow-kubelet-probes"}


def policies(ambient: bool) -> dict[str, dict]:
    found = application_policies(
        "sparki-api", NETWORK, app_namespaces=APPS, app_port=8080, metrics_port=9090, monitoring="monitoring", ambient=ambient,
    )
    return {p["metadata"]["name"]: p for p in found}


def test_outside_the_mesh_there_are_no_ambient_allows():
    assert not AMBIENT_POLICIES & set(policies(False))
    assert {"default-deny", "allow-dns"} <= set(policies(False))


def test_hbone_flows_both_ways_between_application_namespaces_only():
    found = policies(True)
    peers = [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": ns}}} for ns in APPS]
    for name, direction, side in (("allow-hbone-in", "ingress", "from"), ("allow-hbone-out", "egress", "to")):
        spec = found[name]["spec"]
        assert spec["policyTypes"] == [direction.capitalize()] and spec["podSelector"] == {}
        assert spec[direction] == [{side: peers, "ports": [{"protocol": "TCP", "port": HBONE_PORT}]}]


def test_kubelet_probes_are_let_in_from_the_snat_address_only():
    spec = policies(True)["allow-kubelet-probes"]["spec"]
    assert PROBE_SNAT_CIDR == "169.254.7.127/32"
    assert spec == {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"from": [{"ipBlock": {"cidr": PROBE_SNAT_CIDR}}]}]}


@pytest.mark.parametrize("name", sorted(AMBIENT_POLICIES))
def test_each_ambient_allow_says_why_and_validates_strictly(name):
    policy = policies(True)[name]
    assert len(policy["metadata"]["annotations"][WHY]) > 40
    result = validate_object(policy, "1.33", {})
    assert (result.source, result.error) == ("core", "")
