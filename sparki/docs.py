"""`make docs`: the generated parts of docs/, from the code; tests/docs fails when they are stale.

  python -m sparki.docs OUTDIR [--check]

docs/ARCHITECTURE.md: the block between the `generated:stacks` markers (the stack graph as a
Mermaid diagram from OUTDIR/manifest.json, the providers each layer talks to, the regions and
accounts of environments/). docs/MODULES.md: every construct of constructs/ with its props,
their types and defaults, and its outputs, read from the source with `ast` (no cdktf import).
docs/capacity.md: needed vs available per node group at maxima (sparki/capacity_doc.py).
--check writes nothing and exits 1 naming each stale file.
"""
from __future__ import annotations

import argparse
import ast
import json
import sys
from collections.abc import Iterable
from pathlib import Path

import environments
from catalog.naming import parse_stack_name
from sparki import capacity, capacity_doc
from stacks import LAYERS

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "docs" / "ARCHITECTURE.md"
MODULES = ROOT / "docs" / "MODULES.md"
CAPACITY = ROOT / "docs" / "capacity.md"
BEGIN, END = "<!-- generated:stacks (make docs) -->", "<!-- /generated:stacks -->"


# -- ARCHITECTURE.md ------------------------------------------------------------------------------
def layer_graph(outdir: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """layer -> layers it reads from (manifest dependencies, every environment together), and
    layer -> providers of its stacks (from the synthesized provider blocks)."""
    manifest = json.loads((outdir / "manifest.json").read_text())["stacks"]
    reads: dict[str, set[str]] = {}
    providers: dict[str, set[str]] = {}
    for name, stack in manifest.items():
        layer = parse_stack_name(name)[1]
        reads.setdefault(layer, set()).update(parse_stack_name(d)[1] for d in stack.get("dependencies", []))
        doc = json.loads((outdir / stack["workingDirectory"] / "cdk.tf.json").read_text())
        providers.setdefault(layer, set()).update(doc.get("provider", {}))
    return reads, providers


def _ordered(layers: Iterable[str]) -> list[str]:
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    return sorted(layers, key=lambda layer: (rank.get(layer, len(rank)), layer))


def stacks_block(outdir: Path) -> str:
    reads, providers = layer_graph(outdir)
    node = {layer: layer.replace("-", "_") for layer in reads}
    aws_only = [layer for layer in _ordered(reads) if providers[layer] <= {"aws"}]
    cluster_side = [layer for layer in _ordered(reads) if layer not in aws_only]
    lines = [BEGIN, "", "```mermaid", "flowchart LR"]
    for title, members in (("AWS APIs (GitHub-hosted or VPC runners)", aws_only), ("cluster API (VPC runners only)", cluster_side)):
        if members:
            lines.append(f'  subgraph {title.split(" ")[0].lower()}_side["{title}"]')
            lines += [f'    {node[m]}["{m}"]' for m in members]
            lines.append("  end")
    for layer in _ordered(reads):
        lines += [f"  {node[source]} --> {node[layer]}" for source in _ordered(reads[layer])]
    lines += ["```", "", "An arrow points from a layer to a layer that reads its outputs (cdktf cross-stack references, "
              "`dependencies` in cdktf.out/manifest.json). Deploy order (`stacks.LAYERS`): "
              + " -> ".join(f"`{layer}`" for layer in LAYERS) + ".", ""]
    lines += ["| layer | stack | providers | reads from |", "|---|---|---|---|"]
    for layer in _ordered(reads):
        lines.append(f"| `{layer}` | `sparki-<env>-{layer}` | {', '.join(sorted(providers[layer]))} | {', '.join(f'`{r}`' for r in _ordered(reads[layer])) or '-'} |")
    lines += ["", "| environment | region | account | promotion |", "|---|---|---|---|"]
    for index, (name, env) in enumerate(environments.load().items()):
        lines.append(f"| {name} | {env.region} | {env.account_id} | {index + 1} of {len(environments.NAMES)} |")
    lines += ["", END]
    return "\n".join(lines)


def architecture(outdir: Path, text: str) -> str:
    if BEGIN not in text or END not in text:
        raise ValueError(f"{ARCHITECTURE} lacks the markers {BEGIN} ... {END}")
    head, rest = text.split(BEGIN, 1)
    return head + stacks_block(outdir) + rest.split(END, 1)[1]


# -- MODULES.md -----------------------------------------------------------------------------------
# A construct that writes its own Terraform JSON (constructs/kube_objects.py) is a
# TerraformElement; cdktf calls its to_terraform(), which no caller reads.
BUILDER_BASES = ("Construct", "SparkiConstruct", "TerraformElement")
CDKTF_CONTRACT = frozenset({"to_terraform"})


def _is_dataclass(cls: ast.ClassDef) -> bool:
    return any("dataclass" in ast.unparse(d) for d in cls.decorator_list)


def _outputs(cls: ast.ClassDef) -> list[str]:
    """Public attributes set in __init__ and public methods/properties: what callers read."""
    found: list[str] = []
    for item in cls.body:
        if isinstance(item, ast.FunctionDef) and item.name == "__init__":
            for sub in ast.walk(item):
                targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target] if isinstance(sub, ast.AnnAssign) else []
                for t in targets:
                    if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self" and not t.attr.startswith("_"):
                        found.append(f"`{t.attr}`")
        elif isinstance(item, ast.FunctionDef) and not item.name.startswith("_") and item.name not in CDKTF_CONTRACT:
            prop = any(ast.unparse(d) == "property" for d in item.decorator_list)
            found.append(f"`{item.name}`" if prop else f"`{item.name}()`")
    return list(dict.fromkeys(found))


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().split("\n\n")[0].replace("\n", " ")


