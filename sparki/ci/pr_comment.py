"""The plan review as one pull-request comment, updated in place on every push.

  python -m sparki.ci.pr_comment REVIEWS_DIR    (GITHUB_TOKEN, GITHUB_REPOSITORY, PR_NUMBER)

REVIEWS_DIR holds the plan jobs' artifacts (plan-<env>-<order>-<layer>/<stack>/review.md, the
review `make plan` wrote); they are shown in the order of those names.
The comment is found again by a hidden marker, so a push edits it instead of adding another.
GitHub caps a comment at 65536 characters; a longer review is cut with a pointer to the run.
"""
from __future__ import annotations

import json
import os
import sys
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

MARKER = "<!-- sparki-plan-review -->"
LIMIT = 65_000
Api = Callable[[str, str, dict | None], object]


def body(reviews_dir: Path, run_url: str = "") -> str:
    """The comment: every stack's review, in the order of their artifact names."""
    parts = [MARKER, "# Plan review", ""]
    reviews = sorted(reviews_dir.rglob("review.md"))
    if not reviews:
        parts.append("No stack was planned: see the workflow run.")
    for review in reviews:
        parts.append(review.read_text().strip())
        parts.append("")
    text = "\n".join(parts)
    if len(text) > LIMIT:
        tail = f"\n\n_Cut at {LIMIT} characters; the full reviews are the run's `plan-*` artifacts{': ' + run_url if run_url else ''}._"
        text = text[: LIMIT - len(tail)] + tail
    return text


def upsert(api: Api, repo: str, number: int, text: str) -> str:
    """Edit the comment carrying MARKER, or create it; returns "updated" or "created"."""
    page = 1
    while True:
        comments = api("GET", f"/repos/{repo}/issues/{number}/comments?per_page=100&page={page}", None)
        for comment in comments:
            if MARKER in comment.get("body", "") and comment.get("user", {}).get("type") == "Bot":
                api("PATCH", f"/repos/{repo}/issues/comments/{comment['id']}", {"body": text})
                return "updated"
        if len(comments) < 100:
            break
        page += 1
    api("POST", f"/repos/{repo}/issues/{number}/comments", {"body": text})
    return "created"


def github_api(token: str, base: str = "https://api.github.com") -> Api:
    def call(method: str, path: str, payload: dict | None) -> object:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(base + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {token}")
        request.add_header("Accept", "application/vnd.github+json")
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (fixed https base)
            return json.loads(response.read() or b"null")

    return call


def main(argv: Sequence[str]) -> int:
    missing = [v for v in ("GITHUB_TOKEN", "GITHUB_REPOSITORY", "PR_NUMBER") if not os.environ.get(v)]
    if len(argv) != 1 or missing:
        print(f"pr_comment: usage: python -m sparki.ci.pr_comment REVIEWS_DIR; missing: {', '.join(missing) or 'REVIEWS_DIR'}", file=sys.stderr)
        return 2
    run_url = f"{os.environ.get('GITHUB_SERVER_URL', '')}/{os.environ['GITHUB_REPOSITORY']}/actions/runs/{os.environ.get('GITHUB_RUN_ID', '')}"
    text = body(Path(argv[0]), run_url)
    done = upsert(github_api(os.environ["GITHUB_TOKEN"]), os.environ["GITHUB_REPOSITORY"], int(os.environ["PR_NUMBER"]), text)
    print(f"pr_comment: plan review comment {done} ({len(text)} characters)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
