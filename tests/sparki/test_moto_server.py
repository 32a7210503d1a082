"""The fixes sparki/emulator/moto_server.py applies to moto before the emulator's server
starts: moto 5.2.5 still needs each, and with them prod's replicas come out as RDS makes them
and read back as the AWS provider reads them."""
from __future__ import annotations

import json
import re

import pytest
from moto.rds.models import DBInstance, RDSBackend
from moto.s3.models import FakeBucket

from sparki.emulator import moto_server

EAST, WEST = "us-east-1", "us-west-2"


@pytest.fixture
def fixed(monkeypatch):
    """apply_fixes(), undone after the test (the other tests see moto as released)."""
    monkeypatch.setattr(DBInstance, "dbi_resource_id", None, raising=False)
    monkeypatch.setattr(RDSBackend, "create_db_instance_read_replica", RDSBackend.create_db_instance_read_replica)
    monkeypatch.setattr(FakeBucket, "get_permission", FakeBucket.get_permission)
    monkeypatch.setattr(RDSBackend, "create_db_instance", RDSBackend.create_db_instance)
    moto_server.apply_fixes()


def _dr_subnet_group(aws):
    ec2 = aws("ec2", WEST)
    vpc = ec2.create_vpc(CidrBlock="10.31.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.31.{i}.0/24", AvailabilityZone=f"{WEST}{z}")["Subnet"]["SubnetId"]
               for i, z in enumerate("ab")]
    aws("rds", WEST).create_db_subnet_group(DBSubnetGroupName="sparki-proddr-db", DBSubnetGroupDescription="dr", SubnetIds=subnets)
    return "sparki-proddr-db"


def _primary_replica_and_dr_replica(aws):
    source = aws("rds", EAST).create_db_instance(
        DBInstanceIdentifier="sparki-prod-postgres", Engine="postgres", DBInstanceClass="db.r7g.large",
        MasterUsername="admin", MasterUserPassword="x" * 20, AllocatedStorage=100,
    )["DBInstance"]
    aws("rds", EAST).create_db_instance_read_replica(DBInstanceIdentifier="sparki-prod-postgres-replica-1", SourceDBInstanceIdentifier="sparki-prod-postgres")
    aws("rds", WEST).create_db_instance_read_replica(
        DBInstanceIdentifier="sparki-proddr-postgres", SourceDBInstanceIdentifier=source["DBInstanceArn"], DBSubnetGroupName=_dr_subnet_group(aws),
    )
    return {d["DBInstanceIdentifier"]: d for region in (EAST, WEST) for d in aws("rds", region).describe_db_instances()["DBInstances"]}


def test_moto_still_gives_every_db_instance_one_resource_id(aws):
    source = aws("rds", EAST).create_db_instance(
        DBInstanceIdentifier="a", Engine="postgres", DBInstanceClass="db.r7g.large", MasterUsername="admin", MasterUserPassword="x" * 20,
    )["DBInstance"]
    replica = aws("rds", EAST).create_db_instance_read_replica(DBInstanceIdentifier="b", SourceDBInstanceIdentifier="a")["DBInstance"]
    assert source["DbiResourceId"] == replica["DbiResourceId"]


def test_moto_still_looks_a_cross_region_replicas_subnet_group_up_in_the_source_region(aws):
    source = aws("rds", EAST).create_db_instance(
        DBInstanceIdentifier="a", Engine="postgres", DBInstanceClass="db.r7g.large", MasterUsername="admin", MasterUserPassword="x" * 20,
    )["DBInstance"]
    rds = aws("rds", WEST)
    with pytest.raises(rds.exceptions.DBSubnetGroupNotFoundFault):
        rds.create_db_instance_read_replica(DBInstanceIdentifier="b", SourceDBInstanceIdentifier=source["DBInstanceArn"], DBSubnetGroupName=_dr_subnet_group(aws))


def test_each_db_instance_reads_back_alone_by_its_own_resource_id(aws, fixed):
    instances = _primary_replica_and_dr_replica(aws)
    ids = {name: db["DbiResourceId"] for name, db in instances.items()}
    assert len(set(ids.values())) == 3 and all(re.fullmatch(r"db-[A-Z2-7]{26}", i) for i in ids.values())
    for name, rid in ids.items():  # how the AWS provider reads an instance back
        region = WEST if name == "sparki-proddr-postgres" else EAST
        found = aws("rds", region).describe_db_instances(Filters=[{"Name": "dbi-resource-id", "Values": [rid]}])["DBInstances"]
        assert [d["DBInstanceIdentifier"] for d in found] == [name]


def test_a_cross_region_replica_lives_in_its_own_region_with_its_subnet_group(aws, fixed):
    dr = _primary_replica_and_dr_replica(aws)["sparki-proddr-postgres"]
    assert dr["DBInstanceArn"].startswith(f"arn:aws:rds:{WEST}:")
    assert dr["DBSubnetGroup"]["DBSubnetGroupName"] == "sparki-proddr-db"
    assert dr["ReadReplicaSourceDBInstanceIdentifier"].startswith(f"arn:aws:rds:{EAST}:")


def _state_bucket(aws, unconditioned_deny=False):
    """A bucket with prod's state-bucket policy: Deny without TLS, Deny without SSE-KMS."""
    s3 = aws("s3", WEST)
    s3.create_bucket(Bucket="state", CreateBucketConfiguration={"LocationConstraint": WEST})
    arn = "arn:aws:s3:::state"
    statements = [
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [arn, f"{arn}/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "DenyUploadsWithoutSseKms", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": f"{arn}/*",
         "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}},
    ]
    if unconditioned_deny:
        statements.append({"Sid": "DenyReads", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": f"{arn}/*"})
    s3.put_bucket_policy(Bucket="state", Policy=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    return s3


def _put(s3):
    s3.put_object(Bucket="state", Key="marker", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=f"arn:aws:kms:{WEST}:1:alias/state")


def test_moto_still_denies_an_object_request_that_meets_every_condition_of_the_bucket_policy(aws):
    s3 = _state_bucket(aws)
    with pytest.raises(s3.exceptions.ClientError, match="403"):
        _put(s3)


def test_conditioned_statements_no_longer_deny_but_unconditioned_ones_still_do(aws, fixed):
    s3 = _state_bucket(aws, unconditioned_deny=True)
    _put(s3)
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="state")["Contents"]] == ["marker"]
    with pytest.raises(s3.exceptions.ClientError, match="403"):
        s3.get_object(Bucket="state", Key="marker")


def _new_instance_ca(aws, **extra) -> str:
    return aws("rds", EAST).create_db_instance(
        DBInstanceIdentifier="sparki-dev-postgres", Engine="postgres", DBInstanceClass="db.t4g.micro",
        MasterUsername="admin", MasterUserPassword="x" * 20, AllocatedStorage=20, **extra,
    )["DBInstance"]["CACertificateIdentifier"]


def test_moto_still_answers_a_ca_rds_does_not_have(aws):
    """The gap moto_server.py fixes; when a moto release answers with RDS's default, drop the fix."""
    assert _new_instance_ca(aws) == "rds-ca-default"


def test_the_server_launches_new_instances_with_the_regions_default_ca(aws, fixed):
    moto_server.apply_fixes()  # once is enough; a second call must not wrap twice
    assert _new_instance_ca(aws) == moto_server.RDS_DEFAULT_CA == "rds-ca-rsa2048-g1"


def test_a_ca_named_on_create_still_wins(aws, fixed):
    assert _new_instance_ca(aws, CACertificateIdentifier="rds-ca-ecc384-g1") == "rds-ca-ecc384-g1"
