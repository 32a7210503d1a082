"""The monthly cost a plan adds or removes: the resources of `terraform show -json` before and
after, priced by the same functions as `make cost` (sparki/cost.py), per address and in total.

References a plan cannot show as values yet (the launch template of a new node group) are taken
from the plan's configuration, as "${type.name.attr}" like the synthesized JSON has them.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sparki.cost import CostError, price_resource, usage_for
from sparki.cost_pricers import Stack


@dataclass(frozen=True)
class CostDelta:
    """Monthly USD before and after a plan; per_address: the addresses whose cost changes,
    with (before, after). error: why the plan could not be priced ("" when it could)."""

    before: float = 0.0
    after: float = 0.0
    per_address: tuple[tuple[str, float, float], ...] = ()
    error: str = ""

    @property
    def delta(self) -> float:
        return self.after - self.before


def _config(plan: Mapping) -> tuple[dict[str, Mapping], dict[str, str]]:
    """{address: configuration resource} and {alias ("" for the default): region} of a plan."""
    config = plan.get("configuration", {})
    resources = {r["address"]: r for r in config.get("root_module", {}).get("resources", [])}
    regions = {}
    for provider in config.get("provider_config", {}).values():
        if provider.get("name") != "aws":
            continue
        region = provider.get("expressions", {}).get("region", {}).get("constant_value")
        if region:
            regions[provider.get("alias", "")] = region
    return resources, regions


def _with_references(values: Mapping, config: Mapping | None) -> dict:
    values = dict(values)
    templates = values.get("launch_template") or []
    if config and templates and not templates[0].get("id"):
        refs = config.get("expressions", {}).get("launch_template", [{}])[0].get("id", {}).get("references", [])
        if refs:
            values["launch_template"] = [{**templates[0], "id": "${" + refs[0] + "}"}]
    return values


def _side(plan: Mapping, side: str, config: Mapping[str, Mapping]) -> dict[str, dict[str, dict]]:
    resources: dict[str, dict[str, dict]] = {}
    for rc in plan.get("resource_changes", []):
        values = rc.get("change", {}).get(side)
        if rc.get("mode", "managed") != "managed" or not isinstance(values, dict):
            continue
        name = rc["address"].split(".", 1)[1]
        resources.setdefault(rc["type"], {})[name] = _with_references(values, config.get(rc["address"]))
    return resources


def _priced(stack_name: str, plan: Mapping, side: str) -> dict[str, float]:
    config, regions = _config(plan)
    stack = Stack(stack_name, _side(plan, side, config), usage_for(stack_name), regions)
    prices: dict[str, float] = {}
    for rtype, named in stack.resources.items():
        for name, values in named.items():
            provider = (config.get(f"{rtype}.{name}") or {}).get("provider_config_key", "")
            for line in price_resource(stack, rtype, name, values, provider):
                prices[line.address] = prices.get(line.address, 0.0) + line.monthly
    return prices


def plan_cost(stack_name: str, plan: Mapping) -> CostDelta:
    """What the plan of one stack changes in its monthly cost."""
    try:
        before, after = _priced(stack_name, plan, "before"), _priced(stack_name, plan, "after")
    except CostError as exc:
        return CostDelta(error=str(exc))
    changed = tuple(
        (address, before.get(address, 0.0), after.get(address, 0.0))
        for address in sorted(set(before) | set(after))
        if abs(before.get(address, 0.0) - after.get(address, 0.0)) >= 0.005
    )
    return CostDelta(sum(before.values()), sum(after.values()), changed)


def render_cost(costs: Mapping[str, CostDelta], threshold: float | None) -> list[str]:
    """The review's cost section: per stack before, after and delta, the changed addresses, the
    total, and a warning when the total monthly increase exceeds the environment's threshold."""
    priced = {stack: c for stack, c in costs.items() if not c.error}
    delta = sum(c.delta for c in priced.values())
    lines = []
    if threshold is not None and delta > threshold:
        lines += ["> [!WARNING]",
                  f"> **Monthly cost rises by ${delta:,.2f}**, above this environment's review threshold of "
                  f"${threshold:,.2f} (cost_review_threshold_usd): someone who owns the budget approves it.", ""]
    lines += ["## Cost (estimated, USD a month; catalog/prices.py)", "",
              "| stack | before | after | delta |", "|---|---:|---:|---:|"]
    for stack, c in costs.items():
        if c.error:
            lines.append(f"| {stack} | not estimated: {c.error} | | |")
        else:
            lines.append(f"| {stack} | {c.before:,.2f} | {c.after:,.2f} | {c.delta:+,.2f} |")
    lines.append(f"| **total** | {sum(c.before for c in priced.values()):,.2f} | "
                 f"{sum(c.after for c in priced.values()):,.2f} | **{delta:+,.2f}** |")
    changed = [(stack, a) for stack, c in priced.items() for a in c.per_address]
    if changed:
        lines += ["", "| stack | resource | before | after |", "|---|---|---:|---:|"]
        lines += [f"| {stack} | `{address}` | {b:,.2f} | {a:,.2f} |" for stack, (address, b, a) in changed]
    return lines + [""]


def over_threshold(costs: Mapping[str, CostDelta], threshold: float | None) -> float | None:
    """The total monthly increase when it exceeds threshold, else None."""
    delta = sum(c.delta for c in costs.values() if not c.error)
    return delta if threshold is not None and delta > threshold else None
