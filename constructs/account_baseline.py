"""Account-wide settings the CIS benchmark asks for, which belong to no single resource."""
from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.accessanalyzer_analyzer import AccessanalyzerAnalyzer
from cdktf_cdktf_provider_aws.ebs_default_kms_key import EbsDefaultKmsKey
from cdktf_cdktf_provider_aws.ebs_encryption_by_default import EbsEncryptionByDefault
from cdktf_cdktf_provider_aws.iam_account_password_policy import IamAccountPasswordPolicy
from cdktf_cdktf_provider_aws.s3_account_public_access_block import S3AccountPublicAccessBlock

from constructs import Construct


@dataclass(frozen=True)
class AccountBaselineProps:
    """Settings for the account baseline.

    name: prefix of names, e.g. "sparki-dev".
    ebs_key_arn: the key every new EBS volume is encrypted with by default (the data key).
    access_analyzer: create an IAM Access Analyzer for the account; default True.
    """

    name: str
    ebs_key_arn: str
    access_analyzer: bool = True


class AccountBaseline(Construct):
    """CIS 1.8/1.9 password policy, 2.1.4 account-level S3 public access block, 2.2.1 EBS
    encryption by default (with the given key), and 1.20 IAM Access Analyzer where asked."""

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
