"""Running the real `terraform` over synthesized stacks: init, validate, plan, apply, destroy.

Where providers come from is sparki/providers.py; cli_env() there is the environment every
terraform process here runs with.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from catalog.naming import parse_stack_name
from sparki.providers import ProviderSource, TerraformMissing, cli_env, provider_source, unreachable_registry
from stacks import LAYERS


def terraform_binary() -> str:
    found = shutil.which("terraform")
    if not found:
        raise TerraformMissing("terraform is not on PATH; install Terraform >= 1.10 (see README)")
    return found


def run(args: list[str], cwd: Path, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [terraform_binary(), *args], cwd=cwd, env=dict(env or cli_env()), capture_output=True, text=True
    )


@dataclass(frozen=True)
class StackResult:
    stack: str
    ok: bool
    detail: str


def stack_dirs(outdir: Path) -> dict[str, Path]:
    manifest = json.loads((Path(outdir) / "manifest.json").read_text())
    return {name: Path(outdir) / s["workingDirectory"] for name, s in manifest["stacks"].items()}


def deploy_order(outdir: Path, names: Iterable[str] | None = None) -> list[str]:
    """Stacks in an order that deploys each after the stacks it references.

    The manifest's `dependencies` (cross-stack references) decide; among stacks free to go,
    the layer order of stacks.LAYERS, then the name, keeps the order stable. Dependencies
    outside `names` are taken as already deployed.
    """
    manifest = json.loads((Path(outdir) / "manifest.json").read_text())["stacks"]
    wanted = set(manifest) if names is None else set(names)
    unknown = sorted(wanted - set(manifest))
    if unknown:
        raise KeyError(f"not in {outdir}/manifest.json: {', '.join(unknown)}")
    rank = {layer: i for i, layer in enumerate(LAYERS)}

    def key(name: str) -> tuple[int, str]:
        return rank.get(parse_stack_name(name)[1], len(rank)), name

    pending = {n: set(manifest[n].get("dependencies", [])) & wanted for n in wanted}
    order: list[str] = []
    while pending:
        ready = sorted((n for n, deps in pending.items() if not deps), key=key)
        if not ready:
            raise ValueError(f"cyclic stack dependencies among {', '.join(sorted(pending))}")
        order.append(ready[0])
        del pending[ready[0]]
        for deps in pending.values():
            deps.discard(ready[0])
    return order


def aws_only_stacks(outdir: Path) -> dict[str, Path]:
    """Stacks whose only provider is AWS: those can be validated with the offline mirror."""
    result = {}
    for name, path in stack_dirs(outdir).items():
        doc = json.loads((path / "cdk.tf.json").read_text())
        if set(doc.get("provider", {})) <= {"aws"}:
            result[name] = path
    return result


def validate_stack(name: str, path: Path, env: Mapping[str, str]) -> StackResult:
    init = run(["init", "-backend=false", "-input=false", "-no-color"], path, env)
    if init.returncode != 0:
        if problem := unreachable_registry(init.stderr + init.stdout, env):
            raise TerraformMissing(problem)
        return StackResult(name, False, f"init failed: {(init.stderr or init.stdout).strip()}")
    out = run(["validate", "-json", "-no-color"], path, env)
    try:
        report = json.loads(out.stdout)
    except json.JSONDecodeError:
        return StackResult(name, False, f"validate failed: {(out.stderr or out.stdout).strip()}")
    problems = [
        f"{d['severity']}: {d['summary']}: {d.get('detail', '')}".strip()
        for d in report.get("diagnostics", [])
        if d["severity"] == "error"
    ]
    warnings = sum(d["severity"] == "warning" for d in report.get("diagnostics", []))
    if not report.get("valid") or problems:
        return StackResult(name, False, "; ".join(problems) or "invalid")
    return StackResult(name, True, f"valid ({warnings} warnings)" if warnings else "valid")


def missing_providers(outdir: Path, source: ProviderSource) -> dict[str, list[str]]:
    """Stacks `terraform init` cannot install from the mirror: stack -> providers it lacks.
    With no mirror (the registry) nothing is known missing; init will say."""
    if source.mirror is None:
        return {}
    missing = {}
    for name, path in stack_dirs(outdir).items():
        doc = json.loads((path / "cdk.tf.json").read_text())
        required = doc.get("terraform", {}).get("required_providers", {})
        lacking = sorted(
            f"hashicorp/{p}" for p, spec in required.items()
            if not Path(source.mirror, "registry.terraform.io", *_provider_path(p, spec)).is_dir()
        )
        if lacking:
            missing[name] = lacking
    return missing


def _provider_path(name: str, spec: Mapping[str, str]) -> tuple[str, str]:
    namespace, _, provider = str(spec.get("source", name)).rpartition("/")
    return namespace.rpartition("/")[2] or "hashicorp", provider


def validate(outdir: Path, names: Iterable[str] | None = None, workers: int = 2) -> list[StackResult]:
    """`terraform init -backend=false && terraform validate` on each stack whose providers
    can be installed: every AWS-only stack, and the Kubernetes stacks where the mirror (or the
    registry) has their providers; missing_providers() names the others."""
    env = cli_env()
    terraform_binary()
    skipped = missing_providers(outdir, provider_source(env))
    stacks = {n: p for n, p in stack_dirs(outdir).items() if n in aws_only_stacks(outdir) or n not in skipped}
    if names is not None:
        stacks = {n: p for n, p in stacks.items() if n in set(names)}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda item: validate_stack(item[0], item[1], env), sorted(stacks.items())))


# -- plan, apply, destroy -------------------------------------------------------------------


@dataclass(frozen=True)
class Diagnostic:
    """An error terraform reported; address names the resource when terraform knows it."""

    summary: str
    detail: str = ""
    address: str = ""

    def __str__(self) -> str:
        where = f"{self.address}: " if self.address else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"{where}{self.summary}{detail}"


@dataclass(frozen=True)
class Outcome:
    """One terraform command. `errors` come from the -json stream, or from stderr when
    terraform failed before it could stream (bad CLI use, init problems)."""

    args: tuple[str, ...]
    returncode: int
    errors: tuple[Diagnostic, ...]
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def describe(self) -> str:
        if self.errors:
            return "\n".join(str(e) for e in self.errors)
        return (self.stderr or self.stdout).strip()[-2000:] or f"exit code {self.returncode}"


def _errors(proc: subprocess.CompletedProcess) -> tuple[Diagnostic, ...]:
    found = []
    for line in proc.stdout.splitlines():
        if not line.startswith("{"):
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        diag = event.get("diagnostic") if event.get("type") == "diagnostic" else None
        if diag and diag.get("severity") == "error":
            found.append(Diagnostic(diag.get("summary", ""), (diag.get("detail") or "").strip(), diag.get("address", "")))
    return tuple(found)


def execute(args: Sequence[str], cwd: Path, env: Mapping[str, str]) -> Outcome:
    proc = run(list(args), Path(cwd), env)
    return Outcome(tuple(args), proc.returncode, _errors(proc), proc.stdout, proc.stderr)


def _targets(targets: Iterable[str]) -> list[str]:
    return [f"-target={t}" for t in targets]


def init(path: Path, env: Mapping[str, str]) -> Outcome:
    """`terraform init` with the stack's backend (local state or the environment's bucket).
    Raises TerraformMissing with one line when the providers cannot be installed at all."""
    outcome = execute(["init", "-input=false", "-no-color"], path, env)
    if not outcome.ok and (problem := unreachable_registry(outcome.stderr + outcome.stdout, env)):
        raise TerraformMissing(problem)
    return outcome


def plan(path: Path, env: Mapping[str, str], out: Path, targets: Iterable[str] = ()) -> Outcome:
    """`terraform plan -detailed-exitcode -out=...`: returncode 0 = no changes, 2 = changes."""
    args = ["plan", "-input=false", "-json", "-detailed-exitcode", f"-out={Path(out).resolve()}", *_targets(targets)]
    return execute(args, path, env)


def apply_plan(path: Path, env: Mapping[str, str], planfile: Path) -> Outcome:
    return execute(["apply", "-input=false", "-json", "-auto-approve", str(Path(planfile).resolve())], path, env)


def destroy(path: Path, env: Mapping[str, str], targets: Iterable[str] = ()) -> Outcome:
    return execute(["destroy", "-input=false", "-json", "-auto-approve", *_targets(targets)], path, env)


def show_plan(path: Path, env: Mapping[str, str], planfile: Path) -> dict:
    """The plan as `terraform show -json` renders it (format_version 1.x)."""
    out = run(["show", "-json", "-no-color", str(Path(planfile).resolve())], Path(path), env)
    if out.returncode != 0:
        raise RuntimeError(f"terraform show -json {planfile} failed: {(out.stderr or out.stdout).strip()}")
    return json.loads(out.stdout)


def state_list(path: Path, env: Mapping[str, str]) -> list[str]:
    out = run(["state", "list", "-no-color"], Path(path), env)
    if out.returncode != 0:
        raise RuntimeError(f"terraform state list in {path} failed: {(out.stderr or out.stdout).strip()}")
    return out.stdout.split()


def state_rm(path: Path, env: Mapping[str, str], addresses: Sequence[str]) -> Outcome:
    return execute(["state", "rm", "-no-color", *addresses], path, env)
