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
``SPARKI_EAGER_BINDINGS=1`` turns the hook off; tests/test_lazy_bindings.py proves the
synthesized JSON is byte-identical either way.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from types import ModuleType

PACKAGES = frozenset(
    {
        "cdktf_cdktf_provider_aws",
        "cdktf_cdktf_provider_kubernetes",
        "cdktf_cdktf_provider_helm",
    }
)
MARKER = "# Loading modules to ensure their types are registered with the jsii runtime library"


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
    """Install the hook (idempotent). Returns whether lazy loading is active."""
    if not enabled():
        return False
    if any(isinstance(f, _Finder) for f in sys.meta_path):
        return True
    loaded = PACKAGES.intersection(sys.modules)
    if loaded:
        # Too late for these; they were imported eagerly already. Harmless, only slower.
        return False
    sys.meta_path.insert(0, _Finder())
    return True
