"""Alerts on the platform's own failure modes inside the cluster and at its edges: nodes, pods,
volumes, certificates, secret sync, Alertmanager and the data layer's connections. Each reads
metrics listed in constructs/metric_sources.py; each has a section in docs/runbooks/.

Thresholds say why where they are not obvious. `for` keeps a one-scrape blip from paging.
"""
from __future__ import annotations

from collections.abc import Sequence

from constructs.prometheus_rules import Group, alert

# ElastiCache Redis accepts 65,000 clients per node (maxclients, not configurable).
REDIS_MAX_CLIENTS = 65000
# Share of a connection limit at which a warning leaves time to act (pooling, a bigger class).
CONNECTIONS_WARN = 0.8


def _kubernetes(app_namespaces: Sequence[str]) -> Group:
    apps = "|".join(app_namespaces)
    ready = 'kube_node_status_condition{condition="Ready", status="true"}'
    crash = 'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"%s}[5m]) >= 1'
    free = "kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes"
    return Group("sparki-kubernetes", (
        alert("NodeNotReady", f"{ready} == 0", for_="10m", severity="critical", owner="platform", runbook="kubernetes",
              summary="Node {{ $labels.node }} is not Ready",
              description="The kubelet on {{ $labels.node }} has not reported Ready for 10 minutes; its pods are being evicted or are unreachable."),
        alert("NodeMemoryPressure", 'kube_node_status_condition{condition="MemoryPressure", status="true"} == 1', for_="5m",
              severity="warning", owner="platform", runbook="kubernetes",
              summary="Node {{ $labels.node }} is under memory pressure",
              description="The kubelet on {{ $labels.node }} reports MemoryPressure: it is evicting pods and admits no BestEffort pods."),
        alert("NodeDiskPressure", 'kube_node_status_condition{condition="DiskPressure", status="true"} == 1', for_="5m",
              severity="warning", owner="platform", runbook="kubernetes",
              summary="Node {{ $labels.node }} is under disk pressure",
              description="The kubelet on {{ $labels.node }} reports DiskPressure: it garbage-collects images and evicts pods."),
        alert("NodeRootFilesystemFillingUp",
              'node_filesystem_avail_bytes{mountpoint="/"} / node_filesystem_size_bytes{mountpoint="/"} < 0.2 '
              'and predict_linear(node_filesystem_avail_bytes{mountpoint="/"}[6h], 24 * 3600) < 0',
              for_="30m", severity="warning", owner="platform", runbook="kubernetes",
              summary="Root filesystem of {{ $labels.instance }} fills within a day",
              description="Less than 20% is free on / of {{ $labels.instance }} and the last 6 hours' trend reaches zero within 24 hours; DiskPressure evictions follow."),
        alert("PlatformPodCrashLooping", crash % f', namespace!~"{apps}"', for_="15m", severity="warning", owner="platform",
              runbook="kubernetes",
              summary="Platform pod {{ $labels.namespace }}/{{ $labels.pod }} is crash-looping",
              description="Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} has been in CrashLoopBackOff for 15 minutes."),
        alert("AppPodCrashLooping", crash % f', namespace=~"{apps}"', for_="15m", severity="warning", owner="sparki",
              runbook="kubernetes",
              summary="Application pod {{ $labels.namespace }}/{{ $labels.pod }} is crash-looping",
              description="Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} has been in CrashLoopBackOff for 15 minutes."),
        alert("PersistentVolumeFillingUp",
              f"{free} < 0.15 and predict_linear(kubelet_volume_stats_available_bytes[6h], 4 * 24 * 3600) < 0",
              for_="1h", severity="warning", owner="platform", runbook="kubernetes",
              summary="Volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} fills within 4 days",
              description="Less than 15% is free and the last 6 hours' trend reaches zero within 4 days."),
        alert("PersistentVolumeFillingUpFast",
              f"{free} < 0.1 and predict_linear(kubelet_volume_stats_available_bytes[1h], 6 * 3600) < 0",
              for_="10m", severity="critical", owner="platform", runbook="kubernetes",
              summary="Volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} fills within 6 hours",
              description="Less than 10% is free and the last hour's trend reaches zero within 6 hours; the workload stops writing when it does."),
    ))


