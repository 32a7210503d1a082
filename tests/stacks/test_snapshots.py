"""Snapshot of every synthesized stack: any drift in the Terraform JSON shows up here.

An intended change updates the snapshots in the same commit: `make snapshot-update`.
"""
from __future__ import annotations

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

import environments
from catalog.naming import stack_name
from stacks import LAYERS

NAMES = [stack_name(e, layer) for e in environments.NAMES for layer in LAYERS]


@pytest.fixture
def snapshot_json(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("name", NAMES)
def test_stack_matches_snapshot(stacks, snapshot_json, name):
    assert stacks[name] == snapshot_json
