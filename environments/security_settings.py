"""Settings of the security layer: secrets, the audit trail and the AWS-side scanners."""
from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, field_validator, model_validator

from catalog.aws import (
    CONTACT_EMAIL,
    CONTACT_LIMITS,
    CONTACT_PHONE,
    FINDING_SEVERITIES,
    GUARDDUTY_FEATURES,
    SECURITY_HUB_DEFAULT_STANDARDS,
    SECURITY_HUB_STANDARDS,
)
from environments.model import (
    LifecycleDays,
    Model,
    Problem,
    Retention,
    check_named_once,
    each,
    fail,
    in_range,
    matching,
    one_of,
    rule,
    subset_of,
)

# Where GuardDuty is on, it watches the cluster's audit log and what runs in its containers.
GUARDDUTY_REQUIRED = ("EKS_AUDIT_LOGS", "RUNTIME_MONITORING")
# Production runs both: resource-level controls (FSBP) and the current CIS benchmark.
PRODUCTION_STANDARDS = SECURITY_HUB_DEFAULT_STANDARDS
# Production is told about HIGH findings at least; CRITICAL-only would hide most of them.
PRODUCTION_MAX_THRESHOLD = "HIGH"
# Glacier Flexible Retrieval bills at least 90 days per object: expiring earlier costs the same.
GLACIER_MINIMUM_DAYS = 90
_SECRET_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]*(/[a-z0-9][a-z0-9_\-]*)*$")
_ROLE_NAME = re.compile(r"^[\w+=,.@\-]{1,64}$")
_FUNCTION_NAME = re.compile(r"^[\w\-]{1,64}$")


def check_role_name(field_name: str, role: str) -> None:
    if not _ROLE_NAME.match(role):
        fail(field_name, f"{role!r} is not an IAM role name; give the name of a role in this environment's account, e.g. 'sparki-dev-app-api' (not an ARN)")


RoleName = Annotated[str, rule(lambda role: check_role_name("", role))]


def _contact_length(field_name: str) -> AfterValidator:
    limit = CONTACT_LIMITS[field_name]

    def check(value: str) -> None:
        if not value.strip() or len(value) > limit:
            fail("", f"{value!r} must be 1..{limit} characters (AWS PutAlternateContact's limit)")

    return rule(check)


def _eks_runtime_hint(unknown: list[str]) -> str:
    return " (RUNTIME_MONITORING supersedes EKS_RUNTIME_MONITORING)" if "EKS_RUNTIME_MONITORING" in unknown else ""


class SecretRotation(Model):
    """Rotation of one secret by a rotation Lambda function that already exists.

    AWS rotates a secret it does not own (one we declare) only through a Lambda function that
    knows how to make a new credential; there is no built-in rotation for arbitrary values.
    lambda_arn: the function, in the environment's account and region.
    role: name of the function's execution role; it must read and write the secret.
    days: rotate every this many days; default 30, 1..1000.
    """

    lambda_arn: str
    role: RoleName
    days: Annotated[int, in_range(1, 1000, "days", "Secrets Manager rotates every")] = 30

    def check_in(self, region: str, account_id: str) -> None:
        prefix = f"arn:aws:lambda:{region}:{account_id}:function:"
        name = self.lambda_arn.removeprefix(prefix)
        if name == self.lambda_arn or not _FUNCTION_NAME.match(name):
            fail("lambda_arn", f"{self.lambda_arn!r} is not a Lambda function of this environment; use '{prefix}<function-name>'")


