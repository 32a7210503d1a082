"""One customer-managed KMS key per purpose. The key policies admit the account's IAM; whoever
else needs a key asks it for access (EncryptionKey.grant*), so this module knows no users."""
from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct
from constructs.kms_key import EncryptionKey, EncryptionKeyProps

PURPOSES = ("logs", "data", "eks", "secrets", "audit")


@dataclass(frozen=True)
class KeyRingProps:
    """Settings for the environment's keys.

    name: prefix of aliases, e.g. "sparki-dev" gives alias/sparki-dev-logs.
    deletion_window_days: 7..30, the same for every key of the ring.
    """

    name: str
    account_id: str
    deletion_window_days: int = 30


class KeyRing(Construct):
    """A rotating key per purpose (PURPOSES): keys[purpose], also as .logs, .data, .eks,
    .secrets, .audit. arn(purpose) is what other layers use."""

    def __init__(self, scope: Construct, id: str, props: KeyRingProps) -> None:
        super().__init__(scope, id)
        self.keys: dict[str, EncryptionKey] = {
            purpose: EncryptionKey(
                self,
                purpose,
                EncryptionKeyProps(
                    alias=f"{props.name}-{purpose}",
                    description=f"{props.name}: {purpose}",
                    account_id=props.account_id,
                    deletion_window_days=props.deletion_window_days,
                ),
            )
            for purpose in PURPOSES
        }
        self.logs = self.keys["logs"]
        self.data = self.keys["data"]
        self.eks = self.keys["eks"]
        self.secrets = self.keys["secrets"]
        self.audit = self.keys["audit"]

    def arn(self, purpose: str) -> str:
        if purpose not in self.keys:
            raise KeyError(f"no key for purpose {purpose!r}; purposes: {', '.join(PURPOSES)}")
        return self.keys[purpose].key_arn
