"""`make dr-drill`: prod's failover and failback, end to end, against moto.

Applies the layers the DR claims rest on (CHECKED_LAYERS and what they need, in both regions,
independent stacks side by side), writes a marker, runs sparki/failover.py's failover steps,
checks database, DNS and state, re-plans dr-data with `dr.promoted = true`, runs the failback
steps, then destroys. Each phase prints what it did and its time; a failed check is one line
and a non-zero exit. docs/disaster-recovery.md ("The drill") lists what moto cannot show.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import Any

import boto3
from botocore.exceptions import ClientError

import environments
from catalog.naming import name_prefix, stack_name
from sparki import terraform
from sparki.emulator.drill_checks import (
    DrillFailed,
    check,
    database_promoted,
    dns_answer,
    lift_deletion_protection,
    no_replacement,
    remove_marker,
    replica_before,
    state_in_region,
)
from sparki.emulator.exclusions import EXCLUSIONS, Exclusion, resources_of
from sparki.emulator.harness import DEFAULT_JOBS, Harness, Step
from sparki.emulator.moto import MotoServer
from sparki.emulator.schedule import run_graph
from sparki.failover import Failover, FailoverError
from sparki.plan_review import summarize
from sparki.synth import synth
from stacks.base import backend_kms_key_id, state_bucket_name
from stacks.run_settings import RunSettings

__all__ = ["DRILL_EXCLUSIONS", "Drill", "DrillFailed", "check", "drill_dependencies", "drill_stacks", "main", "one_line", "promoted_targets"]

ENV = "prod"
# The layers whose claims the drill checks: the DR state bucket, the replica it promotes, the
# primary database the replica copies and the failover records it switches. The layers they
# reference (by manifest) are applied too.
CHECKED_LAYERS = ("dr-state", "data", "dr-data", "dr-traffic")
# Order the manifest cannot see: dr-data names the primary database by ARN (so it reads nothing
# of data's state), yet its replica can only be created once that database exists.
SOURCE_LAYERS = MappingProxyType({"dr-data": ("data",)})
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
    "aws_elasticache_global_replication_group": Exclusion(
        "apply",
        "moto 5.2.5 does not implement ElastiCache CreateGlobalReplicationGroup (HTTP 500 'not implemented'); "
        "the DR cache secondary joins that datastore (and is left out already for its user group)",
    ),
    "aws_db_instance_automated_backups_replication": Exclusion(
        "apply",
        "moto 5.2.5 does not implement RDS StartDBInstanceAutomatedBackupsReplication (HTTP 500 'not implemented')",
    ),
})
PHASES = ("synth", "apply", "marker", "before", "failover", "checks", "promoted plan", "failback", "destroy")


def _manifest(outdir: Path) -> dict:
    return json.loads((outdir / "manifest.json").read_text())["stacks"]


def drill_dependencies(outdir: Path, env: str = ENV) -> dict[str, list[str]]:
    """stack -> the stacks it waits for: the manifest's dependencies, plus SOURCE_LAYERS."""
    deps = {name: list(stack.get("dependencies", [])) for name, stack in _manifest(outdir).items()}
    for layer, sources in SOURCE_LAYERS.items():
        deps[stack_name(env, layer)] += [stack_name(env, s) for s in sources if stack_name(env, s) not in deps[stack_name(env, layer)]]
    return deps


def drill_stacks(outdir: Path, env: str = ENV) -> list[str]:
    """CHECKED_LAYERS' stacks and every stack they wait for (transitively)."""
    deps = drill_dependencies(outdir, env)
    wanted, todo = set(), [stack_name(env, layer) for layer in CHECKED_LAYERS]
    while todo:
        stack = todo.pop()
        if stack not in wanted:
            wanted.add(stack)
            todo.extend(deps[stack])
    return sorted(wanted)


def one_line(text: str, limit: int = 600) -> str:
    """terraform's multi-line errors as the one line a failed drill prints."""
    joined = " ".join(line.strip() for line in text.splitlines() if line.strip())
    return joined if len(joined) <= limit else joined[: limit - 3] + "..."


