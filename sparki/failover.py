"""`make failover ENV=..` / `make failback ENV=..`: move an environment between its primary
region and its DR site, in order, each step saying what it did and safe to run again.

Above the stacks: it reads the environment data for names and sizes, calls AWS (boto3; with
SPARKI_AWS_ENDPOINT, the emulator) and records the outcome in environments/<env>.toml
(dr.promoted), so the next plan keeps what failover made. docs/runbooks/disaster-recovery.md.
"""
from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

import environments
from catalog.naming import name_prefix, resource_name
from environments.schema import Environment
from stacks.run_settings import RunSettings, SettingsError

FAILOVER_STEPS = ("confirm", "database", "cache", "nodes", "dns", "record")
FAILBACK_STEPS = ("confirm", "cache", "nodes", "dns", "record")
_PROMOTED = re.compile(r"^(promoted\s*=\s*)(true|false)(\s*(#.*)?)$", re.MULTILINE)


class FailoverError(RuntimeError):
    """A step cannot go on; str() is one line naming the step and what to do."""


@dataclass(frozen=True)
class Targets:
    """What failover touches, by name, read from the environment data."""

    env: str
    primary_region: str
    dr_region: str
    replica_id: str
    backup_days: int
    cache_group: str
    primary_cache_group: str
    node_groups: dict[str, tuple[int, int, int]]  # name -> (min, desired, max) at full size
    standby_nodes: int
    cluster: str
    health_check_name: str

    @classmethod
    def of(cls, env: Environment) -> Targets:
        site = env.dr_site()
        if site is None or env.dr is None:
            raise FailoverError(f"environment {env.name!r} has no dr_region and [dr] table; there is nothing to fail over to")
        prefix = name_prefix(site.name)
        return cls(
            env=env.name,
            primary_region=env.region,
            dr_region=site.region,
            replica_id=f"{prefix}-postgres",
            backup_days=env.data.database.backup_retention_days,
            cache_group=f"{prefix}-cache",
            primary_cache_group=f"{name_prefix(env.name)}-cache",
            node_groups={f"{prefix}-{g.name}": (g.min_size, g.desired_size, g.max_size) for g in env.cluster.node_groups},
            standby_nodes=env.dr.standby_nodes,
            cluster=resource_name(site.name, "eks"),
            health_check_name=resource_name(env.name, "api-health"),
        )


