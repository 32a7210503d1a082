"""The drill's checks and teardown against moto's in-process mocks: each passes on the state
failover (or failback) leaves and fails, in one line, on the state before it."""
from __future__ import annotations

import pytest

from sparki.emulator.drill_checks import (
    DrillFailed,
    database_promoted,
    dns_answer,
    lift_deletion_protection,
    no_replacement,
    remove_marker,
    replica_before,
    state_in_region,
)
from sparki.plan_review import Change, StackReview

EAST, WEST = "us-east-1", "us-west-2"
ZONE, API = "sparki.example", "api.sparki.example"


def _primary(aws, name="sparki-prod-postgres", protected=False):
    return aws("rds", EAST).create_db_instance(
        DBInstanceIdentifier=name, Engine="postgres", DBInstanceClass="db.r7g.large", MasterUsername="admin",
        MasterUserPassword="x" * 20, AllocatedStorage=100, BackupRetentionPeriod=7, DeletionProtection=protected,
    )["DBInstance"]


@pytest.fixture
def replica(aws):
    source = _primary(aws)
    aws("rds", WEST).create_db_instance_read_replica(
        DBInstanceIdentifier="sparki-proddr-postgres", SourceDBInstanceIdentifier=source["DBInstanceArn"], SourceRegion=EAST,
    )
    return aws("rds", WEST)


def test_the_replica_check_passes_on_a_replica_and_refuses_a_standalone_instance(aws, replica):
    assert "is a read replica of" in replica_before(replica, "sparki-proddr-postgres")
    with pytest.raises(DrillFailed, match="^check replica: sparki-prod-postgres is no read replica before failover$"):
        replica_before(aws("rds", EAST), "sparki-prod-postgres")


def test_the_database_check_fails_before_promotion_and_passes_after(replica):
    with pytest.raises(DrillFailed, match="^check database: sparki-proddr-postgres keeps backups 7 days after failover, not 30$"):
        database_promoted(replica, "sparki-proddr-postgres", 30)
    replica.promote_read_replica(DBInstanceIdentifier="sparki-proddr-postgres", BackupRetentionPeriod=30)
    assert database_promoted(replica, "sparki-proddr-postgres", 30).endswith("stopped and started, available")


def test_a_replica_with_the_promoted_retention_still_fails_the_database_check(replica):
    replica.modify_db_instance(DBInstanceIdentifier="sparki-proddr-postgres", BackupRetentionPeriod=30, ApplyImmediately=True)
    with pytest.raises(DrillFailed, match="still acts as a replica after failover"):
        database_promoted(replica, "sparki-proddr-postgres", 30)


@pytest.fixture
def dns(aws):
    route53 = aws("route53", WEST)
    zone = route53.create_hosted_zone(Name=ZONE, CallerReference="zone")["HostedZone"]["Id"]
    health = route53.create_health_check(
        CallerReference="health", HealthCheckConfig={"Type": "HTTPS", "FullyQualifiedDomainName": f"api.{EAST}.{ZONE}", "Port": 443}
    )["HealthCheck"]
    records = [("primary", "PRIMARY", EAST, {"HealthCheckId": health["Id"]}), ("secondary", "SECONDARY", WEST, {})]
    route53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": API, "Type": "CNAME", "TTL": 60, "SetIdentifier": ident, "Failover": role,
            "ResourceRecords": [{"Value": f"api.{region}.{ZONE}"}], **extra,
        }} for ident, role, region, extra in records
    ]})
    return route53, health


def _invert(route53, health, inverted):
    return route53.update_health_check(HealthCheckId=health["Id"], HealthCheckVersion=health["HealthCheckVersion"], Inverted=inverted)["HealthCheck"]


def test_dns_answers_primary_while_the_check_is_upright_and_secondary_once_inverted(dns):
    route53, health = dns
    assert dns_answer(route53, health, ZONE, API, EAST, "PRIMARY") == f"health check upright: {API} answers PRIMARY api.{EAST}.{ZONE}"
    with pytest.raises(DrillFailed, match="is upright, so Route 53 would not answer SECONDARY"):
        dns_answer(route53, health, ZONE, API, WEST, "SECONDARY")
    inverted = _invert(route53, health, True)
    assert dns_answer(route53, inverted, ZONE, API, WEST, "SECONDARY") == f"health check inverted: {API} answers SECONDARY api.{WEST}.{ZONE}"
    with pytest.raises(DrillFailed, match=f"SECONDARY answers api.{WEST}.{ZONE}, not a {EAST} name"):
        dns_answer(route53, inverted, ZONE, API, EAST, "SECONDARY")


