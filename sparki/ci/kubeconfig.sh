#!/usr/bin/env bash
# kubeconfig for ENV's cluster, through the job's AWS role (aws eks get-token; no long-lived
# credentials). Writes exists=true|false to $GITHUB_OUTPUT: before the first deploy there is no
# cluster yet, and the blue-green and health steps have nothing to look at.
set -euo pipefail
env_name=${1:?usage: kubeconfig.sh ENV}
cluster=$(.venv/bin/python -m sparki.ci.blue_green cluster "$env_name")
if aws eks describe-cluster --name "$cluster" --query cluster.status --output text >/dev/null 2>&1; then
  aws eks update-kubeconfig --name "$cluster" --alias "$cluster" >/dev/null
  echo "exists=true" >> "${GITHUB_OUTPUT:-/dev/null}"
  echo "kubeconfig: $cluster"
else
  echo "exists=false" >> "${GITHUB_OUTPUT:-/dev/null}"
  echo "kubeconfig: $cluster does not exist yet"
fi