class SecretSettings(Model):
    """One Secrets Manager secret, declared by name. The value never appears here: an operator
    (or the service that owns it) puts it into Secrets Manager.

    name: path under sparki-<env>/, e.g. "app/session-signing-key"; lowercase letters, digits,
        '-', '_' and '/' between parts.
    description: what the value is and who puts it there.
    readers: names of IAM roles in the environment's account that may read the value; at least
        one. Every other principal is denied GetSecretValue by the secret's resource policy.
    rotation: a SecretRotation; default none (no rotation: see docs/security.md).
    """

    name: str
    description: str
    readers: Annotated[tuple[str, ...], each(check_role_name, unique="a role", empty="is empty; name at least one IAM role of this account that reads the secret")]
    rotation: SecretRotation | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not _SECRET_NAME.match(name) or len(name) > 200:
            fail("", f"{name!r} is not a secret name; use lowercase letters, digits, '-' and '_', parts separated by '/', e.g. 'app/session-signing-key'")
        return name

    @field_validator("description")
    @classmethod
    def _description(cls, text: str) -> str:
        if not text.strip():
            fail("", "is empty; say what the value is and who puts it there")
        return text


class SecurityContactSettings(Model):
    """The account's SECURITY alternate contact (CIS 1.2): where AWS sends security notices.
    Not secret. name 1..64, title 1..50, email 1..254 characters, phone 1..25 of digits,
    spaces, '+', '-', '(' and ')'. Use a team mailbox and an on-call number, not a person's."""

    name: Annotated[str, _contact_length("name")]
    title: Annotated[str, _contact_length("title")]
    email: Annotated[str, _contact_length("email"), matching(CONTACT_EMAIL, "is not an email address; give a team mailbox, e.g. 'security@example.com'")]
    phone: Annotated[str, _contact_length("phone"), matching(CONTACT_PHONE, "is not a phone number AWS accepts; use digits, spaces, '+', '-', '(' and ')', e.g. '+1 206 555 0100'")]


