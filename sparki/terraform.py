"""Running the real `terraform` over synthesized stacks: init, validate (and, later, plan).

SPARKI_TF_MIRROR  a directory laid out as a Terraform filesystem mirror (for example the
                  offline /opt/tf-plugins). When set, providers are installed only from it, so
                  init never reaches the registry. Unset: providers come from the registry,
                  cached in TF_PLUGIN_CACHE_DIR (default ~/.terraform.d/plugin-cache).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path


class TerraformMissing(RuntimeError):
    pass


def terraform_binary() -> str:
    found = shutil.which("terraform")
    if not found:
        raise TerraformMissing("terraform is not on PATH; install Terraform >= 1.10 (see README)")
    return found


def cli_env(base: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The process environment for terraform: quiet, non-interactive, mirror-aware."""
    env = dict(base)
    env.setdefault("TF_IN_AUTOMATION", "1")
    env.setdefault("CHECKPOINT_DISABLE", "1")
    mirror = env.get("SPARKI_TF_MIRROR", "").strip()
    if mirror:
        if not Path(mirror, "registry.terraform.io").is_dir():
            raise TerraformMissing(
                f"SPARKI_TF_MIRROR={mirror}: not a provider mirror (no registry.terraform.io/ inside); "
                "point it at a directory made by `terraform providers mirror`, or unset it to use the registry"
            )
        config = f'provider_installation {{\n  filesystem_mirror {{\n    path = "{Path(mirror).resolve()}"\n  }}\n}}\n'
        digest = hashlib.sha256(config.encode()).hexdigest()[:12]
        path = Path(tempfile.gettempdir()) / f"sparki-terraform-{digest}.tfrc"
        if not path.exists():
            path.write_text(config)
        env["TF_CLI_CONFIG_FILE"] = str(path)
    else:
        configured = env.get("TF_CLI_CONFIG_FILE")
        if configured and not Path(configured).exists():
            env.pop("TF_CLI_CONFIG_FILE")  # a dangling setting only makes terraform warn
        cache = Path(env.setdefault("TF_PLUGIN_CACHE_DIR", str(Path.home() / ".terraform.d" / "plugin-cache")))
        cache.mkdir(parents=True, exist_ok=True)
    return env


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


def validate(outdir: Path, names: Iterable[str] | None = None, workers: int = 2) -> list[StackResult]:
    """`terraform init -backend=false && terraform validate` on each AWS-only stack."""
    env = cli_env()
    terraform_binary()
    stacks = aws_only_stacks(outdir)
    if names is not None:
        stacks = {n: p for n, p in stacks.items() if n in set(names)}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda item: validate_stack(item[0], item[1], env), sorted(stacks.items())))