def test_dns_fails_when_the_primary_record_is_not_tied_to_the_check(dns):
    route53, _ = dns
    other = route53.create_health_check(CallerReference="other", HealthCheckConfig={"Type": "TCP", "IPAddress": "192.0.2.1", "Port": 443})["HealthCheck"]
    with pytest.raises(DrillFailed, match=f"{API} PRIMARY is not tied to health check {other['Id']}"):
        dns_answer(route53, other, ZONE, API, EAST, "PRIMARY")


def _bucket(aws, name, region):
    s3 = aws("s3", region)
    s3.create_bucket(Bucket=name, **({} if region == EAST else {"CreateBucketConfiguration": {"LocationConstraint": region}}))
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return s3


def test_state_check_reads_the_marker_in_the_dr_region_and_refuses_another_region(aws):
    key = f"arn:aws:kms:{WEST}:123456789012:alias/sparki-proddr-state"
    s3 = _bucket(aws, "dr-state", WEST)
    s3.put_object(Bucket="dr-state", Key="m", Body=b"written before failover at 1", ServerSideEncryption="aws:kms", SSEKMSKeyId=key)
    assert state_in_region(s3, "dr-state", WEST, "m") == f"dr-state is in us-west-2 and holds the marker written before failover, under {key}"
    s3.put_object(Bucket="dr-state", Key="plain", Body=b"written before failover at 1")
    with pytest.raises(DrillFailed, match="^check state: s3://dr-state/plain is encrypted under no KMS key, not a us-west-2 key$"):
        state_in_region(s3, "dr-state", WEST, "plain")
    east = _bucket(aws, "primary-state", EAST)
    east.put_object(Bucket="primary-state", Key="m", Body=b"written before failover at 1")
    with pytest.raises(DrillFailed, match="^check state: state bucket primary-state is in None, not us-west-2$"):
        state_in_region(east, "primary-state", WEST, "m")


def test_removing_the_marker_empties_the_versioned_bucket_so_it_can_be_deleted(aws):
    s3 = _bucket(aws, "dr-state", WEST)
    for body in (b"one", b"two"):
        s3.put_object(Bucket="dr-state", Key="m", Body=body)
    assert remove_marker(s3, "dr-state", "m") == "removed 2 version(s) of s3://dr-state/m"
    s3.delete_bucket(Bucket="dr-state")


def test_deletion_protection_is_lifted_for_the_named_instances_only(aws):
    _primary(aws, "sparki-prod-postgres", protected=True)
    _primary(aws, "someone-elses", protected=True)
    rds = aws("rds", EAST)
    assert lift_deletion_protection({EAST: rds}, ("sparki-prod-",)) == [f"sparki-prod-postgres ({EAST})"]
    protected = {d["DBInstanceIdentifier"]: d["DeletionProtection"] for d in rds.describe_db_instances()["DBInstances"]}
    assert protected == {"sparki-prod-postgres": False, "someone-elses": True}


def _review(*changes, error=""):
    return StackReview("sparki-prod-dr-data", tuple(changes), error)


DB = "aws_db_instance.database_instance_D7FC2283"


def test_the_promoted_plan_may_update_the_database_but_not_replace_it():
    update = Change(DB, "aws_db_instance", "update", attributes=("replicate_source_db",))
    alarm = Change("aws_cloudwatch_metric_alarm.lag", "aws_cloudwatch_metric_alarm", "destroy")
    assert no_replacement(_review(update, alarm)) == (
        f"sparki-prod-dr-data replaces nothing stateful: update {DB} (replicate_source_db); 1 other change(s)"
    )
    assert "no change to the database" in no_replacement(_review())
    with pytest.raises(DrillFailed, match=f"^check promoted plan: sparki-prod-dr-data would replace {DB} \\(forced by kms_key_id\\)$"):
        no_replacement(_review(Change(DB, "aws_db_instance", "replace", forced_by=("kms_key_id",))))
    with pytest.raises(DrillFailed, match="unknown action"):
        no_replacement(_review(error="unknown action"))
