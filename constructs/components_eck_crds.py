"""ECK's CustomResourceDefinitions, installed by the `platform` stack one layer before the
`observability` stack creates an Elasticsearch resource (kubernetes_manifest needs the CRD to
exist when it plans). The operator itself runs in the observability stack
(components_search.py) with its chart's own CRD switch off."""
from __future__ import annotations

from constructs.addon_contract import Component, ComponentContext
from constructs.controller_values import chart_release, crd_kinds

# elastic/cloud-on-k8s deploy/eck-operator/charts/eck-operator-crds at tag v3.5.0 (386c7b1,
# 2026-07-24): version 3.5.0, published at helm.elastic.co. The Elasticsearch CRD it renders is
# vendored under tests/kubernetes/crds/eck-operator-crds-3.5.0/.
CHART = ("eck-operator-crds", "https://helm.elastic.co", "3.5.0")
NAMESPACE = "kube-system"
CRDS = crd_kinds({"elasticsearch.k8s.elastic.co": ("Elasticsearch",)})


def components(ctx: ComponentContext) -> tuple[Component, ...]:
    # The release needs a namespace but creates nothing namespaced (CRDs only): kube-system
    # holds its Helm record, so the operator's namespace belongs to the operator, one stack on.
    return (chart_release(CHART, NAMESPACE, {}, crds=CRDS, owns_namespace=False),)
