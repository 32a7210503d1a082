"""An IAM role that exactly one Kubernetes service account assumes through the cluster's OIDC
provider (IAM Roles for Service Accounts)."""
from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment

from constructs import Construct
from constructs.policy_document import PolicyDocument

_DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_SERVICE_ACCOUNT = re.compile(r"^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$")
_MANAGED_POLICY = re.compile(r"^arn:aws:iam::aws:policy/[\w+=,.@/-]+$")
AUDIENCE = "sts.amazonaws.com"


def service_account_subject(namespace: str, service_account: str) -> str:
    """The `sub` claim of a projected service account token."""
    return f"system:serviceaccount:{namespace}:{service_account}"


def irsa_trust_policy(oidc_provider_arn: str, oidc_issuer_host: str, namespace: str, service_account: str) -> str:
    """Trust for one service account of one cluster: both claims compared with StringEquals,
    so neither a wildcard nor a second subject can slip in."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": oidc_provider_arn},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {
                            f"{oidc_issuer_host}:sub": service_account_subject(namespace, service_account),
                            f"{oidc_issuer_host}:aud": AUDIENCE,
                        }
                    },
                }
            ],
        }
    )


@dataclass(frozen=True)
class IrsaRoleProps:
    """Settings for one IRSA role.

    name: the IAM role name, e.g. "sparki-dev-eks-external-dns".
    namespace / service_account: the only Kubernetes identity that may assume the role.
    oidc_provider_arn: the cluster's IAM OIDC provider.
    oidc_issuer_host: the issuer URL without "https://", the prefix of the token's claim keys.
    statements: IAM policy statements of the role's inline policy; default none.
    managed_policy_arns: AWS managed policies to attach; default none. At least one of the two.
    """

    name: str
    namespace: str
    service_account: str
    oidc_provider_arn: str
    oidc_issuer_host: str
    statements: Sequence[Mapping[str, Any]] = ()
    managed_policy_arns: Sequence[str] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not _DNS_LABEL.match(self.namespace):
            raise ValueError(f"namespace={self.namespace!r}: must be a Kubernetes namespace name (lowercase letters, digits, '-'); wildcards are not allowed")
        if not _SERVICE_ACCOUNT.match(self.service_account):
            raise ValueError(f"service_account={self.service_account!r}: must be a Kubernetes name (lowercase letters, digits, '-', '.'); wildcards are not allowed")
        if not self.statements and not self.managed_policy_arns:
            raise ValueError(f"{self.name}: give statements or managed_policy_arns; a role without permissions is a mistake")
        for arn in self.managed_policy_arns:
            if not _MANAGED_POLICY.match(arn):
                raise ValueError(f"managed_policy_arns: {arn!r} is not an AWS managed policy ARN (arn:aws:iam::aws:policy/...)")
        for statement in self.statements:
            actions = statement.get("Action")
            actions = [actions] if isinstance(actions, str) else list(actions or [])
            if statement.get("Effect") != "Allow" or not actions or "Resource" not in statement:
                raise ValueError(f"{self.name}: every statement needs Effect 'Allow', Action and Resource; got {dict(statement)}")
            if any(a == "*" or a.endswith(":*") for a in actions):
                raise ValueError(f"{self.name}: {actions} grants a whole service; list the actions the component calls")


class IrsaRole(Construct):
    """A role bound to one namespace/service account, with an inline least-privilege policy."""

    def __init__(self, scope: Construct, id: str, props: IrsaRoleProps) -> None:
        super().__init__(scope, id)
        role = IamRole(
            self,
            "role",
            name=props.name,
            description=f"IRSA: {props.namespace}/{props.service_account}",
            assume_role_policy=irsa_trust_policy(props.oidc_provider_arn, props.oidc_issuer_host, props.namespace, props.service_account),
            tags={"Name": props.name},
        )
        # What a consumer of the role waits for: the role is useless until these exist.
        self.permissions: list[IamRolePolicy | IamRolePolicyAttachment] = []
        if props.statements:
            document = PolicyDocument(self, "permissions", props.statements)
            self.permissions.append(IamRolePolicy(self, "policy", name=props.name, role=role.id, policy=document.json))
        for index, arn in enumerate(props.managed_policy_arns):
            self.permissions.append(IamRolePolicyAttachment(self, f"managed_{index}", role=role.name, policy_arn=arn))
        self.role_arn: str = role.arn
        self.role_name: str = role.name
        self.namespace = props.namespace
        self.service_account = props.service_account
