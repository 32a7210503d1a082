"""Typed, validated settings for one environment.

Every rule raises ConfigError, whose message is one line naming the environment, the field,
what was given and what is allowed. Validation runs when an object is built, so a bad value
can never reach a stack.
"""
from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from environments.data_settings import DataSettings

# Regions Sparki may run in. A typo ("eu-west-7") must fail here, not at apply time.
KNOWN_REGIONS = frozenset(
    {
        "us-east-1", "us-east-2", "us-west-1", "us-west-2",
        "ca-central-1", "sa-east-1",
        "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2",
        "eu-north-1", "eu-south-1", "eu-south-2",
        "ap-south-1", "ap-south-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
        "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-east-1",
        "me-south-1", "me-central-1", "af-south-1", "il-central-1",
    }
)
# Values CloudWatch Logs accepts for retention_in_days.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
    2557, 2922, 3288, 3653,
)
# Interface endpoints the network layer knows how to create (service short names).
INTERFACE_ENDPOINTS = ("ecr.api", "ecr.dkr", "sts", "logs", "secretsmanager", "kms")
NAT_MODES = ("single", "per_az")
PRODUCTION_ENVIRONMENTS = frozenset({"prod"})
# Tags the stacks set themselves; an environment may not override them.
RESERVED_TAGS = frozenset({"Project", "Environment", "Layer", "ManagedBy"})
# Tags every environment must carry: the policy pack's SPK-TAGS rule requires them on every
# taggable resource, and cost reports group by them.
ENVIRONMENT_TAGS = ("Owner", "CostCenter")
# GuardDuty protection plans an environment may turn on (names of aws_guardduty_detector_feature).
# EKS audit log monitoring is always on where GuardDuty is.
GUARDDUTY_FEATURES = ("EKS_AUDIT_LOGS", "S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS")
# Glacier Flexible Retrieval bills at least 90 days per object: expiring earlier costs the same.
GLACIER_MINIMUM_DAYS = 90
# Subnet tiers are carved at VPC prefix + 3 (private) and + 5 (public, database): a /20 VPC
# leaves /25 public and database subnets, the smallest we accept for EKS load balancers.
MIN_VPC_PREFIX, MAX_VPC_PREFIX = 16, 20
MAX_AZS = 4
# EKS versions in standard support that the add-on pins below were chosen for. Extended support
# costs six times as much per cluster-hour, so a version leaving standard support leaves this list.
KUBERNETES_VERSIONS = ("1.31", "1.32", "1.33")
CAPACITY_TYPES = ("ON_DEMAND", "SPOT")
# Amazon Linux 2023 only: its root device is /dev/xvda, which the node launch template encrypts.
AMI_TYPES = ("AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD")
TAINT_EFFECTS = ("NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE")
# The node group that runs cluster-critical add-ons (CoreDNS, the EBS CSI controller).
SYSTEM_NODE_GROUP = "system"
# Namespaces developers may never be given edit rights in: Kubernetes' own and the platform's.
RESERVED_NAMESPACES = frozenset(
    {"default", "kube-system", "kube-public", "kube-node-lease", "cert-manager", "external-dns", "amazon-cloudwatch"}
)
# Label prefixes the kubelet and EKS reserve; EKS rejects node group labels that use them.
RESERVED_LABEL_PREFIXES = ("kubernetes.io/", "k8s.io/", "eks.amazonaws.com/")
# A public-endpoint allow-list names office or VPN egress ranges; anything wider than this is
# not an allow-list any more.
MIN_PUBLIC_CIDR_PREFIX = 16
_NAME = re.compile(r"^[a-z][a-z0-9]{1,11}$")
_ACCOUNT = re.compile(r"^\d{12}$")
_TAG_KEY = re.compile(r"^[\w .:/=+\-@]{1,128}$")
_NODE_GROUP_NAME = re.compile(r"^[a-z][a-z0-9-]{1,19}$")
_INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.(nano|micro|small|medium|large|xlarge|[1-9][0-9]*xlarge|metal(-[0-9]+xl)?)$")
# Graviton families carry a "g" right after the generation digit: m7g, c6gn, t4g, r8gd, g5g.
_ARM_FAMILY = re.compile(r"^[a-z]+[0-9]+g[a-z]*\.")
_ADDON_VERSION = re.compile(r"^v(\d+)\.(\d+)\.\d+-eksbuild\.\d+$")
_ROLE_ARN = re.compile(r"^arn:aws:iam::(\d{12}):role/[\w+=,.@-]+(/[\w+=,.@-]+)*$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_LABEL_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$")
_LABEL_PREFIX = re.compile(r"^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$")
_LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)?$")
_HOSTED_ZONE_ID = re.compile(r"^Z[A-Z0-9]{1,31}$")
_SECRET_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]*(/[a-z0-9][a-z0-9_\-]*)*$")
_ROLE_NAME = re.compile(r"^[\w+=,.@\-]{1,64}$")


