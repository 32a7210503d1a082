"""`python -m sparki.emulator.moto_server`: moto's server (same arguments as `python -m
moto.server`) with the fixes the emulator needs where moto contradicts AWS in a way an
exclusion would only hide. Each fix says which moto behaviour it replaces and why.
"""
from __future__ import annotations

import base64
import hashlib

from moto.rds.models import DBInstance
from moto.server import main


def _dbi_resource_id(instance: DBInstance) -> str:
    """RDS gives every DB instance its own DbiResourceId ("db-" and 26 base32 characters).

    moto 5.2.5 assigns every instance the constant "db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U" (and a
    read replica, copied from its source, the source's). The AWS provider reads an instance
    back by the filter dbi-resource-id, so with two instances in one region (prod's primary
    and its in-Region replica) the read finds two and reports "couldn't find resource". Derived
    from the instance's ARN: unique per account, region and identifier, and stable for as long
    as the identifier is, which is all the provider relies on.
    """
    digest = hashlib.sha256(instance.arn.encode()).digest()
    return "db-" + base64.b32encode(digest).decode()[:26]


def apply_fixes() -> None:
    # moto's constructor assigns the constant; the setter drops it so the property answers.
    DBInstance.dbi_resource_id = property(_dbi_resource_id, lambda instance, value: None)


if __name__ == "__main__":
    apply_fixes()
    main()
