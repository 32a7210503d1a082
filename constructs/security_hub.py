"""Security Hub for the account, subscribed to the standards the environment names."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.securityhub_account import SecurityhubAccount
from cdktf_cdktf_provider_aws.securityhub_product_subscription import SecurityhubProductSubscription
from cdktf_cdktf_provider_aws.securityhub_standards_subscription import SecurityhubStandardsSubscription

from catalog.aws import (
    SECURITY_HUB_DEFAULT_STANDARDS,
    SECURITY_HUB_STANDARDS,
    security_hub_product_arn,
    security_hub_standard_arn,
)
from constructs import Construct


@dataclass(frozen=True)
class SecurityHubProps:
    """Settings for Security Hub.

    region: the account's home region (standards ARNs are regional).
    standards: short names from catalog.aws.SECURITY_HUB_STANDARDS; default AWS Foundational
        Security Best Practices v1.0.0 and CIS AWS Foundations Benchmark v5.0.0.
    products: third-party integrations whose findings Security Hub accepts, as
        "<company>/<product>" (e.g. "aqua-security/kube-bench"); default none.
    """

    region: str
    standards: Sequence[str] = SECURITY_HUB_DEFAULT_STANDARDS
    products: Sequence[str] = ()

    def __post_init__(self) -> None:
        if not self.standards:
            raise ValueError("standards: name at least one; Security Hub without a standard evaluates no control")
        unknown = [s for s in self.standards if s not in SECURITY_HUB_STANDARDS]
        if unknown:
            raise ValueError(f"standards: unknown {unknown}; Security Hub offers {', '.join(SECURITY_HUB_STANDARDS)}")
        if len(set(self.standards)) != len(self.standards):
            raise ValueError(f"standards: {list(self.standards)} names a standard twice")
        for product in self.products:
            if product.count("/") != 1 or not all(product.split("/")):
                raise ValueError(f"products: {product!r} is not '<company>/<product>', e.g. 'aqua-security/kube-bench'")
        if len(set(self.products)) != len(self.products):
            raise ValueError(f"products: {list(self.products)} names a product twice")


class SecurityHub(Construct):
    """Security Hub with exactly the given standards (no default standards, so nothing is
    enabled by accident), consolidated control findings, new controls turned on, and the
    given products' findings accepted. standards_arns and product_arns are exported, in order."""

    def __init__(self, scope: Construct, id: str, props: SecurityHubProps) -> None:
        super().__init__(scope, id)
        account = SecurityhubAccount(
            self,
            "account",
            enable_default_standards=False,
            auto_enable_controls=True,
            # One finding per control, whichever standards include it: FSBP and CIS share many.
            control_finding_generator="SECURITY_CONTROL",
        )
        self.standards_arns: list[str] = []
        for standard in props.standards:
            arn = security_hub_standard_arn(props.region, standard)
            SecurityhubStandardsSubscription(self, standard.replace(".", "_").replace("-", "_"), standards_arn=arn, depends_on=[account])
            self.standards_arns.append(arn)
        # Accepting a product's findings is what lets its BatchImportFindings calls land.
        self.product_arns: list[str] = []
        for product in props.products:
            arn = security_hub_product_arn(props.region, product)
            SecurityhubProductSubscription(self, product.replace("/", "_").replace("-", "_"), product_arn=arn, depends_on=[account])
            self.product_arns.append(arn)
