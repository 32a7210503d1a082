"""The fix sparki/emulator/moto_server.py applies to moto before the emulator's server starts:
moto 5.2.5 still needs it, and with it each DB instance reads back alone by its resource id, as
the AWS provider reads it."""
from __future__ import annotations

import re

import boto3
import pytest
from moto import mock_aws
from moto.rds.models import DBInstance

from sparki.emulator import moto_server

EAST, WEST = "us-east-1", "us-west-2"


@pytest.fixture
def aws(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield lambda service, region: boto3.client(service, region_name=region)


def _two_instances_and_a_cross_region_replica(aws):
    source = aws("rds", EAST).create_db_instance(
        DBInstanceIdentifier="sparki-prod-postgres", Engine="postgres", DBInstanceClass="db.r7g.large",
        MasterUsername="admin", MasterUserPassword="x" * 20, AllocatedStorage=100,
    )["DBInstance"]
    aws("rds", EAST).create_db_instance_read_replica(DBInstanceIdentifier="sparki-prod-postgres-replica-1", SourceDBInstanceIdentifier="sparki-prod-postgres")
    aws("rds", WEST).create_db_instance_read_replica(DBInstanceIdentifier="sparki-proddr-postgres", SourceDBInstanceIdentifier=source["DBInstanceArn"])
    return [d["DbiResourceId"] for region in (EAST, WEST) for d in aws("rds", region).describe_db_instances()["DBInstances"]]


def test_moto_still_gives_every_db_instance_one_resource_id(aws):
    """The gap moto_server.py fixes; when a moto release fixes it, drop the fix."""
    assert len(set(_two_instances_and_a_cross_region_replica(aws))) == 1


def test_the_drill_server_gives_each_db_instance_its_own_resource_id(aws, monkeypatch):
    monkeypatch.setattr(DBInstance, "dbi_resource_id", None, raising=False)  # undone after the test
    moto_server.apply_fixes()
    ids = _two_instances_and_a_cross_region_replica(aws)
    assert len(set(ids)) == 3 and all(re.fullmatch(r"db-[A-Z2-7]{26}", i) for i in ids)
    for rid in ids[:2]:  # how the AWS provider reads an instance back
        assert len(aws("rds", EAST).describe_db_instances(Filters=[{"Name": "dbi-resource-id", "Values": [rid]}])["DBInstances"]) == 1
