"""One environment: every layer's settings plus the rules that need the whole environment
(production refusals, the account and region other fields must match), and the rules across
environments (disjoint networks, promotion dev -> staging -> prod)."""
from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Annotated

from pydantic import Field, PrivateAttr, field_validator, model_validator

from catalog.aws import (
    DR_SERVICES,
    GLOBAL_DATASTORE_FAMILIES,
    KMS_DELETION_WINDOW_DAYS,
    MAX_AZS,
    REGIONS,
    ec2_vcpus,
    supports_global_datastore,
)
from catalog.naming import resource_name
from environments.cluster_settings import ClusterSettings
from environments.data_settings import DataSettings
from environments.dr_settings import DrSettings
from environments.edge_settings import EdgeSettings
from environments.model import ConfigError, Model, Problem, Retention, fail, in_range, matching, one_of
from environments.network_settings import NetworkSettings
from environments.observability_settings import ObservabilitySettings
from environments.platform_settings import PlatformSettings, check_autoscaling
from environments.security_settings import SecuritySettings
from environments.slo_settings import SloSettings, check_owners, check_slos
from environments.state_settings import StateSettings

PRODUCTION_ENVIRONMENTS = frozenset({"prod"})
# The DR site's resources are named sparki-<env><suffix>-...: IAM roles and S3 buckets are
# global, and the same name in both regions would collide.
DR_SITE_SUFFIX = "dr"
# Tags the stacks set themselves; an environment may not override them.
RESERVED_TAGS = frozenset({"Project", "Environment", "Layer", "ManagedBy"})
# Tags every environment must carry: the policy pack's SPK-TAGS rule requires them on every
# taggable resource, and cost reports group by them.
ENVIRONMENT_TAGS = ("Owner", "CostCenter")
_NAME = re.compile(r"^[a-z][a-z0-9]{1,11}$")
_ACCOUNT = re.compile(r"^\d{12}$")
_TAG_KEY = re.compile(r"^[\w .:/=+\-@]{1,128}$")
Region = Annotated[str, one_of(sorted(REGIONS), "a known AWS region")]