class ConfigError(ValueError):
    """A setting is invalid. str() is one line: environment, field, problem and fix."""

    def __init__(self, environment: str, field_name: str, problem: str) -> None:
        self.environment = environment
        self.field = field_name
        self.problem = problem
        super().__init__(f"environment '{environment}': field '{field_name}': {problem}")


@dataclass(frozen=True)
class StateSettings:
    """The Terraform state bucket of one environment.

    noncurrent_version_days: days an overwritten state version is kept; default 90, 1..3650.
    kms_deletion_window_days: waiting period before the state key is deleted; default 30, 7..30.
    force_destroy: let `terraform destroy` empty the bucket; default False. Only for emulator
        and throw-away environments; prod refuses it.
    migrated: the state layer's own state has been moved into the bucket
        (docs/runbooks/state-bootstrap.md); default False: it stays on local state.
    """

    noncurrent_version_days: int = 90
    kms_deletion_window_days: int = 30
    force_destroy: bool = False
    migrated: bool = False


@dataclass(frozen=True)
class NetworkSettings:
    """The VPC of one environment.

    vpc_cidr: IPv4 RFC 1918 block, /16../20, not overlapping any other environment (peering and
        the DR region need disjoint ranges).
    nat_mode: "single" (one NAT gateway, dev) or "per_az" (one per AZ: no cross-AZ dependency).
        Production requires "per_az".
    interface_endpoints: subset of INTERFACE_ENDPOINTS; default none (each costs per AZ-hour).
    flow_log_retention_days: CloudWatch retention for VPC flow logs; a value CloudWatch accepts.
    """

    vpc_cidr: str
    nat_mode: str = "per_az"
    interface_endpoints: tuple[str, ...] = ()
    flow_log_retention_days: int = 90


@dataclass(frozen=True)
class NodeTaint:
    """A Kubernetes taint on every node of a group.

    effect: one of TAINT_EFFECTS, e.g. "NO_SCHEDULE".
    value: default "" (key-only taints such as CriticalAddonsOnly).
    """

    key: str
    effect: str
    value: str = ""


@dataclass(frozen=True)
class NodeGroupSettings:
    """One EKS managed node group.

    name: 2-20 lowercase letters, digits, '-'; the group's Terraform name is
        sparki-<env>-<name>. Every cluster has a "system" group (SYSTEM_NODE_GROUP).
    instance_types: EC2 types, e.g. ("m6i.large",); spot groups list at least two, so that one
        capacity pool running dry does not empty the group.
    min_size / desired_size / max_size: min <= desired <= max; the cluster autoscaler moves
        desired_size afterwards, Terraform only sets it at creation.
    capacity_type: "ON_DEMAND" (default) or "SPOT"; never SPOT for the system group or in
        production.
    ami_type: one of AMI_TYPES; default x86_64. Graviton instance types need the ARM type.
    disk_size_gib: encrypted gp3 root volume; default 50, 20..1000.
    labels / taints: Kubernetes node labels and taints; default none.
    max_unavailable_percent: share of nodes replaced at once during a rolling update;
        default 33, 1..100.
    """

    name: str
    instance_types: tuple[str, ...]
    min_size: int
    desired_size: int
    max_size: int
    capacity_type: str = "ON_DEMAND"
    ami_type: str = "AL2023_x86_64_STANDARD"
    disk_size_gib: int = 50
    labels: Mapping[str, str] = field(default_factory=dict)
    taints: tuple[NodeTaint, ...] = ()
    max_unavailable_percent: int = 33


@dataclass(frozen=True)
class AddonVersions:
    """EKS managed add-on versions, pinned ("v1.20.1-eksbuild.3"): an upgrade is a reviewed
    change. `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>` lists
    the builds for a Kubernetes version. kube-proxy must match the Kubernetes minor version."""

    vpc_cni: str
    coredns: str
    kube_proxy: str
    ebs_csi_driver: str
    pod_identity_agent: str


