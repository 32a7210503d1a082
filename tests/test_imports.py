"""The import direction of docs/ARCHITECTURE.md, checked on the source: catalog <- environments
<- stacks <- sparki, constructs <- stacks, and no import hidden inside a function to dodge it."""
from __future__ import annotations

import ast

import pytest

from tests.support import ROOT

# folder -> the folders of ours it must never import
FORBIDDEN = {
    "catalog": {"environments", "constructs", "stacks", "sparki"},
    "environments": {"constructs", "stacks", "sparki"},
    "constructs": {"environments", "stacks", "sparki"},
    "stacks": {"sparki"},
}
OURS = {"catalog", "environments", "constructs", "stacks", "sparki"}


def imports(path) -> list[tuple[str, bool]]:
    """(top-level package, inside a function?) of every import in a file."""
    found = []

    def visit(node, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend([(alias.name.split(".")[0], in_function) for alias in child.names])
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                found.append((child.module.split(".")[0], in_function))
            visit(child, nested)

    visit(ast.parse(path.read_text()), False)
    return found


def sources(folder: str):
    return sorted(p for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_no_folder_imports_upward(folder):
    wrong = [f"{p.relative_to(ROOT)} imports {pkg}" for p in sources(folder) for pkg, _ in imports(p) if pkg in FORBIDDEN[folder]]
    assert not wrong, wrong


def test_the_tools_import_the_stacks_at_module_top():
    hidden = [f"{p.relative_to(ROOT)} imports {pkg} inside a function" for p in sources("sparki") for pkg, inside in imports(p) if inside and pkg in {"stacks", "catalog"}]
    assert not hidden, hidden
