"""The metrics an SLO can be measured on: which counter and histogram each source exports, with
their labels and histogram buckets. Environments validate SLO thresholds against the buckets
(a latency threshold between two buckets cannot be measured from a classic histogram);
constructs build the SLI expressions from the same names. No cdktf imports.

Sources:
- "kubernetes-api": the API server's own metrics, which EKS exposes on /metrics of the
  `kubernetes` service (scraped as job="apiserver"). Buckets: k8s.io/apiserver
  pkg/endpoints/metrics/metrics.go, requestLatencies (Kubernetes 1.30 onwards).
- "sparki": the contract every Sparki service exports (docs/observability-alerts.md, "The
  metric contract"): a request counter labelled service and code, a latency histogram labelled
  service with the buckets below, a queue depth gauge labelled service and queue.
"""
from __future__ import annotations

from dataclasses import dataclass

KUBERNETES_API = "kubernetes-api"


@dataclass(frozen=True)
class SliSource:
    """requests: counter of requests with an HTTP `code` label; latency: histogram (the
    `_bucket` series name); selector: label matchers every series of this source carries
    (without braces); buckets: the histogram's upper bounds in seconds."""

    requests: str
    latency: str
    selector: str
    buckets: tuple[float, ...]


SPARKI_REQUESTS = "sparki_http_requests_total"
SPARKI_LATENCY = "sparki_http_request_duration_seconds_bucket"
SPARKI_QUEUE_DEPTH = "sparki_queue_depth"
# The Prometheus client libraries' default buckets, which the contract asks services to keep.
SPARKI_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

SOURCES = {
    KUBERNETES_API: SliSource(
        requests="apiserver_request_total",
        latency="apiserver_request_duration_seconds_bucket",
        # Long-running requests (watches, exec/attach tunnels) last minutes by design; they
        # measure neither availability nor latency.
        selector='job="apiserver", verb!~"WATCH|CONNECT"',
        buckets=(0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 5.0,
                 6.0, 8.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0),
    ),
    "sparki": SliSource(requests=SPARKI_REQUESTS, latency=SPARKI_LATENCY, selector="", buckets=SPARKI_BUCKETS),
}


def source_of(service: str) -> str:
    """The source an SLO of `service` reads: the API server's metrics for "kubernetes-api",
    the Sparki contract (series labelled service=<service>) for every other service."""
    return KUBERNETES_API if service == KUBERNETES_API else "sparki"


def le_pattern(bound: float) -> str:
    """A regex matching a bucket's `le` label as every scrape path writes it: Go clients and
    Prometheus 2 keep "1", Python clients and Prometheus 3 (which normalises) write "1.0"."""
    text = repr(float(bound))
    # Two backslashes: PromQL's string literal keeps one, and the regex reads an escaped dot.
    escaped = text.replace(".", r"\\.")
    return f"{text[:-2]}|{escaped}" if text.endswith(".0") else escaped
