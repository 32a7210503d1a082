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
_NAME = re.compile(r"^[a-z][a-z0-9]{1,11}$")
_ACCOUNT = re.compile(r"^\d{12}$")
_TAG_KEY = re.compile(r"^[\w .:/=+\-@]{1,128}$")
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
        self._check_state()
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
