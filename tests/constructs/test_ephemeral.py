"""Unit tests of constructs/ephemeral.py: the one place that writes an ephemeral block."""
from __future__ import annotations

import pytest

from constructs import Construct
from constructs.ephemeral import RANDOM_PASSWORD, random_password
from tests.support import synth_construct


def _two_scopes(stack) -> None:
    for scope in (Construct(stack, "a"), Construct(Construct(stack, "b"), "c")):
        random_password(scope, "pw", password_length=32)


def test_each_scope_gets_its_own_block_and_local():
    doc = synth_construct(_two_scopes)
    assert doc["ephemeral"][RANDOM_PASSWORD] == {"a_pw": {"password_length": 32}, "b_c_pw": {"password_length": 32}}
    assert sorted(doc["locals"].values()) == [
        f"${{ephemeral.{RANDOM_PASSWORD}.a_pw.random_password}}",
        f"${{ephemeral.{RANDOM_PASSWORD}.b_c_pw.random_password}}",
    ]


def test_a_misspelt_argument_fails_at_synth_with_the_path():
    with pytest.raises(ValueError, match="test/a/pw: aws_secretsmanager_random_password takes no argument 'length'"):
        synth_construct(lambda s: random_password(Construct(s, "a"), "pw", length=32))