@dataclass(frozen=True)
class ClusterSettings:
    """The EKS cluster of one environment.

    kubernetes_version: one of KUBERNETES_VERSIONS.
    node_groups: managed node groups; one must be named "system".
    addons: pinned add-on versions for that Kubernetes version.
    admin_role_arns: IAM roles of this account with cluster-admin (AmazonEKSClusterAdminPolicy).
        At least one: the cluster creator gets no implicit access. The role that runs
        Terraform for the Kubernetes platform layer belongs here.
    hosted_zone_ids: Route 53 zones external-dns and cert-manager may change; at least one.
    developer_role_arns: roles with edit rights (AmazonEKSEditPolicy) in app_namespaces only;
        default none.
    auditor_role_arns: read-only roles (AmazonEKSViewPolicy, cluster-wide); default none.
    app_namespaces: application namespaces developers may edit; required with developers.
    public_access_cidrs: public IPv4 ranges (office/VPN egress, /16 or narrower) that may reach
        the API server's public endpoint. Default none: the public endpoint is off and the API is
        reachable only from inside the VPC. Never 0.0.0.0/0; refused in production.
    """

    kubernetes_version: str
    node_groups: tuple[NodeGroupSettings, ...]
    addons: AddonVersions
    admin_role_arns: tuple[str, ...]
    hosted_zone_ids: tuple[str, ...]
    developer_role_arns: tuple[str, ...] = ()
    auditor_role_arns: tuple[str, ...] = ()
    app_namespaces: tuple[str, ...] = ()
    public_access_cidrs: tuple[str, ...] = ()


@dataclass(frozen=True)
class SecretRotation:
    """Rotation of one secret by a rotation Lambda function that already exists.

    AWS rotates a secret it does not own (one we declare) only through a Lambda function that
    knows how to make a new credential; there is no built-in rotation for arbitrary values.
    lambda_arn: the function, in the environment's account and region.
    role: name of the function's execution role; it must read and write the secret.
    days: rotate every this many days; default 30, 1..1000.
    """

    lambda_arn: str
    role: str
    days: int = 30


@dataclass(frozen=True)
class SecretSettings:
    """One Secrets Manager secret, declared by name. The value never appears here: an operator
    (or the service that owns it) puts it into Secrets Manager.

    name: path under sparki-<env>/, e.g. "app/session-signing-key"; lowercase letters, digits,
        '-', '_' and '/' between parts.
    description: what the value is and who puts it there.
    readers: names of IAM roles in the environment's account that may read the value; at least
        one. Every other principal is denied GetSecretValue by the secret's resource policy.
    rotation: a SecretRotation; default None (no rotation: see docs/security.md).
    """

    name: str
    description: str
    readers: tuple[str, ...]
    rotation: SecretRotation | None = None


@dataclass(frozen=True)
class SecuritySettings:
    """The security layer of one environment: secrets, the audit trail, AWS-side scanning.

    secrets: SecretSettings; default none.
    secret_recovery_days: days a deleted secret can still be restored; default 30, 7..30.
    audit_log_retention_days: CloudWatch retention of the CloudTrail log group the CIS alarms
        read; a value CloudWatch accepts; production keeps at least 365.
    audit_archive_after_days: days before trail, Config and access logs move to Glacier;
        default 90, 1..3650.
    audit_expire_after_days: days before they are deleted; default 2557 (7 years); at least
        audit_archive_after_days + 90 (Glacier's minimum billing); production keeps >= 365.
    access_log_expire_after_days: days S3 server access logs of the audit bucket are kept;
        default 365, 1..3650.
    enable_config: AWS Config recorder, delivery channel and the CIS Config rules; default True.
    enable_guardduty: GuardDuty detector with EKS audit log monitoring; default True.
    guardduty_features: protection plans from GUARDDUTY_FEATURES; must include EKS_AUDIT_LOGS.
    enable_security_hub: Security Hub with the CIS AWS Foundations standard; default True;
        needs enable_config (its CIS controls are evaluated by Config).
    enable_access_analyzer: IAM Access Analyzer for the account; default True.
    Production must keep every enable_* switch on.
    """

    secrets: tuple[SecretSettings, ...] = ()
    secret_recovery_days: int = 30
    audit_log_retention_days: int = 365
    audit_archive_after_days: int = 90
    audit_expire_after_days: int = 2557
    access_log_expire_after_days: int = 365
    enable_config: bool = True
    enable_guardduty: bool = True
    guardduty_features: tuple[str, ...] = GUARDDUTY_FEATURES
    enable_security_hub: bool = True
    enable_access_analyzer: bool = True

    @property
    def switches(self) -> dict[str, bool]:
        return {
            "enable_config": self.enable_config,
            "enable_guardduty": self.enable_guardduty,
            "enable_security_hub": self.enable_security_hub,
            "enable_access_analyzer": self.enable_access_analyzer,
        }


