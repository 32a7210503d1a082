"""What `make dr-drill` checks against moto before and after failover and failback, and the
teardown moto needs before terraform destroy. Each check returns the line the drill prints or
raises DrillFailed with one line; none reads anything but the AWS APIs (boto3 clients) and
the plan terraform wrote.

moto runs no PostgreSQL and no DNS resolver, so "writable primary" and "DNS points at DR" are
read from what the APIs keep; each function says what stands in for what.
"""
from __future__ import annotations

from typing import Any

from sparki.plan_review import StackReview


class DrillFailed(RuntimeError):
    """One line: which check failed and what was seen."""


def check(what: str, ok: bool, failure: str) -> None:
    if not ok:
        raise DrillFailed(f"check {what}: {failure}")


def _instance(rds: Any, identifier: str) -> dict:
    (db,) = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"]
    return db


def replica_before(rds: Any, identifier: str) -> str:
    """Before failover the DR database must be a read replica, or the checks after prove
    nothing: it names a source, and moto refuses to stop it (RDS cannot stop a replica)."""
    db = _instance(rds, identifier)
    source = db.get("ReadReplicaSourceDBInstanceIdentifier")
    check("replica", bool(source), f"{identifier} is no read replica before failover")
    try:
        rds.stop_db_instance(DBInstanceIdentifier=identifier)
    except rds.exceptions.ClientError as exc:
        return f"{identifier} is a read replica of {source} (moto refuses to stop it: {exc.response['Error']['Code']})"
    raise DrillFailed(f"check replica: moto stopped {identifier} before failover; it is no read replica")


def database_promoted(rds: Any, identifier: str, backup_days: int) -> str:
    """moto keeps ReadReplicaSourceDBInstanceIdentifier after PromoteReadReplica, and runs no
    PostgreSQL to write to, so promotion is read from what moto does change: the backup
    retention failover sets, and that the instance may now be stopped and started like any
    standalone primary (moto, like RDS, refuses both for a replica)."""
    db = _instance(rds, identifier)
    check("database", db["BackupRetentionPeriod"] == backup_days,
          f"{identifier} keeps backups {db['BackupRetentionPeriod']} days after failover, not {backup_days}")
    try:
        rds.stop_db_instance(DBInstanceIdentifier=identifier)
        rds.start_db_instance(DBInstanceIdentifier=identifier)
    except rds.exceptions.ClientError as exc:
        raise DrillFailed(f"check database: {identifier} still acts as a replica after failover: {exc}") from None
    status = _instance(rds, identifier)["DBInstanceStatus"]
    check("database", status == "available", f"{identifier} is {status!r} after stop and start, not 'available'")
    return f"{identifier} is standalone: backups {backup_days} days, stopped and started, {status}"


def dns_answer(route53: Any, health: dict, zone_name: str, api_domain: str, region: str, role: str) -> str:
    """Route 53 answers a failover pair with PRIMARY while its health check passes and with
    SECONDARY while it fails; an inverted check fails whatever the endpoint says. moto runs
    no health checker and no resolver, so the answer is derived from that rule: the pair must
    exist, PRIMARY tied to the check, and the check inverted (role SECONDARY) or upright
    (PRIMARY). The answering record must name `region`'s regional API name."""
    inverted = health["HealthCheckConfig"].get("Inverted") is True
    check("dns", inverted == (role == "SECONDARY"),
          f"health check {health['Id']} is {'inverted' if inverted else 'upright'}, so Route 53 would not answer {role}")
    zones = route53.list_hosted_zones_by_name(DNSName=zone_name)["HostedZones"]
    check("dns", bool(zones) and zones[0]["Name"].rstrip(".") == zone_name, f"no hosted zone {zone_name}")
    records = [r for r in route53.list_resource_record_sets(HostedZoneId=zones[0]["Id"])["ResourceRecordSets"]
               if r["Name"].rstrip(".") == api_domain and r.get("Failover")]
    roles = {r["Failover"]: r for r in records}
    check("dns", sorted(roles) == ["PRIMARY", "SECONDARY"], f"{api_domain} has failover records {sorted(roles)}, not PRIMARY and SECONDARY")
    check("dns", roles["PRIMARY"].get("HealthCheckId") == health["Id"], f"{api_domain} PRIMARY is not tied to health check {health['Id']}")
    target = roles[role]["ResourceRecords"][0]["Value"]
    check("dns", f".{region}." in f".{target}.", f"{api_domain} {role} answers {target}, not a {region} name")
    return f"health check {'inverted' if inverted else 'upright'}: {api_domain} answers {role} {target}"


def state_in_region(s3: Any, bucket: str, region: str, key: str) -> str:
    """The DR stacks' state bucket is in the DR region and still holds what was written there
    before failover (the marker), read through a client of the DR region."""
    location = s3.get_bucket_location(Bucket=bucket)["LocationConstraint"]
    check("state", location == region, f"state bucket {bucket} is in {location}, not {region}")
    marker = s3.get_object(Bucket=bucket, Key=key)
    body = marker["Body"].read().decode()
    check("state", body.startswith("written before failover"), f"s3://{bucket}/{key} reads {body!r}")
    kms = marker.get("SSEKMSKeyId", "")
    check("state", f":{region}:" in kms, f"s3://{bucket}/{key} is encrypted under {kms or 'no KMS key'}, not a {region} key")
    return f"{bucket} is in {location} and holds the marker written before failover, under {kms}"


def no_replacement(review: StackReview, database_type: str = "aws_db_instance") -> str:
    """The plan after `dr.promoted = true` must not replace or destroy the promoted database,
    nor anything else stateful (the plan review's gate: Change.gates)."""
    check("promoted plan", not review.error, f"{review.stack}: {review.error}")
    gating = [c.describe() for c in review.changes if c.gates]
    check("promoted plan", not gating, f"{review.stack} would {'; '.join(gating)}")
    databases = [c.describe() for c in review.changes if c.type == database_type]
    others = len(review.changes) - len(databases)
    said = "; ".join(databases) if databases else "no change to the database"
    return f"{review.stack} replaces nothing stateful: {said}; {others} other change(s)"


def remove_marker(s3: Any, bucket: str, key: str) -> str:
    """Every version of the marker, so the versioned state bucket is empty for its destroy."""
    versions = s3.list_object_versions(Bucket=bucket, Prefix=key)
    entries = [*versions.get("Versions", []), *versions.get("DeleteMarkers", [])]
    for entry in entries:
        s3.delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])
    return f"removed {len(entries)} version(s) of s3://{bucket}/{key}"


def lift_deletion_protection(rds_by_region: dict[str, Any], prefixes: tuple[str, ...]) -> list[str]:
    """prod's databases carry deletion protection, which moto enforces like RDS: an operator
    tearing the site down lifts it first, and so does the drill (only for instances named
    with one of `prefixes`)."""
    lifted = []
    for region, rds in rds_by_region.items():
        for db in rds.describe_db_instances()["DBInstances"]:
            name = db["DBInstanceIdentifier"]
            if db.get("DeletionProtection") and name.startswith(prefixes):
                rds.modify_db_instance(DBInstanceIdentifier=name, DeletionProtection=False, ApplyImmediately=True)
                lifted.append(f"{name} ({region})")
    return lifted
