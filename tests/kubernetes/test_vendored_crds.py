"""The vendored CRD schemas (tests/kubernetes/crds/): each folder says where it came from, every
CRD carries a schema for each version it serves, every custom resource kind the platform-config
stacks create has one, and a folder's version is the one the platform installs."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from stacks.platform_components import collect
from tests.constructs.platform_support import ENVS, context, observability

CRDS = Path(__file__).resolve().parent / "crds"
# Folder name prefix -> the Helm chart whose CRDs it holds (istio's CRDs come with `base`).
FOLDER_CHARTS = {
    "cert-manager": "cert-manager", "external-secrets": "external-secrets", "istio-base": "base",
    "prometheus-operator-crds": "prometheus-operator-crds", "eck-operator-crds": "eck-operator-crds",
}
FOLDER = re.compile(r"^(?P<prefix>.+)-(?P<version>v?\d+\.\d+\.\d+)$")


def folders() -> list[Path]:
    return sorted(p for p in CRDS.iterdir() if p.is_dir())


def vendored() -> dict[tuple[str, str, str], Path]:
    """(group, version, kind) -> file, for every served version of every vendored CRD."""
    found = {}
    for path in sorted(CRDS.glob("*/*.yaml")):
        crd = yaml.safe_load(path.read_text())
        for version in crd["spec"]["versions"]:
            if version.get("served"):
                found[(crd["spec"]["group"], version["name"], crd["spec"]["names"]["kind"])] = path
    return found


def custom_resources(name: str) -> list[dict]:
    return [*collect(context(name)).custom_resources, *observability(name).custom_resources]


def test_the_vendored_kinds():
    kinds = sorted({(group, kind) for group, _, kind in vendored()})
    assert kinds == [
        ("cert-manager.io", "Certificate"),
        ("cert-manager.io", "ClusterIssuer"),
        ("cert-manager.io", "Issuer"),
        ("elasticsearch.k8s.elastic.co", "Elasticsearch"),
        ("external-secrets.io", "ClusterSecretStore"),
        ("external-secrets.io", "ExternalSecret"),
        ("external-secrets.io", "PushSecret"),
        ("external-secrets.io", "SecretStore"),
        ("generators.external-secrets.io", "Password"),
        ("monitoring.coreos.com", "PodMonitor"),
        ("monitoring.coreos.com", "Probe"),
        ("monitoring.coreos.com", "PrometheusRule"),
        ("monitoring.coreos.com", "ServiceMonitor"),
        ("security.istio.io", "AuthorizationPolicy"),
        ("security.istio.io", "PeerAuthentication"),
    ]


@pytest.mark.parametrize("folder", folders(), ids=lambda p: p.name)
def test_each_folder_names_its_chart_version_and_upstream_source(folder):
    match = FOLDER.match(folder.name)
    assert match and match["prefix"] in FOLDER_CHARTS, f"{folder.name}: name folders <chart>-<version>"
    readme = (folder / "README.md").read_text()
    assert "https://github.com/" in readme and match["version"] in readme
    assert re.search(r"[0-9a-f]{40}", readme), f"{folder.name}/README.md names no commit"
    assert list(folder.glob("*.yaml")), f"{folder.name} holds no CRD"


@pytest.mark.parametrize("path", sorted(CRDS.glob("*/*.yaml")), ids=lambda p: p.name)
def test_every_crd_has_a_schema_for_each_version_it_serves(path):
    crd = yaml.safe_load(path.read_text())
    assert crd["kind"] == "CustomResourceDefinition"
    # ECK keeps an unserved, schema-less v1alpha1 for old objects' sake; nothing can use it.
    for version in (v for v in crd["spec"]["versions"] if v.get("served")):
        schema = version.get("schema", {}).get("openAPIV3Schema", {})
        assert schema.get("type") == "object" and schema.get("properties"), f"{path.name} {version['name']}"


@pytest.mark.parametrize("name", sorted(ENVS))
def test_every_custom_resource_kind_the_platform_creates_has_a_schema(name):
    schemas = vendored()
    for resource in custom_resources(name):
        group, _, version = resource["apiVersion"].rpartition("/")
        assert (group, version, resource["kind"]) in schemas, f"{resource['apiVersion']} {resource['kind']}: vendor its CRD"


@pytest.mark.parametrize("name", sorted(ENVS))
def test_vendored_schemas_are_those_of_the_installed_chart_version(name):
    installed = {(c.chart, c.version) for c in (*collect(context(name)).components, *observability(name).components)}
    for folder in folders():
        match = FOLDER.match(folder.name)
        chart = FOLDER_CHARTS[match["prefix"]]
        versions = {v for c, v in installed if c == chart}
        assert not versions or versions == {match["version"]}, f"{folder.name}: the platform installs {chart} {versions}"
