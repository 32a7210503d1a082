"""Where `terraform init` gets the AWS provider: SPARKI_TF_MIRROR, a standard or shipped local
mirror holding the pinned version, or the registry -- and one line when none of them works."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sparki import providers, terraform
from sparki.providers import AWS_PROVIDER_VERSION, TerraformMissing, cli_env, provider_source


def make_mirror(root: Path, version: str = AWS_PROVIDER_VERSION, packed: bool = False) -> Path:
    aws = root / "registry.terraform.io" / "hashicorp" / "aws"
    platform = providers._platform()
    if packed:
        aws.mkdir(parents=True)
        (aws / f"terraform-provider-aws_{version}_{platform}.zip").write_bytes(b"")
    else:
        (aws / version / platform).mkdir(parents=True)
    return root


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A machine with no mirror anywhere, unless the test makes one."""
    monkeypatch.setattr(providers, "MACHINE_MIRRORS", ())
    home = tmp_path / "home"
    home.mkdir()
    return home


def environ(home: Path, **extra: str) -> dict[str, str]:
    return {"HOME": str(home), "XDG_DATA_DIRS": str(home / "nowhere"), "PATH": "/usr/local/bin:/usr/bin:/bin", **extra}


def test_explicit_mirror_wins(home, tmp_path):
    mirror = make_mirror(tmp_path / "explicit")
    make_mirror(home / ".terraform.d" / "plugins")
    source = provider_source(environ(home, SPARKI_TF_MIRROR=str(mirror)))
    assert source.mirror == mirror.resolve() and source.origin == "SPARKI_TF_MIRROR"


def test_explicit_directory_that_is_no_mirror_is_refused_in_one_line(home, tmp_path):
    with pytest.raises(TerraformMissing, match=r"^SPARKI_TF_MIRROR=.*not a provider mirror") as caught:
        provider_source(environ(home, SPARKI_TF_MIRROR=str(tmp_path)))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("where", [".terraform.d/plugins", ".local/share/terraform/plugins"])
@pytest.mark.parametrize("packed", [False, True])
def test_standard_mirror_with_the_pinned_provider_is_found(home, where, packed):
    mirror = make_mirror(home / where, packed=packed)
    source = provider_source(environ(home))
    assert source.mirror == mirror.resolve() and source.origin == "found"


def test_the_mirror_this_machine_kind_ships_is_found(home, tmp_path, monkeypatch):
    shipped = make_mirror(tmp_path / "opt-tf-plugins")
    monkeypatch.setattr(providers, "MACHINE_MIRRORS", (str(shipped),))
    assert provider_source(environ(home)).mirror == shipped.resolve()


def test_mirror_with_another_version_is_passed_over_for_the_registry(home):
    make_mirror(home / ".terraform.d" / "plugins", version="5.99.0")
    source = provider_source(environ(home))
    assert source.mirror is None and source.origin == "registry"
    assert home / ".terraform.d" / "plugins" in source.searched


def test_mirror_config_takes_held_providers_from_the_mirror_and_others_from_the_registry(home):
    mirror = make_mirror(home / ".terraform.d" / "plugins")
    (mirror / "registry.terraform.io" / "hashicorp" / "random" / "3.6.0").mkdir(parents=True)
    env = cli_env(environ(home))
    config = Path(env["TF_CLI_CONFIG_FILE"]).read_text()
    held = '["registry.terraform.io/hashicorp/aws", "registry.terraform.io/hashicorp/random"]'
    assert f'path    = "{mirror.resolve()}"' in config
    assert f"include = {held}" in config and f"exclude = {held}" in config


def test_registry_without_a_mirror_uses_the_plugin_cache_and_drops_a_dangling_cli_config(home):
    env = cli_env(environ(home, TF_CLI_CONFIG_FILE=str(home / "missing.tfrc")))
    assert "TF_CLI_CONFIG_FILE" not in env
    assert Path(env["TF_PLUGIN_CACHE_DIR"]).is_dir()


def test_unreachable_registry_and_no_mirror_fail_with_one_line_naming_what_to_set(home, tmp_path):
    """Real terraform; these machines cannot reach the registry, so init fails at once."""
    stack = tmp_path / "stack"
    stack.mkdir()
    doc = {"terraform": {"required_providers": {"aws": {"source": "aws", "version": AWS_PROVIDER_VERSION}}}}
    (stack / "cdk.tf.json").write_text(json.dumps(doc))
    env = cli_env(environ(home))
    with pytest.raises(TerraformMissing) as caught:
        terraform.validate_stack("sparki-t-state", stack, env)
    message = str(caught.value)
    assert "\n" not in message and "SPARKI_TF_MIRROR" in message and str(home / ".terraform.d" / "plugins") in message
    with pytest.raises(TerraformMissing):
        terraform.init(stack, env)


def test_sparki_validate_prints_one_line_when_providers_cannot_be_installed(home, synth_dir):
    proc = subprocess.run(
        [sys.executable, "-c", "import sys, sparki.providers as t, sparki.__main__ as m;"
         " t.MACHINE_MIRRORS = (); sys.exit(m._validate([sys.argv[1]]))", str(synth_dir)],
        env=environ(home), capture_output=True, text=True, cwd=terraform.__file__.rsplit("/sparki/", 1)[0],
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("sparki: error: terraform init cannot install")


def test_pinned_version_is_the_one_the_synthesized_stacks_require(stacks):
    required = {doc["terraform"]["required_providers"]["aws"]["version"] for doc in stacks.values() if "aws" in doc["provider"]}
    assert required == {AWS_PROVIDER_VERSION}


def kubernetes_stacks(stacks) -> set[str]:
    return {name for name, doc in stacks.items() if set(doc["provider"]) & {"kubernetes", "helm"}}


def test_a_mirror_with_only_aws_cannot_validate_the_kubernetes_stacks(stacks, synth_dir, tmp_path):
    mirror = make_mirror(tmp_path / "mirror")
    missing = terraform.missing_providers(synth_dir, providers.ProviderSource(mirror, "found"))
    assert set(missing) == kubernetes_stacks(stacks) and missing
    assert {tuple(p) for p in missing.values()} == {("hashicorp/helm", "hashicorp/kubernetes"), ("hashicorp/kubernetes",)}
    # The emulator and the AWS-only validation select by the same JSON: none of these.
    assert not set(terraform.aws_only_stacks(synth_dir)) & set(missing)


def test_a_mirror_holding_every_provider_or_the_registry_validates_every_stack(synth_dir, tmp_path):
    mirror = make_mirror(tmp_path / "mirror")
    for name in ("kubernetes", "helm"):
        (mirror / "registry.terraform.io" / "hashicorp" / name / "1.0.0").mkdir(parents=True)
    assert terraform.missing_providers(synth_dir, providers.ProviderSource(mirror, "found")) == {}
    assert terraform.missing_providers(synth_dir, providers.ProviderSource(None, "registry")) == {}


def test_sparki_validate_names_the_stacks_it_cannot_validate_in_one_line(home, synth_dir, monkeypatch, capsys):
    from sparki.__main__ import _validate

    monkeypatch.setattr(providers, "MACHINE_MIRRORS", (str(make_mirror(home / "mirror")),))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(terraform, "validate", lambda outdir: [terraform.StackResult("sparki-dev-state", True, "valid")])
    assert _validate([str(synth_dir)]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "not validated" in line]
    assert len(lines) == 1
    assert "sparki-prod-platform-config" in lines[0] and "hashicorp/helm, hashicorp/kubernetes" in lines[0]
