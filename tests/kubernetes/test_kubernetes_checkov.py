"""checkov's kubernetes framework over every extracted object: 0 failed, every skip with a reason."""
from __future__ import annotations

import json
import re
import subprocess

from tests.support import ROOT
from tests.test_toolchain import checkov_binary

CONFIG = ROOT / ".checkov-kubernetes.yaml"


def test_checkov_kubernetes_reports_no_failed_check(object_files):
    (directory,) = {path.parent.parent for files in object_files.values() for path in files}
    proc = subprocess.run([checkov_binary(), "-d", str(directory), "--config-file", str(CONFIG), "-o", "json"], capture_output=True, text=True)
    reports = json.loads(proc.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    assert [r["check_type"] for r in reports] == ["kubernetes"]
    summary = reports[0]["summary"]
    failed = [f"{c['check_id']} {c['resource']} in {c['file_path']}" for c in reports[0]["results"].get("failed_checks", [])]
    assert summary["parsing_errors"] == 0
    assert summary["resource_count"] >= sum(len(files) for files in object_files.values())
    assert summary["passed"] > 0, "checkov checked nothing"
    assert not failed and summary["failed"] == 0, "\n".join(failed)


def test_every_kubernetes_checkov_skip_carries_a_reason():
    lines = CONFIG.read_text().splitlines()
    skips = lines[lines.index("skip-check:") + 1:] if "skip-check:" in lines else []
    for line in (s for s in skips if s.strip().startswith("- ")):
        match = re.match(r"^\s+- (CKV2?_K8S_\d+)\s+# (.+)$", line)
        assert match and len(match.group(2).strip()) >= 10, f"skip without a reason: {line!r}"
