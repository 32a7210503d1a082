"""Settings of the Kubernetes platform layer: application namespaces and the mesh."""
from __future__ import annotations

import re
from typing import Annotated

from pydantic import field_validator

from environments.cluster_settings import RESERVED_NAMESPACES
from environments.model import Model, check_range, check_unique, fail, one_of

MESH_MODES = ("off", "PERMISSIVE", "STRICT")
# Created by the observability layer (issue 13); the platform admits metrics scrapes from it.
MONITORING_NAMESPACE = "monitoring"
_DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
# minute hour day-of-month month day-of-week: numbers, ranges, lists and steps (the CronJob's
# timeZone is set to UTC, so no TZ prefix either).
_CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$")


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
    """

    app_namespaces: tuple[str, ...]
    mesh_mode: Annotated[str, one_of(MESH_MODES, "a mesh mode")] = "STRICT"
    app_port: int = 8080
    metrics_port: int = 9090
    controller_replicas: int = 2
    acme_staging: bool = False
    cis_scan_schedule: str = "30 3 * * *"

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

    def check_in(self, production: bool, developer_namespaces: tuple[str, ...]) -> None:
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