class SecuritySettings(Model):
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
    enable_config: AWS Config recorder, delivery channel and the CIS Config rules; default true.
    enable_guardduty: GuardDuty detector; default true.
    guardduty_features: protection plans from catalog.aws.GUARDDUTY_FEATURES; must include
        EKS_AUDIT_LOGS and RUNTIME_MONITORING (EKS runtime monitoring, agent managed by GuardDuty).
    enable_security_hub: Security Hub; default true; needs enable_config (its controls are
        evaluated by Config).
    security_hub_standards: short names from catalog.aws.SECURITY_HUB_STANDARDS; default
        AWS Foundational Security Best Practices and CIS v5.0.0 (production runs both).
    finding_severity_threshold: the lowest severity (catalog.aws.FINDING_SEVERITIES) of
        GuardDuty and Security Hub findings sent to the alarm topic; default "HIGH"; production
        at most "HIGH". Config sends every change to NON_COMPLIANT.
    enable_access_analyzer: IAM Access Analyzer for the account; default true.
    security_contact: SecurityContactSettings; default none (the contact is left as it is);
        production must give it.
    support_role_assumed_by: name of the IAM role of this account that may assume
        sparki-<env>-support (AWSSupportAccess, CIS 1.17); default none: no support role;
        production must name one.
    Production must keep every enable_* switch on.
    """

    secrets: tuple[SecretSettings, ...] = ()
    secret_recovery_days: Annotated[int, in_range(7, 30, "days", "Secrets Manager accepts")] = 30
    audit_log_retention_days: Retention = 365
    audit_archive_after_days: LifecycleDays = 90
    audit_expire_after_days: LifecycleDays = 2557
    access_log_expire_after_days: LifecycleDays = 365
    enable_config: bool = True
    enable_guardduty: bool = True
    guardduty_features: Annotated[tuple[str, ...], subset_of(GUARDDUTY_FEATURES, "feature", _eks_runtime_hint)] = GUARDDUTY_FEATURES
    enable_security_hub: bool = True
    security_hub_standards: Annotated[tuple[str, ...], subset_of(SECURITY_HUB_STANDARDS, "standard")] = SECURITY_HUB_DEFAULT_STANDARDS
    finding_severity_threshold: Annotated[str, one_of(FINDING_SEVERITIES, "a finding severity")] = "HIGH"
    enable_access_analyzer: bool = True
    security_contact: SecurityContactSettings | None = None
    support_role_assumed_by: RoleName | None = None

    @field_validator("secrets")
    @classmethod
    def _secrets(cls, secrets: tuple[SecretSettings, ...]) -> tuple[SecretSettings, ...]:
        check_named_once([s.name for s in secrets], lambda name, first: f"{name!r} is declared twice; declare each secret once")
        return secrets

    @model_validator(mode="after")
    def _together(self) -> SecuritySettings:
        archive, expire = self.audit_archive_after_days, self.audit_expire_after_days
        if expire < archive + GLACIER_MINIMUM_DAYS:
            fail(
                "audit_expire_after_days",
                f"{expire} expires logs less than {GLACIER_MINIMUM_DAYS} days after they are archived on day {archive}; "
                f"Glacier bills {GLACIER_MINIMUM_DAYS} days anyway: use at least {archive + GLACIER_MINIMUM_DAYS}",
            )
        if self.enable_guardduty and "EKS_AUDIT_LOGS" not in self.guardduty_features:
            fail("guardduty_features", "must include EKS_AUDIT_LOGS: the cluster's audit log is what GuardDuty watches for Kubernetes threats")
        if self.enable_guardduty and "RUNTIME_MONITORING" not in self.guardduty_features:
            fail("guardduty_features", "must include RUNTIME_MONITORING: the audit log shows API calls, runtime monitoring what runs in the containers")
        if self.enable_security_hub and not self.security_hub_standards:
            fail("security_hub_standards", f"is empty while Security Hub is on; name at least one of {', '.join(SECURITY_HUB_STANDARDS)}")
        if self.enable_security_hub and not self.enable_config:
            fail("enable_security_hub", "true needs enable_config = true: Security Hub's CIS controls are evaluated by AWS Config; turn both on or both off")
        return self

    @property
    def switches(self) -> dict[str, bool]:
        return {
            "enable_config": self.enable_config,
            "enable_guardduty": self.enable_guardduty,
            "enable_security_hub": self.enable_security_hub,
            "enable_access_analyzer": self.enable_access_analyzer,
        }

    def check_in(self, production: bool, region: str, account_id: str) -> None:
        for index, secret in enumerate(self.secrets):
            if secret.rotation is not None:
                try:
                    secret.rotation.check_in(region, account_id)
                except Problem as problem:
                    fail(f"secrets[{index}].rotation.{problem.field}", problem.problem)
        if not production:
            return
        if self.audit_log_retention_days < 365:
            fail("audit_log_retention_days", f"{self.audit_log_retention_days} is too short for production: audit logs stay searchable for at least 365 days")
        if self.audit_expire_after_days < 365:
            fail("audit_expire_after_days", f"{self.audit_expire_after_days} is too short for production: keep audit logs at least 365 days")
        for switch, on in self.switches.items():
            if not on:
                fail(switch, "false is not allowed in production: every AWS-side security scan stays on; set true")
        missing = [s for s in PRODUCTION_STANDARDS if s not in self.security_hub_standards]
        if missing:
            fail("security_hub_standards", f"production must run {', '.join(PRODUCTION_STANDARDS)}; add {', '.join(missing)}")
        if FINDING_SEVERITIES.index(self.finding_severity_threshold) > FINDING_SEVERITIES.index(PRODUCTION_MAX_THRESHOLD):
            fail("finding_severity_threshold", f"{self.finding_severity_threshold!r} hides HIGH findings in production; use {PRODUCTION_MAX_THRESHOLD!r} or lower")
        if self.security_contact is None:
            fail("security_contact", "is required in production (CIS 1.2): add [security.security_contact] with name, title, email and phone")
        if self.support_role_assumed_by is None:
            fail("support_role_assumed_by", "is required in production (CIS 1.17): name the role that opens AWS Support cases, e.g. 'sparki-platform-admin'")
