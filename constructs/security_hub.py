"""Security Hub for the account, subscribed to the CIS AWS Foundations Benchmark."""
from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.securityhub_account import SecurityhubAccount
from cdktf_cdktf_provider_aws.securityhub_standards_subscription import SecurityhubStandardsSubscription

from constructs import Construct

CIS_VERSIONS = ("1.2.0", "1.4.0", "3.0.0")


def cis_standard_arn(region: str, version: str) -> str:
    # CIS 1.2.0 predates the regional standards ARNs and is addressed as a ruleset.
    if version == "1.2.0":
        return "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
    return f"arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/{version}"


@dataclass(frozen=True)
class SecurityHubProps:
    """Settings for Security Hub.

    region: the account's home region.
    cis_version: the CIS AWS Foundations Benchmark version; default "3.0.0".
    """

    region: str
    cis_version: str = "3.0.0"

    def __post_init__(self) -> None:
        if self.cis_version not in CIS_VERSIONS:
            raise ValueError(f"cis_version={self.cis_version!r}: Security Hub offers {', '.join(CIS_VERSIONS)}")


class SecurityHub(Construct):
    """Security Hub with only the CIS standard (no default standards, so nothing is enabled by
    accident), consolidated control findings, and new controls of the standard turned on."""

    def __init__(self, scope: Construct, id: str, props: SecurityHubProps) -> None:
        super().__init__(scope, id)
        account = SecurityhubAccount(
            self,
            "account",
            enable_default_standards=False,
            auto_enable_controls=True,
            control_finding_generator="SECURITY_CONTROL",
        )
        SecurityhubStandardsSubscription(
            self,
            "cis",
            standards_arn=cis_standard_arn(props.region, props.cis_version),
            depends_on=[account],
        )
        self.standards_arn = cis_standard_arn(props.region, props.cis_version)
