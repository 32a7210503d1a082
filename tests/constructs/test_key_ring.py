"""Unit tests of constructs/key_ring.py: one key per purpose that knows no users of its own."""
from __future__ import annotations

import json

import pytest

from constructs.key_ring import PURPOSES, KeyRing, KeyRingProps
from constructs.kms_key import ADMIN_SID
from tests.support import of_type, policy_report, synth_construct, synth_fixture

PROPS = KeyRingProps(name="sparki-t", account_id="123456789012", deletion_window_days=7)


def build(stack):
    return KeyRing(stack, "keys", PROPS)


doc = synth_fixture(build)


def policies(doc) -> dict[str, list[dict]]:
    aliases = {a["target_key_id"].split(".")[1]: a["name"] for a in of_type(doc, "aws_kms_alias").values()}
    return {aliases[name]: json.loads(key["policy"])["Statement"] for name, key in of_type(doc, "aws_kms_key").items()}


def test_one_rotating_key_per_purpose_with_an_alias(doc):
    assert sorted(policies(doc)) == sorted(f"alias/sparki-t-{p}" for p in PURPOSES)
    for key in of_type(doc, "aws_kms_key").values():
        assert key["enable_key_rotation"] is True and key["deletion_window_in_days"] == 7


def test_keys_admit_only_the_accounts_iam_until_a_user_asks(doc):
    for alias, statements in policies(doc).items():
        assert [(s["Sid"], s["Principal"]) for s in statements] == [(ADMIN_SID, {"AWS": "arn:aws:iam::123456789012:root"})], alias


def test_each_purpose_is_an_attribute_and_an_arn():
    ring = {}
    synth_construct(lambda s: ring.setdefault("keys", build(s)))
    keys = ring["keys"]
    for purpose in PURPOSES:
        assert getattr(keys, purpose) is keys.keys[purpose]
        assert keys.arn(purpose) == keys.keys[purpose].key_arn
    with pytest.raises(KeyError, match="no key for purpose 'state'"):
        keys.arn("state")


def test_passes_the_policy_pack():
    assert policy_report(build).violations == []
