"""Extraction: every object the platform stacks create, one YAML file each, exactly as applied."""
from __future__ import annotations

import pytest
import yaml

from sparki.kubernetes.objects import UnsupportedResource, file_name, stack_objects


def test_every_kubernetes_resource_becomes_one_object(platform_stacks, platform_objects):
    for name, doc in platform_stacks.items():
        resources = doc.get("resource", {})
        expected = sum(len(resources.get(t, {})) for t in ("kubernetes_manifest", "kubernetes_default_service_account_v1"))
        assert len(platform_objects[name]) == expected, name


def test_the_default_service_account_patch_becomes_a_service_account_without_token():
    doc = {"resource": {"kubernetes_default_service_account_v1": {"a": {"metadata": {"namespace": "apps"}, "automount_service_account_token": False}}}}
    assert stack_objects(doc) == [{
        "apiVersion": "v1", "kind": "ServiceAccount",
        "metadata": {"name": "default", "namespace": "apps"}, "automountServiceAccountToken": False,
    }]


def test_any_other_kubernetes_resource_type_is_refused():
    doc = {"resource": {"kubernetes_namespace_v1": {"ns": {"metadata": {"name": "x"}}}}}
    with pytest.raises(UnsupportedResource, match="write it as kubernetes_manifest"):
        stack_objects(doc)


def test_one_yaml_file_per_object_round_trips(object_files, platform_objects):
    for name, files in object_files.items():
        assert sorted(p.name for p in files) == sorted(file_name(o) for o in platform_objects[name])
        for path in files:
            obj = yaml.safe_load(path.read_text())
            assert obj in platform_objects[name]