class Environment(Model):
    """Everything the stacks need to know about one environment. Data only.

    kms_key_deletion_window_days: waiting period before any KMS key of the environment (the
        state key, the security key ring, the flow-log key) is deleted; default 30, 7..30.
    dr_region: the disaster-recovery region; default none (no DR stacks). Production must name
        one, and the [dr] table with it (environments/dr_settings.py).
    cost_review_threshold_usd: a plan whose estimated monthly cost rises by more than this many
        US dollars is flagged in the plan review (docs/cost.md); default 100, 0..100000.
    slos: the service level objectives ([[slos]], environments/slo_settings.py); at least one
        for the Kubernetes API and one for a Sparki service, names unique.
    """

    name: Annotated[str, matching(_NAME, "must be 2-12 lowercase letters/digits starting with a letter, e.g. 'dev'")]
    account_id: Annotated[str, matching(_ACCOUNT, "is not an AWS account id; use the 12-digit id as a string, e.g. '123456789012'")]
    region: Region
    azs: tuple[str, ...]
    network: NetworkSettings
    cluster: ClusterSettings
    data: DataSettings
    edge: EdgeSettings
    platform: PlatformSettings
    observability: ObservabilitySettings
    state: StateSettings = Field(default_factory=StateSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    log_retention_days: Retention = 90
    kms_key_deletion_window_days: Annotated[int, in_range(*KMS_DELETION_WINDOW_DAYS, "days", "AWS accepts")] = 30
    tags: dict[str, str] = Field(default_factory=dict)
    dr_region: Region | None = None
    cost_review_threshold_usd: Annotated[int, in_range(0, 100_000, "USD a month")] = 100
    dr: DrSettings | None = None
    # Set on the view dr_site() returns: the environment it recovers (see `home`).
    _home: str | None = PrivateAttr(default=None)
    slos: tuple[SloSettings, ...]

    @field_validator("slos")
    @classmethod
    def _slos(cls, slos: tuple[SloSettings, ...]) -> tuple[SloSettings, ...]:
        check_slos(slos)
        return slos

    @field_validator("tags")
    @classmethod
    def _tags(cls, tags: dict[str, str]) -> dict[str, str]:
        for key, value in tags.items():
            if key in RESERVED_TAGS:
                fail(key, f"{key!r} is set by the stacks themselves; remove it (reserved: {', '.join(sorted(RESERVED_TAGS))})")
            if not _TAG_KEY.match(key) or key.lower().startswith("aws:"):
                fail(key, f"{key!r} is not a valid tag key; use 1-128 letters, digits, spaces and _.:/=+-@, not starting with 'aws:'")
            if len(value) > 256:
                fail(key, f"value of {key!r} must be a string of at most 256 characters")
        missing = [key for key in ENVIRONMENT_TAGS if not tags.get(key, "").strip()]
        if missing:
            fail("", f"{', '.join(missing)} missing; every environment names its {' and '.join(ENVIRONMENT_TAGS)} (the policy pack requires them on every resource)")
        return tags

    @model_validator(mode="after")
    def _together(self) -> Environment:
        self._check_dr()
        azs = self.azs
        if len(azs) < 2:
            fail("azs", f"{len(azs)} availability zone(s) given; at least 2 are required for high availability, e.g. [\"{self.region}a\", \"{self.region}b\"]")
        if len(azs) > MAX_AZS:
            fail("azs", f"{len(azs)} availability zones given; the subnet plan supports at most {MAX_AZS}")
        for index, az in enumerate(azs):
            if not re.fullmatch(re.escape(self.region) + r"[a-z]", az):
                fail(f"azs[{index}]", f"{az!r} is not a zone of region {self.region}; use '{self.region}' followed by one letter, e.g. '{self.region}a'")
            if azs.index(az) != index:
                fail(f"azs[{index}]", f"{az!r} repeats azs[{azs.index(az)}]; list each zone once")
        production = self.is_production
        checks = {
            "network": lambda: self.network.check_in(production),
            "cluster": lambda: self.cluster.check_in(production, self.account_id),
            "state": lambda: self.state.check_in(production),
            "data.database": lambda: self.data.database.check_in(production),
            "data.cache": lambda: self.data.cache.check_in(production),
            "security": lambda: self.security.check_in(production, self.region, self.account_id),
            "edge": lambda: self.edge.check_in(production),
            "platform": lambda: self.platform.check_in(production, self.cluster.app_namespaces, self.workload_millicores),
            "observability": lambda: self.observability.check_in(production, self.platform.controller_replicas >= 2),
            # After observability: which variable-load components run follows from its settings.
            "platform.autoscaling": lambda: check_autoscaling(self.platform.autoscaling, self.observability.autoscaled()),
            "slos": lambda: check_owners(self.slos, tuple(t.name for t in self.observability.teams)),
        }
        for layer, check in checks.items():
            try:
                check()
            except Problem as problem:
                raise problem.under(layer) from None
        return self

    def _check_dr(self) -> None:
        region, dr = self.dr_region, self.dr
        if region is None:
            if self.is_production:
                fail("dr_region", "missing; production keeps a disaster-recovery region and may not turn DR off, e.g. dr_region = \"us-west-2\" with a [dr] table")
            if dr is not None:
                fail("dr", "given without dr_region; name the DR region, or remove the [dr] table")
            return
        if region == self.region:
            fail("dr_region", f"{region!r} equals region; the DR region must be a different region")
        for service, regions in DR_SERVICES.items():
            if region not in regions:
                fail("dr_region", f"{region} does not offer {service}, which DR uses; pick a region that does (catalog/aws.py DR_SERVICES)")
        if dr is None:
            fail("dr", f"missing; with dr_region = {region!r} give a [dr] table with vpc_cidr and azs (environments/dr_settings.py)")
        if not supports_global_datastore(self.data.cache.node_type):
            fail(
                "data.cache.node_type",
                f"{self.data.cache.node_type} cannot join an ElastiCache global datastore, which DR replicates the cache with; use a {'/'.join(GLOBAL_DATASTORE_FAMILIES)} type of size large or above",
            )
        try:
            dr.check_in(region, self.network.vpc_cidr)
        except Problem as problem:
            raise problem.under("dr") from None

    # -- derived ---------------------------------------------------------------------------
    @property
    def home(self) -> str:
        """The environment's own name; for the DR site, the name of the environment it recovers
        (stacks are named and tagged by it: sparki-prod-dr-network)."""
        return self._home or self.name

    @property
    def is_dr_site(self) -> bool:
        return self._home is not None

    @property
    def runs_observability(self) -> bool:
        """Whether the observability layers (Loki, Elasticsearch, Prometheus) run on this site's
        cluster: on the primary sites only; the DR site's log shipper writes to CloudWatch alone
        (docs/disaster-recovery.md, "Not built on the DR site")."""
        return not self.is_dr_site

    @property
    def is_production(self) -> bool:
        return self.home in PRODUCTION_ENVIRONMENTS

    def dr_site(self) -> Environment | None:
        """The environment as the DR stacks build it: in dr_region, on the DR zones and VPC,
        its resources named sparki-<env>dr-... (IAM and S3 names are global), every node group
        at dr.standby_nodes and one replica of each platform controller until promoted, then
        the primary's sizes and replicas; no account security service is switched on. None
        without DR."""
        dr = self.dr
        if self.dr_region is None or dr is None:
            return None
        groups = self.cluster.node_groups
        # The DR region runs none of the account's security services (dr-security holds keys
        # and the alarm topic only), so nothing on the site may send to them: kube-bench on
        # the DR cluster prints its report to the logs instead of importing into Security Hub.
        security = self.security.model_copy(update={switch: False for switch in self.security.switches})
        platform = self.platform
        if not dr.promoted:
            groups = tuple(g.model_copy(update=dict(min_size=dr.standby_nodes, desired_size=dr.standby_nodes)) for g in groups)
            # One replica of each platform controller while nothing is served: two of each do
            # not fit one standby system node (docs/disaster-recovery.md, "Pilot light").
            platform = platform.model_copy(update=dict(controller_replicas=1))
        site = self.model_copy(
            update=dict(
                name=f"{self.name}{DR_SITE_SUFFIX}",
                region=self.dr_region,
                azs=dr.azs,
                network=self.network.model_copy(update=dict(vpc_cidr=dr.vpc_cidr)),
                cluster=self.cluster.model_copy(update=dict(node_groups=groups)),
                security=security,
                platform=platform,
                dr_region=None,
                dr=None,
            )
        )
        site._home = self.name
        return site

    def resource_name(self, component: str) -> str:
        """The Terraform-visible name of a component: sparki-<env>-<component>."""
        return resource_name(self.name, component)

    @property
    def workload_millicores(self) -> int:
        """CPU of the node groups other than system at their max_size, counting each group's
        smallest instance type (the autoscaler may get any of them)."""
        return sum(
            1000 * group.max_size * min(ec2_vcpus(t) or 0 for t in group.instance_types)
            for group in self.cluster.node_groups if group is not self.cluster.system_group
        )

    @property
    def vpc_network(self) -> ipaddress.IPv4Network:
        return self.network.vpc_network

    def networks(self) -> dict[str, ipaddress.IPv4Network]:
        """Field path -> VPC block of every VPC the environment has (primary, DR)."""
        blocks = {"network.vpc_cidr": self.vpc_network}
        if self.dr is not None:
            blocks["dr.vpc_cidr"] = self.dr.vpc_network
        return blocks


# Settings that may only stay equal or grow on the way dev -> staging -> prod: what production
# keeps, staging and dev keep no longer.
GROWING_RETENTION = (
    ("log_retention_days", lambda e: e.log_retention_days),
    ("network.flow_log_retention_days", lambda e: e.network.flow_log_retention_days),
    ("security.audit_log_retention_days", lambda e: e.security.audit_log_retention_days),
    ("security.audit_expire_after_days", lambda e: e.security.audit_expire_after_days),
    ("edge.waf.log_retention_days", lambda e: e.edge.waf.log_retention_days),
)


def check_disjoint(environments: Mapping[str, Environment]) -> None:
    """Rules across environments, given in promotion order: names match their keys, VPC CIDRs
    never overlap, retention never shrinks towards production, and environments on the same
    Kubernetes version pin the same add-on builds (what was tested is what ships)."""
    seen: list[Environment] = []
    for key, env in environments.items():
        if key != env.name:
            raise ConfigError(key, "name", f"registered as {key!r} but named {env.name!r}; make them equal")
        for other in seen:
            for field, mine in env.networks().items():
                for other_field, theirs in other.networks().items():
                    if mine.overlaps(theirs):
                        raise ConfigError(
                            env.name, field,
                            f"{mine} overlaps {other.name}'s {theirs}{' (its DR VPC)' if other_field == 'dr.vpc_cidr' else ''}; environments must be peerable, pick a disjoint block",
                        )
            for fname, days in GROWING_RETENTION:
                if days(env) < days(other):
                    raise ConfigError(env.name, fname, f"{days(env)} is shorter than {other.name}'s {days(other)}; retention grows on the way to production, use at least {days(other)}")
            if env.cluster.kubernetes_version == other.cluster.kubernetes_version:
                for fname in type(env.cluster.addons).model_fields:
                    mine, theirs = getattr(env.cluster.addons, fname), getattr(other.cluster.addons, fname)
                    if mine != theirs:
                        raise ConfigError(
                            env.name, f"cluster.addons.{fname}",
                            f"{mine} differs from {other.name}'s {theirs} on the same Kubernetes {env.cluster.kubernetes_version}; pin the build that was tested, or move both",
                        )
        seen.append(env)