def module_section(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    classes = [c for c in tree.body if isinstance(c, ast.ClassDef)]
    props = [c for c in classes if _is_dataclass(c)]
    builders = [c for c in classes if any(ast.unparse(b) in BUILDER_BASES for b in c.bases)]
    lines = [f"## `constructs/{path.name}`", "", _first_line(ast.get_docstring(tree)) or "(no module docstring)", ""]
    for cls in builders:
        lines += [f"### `{cls.name}`", "", _first_line(ast.get_docstring(cls)), ""]
        outputs = _outputs(cls)
        lines += [f"Outputs: {', '.join(outputs)}." if outputs else "Outputs: none (it only creates resources).", ""]
    for cls in props:
        lines += [f"### `{cls.name}` (props)", ""]
        doc = ast.get_docstring(cls)
        if doc:
            lines += ["```text", doc.strip(), "```", ""]
        lines += ["| field | type | default |", "|---|---|---|"]
        for item in cls.body:
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                default = "required" if item.value is None else f"`{ast.unparse(item.value)}`".replace("|", "\\|")
                lines.append(f"| `{item.target.id}` | `{ast.unparse(item.annotation)}` | {default} |".replace("`str | None`", "`str \\| None`"))
        lines.append("")
    return lines


def modules() -> str:
    files = sorted((ROOT / "constructs").glob("*.py"))
    lines = ["# Modules", "", "<!-- generated by `make docs` (sparki/docs.py) from constructs/; tests/docs fails when stale -->", "",
             f"Every construct module of `constructs/` ({len(files)}): what it guarantees, its outputs (read-only attributes "
             "and methods), and its props with types and defaults. The props' docstrings say what each field means and what "
             "happens when it is left out.", ""]
    lines += [f"- [`{p.stem}`](#constructs{p.stem.replace('_', '')}py)" for p in files]
    lines.append("")
    for path in files:
        lines += module_section(path)
    return "\n".join(lines).rstrip() + "\n"


def generated(outdir: Path) -> dict[Path, str]:
    return {ARCHITECTURE: architecture(outdir, ARCHITECTURE.read_text()), MODULES: modules(),
            CAPACITY: capacity_doc.render(capacity.read_outdir(outdir))}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m sparki.docs", description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, nargs="?", default=ROOT / "cdktf.out")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    if not (args.outdir / "manifest.json").exists():
        print(f"docs: error: {args.outdir} has no manifest.json; run `make synth` first", file=sys.stderr)
        return 2
    stale = [path for path, text in generated(args.outdir).items() if not path.exists() or path.read_text() != text]
    if args.check:
        for path in stale:
            print(f"docs: {path.relative_to(ROOT)} is stale; run `make docs`", file=sys.stderr)
        return 1 if stale else 0
    for path, text in generated(args.outdir).items():
        path.write_text(text)
    print(f"docs: regenerated {', '.join(str(p.relative_to(ROOT)) for p in generated(args.outdir))} ({len(stale)} changed)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
