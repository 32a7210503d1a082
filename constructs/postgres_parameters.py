"""The tuned PostgreSQL parameter group of constructs/database.py: each setting with its reason."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Parameter:
    """One PostgreSQL setting and why it has the value it has."""

    name: str
    value: str
    # Static parameters only take effect after a reboot; RDS rejects "immediate" for them.
    apply_method: str
    why: str


def postgres_parameters(max_connections: int, slow_statement_ms: int) -> list[Parameter]:
    """The tuned parameter group. Memory settings are RDS formulas over DBInstanceClassMemory
    (bytes), so they follow the instance class when it is resized, without a new group."""
    # work_mem (kB) = a quarter of memory shared by every allowed connection: one sort per
    # backend at once never pushes the instance into swap.
    work_mem_divisor = 4 * 1024 * max_connections
    return [
        Parameter("rds.force_ssl", "1", "pending-reboot", "reject every connection that is not TLS: credentials and data never cross the VPC in clear text"),
        Parameter("ssl_min_protocol_version", "TLSv1.2", "pending-reboot", "no TLS 1.0/1.1 clients"),
        Parameter("max_connections", str(max_connections), "pending-reboot", "explicit ceiling sized per environment; the connections alarm fires at 80% of it"),
        Parameter("shared_buffers", "{DBInstanceClassMemory/32768}", "pending-reboot", "a quarter of memory (8 kB pages) for PostgreSQL's own cache; the OS page cache holds the rest"),
        Parameter("effective_cache_size", "{DBInstanceClassMemory*3/32768}", "immediate", "tells the planner three quarters of memory caches data, so it prefers index scans"),
        Parameter("work_mem", f"GREATEST({{DBInstanceClassMemory/{work_mem_divisor}}},4096)", "immediate", "per-sort memory: a quarter of memory over max_connections, at least 4 MB"),
        Parameter("maintenance_work_mem", "GREATEST({DBInstanceClassMemory/16384},65536)", "immediate", "a sixteenth of memory (at least 64 MB) so vacuum and index builds finish quickly"),
        Parameter("log_min_duration_statement", str(slow_statement_ms), "immediate", "log every statement slower than this many milliseconds, with its duration"),
        Parameter("log_statement", "ddl", "immediate", "log schema changes: who changed which table, and when"),
        Parameter("log_lock_waits", "1", "immediate", "log waits longer than deadlock_timeout: lock contention shows up before it becomes an outage"),
        Parameter("log_temp_files", "10240", "immediate", "log sorts and hashes that spill more than 10 MB to disk: the sign work_mem is too small"),
        Parameter("log_autovacuum_min_duration", "10000", "immediate", "log autovacuum runs longer than 10 s, the usual first sign of bloat"),
        Parameter("track_io_timing", "1", "immediate", "I/O time per query in pg_stat_statements and Performance Insights"),
    ]
