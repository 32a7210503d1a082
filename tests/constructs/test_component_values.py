"""Every value i12ctl's components give a chart is a key that chart has at the pinned version,
and the merged values pass the chart's values.schema.json where it ships one (as Helm checks).
Chart defaults: tests/constructs/charts/<chart>-<version>/ (sources in its README)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from constructs import components_certs, components_ingress, components_logging, components_scaling, components_secrets
from tests.constructs.component_support import HA, SINGLE

CHARTS = Path(__file__).parent / "charts"
GROUPS = (components_certs, components_ingress, components_logging, components_scaling, components_secrets)
# Keys the chart's templates read that its values.yaml does not list, each with where it is read.
TEMPLATE_ONLY: dict[str, set[str]] = {
    # templates/serviceaccount.yaml renders .Values.serviceAccount.annotations; daemonset.yaml
    # .Values.priorityClassName (a commented-out key in values.yaml).
    "aws-cloudwatch-metrics": {"serviceAccount.annotations", "priorityClassName"},
    # Documented as commented-out "+docs:property" keys and declared in values.schema.json.
    "cert-manager": {"serviceAccount.name", "serviceAccount.annotations"},
}
# Maps the templates render whole (toYaml), or read key by key with hasKey (the disruption
# budgets of cert-manager and external-secrets, the autoscaler's extraArgs as flags): what is
# below them is Kubernetes' or the program's vocabulary, not the chart's.
PASS_THROUGH = {"securityContext", "podSecurityContext", "containerSecurityContext", "nodeSelector", "podDisruptionBudget", "extraArgs", "resources", "annotations"}


def chart_dir(chart: str, version: str) -> Path:
    return CHARTS / f"{chart}-{version}"


def all_components():
    for ctx in (HA, SINGLE):
        for group in GROUPS:
            yield from group.components(ctx)


def unknown_keys(values: dict[str, Any], defaults: Any, prefix: str = "") -> list[str]:
    unknown = []
    for key, value in values.items():
        path = f"{prefix}{key}"
        if not isinstance(defaults, dict) or key not in defaults:
            unknown.append(path)
            continue
        default = defaults[key]
        if isinstance(value, dict) and isinstance(default, dict) and default and key not in PASS_THROUGH:
            unknown.extend(unknown_keys(value, default, f"{path}."))
    return unknown


def merged(defaults: Any, values: Any) -> Any:
    """Helm's coalescing: maps merge key by key, null deletes a default, anything else replaces."""
    if not isinstance(defaults, dict) or not isinstance(values, dict):
        return values
    out = dict(defaults)
    for key, value in values.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merged(defaults.get(key), value)
    return out


COMPONENTS = {(c.name, c.chart, c.version, json.dumps(c.values, sort_keys=True)): c for c in all_components()}


@pytest.mark.parametrize("component", list(COMPONENTS.values()), ids=[f"{k[0]}-{i}" for i, k in enumerate(COMPONENTS)])
def test_values_are_keys_of_the_pinned_chart(component):
    directory = chart_dir(component.chart, component.version)
    assert directory.is_dir(), f"no defaults vendored for {component.chart} {component.version}; copy its values.yaml to {directory}"
    defaults = yaml.safe_load((directory / "values.yaml").read_text())
    unknown = set(unknown_keys(json.loads(json.dumps(component.values)), defaults)) - TEMPLATE_ONLY.get(component.chart, set())
    assert not unknown, f"{component.chart} {component.version} has no such values: {sorted(unknown)}"


# Charts that ship a values.schema.json (cert-manager, external-dns, external-secrets); Helm
# validates the merged values against it, and so does this test.
WITH_SCHEMA = {k: c for k, c in COMPONENTS.items() if (chart_dir(c.chart, c.version) / "values.schema.json").exists()}


@pytest.mark.parametrize("component", list(WITH_SCHEMA.values()), ids=[f"{k[0]}-{i}" for i, k in enumerate(WITH_SCHEMA)])
def test_merged_values_pass_the_charts_schema(component):
    schema_file = chart_dir(component.chart, component.version) / "values.schema.json"
    defaults = yaml.safe_load((schema_file.parent / "values.yaml").read_text())
    schema = json.loads(schema_file.read_text())
    values = merged(defaults, json.loads(json.dumps(component.values)))
    jsonschema.validators.validator_for(schema)(schema).validate(values)
