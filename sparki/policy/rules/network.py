"""Network: nothing admits the internet but an internet-facing load balancer on 80 and 443."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sparki.policy.model import Finding, compliant, non_compliant, not_applicable, rule
from sparki.policy.view import Resource, StackView, as_list, blocks

WORLD = frozenset({"0.0.0.0/0", "::/0"})
PUBLIC_LB_PORTS = frozenset({80, 443})
INGRESS_TYPES = ("aws_security_group", "aws_default_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule")


def _port_range(entry: Mapping[str, Any], protocol_key: str) -> str:
    protocol = str(entry.get(protocol_key, "")).lower()
    if protocol in ("-1", "all"):
        return "all traffic"
    low, high = entry.get("from_port"), entry.get("to_port")
    ports = f"{low}" if low == high else f"{low}-{high}"
    return f"{protocol} {ports}"


def _lb_port(entry: Mapping[str, Any], protocol_key: str) -> bool:
    protocol = str(entry.get(protocol_key, "")).lower()
    low, high = entry.get("from_port"), entry.get("to_port")
    return protocol in ("tcp", "6") and low == high and low in PUBLIC_LB_PORTS


def _open_entries(entries: Iterable[Mapping[str, Any]], v4: str, v6: str, protocol_key: str, public_lb: bool) -> list[str]:
    problems = []
    for entry in entries:
        sources = sorted(WORLD & {str(c) for c in as_list(entry.get(v4)) + as_list(entry.get(v6))})
        if sources and not (public_lb and _lb_port(entry, protocol_key)):
            problems.append(f"{_port_range(entry, protocol_key)} from {' and '.join(sources)}")
    return problems


@rule(
    "SPK-NET-INGRESS",
    "ingress is open to the internet",
    "narrow the source to a CIDR or a security group; only a security group of an internet-facing "
    "load balancer in the same stack may admit 0.0.0.0/0 or ::/0, and only on tcp 80 and 443",
    INGRESS_TYPES,
)
def no_world_ingress(r: Resource, stack: StackView) -> Finding:
    public = stack.public_lb_security_groups()
    if r.type in ("aws_security_group", "aws_default_security_group"):
        lb = r.address in {sg.address for sg in public}
        problems = _open_entries(blocks(r.get("ingress")), "cidr_blocks", "ipv6_cidr_blocks", "protocol", lb)
    elif r.type == "aws_security_group_rule":
        if r.get("type") != "ingress":
            return not_applicable()
        lb = any(sg.referenced_by(r.get("security_group_id")) for sg in public)
        problems = _open_entries([r.config], "cidr_blocks", "ipv6_cidr_blocks", "protocol", lb)
    else:  # aws_vpc_security_group_ingress_rule
        lb = any(sg.referenced_by(r.get("security_group_id")) for sg in public)
        problems = _open_entries([r.config], "cidr_ipv4", "cidr_ipv6", "ip_protocol", lb)
    return non_compliant("; ".join(problems)) if problems else compliant()
