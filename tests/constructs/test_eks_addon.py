"""Unit tests of constructs/eks_addon.py."""
from __future__ import annotations

import json

import pytest

from constructs.eks_addon import EksAddon, EksAddonProps
from tests.support import assert_rejected, of_type, synth_construct, synth_fixture

MINIMAL = dict(cluster_name="t-eks", addon_name="kube-proxy", version="v1.33.5-eksbuild.2")


minimal = synth_fixture(lambda s: EksAddon(s, "kube_proxy", EksAddonProps(**MINIMAL)))


@pytest.fixture(scope="module")
def full():
    def build(scope):
        first = EksAddon(scope, "first", EksAddonProps(**MINIMAL))
        EksAddon(
            scope,
            "vpc_cni",
            EksAddonProps(
                cluster_name="t-eks",
                addon_name="vpc-cni",
                version="v1.20.1-eksbuild.3",
                service_account_role_arn="arn:aws:iam::123456789012:role/t-eks-vpc-cni",
                configuration={"enableNetworkPolicy": "true", "env": {"ENABLE_PREFIX_DELEGATION": "true"}},
                after=[first.resource],
            ),
        )

    return synth_construct(build)


def test_minimal_is_pinned_overwrites_drift_and_survives_removal(minimal):
    (addon,) = of_type(minimal, "aws_eks_addon").values()
    assert {k: v for k, v in addon.items() if k != "//"} == {
        "cluster_name": "t-eks",
        "addon_name": "kube-proxy",
        "addon_version": "v1.33.5-eksbuild.2",
        "resolve_conflicts_on_create": "OVERWRITE",
        "resolve_conflicts_on_update": "OVERWRITE",
        "preserve": True,
    }


def test_full_has_role_configuration_and_ordering(full):
    addons = of_type(full, "aws_eks_addon")
    (first_id,) = [k for k, v in addons.items() if v["addon_name"] == "kube-proxy"]
    (cni,) = [v for v in addons.values() if v["addon_name"] == "vpc-cni"]
    assert cni["service_account_role_arn"] == "arn:aws:iam::123456789012:role/t-eks-vpc-cni"
    assert json.loads(cni["configuration_values"]) == {"enableNetworkPolicy": "true", "env": {"ENABLE_PREFIX_DELEGATION": "true"}}
    assert cni["depends_on"] == [f"aws_eks_addon.{first_id}"]


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(version="latest"), "pin an exact build"),
        (dict(version="v1.33.5"), "pin an exact build"),
        (dict(addon_name="Kube Proxy"), "use the EKS add-on name"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    assert_rejected(EksAddonProps, MINIMAL, changes, message)
