"""CIS Amazon EKS Benchmark scans: kube-bench as a CronJob (docs/platform.md "Components" > CIS).

kube-bench checks the worker node it runs on (CIS section 3: kubelet files, flags and
configuration); the control plane belongs to AWS and cannot be inspected. Where Security Hub is
on, the findings that fail or warn go there as ASFF through the IRSA role `kube-bench`
(constructs/irsa_policies.kube_bench: BatchImportFindings as kube-bench's own product, which
the security layer accepts). Where it is off (dev), kube-bench prints its JSON report to
stdout, and Fluent Bit ships it to CloudWatch Logs with every other container's output.

Not a Helm chart: a component with no release (chart "") whose `manifests` are the
ServiceAccount, the ConfigMap ASFF needs and the CronJob; the platform stack creates them as
`kubernetes_manifest` after the namespace and its NetworkPolicies. Its namespace is
`privileged`: reading the kubelet's flags needs the host PID namespace, and its files need
host paths (mounted read-only).
"""
from __future__ import annotations

from typing import Any

from constructs.addon_contract import Component, ComponentContext, NetworkAllow, ServiceAccount

KUBE_BENCH_VERSION = "v0.15.6"
# Aqua's own public ECR copy of the release image: no Docker Hub pull limits through the NAT.
KUBE_BENCH_IMAGE = f"public.ecr.aws/aquasecurity/kube-bench:{KUBE_BENCH_VERSION}"
NAMESPACE = "kube-bench"
SERVICE_ACCOUNT = "kube-bench"
# kube-bench's benchmark id for each Kubernetes version catalog.aws.KUBERNETES_VERSIONS allows:
# CIS Amazon EKS Benchmark v1.8.0 is the newest kube-bench v0.15.6 ships (cfg/eks-1.8.0).
EKS_BENCHMARKS = {"1.31": "eks-1.8.0", "1.32": "eks-1.8.0", "1.33": "eks-1.8.0"}
# Where the EKS-optimized AMIs keep what section 3 checks; nothing is written there.
HOST_PATHS = {"var-lib-kubelet": "/var/lib/kubelet", "etc-systemd": "/etc/systemd", "etc-kubernetes": "/etc/kubernetes"}
_APP = {"app.kubernetes.io/name": "kube-bench"}
POD_SECURITY_REASON = "kube-bench reads the kubelet's flags in the host PID namespace and its files through read-only host paths"


def benchmark(kubernetes_version: str) -> str:
    if kubernetes_version not in EKS_BENCHMARKS:
        raise ValueError(
            f"kubernetes_version {kubernetes_version!r}: kube-bench {KUBE_BENCH_VERSION} has no EKS benchmark mapped for it; "
            "add it to components_cis.EKS_BENCHMARKS"
        )
    return EKS_BENCHMARKS[kubernetes_version]


def to_security_hub(ctx: ComponentContext) -> bool:
    """Findings go to Security Hub where the cluster stack created kube-bench's IRSA role, which
    it does exactly where `security.enable_security_hub` is on (stacks/cluster.py)."""
    return "kube-bench" in ctx.role_arns


def _meta(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "namespace": NAMESPACE, "labels": dict(_APP), **extra}


def _service_account(ctx: ComponentContext) -> dict[str, Any]:
    annotations = {"eks.amazonaws.com/role-arn": ctx.role_arns["kube-bench"]} if to_security_hub(ctx) else {}
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": _meta(SERVICE_ACCOUNT, **({"annotations": annotations} if annotations else {})),
        # No Kubernetes API token: the node checks read files and processes only. IRSA's web
        # identity token is a separate projected volume the EKS webhook adds.
        "automountServiceAccountToken": False,
    }


def _asff_config(ctx: ComponentContext, bench: str) -> dict[str, Any]:
    cluster_arn = f"arn:aws:eks:{ctx.region}:{ctx.account_id}:cluster/{ctx.cluster_name}"
    config = f'AWS_ACCOUNT: "{ctx.account_id}"\nAWS_REGION: "{ctx.region}"\nCLUSTER_ARN: "{cluster_arn}"\n'
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta(f"kube-bench-{bench}"), "data": {"config.yaml": config}}


