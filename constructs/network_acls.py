"""Network ACLs of a VPC: the default one denies everything, each subnet tier has its own.

CIS AWS Foundations 5.1 / Security Hub EC2.21: no network ACL admits 0.0.0.0/0 (or ::/0) to the
remote administration ports 22 and 3389. Rules allowing the internet are therefore written as
port ranges around those two ports, not as allow-all with a deny in front: the AWS Config rule
behind EC2.21 (nacl-no-unrestricted-ssh-rdp) judges each allow entry on its own.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.default_network_acl import DefaultNetworkAcl
from cdktf_cdktf_provider_aws.network_acl import NetworkAcl, NetworkAclEgress, NetworkAclIngress

from constructs import Construct

WORLD = "0.0.0.0/0"
# Remote administration ports nothing may reach from the internet (CIS 5.1).
ADMIN_PORTS = (22, 3389)
# Where clients' replies go: the Linux default (32768-60999), NAT gateways (1024-65535) and
# ELB all fall inside it (VPC User Guide, "Network ACLs", ephemeral ports).
EPHEMERAL = (1024, 65535)


def _entry(rule_no: int, protocol: str, cidr: str, low: int = 0, high: int = 0, **extra: int) -> dict[str, Any]:
    return {"rule_no": rule_no, "action": "allow", "protocol": protocol, "cidr_block": cidr, "from_port": low, "to_port": high, **extra}


def _around_admin_ports() -> list[tuple[int, int]]:
    """0-65535 without ADMIN_PORTS, as ranges: (0, 21), (23, 3388), (3390, 65535)."""
    ranges, low = [], 0
    for port in sorted(ADMIN_PORTS):
        if port > low:
            ranges.append((low, port - 1))
        low = port + 1
    return [*ranges, (low, 65535)]


def open_tier_rules(vpc_cidr: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(ingress, egress) of the public and private tiers: what they took before they had an ACL
    (everything), less TCP/UDP 22 and 3389 and protocols other than TCP, UDP and ICMP from the
    internet. Security groups stay the filter that matters; these rules only enforce CIS 5.1."""
    # Inside the VPC: load balancers to targets, nodes to NAT gateways and endpoints, replies.
    ingress = [_entry(100, "-1", vpc_cidr)]
    # From the internet: listeners of internet-facing load balancers (public tier), replies to
    # connections through the NAT gateways and to clients of NLBs that keep the client address
    # (private tier), on any port but the two administration ports.
    for offset, (low, high) in enumerate(_around_admin_ports()):
        ingress.append(_entry(200 + offset, "tcp", WORLD, low, high))
        ingress.append(_entry(300 + offset, "udp", WORLD, low, high))
    # Path MTU discovery and unreachable notices: without them large replies stall.
    ingress.append(_entry(400, "icmp", WORLD, icmp_type=-1, icmp_code=-1))
    # Outbound the tiers stay open: what may leave is the security groups' decision.
    egress = [_entry(100, "-1", WORLD)]
    return ingress, egress


def database_tier_rules(private_cidrs: Sequence[str], ports: Sequence[int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(ingress, egress) of the database tier: clients in the private subnets on the data ports,
    and the replies to them. Nothing else enters or leaves; the tier has no route out anyway."""
    ingress, egress = [], []
    for index, cidr in enumerate(private_cidrs):
        for offset, port in enumerate(ports):
            ingress.append(_entry(100 + 10 * index + offset, "tcp", cidr, port, port))
        egress.append(_entry(100 + 10 * index, "tcp", cidr, *EPHEMERAL))
    return ingress, egress


@dataclass(frozen=True)
class NetworkAclsProps:
    """Settings for the ACLs.

    name: prefix of the Terraform-visible names, e.g. "sparki-dev".
    vpc_id / vpc_cidr / default_network_acl_id: the VPC and the ACL AWS created with it.
    subnet_ids: tier ("public", "private", "database") -> its subnet ids.
    private_cidrs: the private subnets' blocks, the only clients of the database tier.
    database_ports: TCP ports the database tier admits from them; default none (admits nothing).
    """

    name: str
    vpc_id: str
    vpc_cidr: str
    default_network_acl_id: str
    subnet_ids: Mapping[str, Sequence[str]]
    private_cidrs: Sequence[str]
    database_ports: Sequence[int] = ()

    def __post_init__(self) -> None:
        if set(self.subnet_ids) != {"public", "private", "database"}:
            raise ValueError(f"subnet_ids: tiers {sorted(self.subnet_ids)}; give public, private and database")
        bad = [p for p in self.database_ports if not 1 <= p <= 65535 or p in ADMIN_PORTS]
        if bad:
            raise ValueError(f"database_ports: {bad} are not data ports; use 1..65535 without {ADMIN_PORTS}")


class NetworkAcls(Construct):
    """The default ACL denies all traffic and keeps no subnet; every tier's subnets are
    associated with the tier's ACL."""

    def __init__(self, scope: Construct, id: str, props: NetworkAclsProps) -> None:
        super().__init__(scope, id)
        # CIS 5.1 and the project's Config rule: an unmanaged default ACL allows everything, and
        # a subnet created outside this code lands in it. Without rules it denies all. Subnets
        # move to the tier ACLs below; Terraform must not try to move them back
        # (terraform-aws-modules/vpc ignores subnet_ids here for the same reason).
        DefaultNetworkAcl(
            self,
            "default",
            default_network_acl_id=props.default_network_acl_id,
            tags={"Name": f"{props.name}-default-deny"},
            lifecycle=TerraformResourceLifecycle(ignore_changes=["subnet_ids"]),
        )
        open_ingress, open_egress = open_tier_rules(props.vpc_cidr)
        db_ingress, db_egress = database_tier_rules(props.private_cidrs, props.database_ports)
        rules = {"public": (open_ingress, open_egress), "private": (open_ingress, open_egress), "database": (db_ingress, db_egress)}
        self.acl_ids: dict[str, str] = {}
        for tier, (ingress, egress) in rules.items():
            acl = NetworkAcl(
                self,
                tier,
                vpc_id=props.vpc_id,
                subnet_ids=list(props.subnet_ids[tier]),
                ingress=[NetworkAclIngress(**entry) for entry in ingress],
                egress=[NetworkAclEgress(**entry) for entry in egress],
                tags={"Name": f"{props.name}-{tier}"},
            )
            self.acl_ids[tier] = acl.id
