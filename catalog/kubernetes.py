"""Kubernetes names more than one layer agrees on (no cdktf imports).

ACCESS_GROUPS: the Kubernetes group each kind of access entry (constructs/cluster_access.py)
puts its principals in, and the platform's RBAC (constructs/platform_rbac.py) binds. EKS
refuses groups starting with "system:"; the prefix keeps ours apart from any chart's.
"""
from __future__ import annotations

ACCESS_GROUPS: dict[str, str] = {
    "admin": "sparki:platform-admins",
    "developer": "sparki:developers",
    "auditor": "sparki:auditors",
    "deployer": "sparki:deployers",
}
