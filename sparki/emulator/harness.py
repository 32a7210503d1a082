"""terraform plan / apply / plan again / destroy of synthesized stacks against a MotoServer,
in deploy order (and destroy in reverse), with failures explained in terms of moto and
EXCLUSIONS."""
from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sparki import terraform
from sparki.emulator.exclusions import EXCLUSIONS, Exclusion, apply_exclusions, destroy_exclusions, resources_of, tolerated
from sparki.emulator.moto import MotoServer, gap_keys, moto_gaps, moto_version
from sparki.emulator.schedule import longest_chain_first, run_graph
from sparki.plan_review import summarize
from sparki.terraform import Diagnostic, Outcome

DEPLOY_STEPS = ("plan", "apply", "converge")
# Stacks run side by side when they do not reference each other. Three stacks planning or
# applying at a time (second plans run beside them): the widest level of today's graph, and
# they mostly sleep in the provider's waiters.
DEFAULT_JOBS = 3


def terraform_env(base: Mapping[str, str] = os.environ) -> dict[str, str]:
    """terraform's environment for emulator runs: the mirror settings of cli_env(), and no AWS
    setting of this machine (profile, key, role, region), so nothing can reach a real account."""
    env = {k: v for k, v in terraform.cli_env(base).items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing",  # moto accepts any key; these are not credentials
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def slowest_resources(json_stream: str, count: int = 2, at_least: float = 5.0) -> tuple[tuple[str, float], ...]:
    """The resources terraform reported as taking longest (`apply_complete` events of
    `-json` output; creates, updates and deletes alike), slowest first."""
    times: dict[str, float] = {}
    for line in json_stream.splitlines():
        if '"apply_complete"' not in line:
            continue
        try:
            hook = json.loads(line).get("hook", {})
        except json.JSONDecodeError:
            continue
        address, seconds = hook.get("resource", {}).get("addr"), hook.get("elapsed_seconds")
        if address and isinstance(seconds, (int, float)) and seconds >= at_least:
            times[address] = max(float(seconds), times.get(address, 0.0))
    return tuple(sorted(times.items(), key=lambda item: (-item[1], item[0]))[:count])


def _type_of(address: str) -> str:
    parts = address.split(".")
    return f"data.{parts[1]}" if parts[0] == "data" and len(parts) > 1 else parts[0]


_OPERATION = re.compile(r"operation error ([\w ]+?): (\w+),")


def _lacking(diagnostic: Diagnostic, operations: set[str], services: set[str]) -> bool:
    match = _OPERATION.search(f"{diagnostic.summary} {diagnostic.detail}")
    if not match:
        return False
    service, operation = match.group(1).replace(" ", "").lower(), match.group(2).lower()
    return operation in operations or service in services


def explain_failure(what: str, outcome: Outcome, moto_log: str, phase: str) -> str:
    """terraform's errors and, for each resource whose API call moto logged as missing, its
    type and where to exclude it. Other errors (our configuration, a moto setting) stay as
    terraform said them."""
    lines = [f"terraform {what} failed:", *(f"  {line}" for line in outcome.describe().splitlines())]
    gaps = moto_gaps(moto_log)
    if gaps:
        operations, services = gap_keys(moto_log)
        types = sorted({_type_of(e.address) for e in outcome.errors if e.address and _lacking(e, operations, services)})
        lines.append(f"  moto {moto_version()} says: {'; '.join(gaps)}")
        if types:
            lines.append(
                f"  -> moto cannot {phase} {', '.join(types)}: add each to sparki/emulator/exclusions.py EXCLUSIONS "
                f"(phase {phase!r}) with that reason, and to docs/emulator.md"
            )
    return "\n".join(lines)


@dataclass(frozen=True)
class Step:
    """One lifecycle step of one stack."""

    stack: str
    name: str
    ok: bool
    detail: str
    seconds: float
    started: float = 0.0  # seconds after the harness began
    slowest: tuple[tuple[str, float], ...] = ()  # (address, seconds) of the resources that took longest

    @property
    def finished(self) -> float:
        return self.started + self.seconds

    def __str__(self) -> str:
        return f"{self.stack} {self.name}: {'ok' if self.ok else 'FAILED'} ({self.seconds:.0f} s) {self.detail}".rstrip()


# Without a mirror, terraform init fills the shared provider plugin cache, which is not safe for
# concurrent writers (Terraform CLI docs): inits run one at a time, across harnesses too.
_INIT_LOCK = threading.Lock()


class Harness:
    """terraform plan / apply / plan again / destroy of synthesized stacks against a MotoServer.

    outdir: synthesized with SPARKI_BACKEND=local and SPARKI_AWS_ENDPOINT=server.endpoint.
    workdir: where plan files go. Each step returns a Step; none raises on a terraform failure.
    """

    def __init__(
        self, outdir: Path, server: MotoServer, workdir: Path, exclusions: Mapping[str, Exclusion] = EXCLUSIONS,
        jobs: int = DEFAULT_JOBS,
    ) -> None:
        self.outdir = Path(outdir)
        self.server = server
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.exclusions = exclusions
        self.env = terraform_env()
        self.dirs = terraform.aws_only_stacks(self.outdir)
        self.order = terraform.deploy_order(self.outdir, self.dirs)
        self.docs = {n: json.loads((p / "cdk.tf.json").read_text()) for n, p in self.dirs.items()}
        self.left_out = apply_exclusions(self.docs, self.order, exclusions)
        self.dropped: dict[str, dict[str, str]] = {}
        self.jobs = jobs
        self.steps: list[Step] = []  # every step that ran, in the order it finished
        self._initialized: set[str] = set()
        self._lock = threading.Lock()
        self._start = time.monotonic()
        # set when a stack's deploy steps are over (run, failed or not run): wait_deployed()
        self._settled = {stack: threading.Event() for stack in self.order}
        self.deploy_results: dict[tuple[str, str], Step] = {}

    def targets(self, stack: str) -> list[str]:
        """Empty (everything) unless an apply exclusion leaves something of the stack out."""
        if not self.left_out[stack]:
            return []
        return sorted(a for a in resources_of(self.docs[stack]) if a not in self.left_out[stack])

    def _timed(self, stack: str, name: str, work) -> Step:
        """work() -> (ok, detail) or (ok, detail, terraform's -json output for slowest_resources)."""
        start = time.monotonic()
        ok, detail, *stream = work()
        slowest = slowest_resources(stream[0]) if stream else ()
        step = Step(stack, name, ok, detail, time.monotonic() - start, start - self._start, slowest)
        with self._lock:
            self.steps.append(step)
        return step

    def _failure(self, what: str, outcome: Outcome, offset: int, phase: str) -> str:
        return explain_failure(what, outcome, self.server.log_since(offset), phase)

    def _init(self, stack: str) -> Outcome | None:
        if stack in self._initialized:
            return None
        with _INIT_LOCK:
            outcome = terraform.init(self.dirs[stack], self.env)
        if outcome.ok:
            self._initialized.add(stack)
        return outcome

    def _planfile(self, stack: str, purpose: str) -> Path:
        return self.workdir / f"{stack}.{purpose}.tfplan"

    def plan(self, stack: str) -> Step:
        """init, then the plan the apply step will execute."""

        def work():
            init = self._init(stack)
            if init is not None and not init.ok:
                return False, f"terraform init failed: {init.describe()}"
            offset = self.server.log_offset()
            outcome = terraform.plan(self.dirs[stack], self.env, self._planfile(stack, "apply"), self.targets(stack))
            if outcome.returncode not in (0, 2):
                return False, self._failure("plan", outcome, offset, "apply")
            left = len(self.left_out[stack])
            return True, f"left out (EXCLUSIONS): {left}" if left else ""

        return self._timed(stack, "plan", work)

    def apply(self, stack: str) -> Step:
        def work():
            offset = self.server.log_offset()
            outcome = terraform.apply_plan(self.dirs[stack], self.env, self._planfile(stack, "apply"))
            if not outcome.ok:
                return False, self._failure("apply", outcome, offset, "apply"), outcome.stdout
            return True, f"{len(terraform.state_list(self.dirs[stack], self.env))} resources in state", outcome.stdout

        return self._timed(stack, "apply", work)

    def converge(self, stack: str) -> Step:
        """A second plan must find nothing to do (-detailed-exitcode 0)."""

        def work():
            offset = self.server.log_offset()
            planfile = self._planfile(stack, "converge")
            outcome = terraform.plan(self.dirs[stack], self.env, planfile, self.targets(stack))
            if outcome.returncode == 0:
                return True, "no changes"
            if outcome.returncode != 2:
                return False, self._failure("plan", outcome, offset, "apply")
            review = summarize(stack, terraform.show_plan(self.dirs[stack], self.env, planfile))
            excused = {c.address: tolerated(c, self.exclusions) for c in review.changes}
            blocking = [c for c in review.changes if not excused[c.address]]
            if review.changes and not blocking:
                return True, f"no changes but what EXCLUSIONS tolerates: {', '.join(c.describe() for c in review.changes)}"
            changes = "\n".join(f"  {c.describe()}" for c in blocking) or "  (only outputs change)"
            return False, f"the configuration does not converge; a second plan still wants:\n{changes}"

        return self._timed(stack, "converge", work)

    def destroy(self, stack: str) -> Step:
        """Drop the destroy-phase exclusions from the state, then terraform destroy."""

        def work():
            path = self.dirs[stack]
            dropped = destroy_exclusions(terraform.state_list(path, self.env), self.exclusions)
            if dropped:
                rm = terraform.state_rm(path, self.env, sorted(dropped))
                if not rm.ok:
                    return False, f"terraform state rm failed: {rm.describe()}"
            self.dropped[stack] = dropped
            offset = self.server.log_offset()
            # The same targets as apply: what an apply exclusion left out (and references to
            # outputs it never produced) must not be evaluated now either.
            outcome = terraform.destroy(path, self.env, self.targets(stack))
            if not outcome.ok:
                return False, self._failure("destroy", outcome, offset, "destroy"), outcome.stdout
            # A targeted destroy leaves data sources in the state; they are not infrastructure.
            left = [a for a in terraform.state_list(path, self.env) if not a.startswith("data.")]
            if left:
                return False, f"state still holds {', '.join(left)} after destroy", outcome.stdout
            return True, f"dropped from state (EXCLUSIONS): {', '.join(sorted(dropped))}" if dropped else "", outcome.stdout

        return self._timed(stack, "destroy", work)

    # -- the run order ---------------------------------------------------------------------
    def _dependencies(self) -> dict[str, list[str]]:
        manifest = json.loads((self.outdir / "manifest.json").read_text())["stacks"]
        return {stack: manifest[stack].get("dependencies", []) for stack in self.order}

    def deploy_all(self) -> dict[tuple[str, str], Step]:
        """(stack, "plan" | "apply" | "converge") -> Step for every stack, in deploy order.

        A stack is planned once every stack it references (manifest dependencies) has applied,
        up to `jobs` stacks planning or applying at a time, the heads of the longest chains
        first. Its second plan (converge) runs beside the stacks after it: they need its
        state, not its re-plan. A stack whose upstream did not apply is not run, and a stack
        stops at its first failed step; the steps not run say why. A stack that applied but
        does not converge still counts as applied for the stacks after it.
        """
        results = self.deploy_results
        converging: list[threading.Thread] = []
        errors: list[BaseException] = []

        def not_run(stack: str, names: tuple[str, ...], reason: str) -> None:
            for name in names:
                results[stack, name] = Step(stack, name, False, reason, 0.0)
            self._settled[stack].set()

        def converge(stack: str) -> None:
            try:
                results[stack, "converge"] = self.converge(stack)
            except BaseException as error:  # re-raised by deploy_all once every thread is back
                results[stack, "converge"] = Step(stack, "converge", False, f"raised {error!r}", 0.0)
                errors.append(error)
            finally:
                self._settled[stack].set()

        def work(stack: str) -> bool:
            try:
                for name in ("plan", "apply"):
                    step = results[stack, name] = getattr(self, name)(stack)
                    if not step.ok:
                        not_run(stack, DEPLOY_STEPS[DEPLOY_STEPS.index(name) + 1:], f"not run: {name} failed")
                        return False
            except BaseException:
                self._settled[stack].set()
                raise
            thread = threading.Thread(target=converge, args=(stack,), name=f"converge-{stack}", daemon=True)
            converging.append(thread)
            thread.start()
            return True

        def skip(stack: str, upstream: list[str]) -> None:
            not_run(stack, DEPLOY_STEPS, f"not run: {', '.join(upstream)} did not apply")

        dependencies = self._dependencies()
        try:
            run_graph(longest_chain_first(self.order, dependencies), dependencies, work, skip, self.jobs)
        finally:
            for thread in list(converging):
                thread.join()
            for event in self._settled.values():  # nobody waits forever on a run that broke off
                event.set()
        if errors:
            raise errors[0]
        return {(stack, name): results[stack, name] for stack in self.order for name in DEPLOY_STEPS}

    def wait_deployed(self, stacks: Iterable[str]) -> dict[tuple[str, str], Step]:
        """Block until deploy_all() (running in another thread) is done with these stacks;
        their steps. A test that needs only some stacks applied can start while the others
        still deploy."""
        stacks = list(stacks)
        for stack in stacks:
            self._settled[stack].wait()
        return {(stack, name): self.deploy_results[stack, name] for stack in stacks for name in DEPLOY_STEPS
                if (stack, name) in self.deploy_results}

    def destroy_all(self, deployed: Mapping[tuple[str, str], Step]) -> dict[str, Step]:
        """stack -> destroy Step, for every stack that applied: each only after every stack
        that references it has been destroyed (the deploy graph reversed), up to `jobs` at a
        time."""
        dependencies = self._dependencies()
        dependents = {stack: [d for d in self.order if stack in dependencies[d]] for stack in self.order}
        results: dict[str, Step] = {}

        def work(stack: str) -> bool:
            if deployed[stack, "apply"].ok:
                results[stack] = self.destroy(stack)
            else:
                results[stack] = Step(stack, "destroy", False, "not run: the stack never applied", 0.0)
            return True  # a failed destroy still lets the stacks it references try theirs

        order = longest_chain_first(list(reversed(self.order)), dependents)
        run_graph(order, dependents, work, lambda stack, upstream: None, self.jobs)
        return {stack: results[stack] for stack in reversed(self.order)}
