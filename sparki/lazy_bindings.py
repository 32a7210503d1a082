"""Load the prebuilt provider bindings without their eager submodule imports.

Each prebuilt cdktf provider package (``cdktf_cdktf_provider_aws`` and friends) ends its
``__init__`` with one ``from . import <resource>`` line per resource type: ~2,100 of them for
AWS, costing ~10 s and ~1 GB before the first resource is declared. The jsii assembly itself is
loaded by the package's ``_jsii`` module, which every submodule imports on its own, and each
submodule registers its own types when imported. So a program that imports the submodules it
uses (``from cdktf_cdktf_provider_aws.vpc import Vpc``) needs nothing from that tail.

``install()`` adds an import hook that runs a provider package's ``__init__`` only up to the
generator's marker comment. If the marker is missing (a different generator version) the
package is loaded unchanged, so the worst case is the old speed, never a broken import.

The jsii runtime (Node.js) has the same tail: loading a provider's assembly requires its
lib/index.js, which requires every resource module (~6 s for AWS, ~4 s for Kubernetes).
``install()`` also preloads lazy_bindings.js into the runtime through NODE_OPTIONS, which turns
those requires into getters; it must run before the first jsii import starts the runtime.

Every generated constructor and setter checks its arguments with typeguard against
``typing.get_type_hints(<its stub>)``, recomputed on every call (thousands per synth). The hints
of a stub never change, so ``install()`` also makes ``typing.get_type_hints`` remember them for
the generated ``_typecheckingstub__*`` functions: every check still runs, with the same types.

``SPARKI_EAGER_BINDINGS=1`` turns all three off; tests/test_toolchain.py proves the
synthesized output is byte-identical either way.
"""
from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import typing
from pathlib import Path
from types import ModuleType

PACKAGES = frozenset(
    {
        "cdktf_cdktf_provider_aws",
        "cdktf_cdktf_provider_kubernetes",
        "cdktf_cdktf_provider_helm",
    }
)
MARKER = "# Loading modules to ensure their types are registered with the jsii runtime library"
NODE_HOOK = Path(__file__).with_name("lazy_bindings.js")


class _TruncatingLoader(importlib.abc.Loader):
    def __init__(self, wrapped: importlib.machinery.SourceFileLoader) -> None:
        self._wrapped = wrapped

    def create_module(self, spec):  # default module creation
        return None

    def exec_module(self, module: ModuleType) -> None:
        path = self._wrapped.get_filename(module.__name__)
        source = self._wrapped.get_data(path).decode("utf-8")
        head, found, _ = source.partition(MARKER)
        code = compile(head if found else source, path, "exec")
        exec(code, module.__dict__)  # noqa: S102 - the package's own code, truncated


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname not in PACKAGES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return spec
        spec.loader = _TruncatingLoader(spec.loader)
        return spec


def enabled() -> bool:
    return os.environ.get("SPARKI_EAGER_BINDINGS", "") not in ("1", "true", "yes")


def install() -> bool:
    """Install both hooks (idempotent). Returns whether lazy loading is active."""
    if not enabled():
        return False
    if any(isinstance(f, _Finder) for f in sys.meta_path):
        return True
    loaded = PACKAGES.intersection(sys.modules)
    if loaded:
        # Too late for these; they were imported eagerly already. Harmless, only slower.
        return False
    sys.meta_path.insert(0, _Finder())
    _preload_node_hook()
    _remember_stub_hints()
    return True


STUB_PREFIX = "_typecheckingstub__"


def _remember_stub_hints() -> None:
    if getattr(typing.get_type_hints, "__wrapped__", None) is not None:
        return
    compute = typing.get_type_hints
    known: dict = {}

    @functools.wraps(compute)
    def get_type_hints(obj, globalns=None, localns=None, include_extras=False):
        if globalns is None and localns is None and not include_extras and getattr(obj, "__name__", "").startswith(STUB_PREFIX):
            if obj not in known:
                known[obj] = compute(obj)
            return known[obj]
        return compute(obj, globalns, localns, include_extras)

    typing.get_type_hints = get_type_hints


def _preload_node_hook() -> None:
    # Every jsii package's _jsii module loads its assembly, and the first one starts the
    # runtime with the environment of that moment; once it runs, NODE_OPTIONS is too late.
    if any(name.endswith("._jsii") for name in sys.modules):
        return
    option = f'--require "{NODE_HOOK}"' if " " in str(NODE_HOOK) else f"--require={NODE_HOOK}"
    current = os.environ.get("NODE_OPTIONS", "")
    if option not in current:
        os.environ["NODE_OPTIONS"] = f"{current} {option}".strip()
