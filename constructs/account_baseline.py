"""Account-wide settings the CIS benchmark asks for, which belong to no single resource."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.accessanalyzer_analyzer import AccessanalyzerAnalyzer
from cdktf_cdktf_provider_aws.account_alternate_contact import AccountAlternateContact
from cdktf_cdktf_provider_aws.ebs_default_kms_key import EbsDefaultKmsKey
from cdktf_cdktf_provider_aws.ebs_encryption_by_default import EbsEncryptionByDefault
from cdktf_cdktf_provider_aws.iam_account_password_policy import IamAccountPasswordPolicy
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.s3_account_public_access_block import S3AccountPublicAccessBlock

from catalog.aws import CONTACT_EMAIL, CONTACT_LIMITS, CONTACT_PHONE
from constructs import Construct

# AWS's managed policy for opening and reading support cases (CIS 1.17).
SUPPORT_POLICY_ARN = "arn:aws:iam::aws:policy/AWSSupportAccess"
_ROLE_ARN = re.compile(r"^arn:aws:iam::(\d{12}):role/[\w+=,.@\-/]+$")


@dataclass(frozen=True)
class SecurityContact:
    """The account's SECURITY alternate contact (CIS 1.2): who AWS tells about abuse and
    security notices. Not secret; limits from catalog.aws.CONTACT_LIMITS."""

    name: str
    title: str
    email: str
    phone: str

    def __post_init__(self) -> None:
        for field_name, limit in CONTACT_LIMITS.items():
            value = getattr(self, field_name)
            if not value.strip() or len(value) > limit:
                raise ValueError(f"security_contact.{field_name}={value!r}: must be 1..{limit} characters")
        if not CONTACT_EMAIL.match(self.email):
            raise ValueError(f"security_contact.email={self.email!r}: not an email address")
        if not CONTACT_PHONE.match(self.phone):
            raise ValueError(f"security_contact.phone={self.phone!r}: use digits, spaces, '+', '-', '(' and ')', e.g. '+1 206 555 0100'")


@dataclass(frozen=True)
class AccountBaselineProps:
    """Settings for the account baseline.

    name: prefix of names, e.g. "sparki-dev".
    ebs_key_arn: the key every new EBS volume is encrypted with by default (the data key).
    access_analyzer: create an IAM Access Analyzer for the account; default True.
    security_contact: the SECURITY alternate contact; default None: left as it is.
    support_principal_arn: the IAM role allowed to assume "<name>-support" (AWSSupportAccess);
        default None: no support role. A role of the account, named in full: no wildcard.
    """

    name: str
    ebs_key_arn: str
    access_analyzer: bool = True
    security_contact: SecurityContact | None = None
    support_principal_arn: str | None = None

    def __post_init__(self) -> None:
        if self.support_principal_arn is not None and not _ROLE_ARN.match(self.support_principal_arn):
            raise ValueError(f"support_principal_arn={self.support_principal_arn!r}: give one IAM role ARN, arn:aws:iam::<account>:role/<name>, without wildcards")


def support_trust_policy(principal_arn: str) -> str:
    """Only the named role may assume the support role."""
    statement = {"Sid": "NamedRoleAssumes", "Effect": "Allow", "Principal": {"AWS": principal_arn}, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


class AccountBaseline(Construct):
    """CIS 1.8/1.9 password policy, 2.1.4 account-level S3 public access block, 2.2.1 EBS
    encryption by default (with the given key), and where asked: 1.20 IAM Access Analyzer,
    1.2 the security contact, 1.17 a support role. support_role_arn is exported (or None)."""

    def __init__(self, scope: Construct, id: str, props: AccountBaselineProps) -> None:
        super().__init__(scope, id)
        IamAccountPasswordPolicy(
            self,
            "password_policy",
            minimum_password_length=14,
            password_reuse_prevention=24,
            require_lowercase_characters=True,
            require_uppercase_characters=True,
            require_numbers=True,
            require_symbols=True,
            max_password_age=90,
            allow_users_to_change_password=True,
        )
        S3AccountPublicAccessBlock(
            self,
            "s3_public_access_block",
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )
        EbsEncryptionByDefault(self, "ebs_encryption", enabled=True)
        EbsDefaultKmsKey(self, "ebs_default_key", key_arn=props.ebs_key_arn)
        self.access_analyzer_arn: str | None = None
        if props.access_analyzer:
            analyzer = AccessanalyzerAnalyzer(
                self,
                "access_analyzer",
                analyzer_name=f"{props.name}-account",
                type="ACCOUNT",
                tags={"Name": f"{props.name}-account"},
            )
            self.access_analyzer_arn = analyzer.arn
        if props.security_contact:
            contact = props.security_contact
            AccountAlternateContact(
                self,
                "security_contact",
                alternate_contact_type="SECURITY",
                name=contact.name,
                title=contact.title,
                email_address=contact.email,
                phone_number=contact.phone,
            )
        self.support_role_arn: str | None = None
        if props.support_principal_arn:
            role = IamRole(
                self,
                "support_role",
                name=f"{props.name}-support",
                description="Opens and reads AWS Support cases (CIS 1.17)",
                assume_role_policy=support_trust_policy(props.support_principal_arn),
                max_session_duration=3600,
                tags={"Name": f"{props.name}-support"},
            )
            IamRolePolicyAttachment(self, "support_access", role=role.name, policy_arn=SUPPORT_POLICY_ARN)
            self.support_role_arn = role.arn
