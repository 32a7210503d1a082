"""Names the observability components agree on (pure Python): the namespace, the labels that
select rules and scrape targets, and the namespaces External Secrets may deliver into.

Prometheus selects by these labels, never by the Helm release label: a PrometheusRule from any
group module (or any chart) is evaluated when it carries RULES_LABEL, and every ServiceMonitor,
PodMonitor and Probe is scraped unless it opts out with SCRAPE_LABEL: "false".
"""
from __future__ import annotations

# environments.MONITORING_NAMESPACE names the same namespace (the platform admits scrapes from
# it); tests/stacks/test_observability_stack.py keeps the two equal.
MONITORING = "monitoring"
RULES_LABEL = {"sparki.io/rules": "true"}
SCRAPE_LABEL = "sparki.io/scrape"
# Namespaces of the observability layer whose ExternalSecrets the platform's ClusterSecretStore
# serves (beside the application namespaces): Alertmanager's receivers, Grafana's admin and
# Elasticsearch user (monitoring); Fluent Bit's Elasticsearch user (amazon-cloudwatch,
# telemetry_values.LOG_SHIPPER_NAMESPACE, named here to keep this module import-free).
SECRET_NAMESPACES: tuple[str, ...] = (MONITORING, "amazon-cloudwatch")
# The encrypted gp3 StorageClass the observability stack creates for every volume it claims.
STORAGE_CLASS = "gp3-encrypted"
