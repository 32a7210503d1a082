"""`python -m sparki.emulator.moto_server`: moto's server (same arguments as `python -m
moto.server`) with the fixes the emulator needs where moto contradicts AWS in a way an
exclusion would only hide (each stood between prod's layers and the DR drill). Each fix says
which moto behaviour it replaces and why; tests/sparki/test_moto_server.py fails once a moto
release no longer needs one.
"""
from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from moto.iam.access_control import IAMPolicy, PermissionResult
from moto.rds.models import DBInstance, RDSBackend
from moto.s3.models import FakeBucket
from moto.server import main

# The CA RDS signs a new DB instance's certificate with when CreateDBInstance names none: the
# default of every commercial Region since RDS moved off rds-ca-2019 (January 2024; RDS User
# Guide, "Rotating your SSL/TLS certificate").
RDS_DEFAULT_CA = "rds-ca-rsa2048-g1"


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


def _with_regions_default_ca(create):
    """CreateDBInstance without CACertificateIdentifier answers with the Region's default CA.

    moto 5.2.5 answers "rds-ca-default", an identifier RDS does not have. The AWS provider
    (5.100.0) never sends the CA on create; it compares the answer with ca_cert_identifier and,
    when they differ, modifies the new instance and waits for it again (about 80 s of fixed
    polling). Against RDS, which answers rds-ca-rsa2048-g1, our instances are not modified.
    """

    def create_db_instance(backend: RDSBackend, db_kwargs: dict):
        if not db_kwargs.get("ca_certificate_identifier"):
            db_kwargs = {**db_kwargs, "ca_certificate_identifier": RDS_DEFAULT_CA}
        return create(backend, db_kwargs)

    return create_db_instance


_create_read_replica = RDSBackend.create_db_instance_read_replica


def _create_read_replica_in_its_region(backend: RDSBackend, db_kwargs: dict[str, Any]) -> DBInstance:
    """A cross-Region replica lives in the region it is created in, and its subnet group is
    that region's.

    moto 5.2.5 copies the source instance and sets the request's fields on the copy in request
    order, then its region (`backend`) last; setting DBSubnetGroupName looks the group up in
    the region the copy still has, the source's, and answers DBSubnetGroupNotFoundFault (404)
    for the DR region's group. The region goes first instead.
    """
    if backend.arn_regex.match(db_kwargs["source_db_instance_identifier"]):
        db_kwargs = {"backend": backend, **db_kwargs}
    return _create_read_replica(backend, db_kwargs)


def _bucket_permission(bucket: FakeBucket, action: str, resource: str) -> PermissionResult:
    """A bucket policy's conditioned statements apply only when their conditions hold.

    moto 5.2.5 checks object requests against the bucket policy without the request's
    condition keys, and a statement whose conditions it cannot evaluate counts as a Deny,
    whatever its Effect: prod's state buckets (Deny unless TLS, Deny unless SSE-KMS with the
    state key) refused every object request, also one that meets every condition. Conditioned
    statements are left out instead, so moto allows such a request as AWS would; it also
    allows one that breaks a condition, which AWS denies. Unconditioned statements still apply.
    """
    if bucket.policy is None:
        return PermissionResult.NEUTRAL
    document = json.loads(bucket.policy)
    statements = document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]
    kept = [statement for statement in statements if not statement.get("Condition")]
    if not kept:
        return PermissionResult.NEUTRAL
    return IAMPolicy(json.dumps({**document, "Statement": kept})).is_action_permitted(action, resource)


def apply_fixes() -> None:
    # moto's constructor assigns the constant; the setter drops it so the property answers.
    DBInstance.dbi_resource_id = property(_dbi_resource_id, lambda instance, value: None)
    if not getattr(RDSBackend.create_db_instance, "sparki_default_ca", False):
        RDSBackend.create_db_instance = _with_regions_default_ca(RDSBackend.create_db_instance)
        RDSBackend.create_db_instance.sparki_default_ca = True
    RDSBackend.create_db_instance_read_replica = _create_read_replica_in_its_region
    FakeBucket.get_permission = _bucket_permission


if __name__ == "__main__":
    apply_fixes()
    main()