class Drill:
    """The drill against one running MotoServer; out(line) prints each step and check."""

    def __init__(self, server: MotoServer, workdir: Path, jobs: int = DEFAULT_JOBS,
                 out: Callable[[str], None] = lambda line: print(line, flush=True)) -> None:
        self.server, self.workdir, self.jobs, self.out = server, Path(workdir), jobs, out
        self.env = environments.load([ENV])[ENV]
        self.site = self.env.dr_site()
        if self.site is None:
            raise DrillFailed(f"environment {ENV!r} has no dr_region; there is nothing to drill")
        self.run_settings = RunSettings(backend="local", aws_endpoint=server.endpoint, environments=(ENV,))
        self.times: dict[str, float] = {}

    def client(self, service: str, region: str) -> Any:
        return boto3.client(
            service, region_name=region, endpoint_url=self.server.endpoint,
            aws_access_key_id="testing", aws_secret_access_key="testing",  # moto accepts any; not credentials
        )

    def say(self, line: str) -> None:
        self.out(f"dr-drill: {line}")

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        self.say(f"[{PHASES.index(name) + 1}/{len(PHASES)}] {name}")
        start = time.monotonic()
        try:
            yield
        finally:
            self.times[name] = time.monotonic() - start
            self.say(f"[{PHASES.index(name) + 1}/{len(PHASES)}] {name}: {self.times[name]:.0f} s")

    def run(self) -> None:
        outdir = self.workdir / "cdktf.out"
        with self.phase("synth"):
            self.server.create_hosted_zone(self.env.edge.zone_name)
            synth({ENV: self.env}, self.run_settings, outdir)
            harness = Harness(outdir, self.server, self.workdir / "plans", DRILL_EXCLUSIONS, self.jobs)
            deps = drill_dependencies(outdir)
            wanted = set(drill_stacks(outdir))
            order = [s for s in harness.order if s in wanted]
            self.say(f"{len(order)} stacks: {', '.join(order)}")
        applied: list[str] = []  # stacks whose apply ran, whether or not it succeeded
        try:
            with self.phase("apply"):
                self._apply(harness, order, deps, applied)
            self._failover_and_back()
        finally:
            with self.phase("destroy"):
                self._destroy(harness, order, deps, applied, failing=sys.exc_info()[0] is not None)
            self.say("time per phase: " + ", ".join(f"{p} {self.times[p]:.0f} s" for p in PHASES if p in self.times))

    # -- apply and destroy, independent stacks side by side -----------------------------------
    def _apply(self, harness: Harness, order: list[str], deps: dict[str, list[str]], applied: list[str]) -> None:
        failures: list[str] = []

        def work(stack: str) -> bool:
            for name in ("plan", "apply"):
                if name == "apply":
                    applied.append(stack)  # a failed apply may leave resources: destroy them too
                step = getattr(harness, name)(stack)
                self._step(step)
                if not step.ok:
                    failures.append(f"{stack} {step.name} failed: {step.detail}")
                    return False
            return True

        def skip(stack: str, upstream: list[str]) -> None:
            self.say(f"{stack}: not run, {', '.join(upstream)} did not apply")

        run_graph(order, deps, work, skip, self.jobs)
        if failures:
            raise DrillFailed(failures[0])

    def _step(self, step: Step) -> None:
        """A step's first line, with when it ended (seconds into the harness); a failed step's
        whole explanation (terraform's errors, moto's gaps)."""
        lines = str(step).splitlines()
        self.say(f"{lines[0]} [ended at {step.finished:.0f} s]")
        for line in lines[1:] if not step.ok else ():
            self.say(line)

    def _destroy(self, harness: Harness, order: list[str], deps: dict[str, list[str]], applied: list[str], failing: bool) -> None:
        if stack_name(ENV, "dr-state") in applied:
            self.say(remove_marker(self.client("s3", self.site.region), state_bucket_name(self.site), MARKER_KEY))
        if applied:
            rds = {r: self.client("rds", r) for r in (self.env.region, self.site.region)}
            lifted = lift_deletion_protection(rds, (f"{name_prefix(ENV)}-", f"{name_prefix(self.site.name)}-"))
            if lifted:
                self.say(f"lifted deletion protection of {', '.join(lifted)} (moto, like RDS, refuses to delete them otherwise)")
        dependents = {stack: [d for d in order if stack in deps[d]] for stack in order}
        failures: list[str] = []

        def work(stack: str) -> bool:
            if stack in applied:
                step = harness.destroy(stack)
                self._step(step)
                if not step.ok:
                    failures.append(f"{stack} destroy failed: {step.detail}")
            return True  # a failed destroy still lets the stacks it references try theirs

        run_graph(list(reversed(order)), dependents, work, lambda stack, upstream: None, self.jobs)
        if failures and not failing:
            raise DrillFailed(failures[0])

    # -- the failover, what it must leave behind, the promoted plan and the failback -----------
    def _failover_and_back(self) -> None:
        site, env = self.site, self.env
        dr_bucket = state_bucket_name(site)
        with self.phase("marker"):
            # Encrypted as the DR stacks' S3 backend writes their state (the bucket policy asks for it).
            self.client("s3", site.region).put_object(
                Bucket=dr_bucket, Key=MARKER_KEY, Body=f"written before failover at {time.time():.0f}".encode(),
                ServerSideEncryption="aws:kms", SSEKMSKeyId=backend_kms_key_id(site))
            self.say(f"wrote s3://{dr_bucket}/{MARKER_KEY} under {backend_kms_key_id(site)}")
        with tempfile.TemporaryDirectory() as tmp:
            # The record step writes dr.promoted into a copy of environments/, never the real one.
            data = Path(tmp)
            for name in environments.NAMES:
                shutil.copy(environments.DIRECTORY / f"{name}.toml", data / f"{name}.toml")
            failover = Failover(env, data / f"{ENV}.toml", self.client, out=self.say, wait=False)
            t = failover.targets
            with self.phase("before"):
                self.say("check replica: ok, " + replica_before(self.client("rds", t.dr_region), t.replica_id))
            with self.phase("failover"):
                failover.run("failover", assume_yes=True, skip=SKIPPED_STEPS)
            with self.phase("checks"):
                promoted = environments.load([ENV], data)[ENV]
                check("record", promoted.dr is not None and promoted.dr.promoted, f"{ENV}.toml does not say promoted = true after failover")
                self.say(f"check record: ok, {ENV}.toml (copy) loads with dr.promoted = true")
                self.say("check database: ok, " + database_promoted(self.client("rds", t.dr_region), t.replica_id, t.backup_days))
                self._check_dns(failover, "SECONDARY", t.dr_region)
                self.say("check state: ok, " + state_in_region(self.client("s3", site.region), dr_bucket, site.region, MARKER_KEY))
            with self.phase("promoted plan"):
                self.say("check promoted plan: ok, " + self._promoted_plan(promoted))
            with self.phase("failback"):
                failover.run("failback", assume_yes=True, skip=SKIPPED_STEPS)
                back = environments.load([ENV], data)[ENV]
                check("failback", back.dr is not None and not back.dr.promoted, f"{ENV}.toml still says promoted = true after failback")
                self.say(f"check record: ok, {ENV}.toml (copy) loads with dr.promoted = false")
                self._check_dns(failover, "PRIMARY", t.primary_region)

    def _check_dns(self, failover: Failover, role: str, region: str) -> None:
        route53 = self.client("route53", failover.targets.dr_region)
        edge = self.env.edge
        line = dns_answer(route53, failover._health_check(route53), edge.zone_name, edge.api_domain, region, role)
        self.say(f"check dns: ok, {line}")

    def _promoted_plan(self, promoted: environments.Environment) -> str:
        """Synthesize prod again from the data failover wrote and plan dr-data against the
        state the drill applied (the local backend's state sits beside both outputs)."""
        outdir = self.workdir / "cdktf.promoted"
        synth({ENV: promoted}, self.run_settings, outdir)
        harness = Harness(outdir, self.server, self.workdir / "plans-promoted", DRILL_EXCLUSIONS, self.jobs)
        stack = stack_name(ENV, "dr-data")
        path, planfile = harness.dirs[stack], harness.workdir / f"{stack}.promoted.tfplan"
        init = terraform.init(path, harness.env)
        if not init.ok:
            raise DrillFailed(f"check promoted plan: {stack} init failed: {init.describe()}")
        targets = promoted_targets(harness.targets(stack), terraform.state_list(path, harness.env), resources_of(harness.docs[stack]))
        outcome = terraform.plan(path, harness.env, planfile, targets)
        if outcome.returncode not in (0, 2):
            raise DrillFailed(f"check promoted plan: {stack} plan failed: {outcome.describe()}")
        review = summarize(stack, terraform.show_plan(path, harness.env, planfile))
        for change in review.changes:
            self.say(f"  promoted plan: {change.describe()}")
        return no_replacement(review)