class Failover:
    """The steps, in order. clients(service, region) gives a boto3 client; ask(prompt) reads
    the confirmation; out(line) prints. wait=False skips waiting for RDS (the emulator)."""

    def __init__(
        self,
        env: Environment,
        toml_path: Path,
        clients: Callable[[str, str], Any],
        *,
        ask: Callable[[str], str] = input,
        out: Callable[[str], None] = print,
        wait: bool = True,
    ) -> None:
        self.targets = Targets.of(env)
        self.toml_path = toml_path
        self.clients, self.ask, self.out, self.wait = clients, ask, out, wait

    def run(self, direction: str, *, assume_yes: bool = False, skip: Iterable[str] = ()) -> list[str]:
        steps = FAILOVER_STEPS if direction == "failover" else FAILBACK_STEPS
        skipped = set(skip)
        done = []
        for n, step in enumerate(steps, start=1):
            if step in skipped:
                line = "skipped (not emulated; sparki/emulator/exclusions.py)"
            elif step == "confirm":
                line = self._confirm(direction, assume_yes)
            else:
                line = getattr(self, f"_{step}")(direction)
            self.out(f"{direction}: [{n}/{len(steps)}] {step}: {line}")
            done.append(line)
        return done

    # -- steps -----------------------------------------------------------------------------
    def _confirm(self, direction: str, assume_yes: bool) -> str:
        t = self.targets
        towards = t.dr_region if direction == "failover" else t.primary_region
        if assume_yes:
            return f"confirmed by --yes: {t.env} serves from {towards}"
        answer = self.ask(f"{direction} {t.env} to {towards}? Type the environment name to go on: ").strip()
        if answer != t.env:
            raise FailoverError(f"confirm: got {answer!r}, not {t.env!r}; nothing was changed")
        return f"confirmed: {t.env} serves from {towards}"

    def _database(self, direction: str) -> str:
        t = self.targets
        rds = self.clients("rds", t.dr_region)
        try:
            (instance,) = rds.describe_db_instances(DBInstanceIdentifier=t.replica_id)["DBInstances"]
        except rds.exceptions.DBInstanceNotFoundFault:
            raise FailoverError(f"database: {t.replica_id} does not exist in {t.dr_region}; apply the dr-data layer first") from None
        if not instance.get("ReadReplicaSourceDBInstanceIdentifier"):
            return f"{t.replica_id} in {t.dr_region} is already a standalone primary"
        rds.promote_read_replica(DBInstanceIdentifier=t.replica_id, BackupRetentionPeriod=t.backup_days)
        if self.wait:
            rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier=t.replica_id)
        return f"promoted {t.replica_id} in {t.dr_region} to a standalone, writable primary (backups {t.backup_days} days)"

    def _cache(self, direction: str) -> str:
        t = self.targets
        group, region = (t.cache_group, t.dr_region) if direction == "failover" else (t.primary_cache_group, t.primary_region)
        cache = self.clients("elasticache", region)
        datastores = cache.describe_global_replication_groups(ShowMemberInfo=True)["GlobalReplicationGroups"]
        for datastore in datastores:
            members = {m["ReplicationGroupId"]: m for m in datastore.get("Members", [])}
            if group not in members:
                continue
            if members[group]["Role"] == "PRIMARY":
                return f"{group} is already the primary of {datastore['GlobalReplicationGroupId']}"
            cache.failover_global_replication_group(
                GlobalReplicationGroupId=datastore["GlobalReplicationGroupId"], PrimaryRegion=region, PrimaryReplicationGroupId=group
            )
            return f"{group} in {region} is now the primary of {datastore['GlobalReplicationGroupId']}"
        return f"{group} is in no global datastore (disassociated, or the other region is gone): it is primary on its own"

    def _nodes(self, direction: str) -> str:
        t = self.targets
        eks = self.clients("eks", t.dr_region)
        changed = []
        for name, (low, desired, high) in t.node_groups.items():
            if direction == "failback":
                low = desired = t.standby_nodes
            scaling = eks.describe_nodegroup(clusterName=t.cluster, nodegroupName=name)["nodegroup"]["scalingConfig"]
            if (scaling["minSize"], scaling["desiredSize"], scaling["maxSize"]) == (low, desired, high):
                continue
            eks.update_nodegroup_config(clusterName=t.cluster, nodegroupName=name, scalingConfig={"minSize": low, "desiredSize": desired, "maxSize": high})
            changed.append(f"{name} {low}/{desired}/{high}")
        return f"scaled {', '.join(changed)} (min/desired/max)" if changed else f"every node group of {t.cluster} already at its {'standby' if direction == 'failback' else 'full'} size"

    def _dns(self, direction: str) -> str:
        """Inverting the primary's health check makes Route 53 answer with the SECONDARY record
        at once, whatever the primary region still says; failback turns it upright."""
        t = self.targets
        route53 = self.clients("route53", t.dr_region)
        check = self._health_check(route53)
        inverted = direction == "failover"
        if check["HealthCheckConfig"].get("Inverted", False) == inverted:
            return f"health check {t.health_check_name} already {'inverted' if inverted else 'upright'}: the API answers from {t.dr_region if inverted else t.primary_region}"
        route53.update_health_check(HealthCheckId=check["Id"], HealthCheckVersion=check["HealthCheckVersion"], Inverted=inverted)
        return f"{'inverted' if inverted else 'restored'} health check {t.health_check_name}: the API answers from {t.dr_region if inverted else t.primary_region}"

    def _health_check(self, route53: Any) -> dict:
        checks = route53.list_health_checks()["HealthChecks"]
        for check in checks:
            tags = route53.list_tags_for_resource(ResourceType="healthcheck", ResourceId=check["Id"])["ResourceTagSet"]["Tags"]
            if {"Key": "Name", "Value": self.targets.health_check_name} in tags:
                return check
        raise FailoverError(f"dns: no Route 53 health check named {self.targets.health_check_name}; apply the dr-traffic layer first")

    def _record(self, direction: str) -> str:
        promoted = direction == "failover"
        text = self.toml_path.read_text()
        match = _PROMOTED.search(text)
        if match is None:
            raise FailoverError(f"record: {self.toml_path.name} has no 'promoted = ...' line in its [dr] table; add 'promoted = false' there")
        value = "true" if promoted else "false"
        if match.group(2) == value:
            return f"{self.toml_path.name} already says dr.promoted = {value}"
        self.toml_path.write_text(text[: match.start(2)] + value + text[match.end(2) :])
        return f"{self.toml_path.name}: dr.promoted = {value}; commit it, then plan: the next plan keeps the {'promoted database' if promoted else 'replica'}"


def main(direction: str, args: list[str]) -> int:
    """`python -m sparki failover|failback ENV [--yes]`: 0 done, 2 refused (one line why)."""
    names = [a for a in args if not a.startswith("-")]
    if len(names) != 1:
        print(f"sparki: error: {direction} needs one environment, e.g. `make {direction} ENV=prod`", file=sys.stderr)
        return 2
    try:
        env = environments.load(names)[names[0]]
        endpoint = RunSettings.from_environ(os.environ).aws_endpoint
        tool = Failover(env, environments.DIRECTORY / f"{env.name}.toml", lambda service, region: boto3.client(service, region_name=region, endpoint_url=endpoint))
        tool.run(direction, assume_yes="--yes" in args)
    except (environments.ConfigError, SettingsError, FailoverError) as exc:
        print(f"sparki: error: {exc}", file=sys.stderr)
        return 2
    return 0
