"""Settings of the log, search and trace stores: `[observability.logs]`, `[observability.search]`
and `[observability.tracing]` (fields of ObservabilitySettings)."""
from __future__ import annotations

from typing import Annotated

from environments.model import Model, fail, in_range, one_of

LOKI_MODES = ("SingleBinary", "SimpleScalable")
# Loki's write path acknowledges a push once a quorum of replication_factor ingesters has it;
# three writers keep a quorum of two while one restarts.
SCALABLE_MIN_REPLICAS = 3


class LogsSettings(Model):
    """Loki.

    retention_days: how long the compactor keeps log lines before deleting them from S3;
        default 30, 30..3650 (the issue's floor: a month of logs in every environment).
    mode: "SimpleScalable" (read, write and backend targets, each `replicas` pods, writes
        replicated) or "SingleBinary" (one pod holds every target; a restart pauses
        ingestion, Fluent Bit buffers and retries); default "SimpleScalable", refused in
        production.
    replicas: pods of the backend target, the replication of every push (up to 3 writers) and
        the least number of writers; default 3, 1..9; SimpleScalable needs at least 3. The read
        and write targets follow load within [platform.autoscaling.loki-read] / [...loki-write].
        SingleBinary runs exactly 1 (its ingester keeps the WAL on its own volume, unreplicated).
    volume_gib: the write-ahead-log volume of each writer (gp3, encrypted); default 10, 5..500.
    """

    retention_days: Annotated[int, in_range(30, 3650, "days", "keep logs for")] = 30
    mode: Annotated[str, one_of(LOKI_MODES, "a Loki deployment mode")] = "SimpleScalable"
    replicas: Annotated[int, in_range(1, 9, "pods", "run")] = 3
    volume_gib: Annotated[int, in_range(5, 500, "GiB")] = 10

    def check_in(self, production: bool) -> None:
        if production and self.mode != "SimpleScalable":
            fail("mode", f"{self.mode!r} is not allowed in production: one pod restarting stops ingestion and queries; use \"SimpleScalable\"")
        if self.mode == "SimpleScalable" and self.replicas < SCALABLE_MIN_REPLICAS:
            fail("replicas", f"{self.replicas} is too few for SimpleScalable: writes need a quorum that survives one pod down; use {SCALABLE_MIN_REPLICAS} or more")
        if self.mode == "SingleBinary" and self.replicas != 1:
            fail("replicas", f"{self.replicas} with SingleBinary: its WAL is not replicated between pods; use 1, or mode \"SimpleScalable\"")


class SearchSettings(Model):
    """Elasticsearch (run by the ECK operator).

    nodes: Elasticsearch nodes, each master-eligible and data; default 3, 1..9, production at
        least 3 (a master quorum that survives one node down).
    volume_gib: the data volume of each node (gp3, encrypted); default 50, 10..16384.
    memory_gib: memory of each node; the JVM heap takes half; default 4, 2..64.
    snapshot_hour_utc: the hour of the daily snapshot to S3; default 2, 0..23.
    snapshot_retention_days: how long snapshots are kept (SLM retention; S3 lifecycle removes
        what SLM leaves behind some days later); default 30, 1..3650.
    log_retention_days: how long container logs stay searchable in Elasticsearch (the data
        stream lifecycle deletes older backing indices; Loki keeps its own, longer copy);
        default 14, 1..365.
    """

    nodes: Annotated[int, in_range(1, 9, "nodes", "run")] = 3
    volume_gib: Annotated[int, in_range(10, 16384, "GiB")] = 50
    memory_gib: Annotated[int, in_range(2, 64, "GiB")] = 4
    snapshot_hour_utc: Annotated[int, in_range(0, 23, "(hour of the day, UTC)")] = 2
    snapshot_retention_days: Annotated[int, in_range(1, 3650, "days", "keep snapshots for")] = 30
    log_retention_days: Annotated[int, in_range(1, 365, "days", "keep searchable logs for")] = 14

    def check_in(self, production: bool) -> None:
        if production and self.nodes < 3:
            fail("nodes", f"{self.nodes} is not allowed in production: fewer than 3 master-eligible nodes lose the cluster with one node; use 3 or more")


class TracingSettings(Model):
    """Jaeger v2.

    retention_days: days of trace indices the nightly index cleaner keeps; default 7, 1..90
        (traces are for debugging recent requests; older ones cost disk the logs need more).
    The Jaeger pods follow load within [platform.autoscaling.jaeger] (production at least 2:
    one pod drops every span sent while it restarts).
    """

    retention_days: Annotated[int, in_range(1, 90, "days", "keep traces for")] = 7
