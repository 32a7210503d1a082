"""Settings of disaster recovery: the pilot-light copy of an environment in its dr_region."""
from __future__ import annotations

import ipaddress
from typing import Annotated

from pydantic import field_validator

from catalog.aws import MAX_AZS
from environments.model import Model, fail, in_range
from environments.network_settings import check_vpc_cidr


class DrSettings(Model):
    """The recovery region's network, standby size and role. Present exactly when the
    environment names a dr_region; production must (docs/disaster-recovery.md).

    vpc_cidr: the DR VPC, IPv4 RFC 1918, /16../20; disjoint from every VPC of every environment
        (primary and DR) so that the regions stay peerable.
    azs: 2..4 zones of dr_region, e.g. ["us-west-2a", "us-west-2b"].
    standby_nodes: nodes of each DR node group while standing by, 1..3; default 1. Failover
        scales each group to the primary's sizes. While standing by, the DR platform runs one
        replica of each controller (platform.controller_replicas applies once promoted), so the
        platform fits one system node.
    promoted: false (default) while the DR region stands by: its database is a read replica of
        the primary, its cache a global-datastore secondary. `make failover` sets it true, so
        the next plan keeps the promoted database and cache instead of recreating replicas.
    """

    vpc_cidr: str
    azs: tuple[str, ...]
    standby_nodes: Annotated[int, in_range(1, 3, "nodes")] = 1
    promoted: bool = False

    @field_validator("vpc_cidr")
    @classmethod
    def _cidr(cls, text: str) -> str:
        return check_vpc_cidr(text)

    @property
    def vpc_network(self) -> ipaddress.IPv4Network:
        return ipaddress.IPv4Network(self.vpc_cidr)

    def check_in(self, region: str, primary_cidr: str) -> None:
        """The zones belong to the DR region; the DR VPC is disjoint from the primary's."""
        if not 2 <= len(self.azs) <= MAX_AZS:
            fail("azs", f"{len(self.azs)} zone(s) given; the DR VPC needs 2..{MAX_AZS} zones of {region}, e.g. [\"{region}a\", \"{region}b\"]")
        for index, az in enumerate(self.azs):
            if az[:-1] != region or not az[-1].isalpha() or not az[-1].islower():
                fail(f"azs[{index}]", f"{az!r} is not a zone of the DR region {region}; use '{region}' followed by one letter, e.g. '{region}a'")
            if self.azs.index(az) != index:
                fail(f"azs[{index}]", f"{az!r} repeats azs[{self.azs.index(az)}]; list each zone once")
        if self.vpc_network.overlaps(ipaddress.IPv4Network(primary_cidr)):
            fail("vpc_cidr", f"{self.vpc_cidr} overlaps network.vpc_cidr {primary_cidr}; the DR VPC must be peerable with the primary, pick a disjoint block")
