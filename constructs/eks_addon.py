"""One EKS managed add-on, pinned to an exact version."""
from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_aws.eks_addon import EksAddon as EksAddonResource

from constructs import Construct

_VERSION = re.compile(r"^v\d+\.\d+\.\d+-eksbuild\.\d+$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


@dataclass(frozen=True)
class EksAddonProps:
    """Settings for one managed add-on.

    cluster_name: the cluster to install into.
    addon_name: the EKS add-on name, e.g. "vpc-cni".
    version: the exact build, e.g. "v1.20.1-eksbuild.3"; never "latest", so an upgrade is a
        reviewed change.
    service_account_role_arn: IRSA role for the add-on's service account; default none (the
        add-on needs no AWS API, or uses the node's).
    configuration: add-on configuration values (the add-on's JSON schema); default none.
    after: resources that must exist first, e.g. node groups for add-ons that schedule
        Deployments; default none.
    """

    cluster_name: str
    addon_name: str
    version: str
    service_account_role_arn: str | None = None
    configuration: Mapping[str, Any] = field(default_factory=dict)
    after: Sequence[ITerraformDependable] = ()

    def __post_init__(self) -> None:
        if not _NAME.match(self.addon_name):
            raise ValueError(f"addon_name={self.addon_name!r}: use the EKS add-on name, e.g. 'vpc-cni'")
        if not _VERSION.match(self.version):
            raise ValueError(f"{self.addon_name}: version={self.version!r}; pin an exact build such as 'v1.20.1-eksbuild.3'")


class EksAddon(Construct):
    """A managed add-on that EKS keeps at the pinned version and configuration: on create and on
    update EKS's copy wins over hand edits in the cluster (OVERWRITE), so drift does not stick.
    Deleting the Terraform resource leaves the software running in the cluster (preserve)."""

    def __init__(self, scope: Construct, id: str, props: EksAddonProps) -> None:
        super().__init__(scope, id)
        addon = EksAddonResource(
            self,
            "addon",
            cluster_name=props.cluster_name,
            addon_name=props.addon_name,
            addon_version=props.version,
            service_account_role_arn=props.service_account_role_arn,
            configuration_values=json.dumps(dict(props.configuration), sort_keys=True) if props.configuration else None,
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            # A replacement (a renamed logical id, a forced new resource) or a removal from the
            # code deletes the EKS add-on; without preserve EKS also deletes its Kubernetes objects,
            # and a cluster without the VPC CNI's aws-node DaemonSet loses pod networking on every
            # node. With it, only EKS's management ends and the running copy stays.
            preserve=True,
            depends_on=list(props.after) or None,
        )
        self.addon_arn: str = addon.arn
        self.resource = addon
