"""Unit tests of constructs/components_cis.py: the kube-bench CronJob runs the EKS benchmark on
the data's schedule with read-only host mounts, and reports to Security Hub exactly where the
environment has it on (through its IRSA role), to stdout elsewhere."""
from __future__ import annotations

import pytest

from catalog.aws import KUBERNETES_VERSIONS
from constructs import components_cis as cis
from constructs.addon_contract import check_components
from constructs.platform_roles import SERVICE_ACCOUNTS
from sparki.kubernetes.validate import validate_object
from tests.constructs.platform_support import ENVS, context


def objects(name: str) -> dict[str, dict]:
    return {m["kind"]: m for m in cis.manifests(context(name))}


def pod_spec(name: str) -> dict:
    return objects(name)["CronJob"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]


@pytest.mark.parametrize("name", sorted(ENVS))
def test_component_keeps_the_contract(name):
    check_components(name, cis.components(context(name)), service_accounts=SERVICE_ACCOUNTS)


@pytest.mark.parametrize("name", sorted(ENVS))
def test_cron_job_runs_the_eks_benchmark_on_the_datas_schedule(name):
    env = ENVS[name]
    cron = objects(name)["CronJob"]
    assert cron["spec"]["schedule"] == env.platform.cis_scan_schedule
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    (container,) = pod_spec(name)["containers"]
    command = container["command"]
    assert command[:4] == ["kube-bench", "run", "--targets", "node"]
    assert command[command.index("--benchmark") + 1] == cis.EKS_BENCHMARKS[env.cluster.kubernetes_version]


def test_image_is_pinned_to_the_release_tag():
    (container,) = pod_spec("prod")["containers"]
    image, tag = container["image"].rsplit(":", 1)
    assert image == "public.ecr.aws/aquasecurity/kube-bench" and tag == cis.KUBE_BENCH_VERSION != "latest"


@pytest.mark.parametrize("name", sorted(ENVS))
def test_host_is_shared_read_only(name):
    spec = pod_spec(name)
    (container,) = spec["containers"]
    assert spec["hostPID"] is True and "hostNetwork" not in spec
    host_volumes = {v["name"] for v in spec["volumes"] if "hostPath" in v}
    assert host_volumes == set(cis.HOST_PATHS)
    assert all(m["readOnly"] is True for m in container["volumeMounts"])
    context_ = container["securityContext"]
    assert context_["readOnlyRootFilesystem"] is True and context_["allowPrivilegeEscalation"] is False
    assert context_["capabilities"] == {"drop": ["ALL"]} and "privileged" not in context_
    assert spec["automountServiceAccountToken"] is False


@pytest.mark.parametrize("name", sorted(ENVS))
def test_findings_go_to_security_hub_exactly_where_it_is_on(name):
    security_hub = ENVS[name].security.enable_security_hub
    found = objects(name)
    (container,) = pod_spec(name)["containers"]
    (account,) = cis.service_accounts(context(name))
    allows = cis.network_allows(context(name))
    annotations = found["ServiceAccount"]["metadata"].get("annotations", {})
    if security_hub:
        assert "--asff" in container["command"] and "--json" not in container["command"]
        assert account.role == "kube-bench"
        assert annotations == {"eks.amazonaws.com/role-arn": context(name).role_arns["kube-bench"]}
        assert [(a.direction, a.ports) for a in allows] == [("egress", (443,))]
    else:
        assert "--json" in container["command"] and "--asff" not in container["command"]
        assert account.role is None and annotations == {} and "ConfigMap" not in found
        assert allows == ()


def test_asff_config_names_this_account_region_and_cluster():
    env = ENVS["prod"]
    bench = cis.EKS_BENCHMARKS[env.cluster.kubernetes_version]
    config = objects("prod")["ConfigMap"]["data"]["config.yaml"]
    assert f'AWS_ACCOUNT: "{env.account_id}"' in config and f'AWS_REGION: "{env.region}"' in config
    assert f'CLUSTER_ARN: "arn:aws:eks:{env.region}:{env.account_id}:cluster/{context("prod").cluster_name}"' in config
    (container,) = pod_spec("prod")["containers"]
    assert {"name": "asff-config", "mountPath": f"/opt/kube-bench/cfg/{bench}/config.yaml", "subPath": "config.yaml", "readOnly": True} in container["volumeMounts"]


def test_every_allowed_kubernetes_version_has_a_benchmark():
    assert set(cis.EKS_BENCHMARKS) == set(KUBERNETES_VERSIONS)


def test_an_unmapped_kubernetes_version_is_refused_in_one_line():
    with pytest.raises(ValueError, match=r"'1\.99'.*EKS_BENCHMARKS"):
        cis.benchmark("1.99")


def test_every_checkov_skip_carries_a_reason():
    skips = {k: v for k, v in objects("prod")["CronJob"]["metadata"]["annotations"].items() if k.startswith("checkov.io/skip")}
    assert skips and all(v.split("=", 1)[0].startswith("CKV_K8S_") and len(v.split("=", 1)[1]) > 20 for v in skips.values())


@pytest.mark.parametrize("name", sorted(ENVS))
def test_objects_validate_strictly_at_the_environments_kubernetes_version(name):
    """Fast feedback; tests/kubernetes/ validates them again as extracted from the stack."""
    version = ENVS[name].cluster.kubernetes_version
    results = [validate_object(m, version, {}) for m in cis.manifests(context(name))]
    assert [(r.kind, r.source, r.error) for r in results] == [(r.kind, "core", "") for r in results]
