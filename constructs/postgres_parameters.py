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


def postgres_parameters(max_connections: int, slow_statement_ms: int, explain_statement_ms: int = 1000,
                        explain_sample_rate: float = 1.0) -> list[Parameter]:
    """The tuned parameter group. Memory settings are RDS formulas over DBInstanceClassMemory
    (bytes), so they follow the instance class when it is resized, without a new group.
    explain_statement_ms / explain_sample_rate: auto_explain logs the plan of that share of the
    statements slower than that (docs/data.md, "Finding slow queries")."""
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
        Parameter("shared_preload_libraries", "pg_stat_statements,auto_explain", "pending-reboot", "statistics per normalised statement, and plans of slow statements in the log; both load only at server start"),
        Parameter("pg_stat_statements.max", "10000", "pending-reboot", "distinct statements tracked; an ORM's many shapes do not evict the expensive ones"),
        Parameter("pg_stat_statements.track", "top", "immediate", "count the statements clients send, not those run inside functions, so totals add up"),
        Parameter("pg_stat_statements.track_utility", "0", "immediate", "leave out SET, BEGIN and COMMIT: they would crowd the table without telling anything"),
        Parameter("auto_explain.log_min_duration", str(explain_statement_ms), "immediate", "log the plan of a statement slower than this many milliseconds (environment data)"),
        Parameter("auto_explain.sample_rate", f"{explain_sample_rate:g}", "immediate", "share of sessions whose slow statements are explained; below 1 in production bounds the overhead of log_analyze"),
        Parameter("auto_explain.log_analyze", "1", "immediate", "actual row counts in the logged plan: the estimate-vs-actual gap is what explains a slow plan"),
        Parameter("auto_explain.log_timing", "0", "immediate", "no per-node timing: it costs a clock read per row; rows and buffers already show where the time goes"),
        Parameter("auto_explain.log_buffers", "1", "immediate", "buffer hits and reads per plan node: a cache miss or a big scan shows directly"),
        Parameter("auto_explain.log_format", "json", "immediate", "one parseable document per plan in CloudWatch Logs Insights"),
    ]
