"""Where `terraform init` gets providers, and the environment terraform runs with.

Where providers come from (provider_source()):
  SPARKI_TF_MIRROR  a directory laid out as a Terraform filesystem mirror (for example one made by
                    `terraform providers mirror`). Providers it holds are installed only from it.
  unset             the first of Terraform's standard local mirror directories, or of the mirror
                    this machine kind ships (MACHINE_MIRRORS), that holds the pinned AWS provider;
                    failing that the registry, cached in TF_PLUGIN_CACHE_DIR
                    (default ~/.terraform.d/plugin-cache), as for every Terraform user.
When init can reach neither, it fails with one line that says what to set.
"""
from __future__ import annotations

import hashlib
import os
import platform
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


class TerraformMissing(RuntimeError):
    pass


# The AWS provider the bindings (cdktf-cdktf-provider-aws 20.1.0) were generated for; a test
# compares it with required_providers in the synthesized JSON.
AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"
AWS_PROVIDER_VERSION = "5.100.0"
# Mirrors that machines of this project's kind ship outside Terraform's standard directories.
MACHINE_MIRRORS = ("/opt/tf-plugins",)
# What `terraform init` prints when it cannot reach the registry (DNS, TCP or TLS failure).
_UNREACHABLE = (
    "could not connect to registry.terraform.io",
    "Failed to query available provider packages",
    "failed to request discovery document",
    "no such host",
    "dial tcp",
)


def _platform() -> str:
    machine = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(platform.machine(), platform.machine())
    return f"{platform.system().lower()}_{machine}"


def standard_mirrors(base: Mapping[str, str] = os.environ) -> list[Path]:
    """Terraform's implicit local mirror directories on this OS (CLI configuration docs,
    "Implied Local Mirror Directories"), then the ones this machine kind ships."""
    home = Path(base.get("HOME") or Path.home())
    data_home = Path(base.get("XDG_DATA_HOME") or home / ".local" / "share")
    data_dirs = [Path(d) for d in (base.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":") if d]
    return [
        home / ".terraform.d" / "plugins",
        data_home / "terraform" / "plugins",
        *(d / "terraform" / "plugins" for d in data_dirs),
        *(Path(m) for m in MACHINE_MIRRORS),
    ]


def holds_pinned_provider(mirror: Path) -> bool:
    """True if `mirror` has the pinned AWS provider for this platform, unpacked or packed."""
    host_dir = Path(mirror, *AWS_PROVIDER.split("/"))
    unpacked = host_dir / AWS_PROVIDER_VERSION / _platform()
    packed = host_dir / f"terraform-provider-aws_{AWS_PROVIDER_VERSION}_{_platform()}.zip"
    return unpacked.is_dir() or packed.is_file()


@dataclass(frozen=True)
class ProviderSource:
    """Where `terraform init` gets providers: a filesystem mirror (and how it was chosen) or
    the registry."""

    mirror: Path | None
    origin: str  # "SPARKI_TF_MIRROR", "found", "registry"
    searched: tuple[Path, ...] = ()

    def describe(self) -> str:
        if self.mirror is None:
            return "the registry"
        return f"the mirror {self.mirror}" + (" (SPARKI_TF_MIRROR)" if self.origin == "SPARKI_TF_MIRROR" else "")


def provider_source(base: Mapping[str, str] = os.environ) -> ProviderSource:
    mirror = base.get("SPARKI_TF_MIRROR", "").strip()
    if mirror:
        if not Path(mirror, "registry.terraform.io").is_dir():
            raise TerraformMissing(
                f"SPARKI_TF_MIRROR={mirror}: not a provider mirror (no registry.terraform.io/ inside); "
                "point it at a directory made by `terraform providers mirror`, or unset it"
            )
        return ProviderSource(Path(mirror).resolve(), "SPARKI_TF_MIRROR")
    searched = tuple(standard_mirrors(base))
    for candidate in searched:
        if holds_pinned_provider(candidate):
            return ProviderSource(candidate.resolve(), "found", searched)
    return ProviderSource(None, "registry", searched)


def _mirror_config(mirror: Path) -> str:
    """Providers the mirror holds come only from it; any other provider from the registry."""
    held = sorted(
        f"registry.terraform.io/{ns.name}/{p.name}"
        for ns in Path(mirror, "registry.terraform.io").iterdir() if ns.is_dir()
        for p in ns.iterdir() if p.is_dir()
    )
    names = ", ".join(f'"{h}"' for h in held)
    return (
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{mirror}"\n    include = [{names}]\n  }}\n'
        f"  direct {{\n    exclude = [{names}]\n  }}\n"
        "}\n"
    )


def cli_env(base: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The process environment for terraform: quiet, non-interactive, mirror-aware."""
    env = dict(base)
    env.setdefault("TF_IN_AUTOMATION", "1")
    env.setdefault("CHECKPOINT_DISABLE", "1")
    source = provider_source(env)
    if source.mirror is not None:
        config = _mirror_config(source.mirror)
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


def unreachable_registry(output: str, env: Mapping[str, str]) -> str | None:
    """One line saying what to set, when `output` is init failing to reach the registry."""
    if not any(marker in output for marker in _UNREACHABLE):
        return None
    source = provider_source(env)
    if source.mirror is None:
        where = f"; no mirror holding it in {', '.join(str(p) for p in source.searched)}"
    else:
        where = f"; {source.describe()} does not hold it"
    return (
        f"terraform init cannot install {AWS_PROVIDER.removeprefix('registry.terraform.io/')} {AWS_PROVIDER_VERSION}: "
        f"the registry is unreachable{where}. Set SPARKI_TF_MIRROR to a directory made by "
        "`terraform providers mirror` (offline), or allow access to registry.terraform.io"
    )