@dataclass(frozen=True)
class Environment:
    """Everything the stacks need to know about one environment. Data only."""

    name: str
    account_id: str
    region: str
    azs: tuple[str, ...]
    network: NetworkSettings
    cluster: ClusterSettings
    data: DataSettings
    state: StateSettings = field(default_factory=StateSettings)
    security: SecuritySettings = field(default_factory=SecuritySettings)
    log_retention_days: int = 90
    tags: Mapping[str, str] = field(default_factory=dict)
    dr_region: str | None = None

    def __post_init__(self) -> None:
        # Order matters: later checks rely on earlier ones (e.g. AZs need a valid region).
        if not _NAME.match(self.name or ""):
            raise ConfigError(str(self.name), "name", "must be 2-12 lowercase letters/digits starting with a letter, e.g. 'dev'")
        self._check_account()
        self._check_region()
        self._check_azs()
        self._check_network()
        self._check_cluster()
        self._check_state()
        self.data.validate(self._fail, self.is_production)
        self._check_security()
        self._check_retention("log_retention_days", self.log_retention_days)
        self._check_tags()

    # -- derived ---------------------------------------------------------------------------
    @property
    def is_production(self) -> bool:
        return self.name in PRODUCTION_ENVIRONMENTS

    def resource_name(self, component: str) -> str:
        """The Terraform-visible name of a component: sparki-<env>-<component>."""
        return f"sparki-{self.name}-{component}"

    @property
    def vpc_network(self) -> ipaddress.IPv4Network:
        return ipaddress.IPv4Network(self.network.vpc_cidr)

    # -- rules -----------------------------------------------------------------------------
    def _fail(self, field_name: str, problem: str) -> None:
        raise ConfigError(self.name, field_name, problem)

    def _check_account(self) -> None:
        if not isinstance(self.account_id, str) or not _ACCOUNT.match(self.account_id):
            self._fail("account_id", f"{self.account_id!r} is not an AWS account id; use the 12-digit id as a string, e.g. '123456789012'")

    def _check_region(self) -> None:
        for fname in ("region", "dr_region"):
            value = getattr(self, fname)
            if value is None and fname == "dr_region":
                continue
            if value not in KNOWN_REGIONS:
                self._fail(fname, f"{value!r} is not a known AWS region; use one of {', '.join(sorted(KNOWN_REGIONS))}")
        if self.dr_region == self.region:
            self._fail("dr_region", f"{self.dr_region!r} equals region; the DR region must be a different region")

    def _check_azs(self) -> None:
        azs = tuple(self.azs)
        if len(azs) < 2:
            self._fail("azs", f"{len(azs)} availability zone(s) given; at least 2 are required for high availability, e.g. ('{self.region}a', '{self.region}b')")
        if len(azs) > MAX_AZS:
            self._fail("azs", f"{len(azs)} availability zones given; the subnet plan supports at most {MAX_AZS}")
        if len(set(azs)) != len(azs):
            self._fail("azs", f"{azs} repeats a zone; list each zone once")
        for az in azs:
            if not re.fullmatch(re.escape(self.region) + r"[a-z]", str(az)):
                self._fail("azs", f"{az!r} is not a zone of region {self.region}; use '{self.region}' followed by one letter, e.g. '{self.region}a'")

    def _check_network(self) -> None:
        net = self.network
        try:
            cidr = ipaddress.IPv4Network(net.vpc_cidr, strict=True)
        except (ValueError, TypeError) as exc:
            self._fail("network.vpc_cidr", f"{net.vpc_cidr!r} is not a valid IPv4 network ({exc}); use a block like '10.10.0.0/16' with the host bits zero")
        if not cidr.is_private:
            self._fail("network.vpc_cidr", f"{net.vpc_cidr} is not a private (RFC 1918) range; use 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16")
        if cidr.prefixlen > MAX_VPC_PREFIX:
            self._fail("network.vpc_cidr", f"{net.vpc_cidr} is too small for the public, private and database subnet tiers; use a prefix between /{MIN_VPC_PREFIX} and /{MAX_VPC_PREFIX}")
        if cidr.prefixlen < MIN_VPC_PREFIX:
            self._fail("network.vpc_cidr", f"{net.vpc_cidr} is larger than AWS allows for a VPC; use a prefix between /{MIN_VPC_PREFIX} and /{MAX_VPC_PREFIX}")
        if net.nat_mode not in NAT_MODES:
            self._fail("network.nat_mode", f"{net.nat_mode!r} is not a NAT mode; use one of {', '.join(NAT_MODES)}")
        if self.is_production and net.nat_mode != "per_az":
            self._fail("network.nat_mode", f"{net.nat_mode!r} is not allowed in production: one NAT gateway is a single point of failure; use 'per_az'")
        unknown = [e for e in net.interface_endpoints if e not in INTERFACE_ENDPOINTS]
        if unknown:
            self._fail("network.interface_endpoints", f"unknown endpoint(s) {unknown}; use a subset of {', '.join(INTERFACE_ENDPOINTS)}")
        if len(set(net.interface_endpoints)) != len(net.interface_endpoints):
            self._fail("network.interface_endpoints", "lists an endpoint twice; list each once")
        self._check_retention("network.flow_log_retention_days", net.flow_log_retention_days)

    def _check_cluster(self) -> None:
        cl = self.cluster
        if cl.kubernetes_version not in KUBERNETES_VERSIONS:
            self._fail("cluster.kubernetes_version", f"{cl.kubernetes_version!r} is not a Kubernetes version in EKS standard support here; use one of {', '.join(KUBERNETES_VERSIONS)}")
        self._check_public_access(cl.public_access_cidrs)
        self._check_node_groups(cl.node_groups)
        self._check_addons(cl.addons, cl.kubernetes_version)
        self._check_access(cl)
        if not cl.hosted_zone_ids:
            self._fail("cluster.hosted_zone_ids", "is empty; list the Route 53 zone(s) external-dns and cert-manager manage, e.g. ('Z0123456789ABCDEFGHIJ',)")
        for zone in cl.hosted_zone_ids:
            if not _HOSTED_ZONE_ID.match(str(zone)):
                self._fail("cluster.hosted_zone_ids", f"{zone!r} is not a Route 53 hosted zone id; use the id without '/hostedzone/', e.g. 'Z0123456789ABCDEFGHIJ'")
        if len(set(cl.hosted_zone_ids)) != len(cl.hosted_zone_ids):
            self._fail("cluster.hosted_zone_ids", "lists a zone twice; list each once")

    def _check_public_access(self, cidrs: tuple[str, ...]) -> None:
        fname = "cluster.public_access_cidrs"
        if cidrs and self.is_production:
            self._fail(fname, f"{list(cidrs)} is not allowed in production: the API server stays private; reach it from inside the VPC and leave the list empty")
        for cidr in cidrs:
            if str(cidr).strip() in ("0.0.0.0/0", "::/0"):
                self._fail(fname, f"{cidr} opens the API server to the whole internet; list office/VPN egress ranges (/{MIN_PUBLIC_CIDR_PREFIX} or narrower), or none to keep the endpoint private")
            try:
                net = ipaddress.IPv4Network(cidr, strict=True)
            except (ValueError, TypeError) as exc:
                self._fail(fname, f"{cidr!r} is not a valid IPv4 network ({exc}); use a public block like 'a.b.c.0/24' with the host bits zero")
            if net.prefixlen < MIN_PUBLIC_CIDR_PREFIX:
                self._fail(fname, f"{cidr} is wider than /{MIN_PUBLIC_CIDR_PREFIX}; list office/VPN egress ranges of /{MIN_PUBLIC_CIDR_PREFIX} or narrower")
            if not net.is_global:
                self._fail(fname, f"{cidr} is not a public range; the public endpoint only sees public addresses, and private ones already reach the private endpoint")

    def _check_node_groups(self, groups: tuple[NodeGroupSettings, ...]) -> None:
        names = [g.name for g in groups]
        if SYSTEM_NODE_GROUP not in names:
            self._fail("cluster.node_groups", f"{names} has no '{SYSTEM_NODE_GROUP}' group; add one: it runs CoreDNS and the other cluster-critical add-ons")
        if len(set(names)) != len(names):
            self._fail("cluster.node_groups", f"{names} repeats a name; name each group once")
        for group in groups:
            self._check_node_group(group)

    def _check_node_group(self, g: NodeGroupSettings) -> None:
        if not _NODE_GROUP_NAME.match(str(g.name)):
            self._fail("cluster.node_groups", f"name {g.name!r} is invalid; use 2-20 lowercase letters, digits and '-', starting with a letter")
        f = f"cluster.node_groups[{g.name}]"
        if not g.instance_types:
            self._fail(f"{f}.instance_types", "is empty; list at least one EC2 instance type, e.g. ('m6i.large',)")
        for itype in g.instance_types:
            if not _INSTANCE_TYPE.match(str(itype)):
                self._fail(f"{f}.instance_types", f"{itype!r} is not an EC2 instance type; use family.size, e.g. 'm6i.large' or 'm7g.2xlarge'")
        if len(set(g.instance_types)) != len(g.instance_types):
            self._fail(f"{f}.instance_types", "lists a type twice; list each once")
        if g.ami_type not in AMI_TYPES:
            self._fail(f"{f}.ami_type", f"{g.ami_type!r} is not supported; use one of {', '.join(AMI_TYPES)}")
        wanted = "AL2023_ARM_64_STANDARD"
        for itype in g.instance_types:
            is_arm = bool(_ARM_FAMILY.match(itype))
            if is_arm != (g.ami_type == wanted):
                arch = "Graviton (arm64)" if is_arm else "x86_64"
                self._fail(f"{f}.instance_types", f"{itype!r} is {arch} but ami_type is {g.ami_type}; one group holds one architecture, pick types and ami_type that match")
        if g.capacity_type not in CAPACITY_TYPES:
            self._fail(f"{f}.capacity_type", f"{g.capacity_type!r} is not a capacity type; use one of {', '.join(CAPACITY_TYPES)}")
        if g.capacity_type == "SPOT":
            if self.is_production:
                self._fail(f"{f}.capacity_type", "SPOT is not allowed in production: interruptions would take capacity at random; use ON_DEMAND")
            if g.name == SYSTEM_NODE_GROUP:
                self._fail(f"{f}.capacity_type", f"SPOT is not allowed for the '{SYSTEM_NODE_GROUP}' group: it runs cluster-critical add-ons; use ON_DEMAND")
            if len(g.instance_types) < 2:
                self._fail(f"{f}.instance_types", "a SPOT group needs at least two instance types, so that one capacity pool running dry does not empty it")
        if g.min_size < 0 or g.max_size < 1:
            self._fail(f"{f}.max_size", f"min_size={g.min_size}, max_size={g.max_size}: min_size must be >= 0 and max_size >= 1")
        if not g.min_size <= g.desired_size <= g.max_size:
            self._fail(f"{f}.desired_size", f"min_size={g.min_size}, desired_size={g.desired_size}, max_size={g.max_size}: need min_size <= desired_size <= max_size")
        if not 20 <= g.disk_size_gib <= 1000:
            self._fail(f"{f}.disk_size_gib", f"{g.disk_size_gib} is out of range; use 20..1000 GiB")
        if not 1 <= g.max_unavailable_percent <= 100:
            self._fail(f"{f}.max_unavailable_percent", f"{g.max_unavailable_percent} is out of range; use 1..100")
        for key, value in g.labels.items():
            self._check_label_key(f"{f}.labels", key)
            if not isinstance(value, str) or not _LABEL_VALUE.match(value):
                self._fail(f"{f}.labels", f"value {value!r} of {key!r} is not a Kubernetes label value; use at most 63 letters, digits, '-', '_', '.'")
        for taint in g.taints:
            self._check_label_key(f"{f}.taints", taint.key)
            if taint.effect not in TAINT_EFFECTS:
                self._fail(f"{f}.taints", f"effect {taint.effect!r} of {taint.key!r} is unknown; use one of {', '.join(TAINT_EFFECTS)}")
            if not _LABEL_VALUE.match(str(taint.value)):
                self._fail(f"{f}.taints", f"value {taint.value!r} of {taint.key!r} is not a valid taint value; use at most 63 letters, digits, '-', '_', '.'")

    def _check_label_key(self, fname: str, key: str) -> None:
        prefix, _, name = str(key).rpartition("/")
        if not _LABEL_NAME.match(name) or (prefix and not _LABEL_PREFIX.match(prefix)):
            self._fail(fname, f"{key!r} is not a Kubernetes label key; use [prefix/]name, name up to 63 letters, digits, '-', '_', '.'")
        if any(str(key).startswith(p) or f".{p}" in str(key) for p in RESERVED_LABEL_PREFIXES):
            self._fail(fname, f"{key!r} uses a prefix reserved by Kubernetes/EKS ({', '.join(RESERVED_LABEL_PREFIXES)}); use your own, e.g. 'sparki.io/'")

    def _check_addons(self, addons: AddonVersions, k8s_version: str) -> None:
        for fname, version in vars(addons).items():
            if not _ADDON_VERSION.match(str(version)):
                self._fail(f"cluster.addons.{fname}", f"{version!r} is not a pinned EKS add-on version; use the exact build, e.g. 'v1.20.1-eksbuild.3'")
        major, minor = _ADDON_VERSION.match(addons.kube_proxy).groups()
        if f"{major}.{minor}" != k8s_version:
            self._fail("cluster.addons.kube_proxy", f"{addons.kube_proxy} is for Kubernetes {major}.{minor}, not {k8s_version}; use a v{k8s_version}.x-eksbuild.N build")

    def _check_access(self, cl: ClusterSettings) -> None:
        groups = {"cluster.admin_role_arns": cl.admin_role_arns, "cluster.developer_role_arns": cl.developer_role_arns, "cluster.auditor_role_arns": cl.auditor_role_arns}
        if not cl.admin_role_arns:
            self._fail("cluster.admin_role_arns", "is empty; the cluster creator gets no implicit access, so list at least one admin role")
        seen: dict[str, str] = {}
        for fname, arns in groups.items():
            for arn in arns:
                match = _ROLE_ARN.match(str(arn))
                if not match:
                    self._fail(fname, f"{arn!r} is not an IAM role ARN; use 'arn:aws:iam::<account>:role/<name>'")
                if match.group(1) != self.account_id:
                    self._fail(fname, f"{arn} is in account {match.group(1)}, not {self.account_id}; access entries map roles of the cluster's own account")
                if arn in seen:
                    self._fail(fname, f"{arn} is also in {seen[arn]}; a role gets one access entry, put it in one list")
                seen[arn] = fname
        for ns in cl.app_namespaces:
            if not _DNS_LABEL.match(str(ns)):
                self._fail("cluster.app_namespaces", f"{ns!r} is not a Kubernetes namespace name; use up to 63 lowercase letters, digits and '-'")
            if ns in RESERVED_NAMESPACES or str(ns).startswith("kube-"):
                self._fail("cluster.app_namespaces", f"{ns!r} is a system or platform namespace; developers edit application namespaces only")
        if len(set(cl.app_namespaces)) != len(cl.app_namespaces):
            self._fail("cluster.app_namespaces", "lists a namespace twice; list each once")
        if cl.developer_role_arns and not cl.app_namespaces:
            self._fail("cluster.app_namespaces", "is empty but developer_role_arns is not; list the namespaces developers may edit")

    def _check_state(self) -> None:
        st = self.state
        if not 1 <= st.noncurrent_version_days <= 3650:
            self._fail("state.noncurrent_version_days", f"{st.noncurrent_version_days} is out of range; use 1..3650 days")
        if not 7 <= st.kms_deletion_window_days <= 30:
            self._fail("state.kms_deletion_window_days", f"{st.kms_deletion_window_days} is out of range; AWS accepts 7..30 days")
        if self.is_production and st.force_destroy:
            self._fail("state.force_destroy", "True is not allowed in production: it lets destroy delete every state version; set False")

    def _check_security(self) -> None:
        sec = self.security
        names = [secret.name for secret in sec.secrets]
        for index, secret in enumerate(sec.secrets):
            where = f"security.secrets[{index}]"
            if not isinstance(secret.name, str) or not _SECRET_NAME.match(secret.name) or len(secret.name) > 200:
                self._fail(f"{where}.name", f"{secret.name!r} is not a secret name; use lowercase letters, digits, '-' and '_', parts separated by '/', e.g. 'app/session-signing-key'")
            if names.count(secret.name) > 1:
                self._fail(f"{where}.name", f"{secret.name!r} is declared twice; declare each secret once")
            if not secret.description.strip():
                self._fail(f"{where}.description", "is empty; say what the value is and who puts it there")
            if not secret.readers:
                self._fail(f"{where}.readers", "is empty; name at least one IAM role of this account that reads the secret")
            for role in secret.readers:
                self._check_role(f"{where}.readers", role)
            if secret.rotation is not None:
                self._check_rotation(f"{where}.rotation", secret.rotation)
        if not 7 <= sec.secret_recovery_days <= 30:
            self._fail("security.secret_recovery_days", f"{sec.secret_recovery_days} is out of range; Secrets Manager accepts 7..30 days")
        self._check_retention("security.audit_log_retention_days", sec.audit_log_retention_days)
        if self.is_production and sec.audit_log_retention_days < 365:
            self._fail("security.audit_log_retention_days", f"{sec.audit_log_retention_days} is too short for production: audit logs stay searchable for at least 365 days")
        for fname in ("audit_archive_after_days", "audit_expire_after_days", "access_log_expire_after_days"):
            days = getattr(sec, fname)
            if not 1 <= days <= 3650:
                self._fail(f"security.{fname}", f"{days} is out of range; use 1..3650 days")
        if sec.audit_expire_after_days < sec.audit_archive_after_days + GLACIER_MINIMUM_DAYS:
            self._fail(
                "security.audit_expire_after_days",
                f"{sec.audit_expire_after_days} expires logs less than {GLACIER_MINIMUM_DAYS} days after they are archived on day {sec.audit_archive_after_days}; "
                f"Glacier bills {GLACIER_MINIMUM_DAYS} days anyway: use at least {sec.audit_archive_after_days + GLACIER_MINIMUM_DAYS}",
            )
        if self.is_production and sec.audit_expire_after_days < 365:
            self._fail("security.audit_expire_after_days", f"{sec.audit_expire_after_days} is too short for production: keep audit logs at least 365 days")
        unknown = [f for f in sec.guardduty_features if f not in GUARDDUTY_FEATURES]
        if unknown:
            self._fail("security.guardduty_features", f"unknown feature(s) {unknown}; use a subset of {', '.join(GUARDDUTY_FEATURES)}")
        if len(set(sec.guardduty_features)) != len(sec.guardduty_features):
            self._fail("security.guardduty_features", "lists a feature twice; list each once")
        if sec.enable_guardduty and "EKS_AUDIT_LOGS" not in sec.guardduty_features:
            self._fail("security.guardduty_features", "must include EKS_AUDIT_LOGS: the cluster's audit log is what GuardDuty watches for Kubernetes threats")
        if sec.enable_security_hub and not sec.enable_config:
            self._fail("security.enable_security_hub", "True needs enable_config=True: Security Hub's CIS controls are evaluated by AWS Config; turn both on or both off")
        if self.is_production:
            for switch, on in sec.switches.items():
                if not on:
                    self._fail(f"security.{switch}", "False is not allowed in production: every AWS-side security scan stays on; set True")

    def _check_role(self, field_name: str, role: str) -> None:
        if not isinstance(role, str) or not _ROLE_NAME.match(role):
            self._fail(field_name, f"{role!r} is not an IAM role name; give the name of a role in account {self.account_id}, e.g. 'sparki-{self.name}-app-api' (not an ARN)")

    def _check_rotation(self, field_name: str, rotation: SecretRotation) -> None:
        prefix = f"arn:aws:lambda:{self.region}:{self.account_id}:function:"
        if not isinstance(rotation.lambda_arn, str) or not re.fullmatch(re.escape(prefix) + r"[\w\-]{1,64}", rotation.lambda_arn):
            self._fail(f"{field_name}.lambda_arn", f"{rotation.lambda_arn!r} is not a Lambda function of this environment; use '{prefix}<function-name>'")
        self._check_role(f"{field_name}.role", rotation.role)
        if not 1 <= rotation.days <= 1000:
            self._fail(f"{field_name}.days", f"{rotation.days} is out of range; Secrets Manager rotates every 1..1000 days")

    def _check_retention(self, field_name: str, days: int) -> None:
        if days not in LOG_RETENTION_DAYS:
            self._fail(field_name, f"{days} is not a CloudWatch retention value; use one of {', '.join(map(str, LOG_RETENTION_DAYS))}")

    def _check_tags(self) -> None:
        for key, value in self.tags.items():
            if key in RESERVED_TAGS:
                self._fail("tags", f"{key!r} is set by the stacks themselves; remove it (reserved: {', '.join(sorted(RESERVED_TAGS))})")
            if not _TAG_KEY.match(str(key)) or key.lower().startswith("aws:"):
                self._fail("tags", f"{key!r} is not a valid tag key; use 1-128 letters, digits, spaces and _.:/=+-@, not starting with 'aws:'")
            if not isinstance(value, str) or len(value) > 256:
                self._fail("tags", f"value of {key!r} must be a string of at most 256 characters")
        missing = [key for key in ENVIRONMENT_TAGS if not str(self.tags.get(key, "")).strip()]
        if missing:
            self._fail("tags", f"{', '.join(missing)} missing; every environment names its {' and '.join(ENVIRONMENT_TAGS)} (the policy pack requires them on every resource)")


def check_disjoint(environments: Mapping[str, Environment]) -> None:
    """Cross-environment rules: names match their keys, VPC CIDRs never overlap."""
    seen: list[Environment] = []
    for key, env in environments.items():
        if key != env.name:
            raise ConfigError(key, "name", f"registered as {key!r} but named {env.name!r}; make them equal")
        for other in seen:
            if env.vpc_network.overlaps(other.vpc_network):
                raise ConfigError(
                    env.name, "network.vpc_cidr",
                    f"{env.network.vpc_cidr} overlaps {other.name}'s {other.network.vpc_cidr}; environments must be peerable, pick a disjoint block",
                )
        seen.append(env)
