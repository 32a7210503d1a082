"""Every Kubernetes object of the synthesized platform stacks, extracted once per session."""
from __future__ import annotations

from pathlib import Path

import pytest

import environments
from catalog.naming import stack_name
from sparki.kubernetes.objects import stack_objects, write_objects
from sparki.kubernetes.schemas import load_crd_schemas
from stacks import kubernetes_layers_of

CRD_DIR = Path(__file__).resolve().parent / "crds"
ENVS = environments.load()
PLATFORM_STACKS = [stack_name(e, layer) for e, env in ENVS.items() for layer in kubernetes_layers_of(env.dr_region is not None)]
# (environment, cluster layer) of every cluster: each environment's, and its DR site's where it has one.
CLUSTERS = [(e, layer) for e, env in ENVS.items() for layer in ("cluster", "dr-cluster") if layer == "cluster" or env.dr_region]


@pytest.fixture(scope="session")
def platform_stacks(stacks) -> dict[str, dict]:
    return {name: stacks[name] for name in PLATFORM_STACKS}


@pytest.fixture(scope="session")
def platform_objects(platform_stacks) -> dict[str, list[dict]]:
    """stack name -> its objects, as applied."""
    return {name: stack_objects(doc) for name, doc in platform_stacks.items()}


@pytest.fixture(scope="session")
def object_files(platform_stacks, tmp_path_factory) -> dict[str, list[Path]]:
    """One YAML per object under <tmp>/<stack>/, what checkov reads."""
    return write_objects(tmp_path_factory.mktemp("kubernetes"), platform_stacks)


@pytest.fixture(scope="session")
def crd_schemas():
    return load_crd_schemas(CRD_DIR)
