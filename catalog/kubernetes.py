"""Kubernetes names more than one layer agrees on (no cdktf imports).

ACCESS_GROUPS: the Kubernetes group each kind of access entry (constructs/cluster_access.py)
puts its principals in, and the platform's RBAC (constructs/platform_rbac.py) binds. EKS
refuses groups starting with "system:"; the prefix keeps ours apart from any chart's.

AUTOSCALED: the components whose replicas follow load, by the name of their
[platform.autoscaling.<name>] row (environments/platform_settings.py decides which run where;
the component groups read the rows; docs/platform.md lists them). FIXED_REPLICAS: components
with variable load that must not autoscale, each with the reason a row for it is refused.
"""
from __future__ import annotations

import re

LOKI_READ, LOKI_WRITE, JAEGER = "loki-read", "loki-write", "jaeger"
AUTOSCALED: dict[str, str] = {
    LOKI_READ: "Loki's query path, the read target of SimpleScalable",
    LOKI_WRITE: "Loki's ingest path, the write target of SimpleScalable",
    JAEGER: "the Jaeger collector, spans in and queries out",
}
FIXED_REPLICAS: dict[str, str] = {
    "grafana": (
        "keeps sessions, annotations and alert state in a SQLite file inside each pod, so a second pod would log "
        "users out at random; it runs one replica until it has a shared database (docs/platform.md)"
    ),
}

ACCESS_GROUPS: dict[str, str] = {
    "admin": "sparki:platform-admins",
    "developer": "sparki:developers",
    "auditor": "sparki:auditors",
    "deployer": "sparki:deployers",
}


# Resource quantities ("Quantity", Kubernetes API reference): CPU in cores or millicores
# ("2", "0.5", "500m"), memory in bytes with binary or decimal suffixes ("512Mi", "4Gi", "1G").
_CPU = re.compile(r"^(\d+(\.\d+)?)(m?)$")
_MEMORY = re.compile(r"^(\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?$")
_MEMORY_FACTOR = {None: 1, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}


def cpu_millicores(quantity: str) -> int | None:
    """500 from "500m", 2000 from "2"; None if it is not a CPU quantity."""
    match = _CPU.match(quantity or "")
    if not match:
        return None
    value = float(match.group(1))
    return int(value if match.group(3) else value * 1000)


def memory_bytes(quantity: str) -> int | None:
    """536870912 from "512Mi"; None if it is not a memory quantity."""
    match = _MEMORY.match(quantity or "")
    return int(match.group(1)) * _MEMORY_FACTOR[match.group(2)] if match else None
