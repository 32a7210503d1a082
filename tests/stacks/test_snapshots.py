"""Snapshot of every synthesized stack: any drift in the Terraform JSON shows up here.

An intended change updates the snapshots in the same commit: `make snapshot-update`.
"""
from __future__ import annotations

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

import environments
from catalog.naming import stack_name
from stacks import layers_of

NAMES = [stack_name(name, layer) for name, env in environments.load().items() for layer in layers_of(env.dr_region is not None)]


@pytest.fixture
def snapshot_json(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("name", NAMES)
def test_stack_matches_snapshot(stacks, snapshot_json, name):
    assert stacks[name] == snapshot_json
