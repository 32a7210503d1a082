"""The emulator run (`make test-emulator`): one moto server and one dev synthesis per session.

`deployed` plans, applies and re-plans every AWS-only dev stack in deploy order; `destroyed`
tears them down in reverse. Tests that use `destroyed` always run last, so tests in between
(the plan review) see the applied environment. Every step's time is printed at the end.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

import environments
from sparki.emulator import Harness, MotoServer, Step
from sparki.settings import RunSettings

ENV = "dev"
_STEPS: list[Step] = []
_SESSION_START = time.monotonic()


def pytest_collection_modifyitems(items):
    """Destroy runs after everything else that needs the applied environment."""
    items.sort(key=lambda item: "destroyed" in getattr(item, "fixturenames", ()))


def pytest_terminal_summary(terminalreporter):
    if not _STEPS:
        return
    terminalreporter.section("emulator steps (seconds)")
    for step in _STEPS:
        terminalreporter.write_line(f"  {step.stack:<24} {step.name:<9} {'ok  ' if step.ok else 'FAIL'} {step.seconds:6.1f}")
    terminalreporter.write_line(f"  emulator session total {time.monotonic() - _SESSION_START:.0f} s")


@pytest.fixture(scope="session")
def environment():
    return environments.load([ENV])[ENV]


@pytest.fixture(scope="session")
def moto(tmp_path_factory, environment):
    """moto on a free port, answering as dev's account; stopped by PID at the end."""
    server = MotoServer(environment.account_id, tmp_path_factory.mktemp("moto") / "moto.log").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def emulator_outdir(tmp_path_factory, moto, environment) -> Path:
    """dev synthesized for the emulator into <tmp>/cdktf.out (state lands in <tmp>/.terraform-state)."""
    from sparki.synth import synth

    outdir = tmp_path_factory.mktemp("emulator") / "cdktf.out"
    run = RunSettings(backend="local", aws_endpoint=moto.endpoint, environments=(ENV,))
    synth({ENV: environment}, run, outdir)
    return outdir


@pytest.fixture(scope="session")
def harness(emulator_outdir, moto, tmp_path_factory) -> Harness:
    return Harness(emulator_outdir, moto, tmp_path_factory.mktemp("plans"))


def _record(step: Step) -> Step:
    _STEPS.append(step)
    return step


@pytest.fixture(scope="session")
def deployed(harness) -> dict[tuple[str, str], Step]:
    """(stack, "plan" | "apply" | "converge") -> Step, for every AWS-only stack in deploy order.
    A stack whose upstream did not apply is not run; its steps say which upstream failed."""
    import json

    manifest = json.loads((harness.outdir / "manifest.json").read_text())["stacks"]
    results: dict[tuple[str, str], Step] = {}
    broken: set[str] = set()
    for stack in harness.order:
        upstream = sorted(set(manifest[stack].get("dependencies", [])) & broken)
        if upstream:
            for name in ("plan", "apply", "converge"):
                results[stack, name] = _record(Step(stack, name, False, f"not run: {', '.join(upstream)} did not apply", 0.0))
            broken.add(stack)
            continue
        for name in ("plan", "apply", "converge"):
            step = _record(getattr(harness, name)(stack))
            results[stack, name] = step
            if not step.ok:
                for rest in ("plan", "apply", "converge")[("plan", "apply", "converge").index(name) + 1:]:
                    results[stack, rest] = _record(Step(stack, rest, False, f"not run: {name} failed", 0.0))
                if name != "converge":
                    broken.add(stack)
                break
    return results


@pytest.fixture(scope="session")
def destroyed(deployed, harness) -> dict[str, Step]:
    """stack -> destroy Step, in reverse deploy order, for every stack that applied."""
    results = {}
    for stack in reversed(harness.order):
        if deployed[stack, "apply"].ok:
            results[stack] = _record(harness.destroy(stack))
        else:
            results[stack] = Step(stack, "destroy", False, "not run: the stack never applied", 0.0)
    return results
