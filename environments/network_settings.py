"""Settings of the network layer: the VPC."""
from __future__ import annotations

import ipaddress
from typing import Annotated

from pydantic import field_validator

from catalog.aws import INTERFACE_ENDPOINTS
from environments.model import Model, Retention, fail, one_of, subset_of

NAT_MODES = ("single", "per_az")
# Subnet tiers are carved at VPC prefix + 3 (private) and + 5 (public, database): a /20 VPC
# leaves /25 public and database subnets, the smallest we accept for EKS load balancers.
MIN_VPC_PREFIX, MAX_VPC_PREFIX = 16, 20


def check_vpc_cidr(text: str) -> str:
    """A VPC block we can carve subnet tiers from: RFC 1918, /16../20, host bits zero."""
    try:
        cidr = ipaddress.IPv4Network(text, strict=True)
    except ValueError as exc:
        fail("", f"{text!r} is not a valid IPv4 network ({exc}); use a block like '10.10.0.0/16' with the host bits zero")
    if not cidr.is_private:
        fail("", f"{text} is not a private (RFC 1918) range; use 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16")
    if cidr.prefixlen > MAX_VPC_PREFIX:
        fail("", f"{text} is too small for the public, private and database subnet tiers; use a prefix between /{MIN_VPC_PREFIX} and /{MAX_VPC_PREFIX}")
    if cidr.prefixlen < MIN_VPC_PREFIX:
        fail("", f"{text} is larger than AWS allows for a VPC; use a prefix between /{MIN_VPC_PREFIX} and /{MAX_VPC_PREFIX}")
    return text


class NetworkSettings(Model):
    """The VPC of one environment.

    vpc_cidr: IPv4 RFC 1918 block, /16../20, not overlapping any other environment (peering and
        the DR region need disjoint ranges).
    nat_mode: "single" (one NAT gateway, dev) or "per_az" (one per AZ: no cross-AZ dependency).
        Production requires "per_az".
    interface_endpoints: subset of catalog.aws.INTERFACE_ENDPOINTS; default none (each costs
        per AZ-hour).
    flow_log_retention_days: CloudWatch retention for VPC flow logs; a value CloudWatch accepts.
    """

    vpc_cidr: str
    nat_mode: Annotated[str, one_of(NAT_MODES, "a NAT mode")] = "per_az"
    interface_endpoints: Annotated[tuple[str, ...], subset_of(INTERFACE_ENDPOINTS, "endpoint")] = ()
    flow_log_retention_days: Retention = 90

    @field_validator("vpc_cidr")
    @classmethod
    def _cidr(cls, text: str) -> str:
        return check_vpc_cidr(text)

    @property
    def vpc_network(self) -> ipaddress.IPv4Network:
        return ipaddress.IPv4Network(self.vpc_cidr)

    def check_in(self, production: bool) -> None:
        if production and self.nat_mode != "per_az":
            fail("nat_mode", f"{self.nat_mode!r} is not allowed in production: one NAT gateway is a single point of failure; use 'per_az'")
