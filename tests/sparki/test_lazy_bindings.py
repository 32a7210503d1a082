"""The Node.js half of the lazy bindings (sparki/lazy_bindings.js) on a provider-shaped package:
a resource module loads when a type in it is first looked up, and SPARKI_EAGER_BINDINGS=1 turns
that off. The synthesized output being byte-identical either way: tests/test_toolchain.py."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from sparki.lazy_bindings import NODE_HOOK

NODE = shutil.which("node")
# lib/index.js as the cdktf provider generator writes it (TypeScript's CommonJS output).
INDEX = """"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.vpc = exports.s3Bucket = void 0;
exports.s3Bucket = require("./s3-bucket");
exports.vpc = require("./vpc");
"""


@pytest.fixture
def package(tmp_path):
    lib = tmp_path / "node_modules" / "@cdktf" / "provider-aws" / "lib"
    lib.mkdir(parents=True)
    (lib / "index.js").write_text(INDEX)
    for name, cls in (("s3-bucket", "S3Bucket"), ("vpc", "Vpc")):
        (lib / name).mkdir()
        (lib / name / "index.js").write_text(f'globalThis.loaded = [...(globalThis.loaded || []), "{name}"];\nexports.{cls} = class {cls} {{}};\n')
    return lib


def loads(package, eager: str | None) -> str:
    """What node has loaded after importing the index, then after one type lookup."""
    script = "const m = require(process.argv[1]); const before = String(globalThis.loaded || []); m.vpc.Vpc; console.log(before + '|' + String(globalThis.loaded || []) + '|' + Object.keys(m).join())"
    env = {k: v for k, v in os.environ.items() if k not in ("NODE_OPTIONS", "SPARKI_EAGER_BINDINGS")}
    if eager is not None:
        env["SPARKI_EAGER_BINDINGS"] = eager
    proc = subprocess.run([NODE, "--require", str(NODE_HOOK), "-e", script, str(package / "index.js")], env=env, capture_output=True, text=True, check=True)
    return proc.stdout.strip()


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_a_resource_module_loads_on_first_use_and_every_export_stays_listed(package):
    assert loads(package, None) == "|vpc|s3Bucket,vpc"


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.parametrize("setting", ["1", "true", "yes"])
def test_eager_setting_loads_every_module_up_front(package, setting):
    assert loads(package, setting) == "s3-bucket,vpc|s3-bucket,vpc|s3Bucket,vpc"
