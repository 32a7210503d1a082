"""The encrypted gp3 StorageClass the observability layer's volumes are claimed from (pure
Python: a manifest the stack writes as kubernetes_manifest).

EKS ships only `gp2` (in-tree name, unencrypted unless the account default says otherwise); this
one names the EBS CSI driver, gp3 and the environment's data key explicitly, so encryption
does not depend on an account setting.
"""
from __future__ import annotations

from typing import Any

from constructs.monitoring import STORAGE_CLASS


def encrypted_gp3(kms_key_arn: str, *, retain: bool) -> dict[str, Any]:
    """retain: keep the volume when its claim is deleted (production: metrics survive a
    mistaken uninstall); otherwise it goes with the claim."""
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {"name": STORAGE_CLASS, "labels": {"app.kubernetes.io/managed-by": "sparki"}},
        "provisioner": "ebs.csi.aws.com",
        "parameters": {"type": "gp3", "encrypted": "true", "kmsKeyId": kms_key_arn, "csi.storage.k8s.io/fstype": "ext4"},
        "reclaimPolicy": "Retain" if retain else "Delete",
        # Bound where the pod is scheduled, so the volume lands in the pod's zone.
        "volumeBindingMode": "WaitForFirstConsumer",
        "allowVolumeExpansion": True,
    }
