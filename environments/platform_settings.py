"""Settings of the Kubernetes platform layer: application namespaces and the mesh."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from catalog.kubernetes import AUTOSCALED, FIXED_REPLICAS, cpu_millicores, memory_bytes
from environments.cluster_settings import RESERVED_NAMESPACES
from environments.model import Model, check_range, check_unique, fail, in_range, one_of

MESH_MODES = ("off", "PERMISSIVE", "STRICT")
# Created by the observability layer (issue 13); the platform admits metrics scrapes from it.
MONITORING_NAMESPACE = "monitoring"
_DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
# minute hour day-of-month month day-of-week: numbers, ranges, lists and steps (the CronJob's
# timeZone is set to UTC, so no TZ prefix either).
_CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$")


def _cpu(quantity: str) -> int:
    value = cpu_millicores(quantity)
    if value is None or value <= 0:
        fail("", f"{quantity!r} is not a CPU quantity; use cores or millicores as a string, e.g. \"2\" or \"500m\"")
    return value


def _memory(quantity: str) -> int:
    value = memory_bytes(quantity)
    if value is None or value <= 0:
        fail("", f"{quantity!r} is not a memory quantity; use bytes with a suffix as a string, e.g. \"512Mi\" or \"4Gi\"")
    return value


class NamespaceBudget(Model):
    """What each application namespace may take of the cluster (a ResourceQuota), and what a
    container gets when it does not say (a LimitRange). Quantities are Kubernetes strings.

    requests_cpu / requests_memory / limits_memory: the namespace's totals; default "4", "8Gi",
        "16Gi". The sum of requests_cpu over app_namespaces must fit the workload node groups
        at their max_size (no quota promises CPU the cluster can never have).
    pods: pods per namespace; default 50.
    container_cpu / container_memory: the request (and, for memory, the limit) of a container
        that sets none; default "100m", "256Mi". No default CPU limit beyond container_max_cpu:
        a CPU limit throttles, a memory limit only stops a leak.
    container_max_cpu / container_max_memory: the most one container may ask for; default "2",
        "4Gi"; at most the namespace's totals.
    """

    requests_cpu: str = "4"
    requests_memory: str = "8Gi"
    limits_memory: str = "16Gi"
    pods: int = 50
    container_cpu: str = "100m"
    container_memory: str = "256Mi"
    container_max_cpu: str = "2"
    container_max_memory: str = "4Gi"

    @field_validator("requests_cpu", "container_cpu", "container_max_cpu")
    @classmethod
    def _cpu_quantity(cls, quantity: str) -> str:
        _cpu(quantity)
        return quantity

    @field_validator("requests_memory", "limits_memory", "container_memory", "container_max_memory")
    @classmethod
    def _memory_quantity(cls, quantity: str) -> str:
        _memory(quantity)
        return quantity

    @field_validator("pods")
    @classmethod
    def _pods(cls, pods: int) -> int:
        check_range("", pods, 1, 1000, "pods")
        return pods

    @model_validator(mode="after")
    def _together(self) -> NamespaceBudget:
        pairs = (
            ("container_cpu", _cpu, "container_max_cpu"),
            ("container_memory", _memory, "container_max_memory"),
            ("container_max_cpu", _cpu, "requests_cpu"),
            ("container_max_memory", _memory, "limits_memory"),
            ("requests_memory", _memory, "limits_memory"),
        )
        for small, parse, big in pairs:
            if parse(getattr(self, small)) > parse(getattr(self, big)):
                fail(small, f"{getattr(self, small)} is more than {big} {getattr(self, big)}; use at most that")
        return self

    @property
    def cpu_millicores(self) -> int:
        return _cpu(self.requests_cpu)


class ScalingSettings(Model):
    """Replicas of one variable-load component (constructs/autoscaling.py ScalingProps).

    min_replicas / max_replicas: 1..50, min <= max; production at least 2 (a drain must leave
        one serving). cpu_percent: target CPU utilisation, 10..95; default 70.
    memory_percent: optional second target, 10..95. scale_down_seconds: 0..3600; default 300.
    """

    min_replicas: Annotated[int, in_range(1, 50, "replicas")]
    max_replicas: Annotated[int, in_range(1, 50, "replicas")]
    cpu_percent: Annotated[int, in_range(10, 95, "%")] = 70
    memory_percent: Annotated[int, in_range(10, 95, "%")] | None = None
    scale_down_seconds: Annotated[int, in_range(0, 3600, "seconds")] = 300

    @model_validator(mode="after")
    def _range(self) -> ScalingSettings:
        if self.min_replicas > self.max_replicas:
            fail("max_replicas", f"{self.max_replicas} is below min_replicas {self.min_replicas}; use at least {self.min_replicas}")
        return self


class PlatformSettings(Model):
    """What runs inside the cluster.

    app_namespaces: application namespaces, each created `restricted` under default-deny
        NetworkPolicies; at least one. cluster.app_namespaces (where developers may edit) must
        be among them.
    mesh_mode: mTLS between application pods: "STRICT" (only mutually authenticated traffic),
        "PERMISSIVE" (plain text accepted too) or "off" (no mesh); default "STRICT".
    app_port: the port application pods listen on; the load balancer (ALB, target type ip)
        reaches them there; default 8080.
    metrics_port: the port application pods serve /metrics on; only the monitoring namespace
        reaches it; default 9090.
    controller_replicas: replicas of every platform controller that can run more than one;
        with 2 or more each gets a PodDisruptionBudget, so a node drain keeps one running;
        default 2, 1..5, production at least 2.
    acme_staging: the ACME ClusterIssuer uses Let's Encrypt's staging endpoint (certificates
        browsers do not trust, far higher limits) instead of production; default false, refused
        in production. For an environment rebuilt often: every environment shares the
        registered domain, and Let's Encrypt's weekly limit counts per registered domain.
    cis_scan_schedule: when kube-bench runs the CIS EKS benchmark, as a 5-field cron
        expression in UTC; default "30 3 * * *" (daily, 03:30).
    namespace_budget: the ResourceQuota and LimitRange of every application namespace
        (NamespaceBudget); so one team cannot starve the cluster.
    autoscaling: replicas of variable-load components by name (catalog/kubernetes.py
        AUTOSCALED), e.g. [platform.autoscaling.jaeger] min_replicas = 2, max_replicas = 4
        (ScalingSettings). Exactly one row per such component that runs in the environment
        (Loki's read and write paths only with mode "SimpleScalable"); none for anything else.
    """

    app_namespaces: tuple[str, ...]
    mesh_mode: Annotated[str, one_of(MESH_MODES, "a mesh mode")] = "STRICT"
    app_port: int = 8080
    metrics_port: int = 9090
    controller_replicas: int = 2
    acme_staging: bool = False
    cis_scan_schedule: str = "30 3 * * *"
    namespace_budget: NamespaceBudget = Field(default_factory=NamespaceBudget)
    autoscaling: dict[str, ScalingSettings] = Field(default_factory=dict)

    @field_validator("app_namespaces")
    @classmethod
    def _namespaces(cls, namespaces: tuple[str, ...]) -> tuple[str, ...]:
        if not namespaces:
            fail("", 'is empty; list the application namespaces, e.g. ["sparki-api"]')
        for index, ns in enumerate(namespaces):
            if not _DNS_LABEL.match(ns):
                fail(f"[{index}]", f"{ns!r} is not a Kubernetes namespace name; use up to 63 lowercase letters, digits and '-'")
            if ns in RESERVED_NAMESPACES or ns.startswith("kube-") or ns == MONITORING_NAMESPACE:
                fail(f"[{index}]", f"{ns!r} is a system or platform namespace; list application namespaces only")
        check_unique("", namespaces, "a namespace")
        return namespaces

    @field_validator("app_port", "metrics_port")
    @classmethod
    def _port(cls, port: int) -> int:
        if not 1024 <= port <= 65535:
            fail("", f"{port} is not an unprivileged port; use 1024..65535 (restricted pods cannot bind below 1024)")
        return port

    @field_validator("controller_replicas")
    @classmethod
    def _replicas(cls, replicas: int) -> int:
        check_range("", replicas, 1, 5, "", "run controllers with")
        return replicas

    @field_validator("cis_scan_schedule")
    @classmethod
    def _schedule(cls, schedule: str) -> str:
        fields = schedule.split()
        if len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields):
            fail("", f"{schedule!r} is not a 5-field cron expression (minute hour day month weekday, UTC); e.g. \"30 3 * * *\"")
        return schedule

    def check_in(self, production: bool, developer_namespaces: tuple[str, ...], workload_millicores: int) -> None:
        """Rules that need the rest of the environment; workload_millicores: CPU of the
        workload node groups at max_size, which the namespaces' quotas together must fit."""
        self._check_production(production, developer_namespaces)
        promised = self.namespace_budget.cpu_millicores * len(self.app_namespaces)
        if promised > workload_millicores:
            fail("namespace_budget.requests_cpu",
                 f"{self.namespace_budget.requests_cpu} per namespace x {len(self.app_namespaces)} namespaces = {promised / 1000:g} cores, "
                 f"more than the {workload_millicores / 1000:g} vCPUs of the workload node groups at max_size; lower it or raise max_size")

    def _check_production(self, production: bool, developer_namespaces: tuple[str, ...]) -> None:
        for name, scaling in self.autoscaling.items():
            if production and scaling.min_replicas < 2:
                fail(f"autoscaling.{name}.min_replicas", f"{scaling.min_replicas} is not allowed in production: one replica is down during every node drain; use 2 or more")
        if production and self.controller_replicas < 2:
            fail("controller_replicas", f"{self.controller_replicas} is not allowed in production: one replica leaves the controller down during every node drain; use 2 or more")
        if production and self.acme_staging:
            fail("acme_staging", "true is not allowed in production: browsers do not trust Let's Encrypt staging certificates; set it to false")
        if self.app_port == self.metrics_port:
            fail("metrics_port", f"{self.metrics_port} equals app_port; metrics get their own port so only monitoring reaches them")
        if production and self.mesh_mode != "STRICT":
            fail("mesh_mode", f"{self.mesh_mode!r} is not allowed in production; use \"STRICT\"")
        for ns in developer_namespaces:
            if ns not in self.app_namespaces:
                fail("app_namespaces", f"lacks {ns!r}, which cluster.app_namespaces gives developers; add it here")


def check_autoscaling(rows: Mapping[str, ScalingSettings], running: Mapping[str, tuple[int, str]]) -> None:
    """`rows`: [platform.autoscaling] (fields named relative to it). `running`: the variable-load
    components the environment runs -> (the least min_replicas each may have, why). A row for
    anything else, or a component without its row, is refused: a row nobody reads would look
    like a setting that works."""
    for name, scaling in rows.items():
        if name in FIXED_REPLICAS:
            fail(name, f"{name} cannot autoscale: it {FIXED_REPLICAS[name]}; remove the row")
        if name not in running:
            where = "does not run in this environment" if name in AUTOSCALED else "is not a variable-load component"
            fail(name, f"{name!r} {where}; remove the row (what autoscales here: {', '.join(sorted(running)) or 'nothing'})")
        floor, why = running[name]
        if scaling.min_replicas < floor:
            fail(f"{name}.min_replicas", f"{scaling.min_replicas} is below {floor}: {why}; use at least {floor}")
    for name in running:
        if name not in rows:
            fail("", f"lacks a row for {name!r}, which runs here ({AUTOSCALED[name]}); add [platform.autoscaling.{name}] with min_replicas and max_replicas")
