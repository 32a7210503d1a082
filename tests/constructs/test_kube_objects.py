"""KubeObjects writes its objects as JSON itself (no jsii Manifest each): the resources must
be exactly what typed Manifests at the same construct paths synthesize, and its logical ids
exactly the ones cdktf allocates."""
from __future__ import annotations

import json

import cdktf
import pytest
from cdktf_cdktf_provider_helm.provider import HelmProvider
from cdktf_cdktf_provider_helm.release import Release
from cdktf_cdktf_provider_kubernetes.data_kubernetes_namespace_v1 import DataKubernetesNamespaceV1, DataKubernetesNamespaceV1Metadata
from cdktf_cdktf_provider_kubernetes.manifest import Manifest
from cdktf_cdktf_provider_kubernetes.provider import KubernetesProvider

from constructs import Construct
from constructs.kube_objects import KubeObjects, address, depend_on, object_id, unique_id

NAMESPACE = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "apps", "labels": {"team": "web"}}}
POLICY = {
    "apiVersion": "networking.k8s.io/v1",
    "kind": "NetworkPolicy",
    "metadata": {"name": "default-deny", "namespace": "apps"},
    # Empty objects and lists must survive as they are: `{}` selects every pod.
    "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"], "ingress": []},
}
CONFIG = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "apps"}, "data": {"n": "1.50", "t": "${literal}"}}


@pytest.mark.parametrize(
    "path",
    [
        ["single"],
        ["a.b c"],
        ["x" * 300],
        ["objects", "namespace_apps"],
        ["Default", "objects", "Default", "namespace_apps"],
        ["group", "Resource"],
        ["bucket", "bucket"],
        ["my_bucket", "bucket", "policy"],
        ["outer", "inner-x", "the.object"],
        ["o" * 200, "p" * 100, "q"],
    ],
)
def test_unique_id_is_the_logical_id_cdktf_allocates(path):
    stack = cdktf.TerraformStack(cdktf.Testing.app(), "stack")
    scope = stack
    for part in path:
        scope = Construct(scope, part)
    assert unique_id(path) == stack.get_logical_id(scope.node)


def _stack(build) -> dict:
    app = cdktf.Testing.app()
    stack = cdktf.TerraformStack(app, "test")
    kubernetes = KubernetesProvider(stack, "kubernetes")
    helm = HelmProvider(stack, "helm")
    build(stack, kubernetes, helm)
    return json.loads(cdktf.Testing.synth(stack))


def _before(stack, kubernetes, helm) -> list:
    """A data source and a release: the kinds of dependency KubeObjects(after=) gets."""
    ns = DataKubernetesNamespaceV1(stack, "existing", metadata=DataKubernetesNamespaceV1Metadata(name="kube-system"), provider=kubernetes)
    return [ns, Release(stack, "chart", name="c", chart="c", provider=helm)]


def test_objects_synthesize_as_typed_manifests_would():
    def typed(stack, kubernetes, helm):
        first, release = _before(stack, kubernetes, helm)
        scope = Construct(stack, "objects")
        created = [Manifest(scope, object_id(m), manifest=m, provider=kubernetes, depends_on=[first, release]) for m in (NAMESPACE, POLICY, CONFIG)]
        Release(stack, "after", name="a", chart="a", provider=helm, depends_on=created[:2])
        Release(stack, "after_all", name="b", chart="b", provider=helm, depends_on=[*created, release, first])
        Manifest(Construct(stack, "plain"), object_id(CONFIG), manifest=CONFIG, provider=kubernetes)

    def ours(stack, kubernetes, helm):
        first, release = _before(stack, kubernetes, helm)
        objects = KubeObjects(stack, "objects", [NAMESPACE, POLICY, CONFIG], provider=kubernetes, after=[first, release])
        # Passed to jsii as they are (a proxy each), and by address.
        Release(stack, "after", name="a", chart="a", provider=helm, depends_on=[objects.resources[object_id(m)] for m in (NAMESPACE, POLICY)])
        depend_on(Release(stack, "after_all", name="b", chart="b", provider=helm), [*objects.resources.values(), release, first])
        KubeObjects(stack, "plain", [CONFIG], provider=kubernetes)

    expected, found = _stack(typed), _stack(ours)
    assert found == expected
    assert len(found["resource"]["kubernetes_manifest"]) == 4
    assert found["resource"]["helm_release"]["after"]["depends_on"][0].startswith("kubernetes_manifest.objects_namespace_apps_")


def test_no_objects_add_nothing():
    doc = _stack(lambda stack, kubernetes, helm: KubeObjects(stack, "none", [], provider=kubernetes))
    assert "resource" not in doc


def test_an_object_declared_twice_is_refused():
    with pytest.raises(ValueError, match="ConfigMap apps/x is declared twice"):
        _stack(lambda stack, kubernetes, helm: KubeObjects(stack, "objects", [CONFIG, CONFIG], provider=kubernetes))


def test_a_dependency_without_a_terraform_address_is_refused():
    with pytest.raises(TypeError, match="not Construct"):
        address(Construct(cdktf.Testing.app(), "loose"))
