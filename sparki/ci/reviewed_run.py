"""Which workflow run reviewed the plans of the commit being deployed.

  python -m sparki.ci.reviewed_run SHA   (GITHUB_TOKEN, GITHUB_REPOSITORY) -> run_id=<id> in $GITHUB_OUTPUT

SHA is a commit on main. Its pull request (GitHub links merge, squash and rebase commits to
it) names the head commit whose last successful `plan` run holds the reviews and the change
fingerprints. No pull request, or no successful plan run of its head: exit 1 with one line,
and the deploy stops; every change to main is reviewed first.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from sparki.ci.pr_comment import Api, github_api

PLAN_WORKFLOW = "plan.yml"


def reviewed_run(api: Api, repo: str, sha: str) -> tuple[int, str]:
    """(run id, pull request) of the last successful plan run of SHA's pull request head."""
    pulls = [p for p in api("GET", f"/repos/{repo}/commits/{sha}/pulls", None) if p.get("merged_at")]
    if not pulls:
        raise LookupError(f"commit {sha[:12]} came from no merged pull request; main takes reviewed changes only")
    pull = pulls[0]
    head = pull["head"]["sha"]
    runs = api("GET", f"/repos/{repo}/actions/workflows/{PLAN_WORKFLOW}/runs?head_sha={head}&status=success&per_page=1", None)
    found = runs.get("workflow_runs", [])
    if not found:
        raise LookupError(f"pull request #{pull['number']} has no successful {PLAN_WORKFLOW} run for its head {head[:12]}; its plans were never reviewed")
    return found[0]["id"], f"#{pull['number']}"


def main(argv: Sequence[str]) -> int:
    missing = [v for v in ("GITHUB_TOKEN", "GITHUB_REPOSITORY") if not os.environ.get(v)]
    if len(argv) != 1 or missing:
        print(f"reviewed_run: usage: python -m sparki.ci.reviewed_run SHA; missing: {', '.join(missing) or 'SHA'}", file=sys.stderr)
        return 2
    try:
        run_id, pull = reviewed_run(github_api(os.environ["GITHUB_TOKEN"]), os.environ["GITHUB_REPOSITORY"], argv[0])
    except LookupError as exc:
        print(f"reviewed_run: {exc}", file=sys.stderr)
        return 1
    with open(os.environ.get("GITHUB_OUTPUT", os.devnull), "a", encoding="utf-8") as fh:
        fh.write(f"run_id={run_id}\n")
    print(f"reviewed_run: plans of {pull} reviewed in run {run_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
