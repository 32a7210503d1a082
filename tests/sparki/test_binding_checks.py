"""The bindings' argument type checks with remembered stub hints (sparki/lazy_bindings.py,
installed for the test session by tests/conftest.py): every check still runs, with the hints
typing computes, and only the generated stubs' hints are remembered."""
from __future__ import annotations

import typing

import cdktf
import pytest
from cdktf_cdktf_provider_helm import release

from sparki.lazy_bindings import STUB_PREFIX


def test_a_wrong_argument_type_is_refused_every_time():
    stack = cdktf.TerraformStack(cdktf.Testing.app(), "stack")
    for attempt in range(3):
        with pytest.raises(TypeError, match="type of argument name must be str; got int instead"):
            release.Release(stack, f"r{attempt}", name=123, chart="c")


def test_a_stub_has_the_hints_typing_computes_once():
    # The module hides its private names (publication); the constructor sees them.
    stubs = [v for k, v in release.Release.__init__.__globals__.items() if k.startswith(STUB_PREFIX)]
    assert stubs
    for stub in stubs[:20]:
        first = typing.get_type_hints(stub)
        assert typing.get_type_hints(stub) is first
        assert first == typing.get_type_hints.__wrapped__(stub)


def test_other_functions_are_computed_on_every_call():
    def plain(x: int) -> str:
        return str(x)

    assert typing.get_type_hints(plain) == {"x": int, "return": str}
    assert typing.get_type_hints(plain) is not typing.get_type_hints(plain)