def promoted_targets(targets: list[str], state: Iterable[str], declared: Iterable[str]) -> list[str]:
    """The promoted plan's -target list: the harness's (all but what the exclusions leave out)
    and what the state holds that the promoted configuration no longer declares, whose destroy
    a targeted plan would otherwise not show. Empty (no exclusions): everything is planned."""
    if not targets:
        return []
    kept = set(declared)
    gone = {a for a in state if not a.startswith("data.") and a.split("[", 1)[0] not in kept}
    return sorted({*targets, *gone})


def _jobs() -> int:
    jobs = os.environ.get("SPARKI_EMULATOR_JOBS", str(DEFAULT_JOBS))
    if not jobs.isdigit() or int(jobs) < 1:
        raise DrillFailed(f"SPARKI_EMULATOR_JOBS={jobs!r}: set it to how many stacks may run at once (1 or more)")
    return int(jobs)


def main(args: list[str]) -> int:
    """`python -m sparki dr-drill`: 0 every check passed, 1 one failed (one line why)."""
    env = environments.load([ENV])[ENV]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="sparki-dr-drill-") as tmp:
        server = MotoServer(env.account_id, Path(tmp) / "moto.log")
        try:
            with server:
                Drill(server, Path(tmp), _jobs()).run()
        except (DrillFailed, FailoverError, ClientError) as exc:  # ClientError: a call of the drill's own moto refused
            print(f"dr-drill: FAILED after {time.monotonic() - started:.0f} s: {one_line(str(exc))}", file=sys.stderr)
            return 1
    print(f"dr-drill: passed in {time.monotonic() - started:.0f} s")
    return 0
