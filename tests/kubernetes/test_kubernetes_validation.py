"""Every object validates: core kinds with kubernetes-validate (strict) at the environment's
Kubernetes version, custom kinds against the vendored CRD schema; nothing passes unchecked."""
from __future__ import annotations

from collections import Counter

import pytest
import yaml

from catalog.naming import parse_stack_name
from sparki.kubernetes.schemas import SchemaError, load_crd_schemas
from sparki.kubernetes.validate import validate_object
from tests.kubernetes.conftest import ENVS, PLATFORM_STACKS

WIDGET_CRD = """
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.io}
spec:
  group: example.io
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            apiVersion: {type: string}
            kind: {type: string}
            metadata: {type: object}
            spec:
              type: object
              required: [size]
              properties:
                size: {type: integer, minimum: 1}
                extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
"""


def widget(**spec):
    return {"apiVersion": "example.io/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "apps"}, "spec": spec}


@pytest.mark.parametrize("name", PLATFORM_STACKS)
def test_every_object_validates_at_the_environments_kubernetes_version(platform_objects, crd_schemas, name):
    version = ENVS[parse_stack_name(name)[0]].cluster.kubernetes_version
    results = [validate_object(obj, version, crd_schemas) for obj in platform_objects[name]]
    assert [f"{r.kind} {r.name}: {r.error}" for r in results if r.error] == []


def test_the_platform_stack_validates_namespaces_policies_and_accounts(platform_objects, crd_schemas):
    kinds = Counter(o["kind"] for o in platform_objects["sparki-dev-platform"])
    assert {"Namespace", "NetworkPolicy", "ServiceAccount"} <= set(kinds)


def test_strict_mode_refuses_an_unknown_field():
    obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}, "spek": {}}
    assert "spek" in validate_object(obj, "1.33", {}).error


def test_a_core_object_with_a_wrong_type_fails():
    policy = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "p", "namespace": "x"}, "spec": {"podSelector": {}, "policyTypes": "Ingress"}}
    assert validate_object(policy, "1.33", {}).error


def test_an_unknown_kind_without_a_vendored_schema_fails():
    result = validate_object(widget(size=1), "1.33", {})
    assert result.source == "none" and "neither a Kubernetes 1.33 kind nor in a vendored CRD" in result.error


def test_a_custom_kind_validates_against_its_vendored_crd(tmp_path):
    (tmp_path / "widgets-1.0.0").mkdir()
    (tmp_path / "widgets-1.0.0" / "crds.yaml").write_text("---\n# other documents are ignored\nkind: ConfigMap\n---" + WIDGET_CRD)
    schemas = load_crd_schemas(tmp_path)
    assert list(schemas) == [("example.io", "v1", "Widget")]
    assert validate_object(widget(size=2, extra={"any": "thing"}), "1.33", schemas).error == ""
    assert validate_object(widget(size=2), "1.33", schemas).source == "crd"
    assert "minimum" in validate_object(widget(size=0), "1.33", schemas).error
    assert "'size' is a required property" in validate_object(widget(), "1.33", schemas).error
    # The API server would silently prune an undeclared field; here it fails.
    assert "sise" in validate_object(widget(size=1, sise=1), "1.33", schemas).error


def test_two_crds_disagreeing_on_one_kind_are_refused(tmp_path):
    (tmp_path / "a.yaml").write_text(WIDGET_CRD)
    (tmp_path / "b.yaml").write_text(WIDGET_CRD.replace("minimum: 1", "minimum: 2"))
    with pytest.raises(SchemaError, match="defined differently"):
        load_crd_schemas(tmp_path)


def test_every_vendored_crd_file_parses(crd_schemas):
    # load_crd_schemas raises on a file that is not YAML; every schema it indexed is an object schema.
    for key, schema in crd_schemas.items():
        assert schema.get("type") == "object", key
        assert yaml.safe_dump(schema)
