#!/usr/bin/env bash
# Inside the toolchain image (docker/toolchain.Dockerfile): link its installed virtual
# environments and node_modules into the checkout, so `make` finds them installed and CI runs
# exactly the image's pinned tools instead of installing its own.
set -euo pipefail
toolchain=${SPARKI_TOOLCHAIN:-/opt/sparki}
for dir in .venv .venv-checkov node_modules; do
  test -d "$toolchain/$dir" || { echo "use_toolchain: $toolchain/$dir is missing; is this job running in the toolchain image?" >&2; exit 1; }
  ln -sfn "$toolchain/$dir" "$dir"
done
echo "use_toolchain: .venv, .venv-checkov and node_modules from $toolchain"