def _certificates_and_secrets() -> Group:
    expiry = "certmanager_certificate_expiration_timestamp_seconds - time()"
    return Group("sparki-certificates-secrets", (
        # cert-manager renews at two thirds of a certificate's life (30 days before a Let's
        # Encrypt expiry): 14 days left means renewals have failed for two weeks.
        alert("CertificateExpiringSoon", f"{expiry} < 14 * 86400", for_="1h", severity="warning", owner="platform",
              runbook="certificates-and-secrets",
              summary="Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in less than 14 days",
              description="cert-manager should have renewed it 16 days ago; renewal keeps failing."),
        alert("CertificateExpiryImminent", f"{expiry} < 3 * 86400", for_="10m", severity="critical", owner="platform",
              runbook="certificates-and-secrets",
              summary="Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in less than 3 days",
              description="Clients will refuse the endpoint when it expires; renew it by hand if cert-manager cannot."),
        alert("CertificateNotReady", 'certmanager_certificate_ready_status{condition="False"} == 1', for_="30m",
              severity="warning", owner="platform", runbook="certificates-and-secrets",
              summary="Certificate {{ $labels.namespace }}/{{ $labels.name }} is not Ready",
              description="cert-manager has not been able to issue or renew it for 30 minutes."),
        alert("ExternalSecretSyncErrors", "sum by (namespace, name) (rate(externalsecret_sync_calls_error[10m])) > 0",
              for_="15m", severity="warning", owner="platform", runbook="certificates-and-secrets",
              summary="ExternalSecret {{ $labels.namespace }}/{{ $labels.name }} fails to sync",
              description="external-secrets cannot read it from Secrets Manager; the Kubernetes Secret keeps its last value, and a rotation does not arrive."),
        alert("ExternalSecretNotReady", 'externalsecret_status_condition{condition="Ready", status="False"} == 1',
              for_="30m", severity="warning", owner="platform", runbook="certificates-and-secrets",
              summary="ExternalSecret {{ $labels.namespace }}/{{ $labels.name }} is not Ready",
              description="The Kubernetes Secret it manages is missing or stale; pods that mount it may not start."),
    ))


def _alerting_and_data(database_max_connections: int) -> Group:
    rds_limit = int(database_max_connections * CONNECTIONS_WARN)
    redis_limit = int(REDIS_MAX_CLIENTS * CONNECTIONS_WARN)
    return Group("sparki-alerting-data", (
        alert("AlertmanagerNotificationsFailing",
              "sum by (integration) (rate(alertmanager_notifications_failed_total[5m])) > 0",
              for_="10m", severity="critical", owner="platform", runbook="alerting",
              summary="Alertmanager fails to send {{ $labels.integration }} notifications",
              description="Notifications through {{ $labels.integration }} have failed for 10 minutes; alerts may not reach anyone (this one included, if it routes there)."),
        alert("DatabaseConnectionsNearLimit",
              f"max by (dbinstance_identifier) (aws_rds_database_connections_maximum) > {rds_limit}",
              for_="10m", severity="warning", owner="platform", runbook="data-layer",
              summary="Database {{ $labels.dbinstance_identifier }} is near its connection limit",
              description=f"More than {rds_limit} of max_connections {database_max_connections} are in use; new connections will be refused at the limit."),
        alert("CacheConnectionsNearLimit",
              f"max by (cache_cluster_id) (aws_elasticache_curr_connections_maximum) > {redis_limit}",
              for_="10m", severity="warning", owner="platform", runbook="data-layer",
              summary="Cache node {{ $labels.cache_cluster_id }} is near its client limit",
              description=f"More than {redis_limit} of Redis's {REDIS_MAX_CLIENTS} clients are connected; a connection leak is the usual cause."),
        alert("DatabaseWithoutConnections", "max by (dbinstance_identifier) (aws_rds_database_connections_average) == 0",
              for_="15m", severity="warning", owner="platform", runbook="data-layer",
              summary="No client is connected to database {{ $labels.dbinstance_identifier }}",
              description="The application keeps a connection pool open; none for 15 minutes means it cannot reach the database (security group, credentials, DNS)."),
    ))


def groups(app_namespaces: Sequence[str], database_max_connections: int) -> list[Group]:
    return [_kubernetes(app_namespaces), _certificates_and_secrets(), _alerting_and_data(database_max_connections)]