def _cron_job(ctx: ComponentContext, bench: str) -> dict[str, Any]:
    output = "--asff" if to_security_hub(ctx) else "--json"
    mounts = [{"name": name, "mountPath": path, "readOnly": True} for name, path in HOST_PATHS.items()]
    volumes: list[dict[str, Any]] = [{"name": name, "hostPath": {"path": path}} for name, path in HOST_PATHS.items()]
    if to_security_hub(ctx):
        # ASFF needs the account, region and cluster ARN in the benchmark's own config file.
        mounts.append({"name": "asff-config", "mountPath": f"/opt/kube-bench/cfg/{bench}/config.yaml", "subPath": "config.yaml", "readOnly": True})
        volumes.append({"name": "asff-config", "configMap": {"name": f"kube-bench-{bench}"}})
    container = {
        "name": "kube-bench",
        "image": KUBE_BENCH_IMAGE,
        "imagePullPolicy": "Always",
        "command": ["kube-bench", "run", "--targets", "node", "--benchmark", bench, output],
        # ASFF findings name the node they were found on.
        "env": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}},
        # Root (the files it checks are root's), but with no capabilities and nothing writable:
        # owner permissions suffice to stat and read them.
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "volumeMounts": mounts,
    }
    pod = {
        "metadata": {"labels": dict(_APP)},
        "spec": {
            # The kubelet's command line is only visible in the host's PID namespace (CIS 3.2).
            "hostPID": True,
            "restartPolicy": "Never",
            "serviceAccountName": SERVICE_ACCOUNT,
            "automountServiceAccountToken": False,
            "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
            # Any node will do: the managed node groups boot the same EKS-optimized AMI with the
            # same kubelet configuration, so tolerating the system group's taints is enough.
            "tolerations": [dict(t) for t in ctx.system_tolerations],
            "containers": [container],
            "volumes": volumes,
        },
    }
    skips = {
        "checkov.io/skip1": "CKV_K8S_17=kube-bench reads the kubelet's flags from /proc, which needs the host PID namespace",
        "checkov.io/skip2": "CKV_K8S_23=the checked files are root's; root with no capabilities, read-only mounts and root filesystem",
        "checkov.io/skip3": "CKV_K8S_40=same as CKV_K8S_23: kube-bench runs as root to stat and read root-owned node files",
        "checkov.io/skip4": "CKV_K8S_43=pinned by release tag; Aqua publishes no digests we can verify offline",
    }
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": _meta("kube-bench", annotations=skips),
        "spec": {
            "schedule": ctx.platform.cis_scan_schedule,
            "timeZone": "Etc/UTC",
            "concurrencyPolicy": "Forbid",
            "startingDeadlineSeconds": 3600,
            "successfulJobsHistoryLimit": 3,
            "failedJobsHistoryLimit": 3,
            "jobTemplate": {
                "spec": {
                    "backoffLimit": 1,
                    "activeDeadlineSeconds": 1800,
                    # Finished jobs' pods (and their logs) stay a week for `kubectl logs`.
                    "ttlSecondsAfterFinished": 7 * 24 * 3600,
                    "template": pod,
                }
            },
        },
    }


def manifests(ctx: ComponentContext) -> tuple[dict[str, Any], ...]:
    """The ServiceAccount, (with Security Hub) the ASFF ConfigMap, and the CronJob."""
    bench = benchmark(ctx.kubernetes_version)
    objects = [_service_account(ctx)]
    if to_security_hub(ctx):
        objects.append(_asff_config(ctx, bench))
    objects.append(_cron_job(ctx, bench))
    return tuple(objects)


def network_allows(ctx: ComponentContext) -> tuple[NetworkAllow, ...]:
    """Egress 443 to Security Hub and STS where findings go there; nothing else (the node checks
    need no network)."""
    if not to_security_hub(ctx):
        return ()
    return (
        NetworkAllow(
            name="security-hub",
            why="kube-bench sends findings to Security Hub's public endpoint (through NAT) and gets IRSA credentials from STS",
            direction="egress",
            ports=(443,),
            cidrs=("0.0.0.0/0",),
            pod_labels=dict(_APP),
        ),
    )


def service_accounts(ctx: ComponentContext) -> tuple[ServiceAccount, ...]:
    return (ServiceAccount(SERVICE_ACCOUNT, role="kube-bench" if to_security_hub(ctx) else None),)


def components(ctx: ComponentContext) -> tuple[Component, ...]:
    """kube-bench as one component without a Helm release: its objects are `manifests`."""
    return (
        Component(
            name="kube-bench",
            chart="",
            repository="",
            version="",
            namespace=NAMESPACE,
            values={},
            manifests=manifests(ctx),
            service_accounts=service_accounts(ctx),
            pod_security="privileged",
            pod_security_reason=POD_SECURITY_REASON,
            network_allows=network_allows(ctx),
        ),
    )
