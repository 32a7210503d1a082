"""A customer-managed KMS key with an explicit policy, rotation and an alias.

Principals other than the account's IAM are admitted by grants that whoever needs the access
asks for (`key.grant_to_service(...)`, in the aws-cdk manner), so the key knows no users of its
own. Statements appear in the policy in the order the grants are made.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey

from constructs import Construct

# What "use the key for data" means for a service or role: envelope encryption and the
# DescribeKey call that precedes it.
ENCRYPT_DECRYPT = ("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey")
ADMIN_SID = "AccountAdministersKeyThroughIam"


@dataclass(frozen=True)
class KeyGrant:
    """Lets a principal other than the account's IAM use the key, and only under a condition.

    service: an AWS service principal, e.g. "logs.us-east-1.amazonaws.com"; or
    role_arn: an IAM role that cannot be given an IAM policy (a service-linked role).
    actions: KMS actions granted, e.g. ("kms:Encrypt*", "kms:Decrypt*").
    condition: an IAM condition block; required, so no grant is unconditional.
    """

    sid: str
    actions: Sequence[str]
    condition: Mapping[str, Any]
    service: str = ""
    role_arn: str = ""

    def __post_init__(self) -> None:
        if not self.condition:
            raise ValueError(f"KeyGrant {self.sid}: condition must not be empty; scope the grant to this account's resources")
        if bool(self.service) == bool(self.role_arn):
            raise ValueError(f"KeyGrant {self.sid}: give exactly one of service or role_arn")

    @property
    def principal(self) -> dict:
        return {"Service": self.service} if self.service else {"AWS": self.role_arn}


@dataclass(frozen=True)
class EncryptionKeyProps:
    """Settings for one key.

    alias: the alias without the "alias/" prefix, e.g. "sparki-dev-state".
    account_id: the key's account; its root principal administers the key through IAM.
    deletion_window_days: 7..30; default 30.
    """

    alias: str
    description: str
    account_id: str
    deletion_window_days: int = 30

    def __post_init__(self) -> None:
        if not 7 <= self.deletion_window_days <= 30:
            raise ValueError(f"deletion_window_days={self.deletion_window_days}: must be between 7 and 30")
        if self.alias.startswith("alias/"):
            raise ValueError(f"alias={self.alias!r}: give the name without the 'alias/' prefix")


def key_policy(account_id: str, grants: Sequence[KeyGrant]) -> str:
    """The key policy: the account administers the key via IAM; services only by grant."""
    statements: list[dict[str, Any]] = [
        {
            # The default key policy statement: IAM policies of this account decide who may
            # use the key. Without it the key can become unmanageable.
            "Sid": ADMIN_SID,
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    for grant in grants:
        statements.append(
            {
                "Sid": grant.sid,
                "Effect": "Allow",
                "Principal": grant.principal,
                "Action": list(grant.actions),
                "Resource": "*",
                "Condition": dict(grant.condition),
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=False)


class EncryptionKey(Construct):
    """A rotating customer-managed key whose policy names every principal that may use it:
    the account's IAM, and whoever was granted access through grant*()."""

    def __init__(self, scope: Construct, id: str, props: EncryptionKeyProps) -> None:
        super().__init__(scope, id)
        self._props = props
        self._grants: list[KeyGrant] = []
        self._key = KmsKey(
            self,
            "key",
            description=props.description,
            enable_key_rotation=True,
            deletion_window_in_days=props.deletion_window_days,
            policy=key_policy(props.account_id, self._grants),
            tags={"Name": props.alias},
        )
        KmsAlias(self, "alias", name=f"alias/{props.alias}", target_key_id=self._key.key_id)
        self.key_arn: str = self._key.arn
        self.key_id: str = self._key.key_id
        self.alias_name = f"alias/{props.alias}"

    def grant(self, *grants: KeyGrant) -> None:
        """Add statements to the key policy, after those granted before."""
        for grant in grants:
            taken = {ADMIN_SID, *(g.sid for g in self._grants)}
            if grant.sid in taken:
                raise ValueError(f"{self.alias_name}: grant sid {grant.sid!r} is already in the key policy; give each grant its own sid")
            self._grants.append(grant)
        self._key.policy = key_policy(self._props.account_id, self._grants)

    def grant_to_service(self, service: str, *, sid: str, conditions: Mapping[str, Any], actions: Sequence[str] = ENCRYPT_DECRYPT) -> None:
        """Let an AWS service principal (e.g. "logs.us-east-1.amazonaws.com") use the key, under
        `conditions` that tie it to this account's resources; default actions: ENCRYPT_DECRYPT."""
        self.grant(KeyGrant(sid=sid, service=service, actions=tuple(actions), condition=conditions))

    def grant_encrypt_decrypt(self, role_arn: str, *, sid: str, conditions: Mapping[str, Any]) -> None:
        """Let a role that cannot be given an IAM policy (a service-linked role) encrypt and
        decrypt with the key, under `conditions`."""
        self.grant(KeyGrant(sid=sid, role_arn=role_arn, actions=ENCRYPT_DECRYPT, condition=conditions))
