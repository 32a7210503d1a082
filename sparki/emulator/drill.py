"""`make dr-drill`: prod's failover, end to end, against moto.

Applies the layers the DR claims rest on (CHECKED_LAYERS and what the manifest says they need,
in both regions), writes a marker, runs sparki/failover.py's steps, checks what failover
promises, then destroys. Every failed check is one line and a non-zero exit.
docs/disaster-recovery.md ("The drill") lists what moto cannot show.
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import boto3

import environments
from catalog.naming import stack_name
from sparki.emulator.exclusions import EXCLUSIONS, Exclusion
from sparki.emulator.harness import Harness
from sparki.emulator.moto import MotoServer
from sparki.failover import Failover, FailoverError
from sparki.synth import synth
from stacks.base import state_bucket_name
from stacks.run_settings import RunSettings

ENV = "prod"
# The layers whose claims the drill checks: the DR state bucket, the replica it promotes, the
# primary database the replica copies (dr-data names it by ARN, so the manifest does not say
# so) and the failover records it switches. Their upstream layers (by manifest) are applied too.
CHECKED_LAYERS = ("dr-state", "data", "dr-data", "dr-traffic")
# Failover steps moto cannot take: no ElastiCache global datastores (Describe/Failover
# GlobalReplicationGroups), and no node groups because EXCLUSIONS leaves the EKS cluster out.
SKIPPED_STEPS = ("cache", "nodes")
MARKER_KEY = "dr-drill/marker"
# prod's own layers meet moto gaps dev's emulator run never does (test_every_exclusion_still_
# matches_a_resource checks EXCLUSIONS against dev), so they are listed here, for the drill only.
DRILL_EXCLUSIONS = MappingProxyType({
    **EXCLUSIONS,
    "aws_securityhub_account": Exclusion(
        "apply",
        "moto 5.2.5 does not implement SecurityHub UpdateSecurityHubConfiguration (HTTP 500 'not implemented'), "
        "which prod's Security Hub settings send; its standards and product subscriptions go with it",
    ),
})


class DrillFailed(RuntimeError):
    """One line: which check failed and what was seen."""


def drill_stacks(outdir: Path, env: str = ENV) -> list[str]:
    """CHECKED_LAYERS' stacks and every stack they depend on (transitively), by the manifest."""
    manifest = json.loads((outdir / "manifest.json").read_text())["stacks"]
    wanted, todo = set(), [stack_name(env, layer) for layer in CHECKED_LAYERS]
    while todo:
        stack = todo.pop()
        if stack not in wanted:
            wanted.add(stack)
            todo.extend(manifest[stack].get("dependencies", []))
    return sorted(wanted)


