"""Shared by the edge construct tests: the us-east-1 provider alias CloudFront's pieces need."""
from __future__ import annotations

from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags

from sparki.policy import REQUIRED_TAGS

ALIAS = "us_east_1"


def virginia(stack: TerraformStack) -> AwsProvider:
    """A us-east-1 alias carrying the required tags, as every Sparki provider does."""
    return AwsProvider(
        stack, ALIAS, region="us-east-1", alias=ALIAS,
        default_tags=[AwsProviderDefaultTags(tags={t: "test" for t in REQUIRED_TAGS})],
    )
