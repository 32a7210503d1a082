"""The emulator run (`make test-emulator`): one moto server and one dev synthesis per session.

`deployed` is Harness.deploy_all(): plan, apply and re-plan every AWS-only dev stack, each
after the stacks it references, stacks that do not reference each other side by side
(SPARKI_EMULATOR_JOBS at a time, default 3; 1 runs them one by one). It runs in a background
thread (`deploying`), so the plan review, which needs only state, security and network, starts
as soon as those have applied (Harness.wait_deployed) while the other stacks still deploy.
`destroyed` is Harness.destroy_all(): tear them down in the reverse graph. Tests run in four
groups: those needing some stacks (the plan review: starts the deploy), those needing none
(run while the deploy goes on), those needing the whole deployment, those using `destroyed`;
so every test before destroy sees the applied environment. One table at the end gives every step's time per stack, the slowest resources and
the wall times.
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

import environments
from sparki.emulator import Harness, MotoServer, Step
from sparki.emulator.harness import DEFAULT_JOBS
from sparki.emulator.report import step_table
from sparki.synth import synth
from stacks.run_settings import RunSettings

ENV = "dev"
_HARNESSES: list[Harness] = []
_SESSION_START = time.monotonic()


def _group(item) -> int:
    names = getattr(item, "fixturenames", ())
    if "destroyed" in names:
        return 3
    if "deployed" in names:
        return 2
    return 0 if "deploying" in names else 1


def pytest_collection_modifyitems(items):
    """The deploy starts with the first test (the plan review, which needs only some stacks);
    tests needing no stack run while the rest deploy; destroy runs after everything else that
    needs the applied environment."""
    items.sort(key=_group)


def pytest_terminal_summary(terminalreporter):
    steps = [step for harness in _HARNESSES for step in harness.steps]
    if not steps:
        return
    terminalreporter.section("emulator steps (seconds)")
    for line in step_table(steps, _HARNESSES[0].jobs, time.monotonic() - _SESSION_START):
        terminalreporter.write_line(f"  {line}")


@pytest.fixture(scope="session")
def environment():
    return environments.load([ENV])[ENV]


@pytest.fixture(scope="session")
def moto(tmp_path_factory, environment):
    """moto on a free port, answering as dev's account, holding the environment's public zone
    (which a real account has before any stack); stopped by PID at the end."""
    server = MotoServer(environment.account_id, tmp_path_factory.mktemp("moto") / "moto.log").start()
    server.create_hosted_zone(environment.edge.zone_name)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def emulator_outdir(tmp_path_factory, moto, environment) -> Path:
    """dev synthesized for the emulator into <tmp>/cdktf.out (state lands in <tmp>/.terraform-state)."""
    outdir = tmp_path_factory.mktemp("emulator") / "cdktf.out"
    run = RunSettings(backend="local", aws_endpoint=moto.endpoint, environments=(ENV,))
    synth({ENV: environment}, run, outdir)
    return outdir


@pytest.fixture(scope="session")
def harness(emulator_outdir, moto, tmp_path_factory) -> Harness:
    jobs = os.environ.get("SPARKI_EMULATOR_JOBS", str(DEFAULT_JOBS))
    if not jobs.isdigit() or int(jobs) < 1:
        pytest.fail(f"SPARKI_EMULATOR_JOBS={jobs!r}: set it to how many stacks may run at once (1 or more)", pytrace=False)
    harness = Harness(emulator_outdir, moto, tmp_path_factory.mktemp("plans"), jobs=int(jobs))
    _HARNESSES.append(harness)
    return harness


class _Deploying(threading.Thread):
    def __init__(self, harness: Harness) -> None:
        super().__init__(name="emulator-deploy", daemon=True)
        self.harness = harness
        self.result: dict[tuple[str, str], Step] | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.harness.deploy_all()
        except BaseException as error:  # re-raised in the test thread by `deployed`
            self.error = error


@pytest.fixture(scope="session")
def deploying(harness):
    """Harness.deploy_all() under way in a background thread; harness.wait_deployed(stacks)
    waits for some stacks. Joined at the end, so no terraform outlives the session."""
    thread = _Deploying(harness)
    thread.start()
    yield thread
    thread.join()


@pytest.fixture(scope="session")
def deployed(deploying) -> dict[tuple[str, str], Step]:
    """(stack, "plan" | "apply" | "converge") -> Step, for every AWS-only stack in deploy order."""
    deploying.join()
    if deploying.error is not None:
        raise deploying.error
    return deploying.result


@pytest.fixture(scope="session")
def destroyed(deployed, harness) -> dict[str, Step]:
    """stack -> destroy Step, in reverse deploy order, for every stack that applied."""
    return harness.destroy_all(deployed)