class Drill:
    """The drill against one running MotoServer; out(line) prints each step and check."""

    def __init__(self, server: MotoServer, workdir: Path, out: Callable[[str], None] = lambda line: print(line, flush=True)) -> None:
        self.server, self.workdir, self.out = server, Path(workdir), out
        self.env = environments.load([ENV])[ENV]
        self.site = self.env.dr_site()
        if self.site is None:
            raise DrillFailed(f"environment {ENV!r} has no dr_region; there is nothing to drill")

    def client(self, service: str, region: str) -> Any:
        return boto3.client(
            service, region_name=region, endpoint_url=self.server.endpoint,
            aws_access_key_id="testing", aws_secret_access_key="testing",  # moto accepts any; not credentials
        )

    def run(self) -> None:
        outdir = self.workdir / "cdktf.out"
        self.server.create_hosted_zone(self.env.edge.zone_name)
        synth({ENV: self.env}, RunSettings(backend="local", aws_endpoint=self.server.endpoint, environments=(ENV,)), outdir)
        harness = Harness(outdir, self.server, self.workdir / "plans", DRILL_EXCLUSIONS)
        wanted = set(drill_stacks(outdir))
        harness.order = [s for s in harness.order if s in wanted]
        self.out(f"dr-drill: stacks {', '.join(harness.order)}")
        applied: list[str] = []
        try:
            for stack in harness.order:
                for step in (harness.plan(stack), harness.apply(stack)):
                    self.out(f"dr-drill: {step}".splitlines()[0])
                    if not step.ok:
                        raise DrillFailed(f"{stack} {step.name} failed: {step.detail}")
                applied.append(stack)
            self.failover_and_check()
        finally:
            for stack in reversed(applied):
                step = harness.destroy(stack)
                self.out(f"dr-drill: {step}".splitlines()[0])
                if not step.ok and sys.exc_info()[0] is None:
                    raise DrillFailed(f"{stack} destroy failed: {step.detail}")

    # -- the failover and what it must leave behind -------------------------------------------
    def failover_and_check(self) -> None:
        site = self.site
        dr_bucket = state_bucket_name(site)
        s3 = self.client("s3", site.region)
        s3.put_object(Bucket=dr_bucket, Key=MARKER_KEY, Body=f"written before failover at {time.time():.0f}".encode())
        self.out(f"dr-drill: marker s3://{dr_bucket}/{MARKER_KEY} written")
        failover = self._failover()
        self._check_replica_is_read_only(failover)
        with tempfile.TemporaryDirectory() as tmp:
            # The record step writes dr.promoted; the drill writes a copy, never environments/.
            toml = Path(tmp) / f"{ENV}.toml"
            shutil.copy(environments.DIRECTORY / f"{ENV}.toml", toml)
            failover.toml_path = toml
            failover.run("failover", assume_yes=True, skip=SKIPPED_STEPS)
            check("record", "promoted = true" in toml.read_text(), f"{toml.name} does not say promoted = true after failover")
        self._check_database(failover)
        self._check_dns(failover)
        self._check_state(dr_bucket)

    def _failover(self) -> Failover:
        return Failover(self.env, environments.DIRECTORY / f"{ENV}.toml", self.client,
                        out=lambda line: self.out(f"dr-drill: {line}"), wait=False)

    def _check_replica_is_read_only(self, failover: Failover) -> None:
        """Before failover the DR database must be a replica; else the checks after prove nothing."""
        t = failover.targets
        rds = self.client("rds", t.dr_region)
        (db,) = rds.describe_db_instances(DBInstanceIdentifier=t.replica_id)["DBInstances"]
        check("replica", bool(db.get("ReadReplicaSourceDBInstanceIdentifier")), f"{t.replica_id} is no read replica before failover")
        try:
            rds.stop_db_instance(DBInstanceIdentifier=t.replica_id)
        except rds.exceptions.ClientError as exc:
            self.out(f"dr-drill: check replica: ok, {t.replica_id} is a read replica (moto refuses to stop it: {exc.response['Error']['Code']})")
            return
        raise DrillFailed(f"check replica: moto stopped {t.replica_id} before failover; it is no read replica")

    def _check_database(self, failover: Failover) -> None:
        """moto keeps ReadReplicaSourceDBInstanceIdentifier after PromoteReadReplica, so promotion
        is read from what moto does change: the backup retention failover sets, and that the
        instance may now be stopped and started like any standalone primary."""
        t = failover.targets
        rds = self.client("rds", t.dr_region)
        (db,) = rds.describe_db_instances(DBInstanceIdentifier=t.replica_id)["DBInstances"]
        check("database", db["BackupRetentionPeriod"] == t.backup_days,
              f"{t.replica_id} keeps backups {db['BackupRetentionPeriod']} days after failover, not {t.backup_days}")
        try:
            rds.stop_db_instance(DBInstanceIdentifier=t.replica_id)
            rds.start_db_instance(DBInstanceIdentifier=t.replica_id)
        except rds.exceptions.ClientError as exc:
            raise DrillFailed(f"check database: {t.replica_id} still acts as a replica after failover: {exc}") from None
        self.out(f"dr-drill: check database: ok, {t.replica_id} in {t.dr_region} is standalone (backups {t.backup_days} days; stops and starts)")

    def _check_dns(self, failover: Failover) -> None:
        """Inverted, the primary's health check reports unhealthy, so Route 53 answers with the
        SECONDARY record: the DR region's name."""
        t, edge = failover.targets, self.env.edge
        route53 = self.client("route53", t.dr_region)
        health = failover._health_check(route53)
        check("dns", health["HealthCheckConfig"].get("Inverted") is True, f"health check {t.health_check_name} is not inverted after failover")
        zone = route53.list_hosted_zones_by_name(DNSName=edge.zone_name)["HostedZones"][0]["Id"]
        records = [r for r in route53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
                   if r["Name"].rstrip(".") == edge.api_domain and r.get("Failover")]
        roles = {r["Failover"]: r for r in records}
        check("dns", set(roles) == {"PRIMARY", "SECONDARY"}, f"{edge.api_domain} has failover records {sorted(roles)}, not PRIMARY and SECONDARY")
        check("dns", roles["PRIMARY"].get("HealthCheckId") == health["Id"], f"{edge.api_domain} PRIMARY is not tied to {t.health_check_name}")
        target = roles["SECONDARY"]["ResourceRecords"][0]["Value"]
        check("dns", t.dr_region in target, f"{edge.api_domain} SECONDARY answers {target}, not a {t.dr_region} name")
        self.out(f"dr-drill: check dns: ok, {t.health_check_name} inverted: {edge.api_domain} answers SECONDARY {target}")

    def _check_state(self, dr_bucket: str) -> None:
        """The DR stacks' S3 backend names the DR site's state bucket, and that bucket lives in
        the DR region and still holds the marker."""
        site = self.site
        s3 = self.client("s3", site.region)
        location = s3.get_bucket_location(Bucket=dr_bucket)["LocationConstraint"]
        check("state", location == site.region, f"state bucket {dr_bucket} is in {location}, not {site.region}")
        body = s3.get_object(Bucket=dr_bucket, Key=MARKER_KEY)["Body"].read().decode()
        check("state", body.startswith("written before failover"), f"marker in {dr_bucket} reads {body!r}")
        self.out(f"dr-drill: check state: ok, {dr_bucket} is in {location} and holds the marker")


def one_line(text: str, limit: int = 600) -> str:
    """terraform's multi-line errors as the one line a failed drill prints."""
    joined = " ".join(line.strip() for line in text.splitlines() if line.strip())
    return joined if len(joined) <= limit else joined[: limit - 3] + "..."


def check(what: str, ok: bool, failure: str) -> None:
    if not ok:
        raise DrillFailed(f"check {what}: {failure}")


def main(args: list[str]) -> int:
    """`python -m sparki dr-drill`: 0 every check passed, 1 one failed (one line why)."""
    env = environments.load([ENV])[ENV]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="sparki-dr-drill-") as tmp:
        server = MotoServer(env.account_id, Path(tmp) / "moto.log")
        try:
            with server:
                Drill(server, Path(tmp)).run()
        except (DrillFailed, FailoverError) as exc:
            print(f"dr-drill: FAILED: {one_line(str(exc))}", file=sys.stderr)
            return 1
    print(f"dr-drill: passed in {time.monotonic() - started:.0f} s")
    return 0
