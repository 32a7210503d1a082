"""The rule files of prod (the environment the unit tests' thresholds are written for),
written once per session."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.observability.rule_support import write_rule_files


@pytest.fixture(scope="session")
def prod_rule_files(tmp_path_factory) -> dict[str, Path]:
    return write_rule_files("prod", tmp_path_factory.mktemp("rules-prod"))
