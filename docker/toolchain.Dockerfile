# The CI toolchain: the same Terraform, Node, Python packages, checkov, promtool and kubectl a
# laptop gets from the README, so CI and laptops run the same tools. Built and scanned by the
# `toolchain` job in .github/workflows/ci.yml; later jobs run inside it.
# Versions are pinned here and in requirements*.txt / package-lock.json; packages come from
# signed apt repositories (no unsigned downloads).
FROM node:20.19-bookworm-slim

ARG TERRAFORM_VERSION=1.11.4-1
ARG KUBERNETES_MINOR=v1.33

RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl gnupg make git python3 python3-venv python3-pip prometheus awscli \
 && curl -fsSL https://apt.releases.hashicorp.com/gpg | gpg --dearmor -o /usr/share/keyrings/hashicorp.gpg \
 && echo "deb [signed-by=/usr/share/keyrings/hashicorp.gpg] https://apt.releases.hashicorp.com bookworm main" > /etc/apt/sources.list.d/hashicorp.list \
 && curl -fsSL "https://pkgs.k8s.io/core:/stable:/${KUBERNETES_MINOR}/deb/Release.key" | gpg --dearmor -o /usr/share/keyrings/kubernetes.gpg \
 && echo "deb [signed-by=/usr/share/keyrings/kubernetes.gpg] https://pkgs.k8s.io/core:/stable:/${KUBERNETES_MINOR}/deb/ /" > /etc/apt/sources.list.d/kubernetes.list \
 && apt-get update \
 && apt-get install -y --no-install-recommends "terraform=${TERRAFORM_VERSION}" kubectl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/sparki
COPY requirements.txt requirements-dev.txt requirements-checkov.txt package.json package-lock.json ./
# The venvs live outside the checkout; jobs link them in (make sees .venv/.installed and skips pip).
RUN python3 -m venv /opt/sparki/.venv && /opt/sparki/.venv/bin/pip install --no-cache-dir -r requirements-dev.txt \
 && python3 -m venv /opt/sparki/.venv-checkov && /opt/sparki/.venv-checkov/bin/pip install --no-cache-dir -r requirements-checkov.txt \
 && npm ci --no-audit --no-fund --loglevel=error \
 && touch .venv/.installed .venv-checkov/.installed node_modules/.installed

RUN useradd --create-home --uid 1001 runner && chown -R runner /opt/sparki
USER runner
HEALTHCHECK NONE
