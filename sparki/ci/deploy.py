"""Deploy an environment stack by stack: plan, compare with the review, apply, drift check.

  python -m sparki.ci.deploy rollout OUTDIR ENV REVIEWED [--unreviewed] [--site SITE]
  python -m sparki.ci.deploy apply OUTDIR STACK PLANFILE   terraform apply of exactly PLANFILE
  python -m sparki.ci.deploy drift OUTDIR STACK            plan -detailed-exitcode: exit 2 = drift

`rollout` goes in deploy order (sparki.terraform.deploy_order) over the stacks the runner of
SITE applies (default ENV; sparki.ci.matrix.site_of): a DR site's cluster layers need a runner in
the DR VPC, so ENV's rollout leaves them out and writes dr_site=<site> to $GITHUB_OUTPUT for the
job that applies them there. Per stack it plans into plans/
(the review goes to plans/<stack>.md), refuses a plan whose changes differ from the fingerprint
in REVIEWED (sparki.ci.reviewed) unless --unreviewed (a rollback, whose review is attached to its
run instead), refuses a stateful destroy unless ALLOW_STATEFUL_DESTROY=1, applies that very plan
file, then plans again: a non-empty plan after apply is drift. It stops at the first failure and
writes failed_stack=<name> to $GITHUB_OUTPUT. Output carries terraform's error
diagnostics only, never variable values (nothing sensitive is printed).
"""
from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sparki import terraform
from sparki.ci.matrix import site_of
from sparki.ci.reviewed import changes, differences, load
from sparki.plan import Planner, allowed_by_environment, select
from sparki.plan_review import exit_code, render

NO_CHANGES, CHANGES = 0, 2


def _stack_dir(outdir: Path, stack: str) -> Path:
    dirs = terraform.stack_dirs(outdir)
    if stack not in dirs:
        raise KeyError(f"{stack} is not in {outdir}/manifest.json")
    return dirs[stack]


def apply(outdir: Path, stack: str, planfile: Path) -> int:
    path = _stack_dir(outdir, stack)
    env = terraform.cli_env()
    init = terraform.init(path, env)
    if not init.ok:
        print(f"deploy: {stack}: terraform init failed: {init.describe()}", file=sys.stderr)
        return 1
    outcome = terraform.apply_plan(path, env, planfile)
    if not outcome.ok:
        print(f"deploy: {stack}: terraform apply failed: {outcome.describe()}", file=sys.stderr)
        return 1
    print(f"deploy: {stack}: applied {planfile.name}")
    return 0


def drift(outdir: Path, stack: str) -> int:
    path = _stack_dir(outdir, stack)
    env = terraform.cli_env()
    init = terraform.init(path, env)
    if not init.ok:
        print(f"drift: {stack}: terraform init failed: {init.describe()}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        outcome = terraform.plan(path, env, Path(tmp) / "drift.tfplan")
    return verdict(stack, outcome.returncode, outcome.describe())


def verdict(stack: str, returncode: int, detail: str) -> int:
    """0 clean, 2 drift (the plan after apply still changes something), 1 the check failed."""
    if returncode == NO_CHANGES:
        print(f"drift: {stack}: none (plan after apply is empty)")
        return 0
    if returncode == CHANGES:
        print(f"drift: {stack}: the plan after apply still has changes; see docs/runbooks/emergency-response.md#drift", file=sys.stderr)
        return 2
    print(f"drift: {stack}: plan failed: {detail}", file=sys.stderr)
    return 1


def rollout(
    outdir: Path, env_name: str, reviewed_file: Path, unreviewed: bool = False, plans_dir: Path = Path("plans"), site: str | None = None
) -> int:
    allowed = allowed_by_environment()
    book = load(reviewed_file)
    tf_env = terraform.cli_env()
    dirs = terraform.stack_dirs(outdir)
    private = set(dirs) - set(terraform.aws_only_stacks(outdir))
    sites = {stack: site_of(stack, stack in private) for stack in select(outdir, env_name, None)}
    site = site or env_name
    elsewhere = sorted(set(sites.values()) - {site})
    if site == env_name and elsewhere:
        # The DR site's cluster layers: a job on the DR VPC's runner applies them after this one.
        with open(os.environ.get("GITHUB_OUTPUT", os.devnull), "a", encoding="utf-8") as fh:
            fh.write(f"dr_site={elsewhere[0]}\n")
    for stack in terraform.deploy_order(outdir, [stack for stack, at in sites.items() if at == site]):
        review = Planner(outdir, plans_dir, tf_env).plan([stack])
        (plans_dir / f"{stack}.md").write_text(render(env_name, review, allowed))
        if not unreviewed and stack not in book:
            problem = f"no reviewed plan in {reviewed_file} (its plan job failed or never ran); plan it in a pull request"
        else:
            problem = gate(stack, review, allowed, None if unreviewed else book[stack], dirs[stack], plans_dir, tf_env)
        if not problem:
            problem = "apply failed" if apply(outdir, stack, plans_dir / f"{stack}.tfplan") else ""
        if not problem:
            problem = {0: "", 2: "drift after apply"}.get(drift(outdir, stack), "drift check failed")
        if problem:
            print(f"deploy: {stack}: {problem}; later stacks and environments wait", file=sys.stderr)
            with open(os.environ.get("GITHUB_OUTPUT", os.devnull), "a", encoding="utf-8") as fh:
                fh.write(f"failed_stack={stack}\n")
            return 1
    print(f"deploy: {site}: every stack applied, no drift")
    return 0


def gate(stack: str, review: list, allowed: bool, reviewed: dict | None, path: Path, plans_dir: Path, tf_env: dict) -> str:
    """Why this plan must not be applied, or ""."""
    if review[0].error:
        return f"plan failed: {review[0].error.splitlines()[0]}"
    if exit_code(review, allowed):
        return "the plan destroys or unprotects stateful resources; a maintainer sets ALLOW_STATEFUL_DESTROY (label allow-stateful-destroy)"
    if reviewed is None:
        return ""
    current = changes(terraform.show_plan(path, tf_env, plans_dir / f"{stack}.tfplan"))
    diff = differences(reviewed, current)
    for line in diff:
        print(f"deploy: {stack}: {line}", file=sys.stderr)
    return f"the plan differs from the reviewed one in {len(diff)} place(s)" if diff else ""


def main(argv: Sequence[str]) -> int:
    try:
        if argv[:1] == ["rollout"] and len(argv) >= 4:
            site = [o for o in argv[4:] if o != "--unreviewed"]
            if site == [] or (len(site) == 2 and site[0] == "--site"):
                return rollout(Path(argv[1]), argv[2], Path(argv[3]), unreviewed="--unreviewed" in argv[4:], site=site[1] if site else None)
        if len(argv) == 4 and argv[0] == "apply":
            return apply(Path(argv[1]), argv[2], Path(argv[3]))
        if len(argv) == 3 and argv[0] == "drift":
            return drift(Path(argv[1]), argv[2])
    except (KeyError, terraform.TerraformMissing) as exc:
        print(f"deploy: error: {exc.args[0]}", file=sys.stderr)
        return 2
    print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
