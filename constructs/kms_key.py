"""A customer-managed KMS key with an explicit policy, rotation and an alias."""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey

from constructs import Construct


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
    grants: service principals allowed to use the key (each with a condition); default none.
    """

    alias: str
    description: str
    account_id: str
    deletion_window_days: int = 30
    grants: Sequence[KeyGrant] = field(default_factory=tuple)

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
            "Sid": "AccountAdministersKeyThroughIam",
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
    """A rotating customer-managed key whose policy names every principal that may use it."""

    def __init__(self, scope: Construct, id: str, props: EncryptionKeyProps) -> None:
        super().__init__(scope, id)
        key = KmsKey(
            self,
            "key",
            description=props.description,
            enable_key_rotation=True,
            deletion_window_in_days=props.deletion_window_days,
            policy=key_policy(props.account_id, props.grants),
            tags={"Name": props.alias},
        )
        KmsAlias(self, "alias", name=f"alias/{props.alias}", target_key_id=key.key_id)
        self.key_arn: str = key.arn
        self.key_id: str = key.key_id
        self.alias_name = f"alias/{props.alias}"
