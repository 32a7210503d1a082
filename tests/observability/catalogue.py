"""The generated parts of docs/observability-alerts.md: the alert catalogue and the SLO table,
from the rules and the environments. test_rules.py checks the file matches;
`.venv/bin/python -m tests.observability.catalogue` rewrites them in place."""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sparki import quiet_runtime  # noqa: E402

quiet_runtime()

import environments  # noqa: E402
from tests.observability.rule_support import groups_of  # noqa: E402

DOC = ROOT / "docs" / "observability-alerts.md"
MARKS = {"alerts": ("<!-- alerts: generated -->", "<!-- alerts: end -->"), "slos": ("<!-- slos: generated -->", "<!-- slos: end -->")}


def alert_table() -> str:
    rows, seen = [], set()
    for groups in groups_of("prod").values():
        for group in groups:
            for rule in group.rules:
                name = rule.get("alert")
                if not name or name in seen:
                    continue
                seen.add(name)
                owner = "the SLO's" if group.name.startswith("slo-") else rule["labels"]["owner"]
                where = "slo-&lt;name&gt;" if group.name.startswith("slo-") else group.name
                page = rule["annotations"]["runbook_url"].rsplit("/", 1)[1]
                summary = re.sub(r"\{\{ \$labels\.(\w+) \}\}", r"&lt;\1&gt;", rule["annotations"]["summary"])
                summary = re.sub(r"SLO [a-z0-9-]+ is", "SLO &lt;slo&gt; is", summary)
                rows.append(f"| {name} | {rule['labels']['severity']} | {owner} | {rule.get('for', '')} | {where} | {summary} | [{page}](runbooks/{page}) |")
    head = "| Alert | Severity | Owner | For | Group | Summary | Runbook |\n|---|---|---|---|---|---|---|"
    return head + "\n" + "\n".join(rows)


def slo_table() -> str:
    envs = environments.load()
    names = [s.name for s in envs["prod"].slos]
    rows = []
    for name in names:
        per_env = {env: next((s for s in envs[env].slos if s.name == name), None) for env in environments.NAMES}
        slo = per_env["prod"]
        sli = f"latency <= {slo.threshold_seconds:g}s" if slo.sli == "latency" else "availability (not 5xx)"
        objectives = " / ".join(f"{s.objective:g}%" if s else "-" for s in per_env.values())
        rows.append(f"| {name} | {slo.service} | {sli} | {objectives} | {slo.owner} |")
    head = f"| SLO | Service | SLI | Objective ({' / '.join(environments.NAMES)}) | Owner |\n|---|---|---|---|---|"
    return head + "\n" + "\n".join(rows)


def generated(text: str) -> str:
    """`text` with both generated sections replaced by what the code gives now."""
    for key, body in (("alerts", alert_table()), ("slos", slo_table())):
        begin, end = MARKS[key]
        before, rest = text.split(begin, 1)
        _, after = rest.split(end, 1)
        text = f"{before}{begin}\n{body}\n{end}{after}"
    return text


if __name__ == "__main__":
    DOC.write_text(generated(DOC.read_text()))
    print(f"wrote {DOC.relative_to(ROOT)}")
