"""The operator documentation: generated parts current, and every command, script, path and
alert a runbook names exists.

Alerts are read from the synthesized output wherever they are declared (PrometheusRule objects,
Helm values with rule files, CloudWatch alarms), so rules another layer adds are checked here
without a list to keep.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import environments
from sparki import docs
from tests.support import ROOT

RUNBOOKS = sorted((ROOT / "docs" / "runbooks").glob("*.md"))
OPERATOR_DOCS = [*RUNBOOKS, ROOT / "docs" / "DEPLOYMENT_QUICK_REFERENCE.md"]
REQUIRED_RUNBOOKS = (
    "production-deployment", "blue-green-deployment", "emergency-response", "security-incident-response",
    "compliance-audit", "access-control",
)
MAKEFILE = (ROOT / "Makefile").read_text()
TARGETS = set(re.findall(r"^([a-z][\w-]*):", MAKEFILE, re.M))
PROMETHEUS_ALERT = re.compile(r"""(?:\\?["']alert\\?["']\s*:\s*\\?["']|\balert:\s*)([A-Za-z][\w]*)""")
RUNBOOK_URL = re.compile(r"""runbook_url\\?["']?\s*:\s*\\?["']?([^"'\\\s,}]+)""")


def slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    return {slug(h) for h in re.findall(r"^#+ (.+)$", path.read_text(), re.M)}


@pytest.fixture(scope="module")
def synthesized(synth_dir) -> str:
    return "\n".join(p.read_text() for p in sorted((synth_dir / "stacks").glob("*/cdk.tf.json")))


@pytest.fixture(scope="module")
def alerts(synthesized) -> set[str]:
    return set(PROMETHEUS_ALERT.findall(synthesized))


def test_generated_docs_are_current(synth_dir):
    stale = [str(path.relative_to(ROOT)) for path, text in docs.generated(synth_dir).items() if path.read_text() != text]
    assert not stale, f"stale: {stale}; run `make docs`"


def test_modules_lists_every_construct_module():
    text = docs.MODULES.read_text()
    for path in (ROOT / "constructs").glob("*.py"):
        assert f"## `constructs/{path.name}`" in text


def test_the_architecture_diagram_has_every_layer(synth_dir):
    reads, _ = docs.layer_graph(synth_dir)
    block = docs.stacks_block(synth_dir)
    from stacks import LAYERS

    assert set(reads) == set(LAYERS)
    for layer in LAYERS:
        assert f'["{layer}"]' in block


@pytest.mark.parametrize("name", REQUIRED_RUNBOOKS)
def test_the_runbooks_the_operators_need_exist(name):
    assert (ROOT / "docs" / "runbooks" / f"{name}.md").is_file()


def mentions(pattern: str) -> list[tuple[str, str]]:
    found = []
    for path in OPERATOR_DOCS:
        for match in re.findall(pattern, path.read_text()):
            found.append((path.name, match))
    return sorted(set(found))


@pytest.mark.parametrize(("doc", "target"), mentions(r"\bmake ([a-z][\w-]*)"))
def test_every_make_target_a_runbook_names_exists(doc, target):
    assert target in TARGETS, f"{doc}: `make {target}` is not a Makefile target"


@pytest.mark.parametrize(("doc", "path"), mentions(r"(?<![\w/.-])((?:sparki|stacks|constructs|environments|catalog|tests|docs|docker|\.github)/[\w./-]*\w)"))
def test_every_path_a_runbook_names_exists(doc, path):
    bare = path.split("#")[0]
    assert (ROOT / bare).exists() or list(ROOT.glob(bare)), f"{doc}: {path} does not exist"


@pytest.mark.parametrize(("doc", "module"), mentions(r"python -m (sparki(?:\.\w+)*)"))
def test_every_module_a_runbook_runs_exists(doc, module):
    parts = module.split(".")
    assert (ROOT.joinpath(*parts).with_suffix(".py")).is_file() or (ROOT.joinpath(*parts) / "__main__.py").is_file(), f"{doc}: {module}"


def test_every_relative_link_resolves():
    for path in OPERATOR_DOCS + [docs.ARCHITECTURE]:
        for target in re.findall(r"\]\(([^)#:]+\.md)(?:#([\w-]+))?\)", path.read_text()):
            file, anchor = (path.parent / target[0]).resolve(), target[1]
            assert file.is_file(), f"{path.name}: link to {target[0]}"
            assert not anchor or anchor in anchors(file), f"{path.name}: {target[0]}#{anchor}"


def test_every_alert_and_alarm_a_runbook_names_exists(alerts, synthesized):
    wrong = []
    envs = "|".join(environments.NAMES)
    for path in OPERATOR_DOCS:
        for line in path.read_text().splitlines():
            if not re.search(r"\balert|\balarm", line, re.I):
                continue
            for token in re.findall(r"`([^`]+)`", line):
                if re.fullmatch(r"[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+", token) and token not in alerts:
                    wrong.append(f"{path.name}: alert {token} is declared nowhere in the synthesized output")
                if re.fullmatch(rf"sparki-(?:<env>|{envs})-[\w.-]+", token):
                    pattern = re.compile('"' + re.escape(token).replace(re.escape("<env>"), f"(?:{envs})") + '"')
                    if not pattern.search(synthesized):
                        wrong.append(f"{path.name}: {token} (named beside an alert or alarm) is no name in the synthesized output")
    assert not wrong, "\n".join(wrong)


def test_every_alert_runbook_link_resolves(synthesized):
    for url in sorted(set(RUNBOOK_URL.findall(synthesized))):
        match = re.search(r"(docs/runbooks/[\w.-]+\.md)(?:#([\w-]+))?$", url)
        assert match, f"runbook_url {url} does not point into docs/runbooks/"
        file = ROOT / match.group(1)
        assert file.is_file(), f"runbook_url {url}: {match.group(1)} does not exist"
        assert not match.group(2) or match.group(2) in anchors(file), f"runbook_url {url}: no heading #{match.group(2)}"
