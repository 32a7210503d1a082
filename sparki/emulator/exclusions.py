"""What moto cannot take through plan, apply, converge and destroy: EXCLUSIONS, one entry per
resource type (or address) with its reason, and what each entry leaves out of a stack.

Keep the list as short as moto allows: when a resource fails because moto lacks an API, the
harness names the resource type, the API moto lacks (from moto's own log) and this list.
docs/emulator.md repeats it.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from sparki.plan_review import Change

# The moto release EXCLUSIONS was verified against; requirements-dev.txt pins it. A different
# moto may implement what this one lacks (or lose something): re-check the list, then bump.
MOTO_VERIFIED = "5.2.5"
PHASES = ("apply", "converge", "destroy")


@dataclass(frozen=True)
class Exclusion:
    """What the harness leaves out for one resource type ("aws_x") or address ("aws_x.name").

    phase "apply": moto cannot create or read it, or does not keep what forces its replacement
        (so it could never converge). It is planned but not applied; resources
        that depend on it (in its stack, or through cross-stack outputs) are left out too.
    phase "converge": moto creates it but does not keep `attributes` (top-level names), so the
        second plan wants to update exactly those; that update, and only it, is tolerated.
    phase "destroy": moto creates and reads it (so it is applied and must converge) but cannot
        delete it; before destroy it is removed from the state instead.
    reason: which API or field moto lacks, in words a reviewer can check against moto's docs.
    """

    phase: str
    reason: str
    attributes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.phase not in PHASES:
            raise ValueError(f"phase={self.phase!r}: must be one of {', '.join(PHASES)}")
        if len(self.reason) < 20:
            raise ValueError(f"reason={self.reason!r}: say which API moto lacks")
        if (self.phase == "converge") != bool(self.attributes):
            raise ValueError(f"attributes={self.attributes!r}: name them for phase 'converge', and only for it")


EXCLUSIONS: Mapping[str, Exclusion] = MappingProxyType(
    {
        "aws_accessanalyzer_analyzer": Exclusion(
            "apply", "moto 5.2.5 emulates no IAM Access Analyzer service (CreateAnalyzer answers HTTP 500: no service emulated)"
        ),
        "aws_ebs_default_kms_key": Exclusion(
            "apply", "moto 5.2.5 does not implement EC2 GetEbsDefaultKmsKeyId / ModifyEbsDefaultKmsKeyId"
        ),
        "aws_s3_account_public_access_block": Exclusion(
            "apply",
            "the provider sends S3 Control calls to <account>.<endpoint host>, a host name that does not resolve "
            "for a loopback emulator endpoint",
        ),
        "aws_s3_bucket_logging": Exclusion(
            "apply",
            "moto 5.2.5 PutBucketLogging crashes (HTTP 500, AttributeError in set_logging) while it evaluates the "
            "target bucket's policy",
        ),
        "aws_eks_cluster": Exclusion(
            "apply",
            "moto 5.2.5 does not keep access_config.bootstrap_cluster_creator_admin_permissions, so every second plan "
            "replaces the cluster (and with it the OIDC provider, IRSA trust policies, node groups and add-ons)",
        ),
        "aws_launch_template": Exclusion(
            "converge",
            "moto 5.2.5 does not keep a launch template's tag_specifications, so the second plan writes a new version",
            ("default_version", "latest_version", "tag_specifications"),
        ),
        "aws_network_acl": Exclusion(
            "converge",
            "moto 5.2.5 does not keep a network ACL entry's IcmpTypeCode (DescribeNetworkAcls returns the ICMP entry "
            "without it), so the second plan re-sets the ingress entries of the ACLs that admit ICMP",
            ("ingress",),
        ),
        "aws_vpc_security_group_ingress_rule": Exclusion(
            "converge",
            "moto 5.2.5 does not keep the description of a rule that references a security group (UserIdGroupPairs "
            "Description; DescribeSecurityGroupRules returns none), so the second plan re-sets it",
            ("description",),
        ),
        "aws_eks_access_entry": Exclusion(
            "apply", "moto 5.2.5 EKS has no access entry API (CreateAccessEntry answers HTTP 404)"
        ),
        "aws_eks_addon": Exclusion(
            "apply", "moto 5.2.5 EKS has no managed add-on API (CreateAddon answers HTTP 404)"
        ),
        "aws_elasticache_parameter_group": Exclusion(
            "apply", "moto 5.2.5 does not implement ElastiCache CreateCacheParameterGroup (HTTP 500 'not implemented')"
        ),
        "aws_elasticache_user_group": Exclusion(
            "apply", "moto 5.2.5 does not implement ElastiCache CreateUserGroup (HTTP 500 'not implemented')"
        ),
        "aws_db_instance": Exclusion(
            "converge",
            "moto 5.2.5 does not keep Performance Insights settings of a DB instance, so the second plan re-sets them",
            ("performance_insights_enabled", "performance_insights_kms_key_id", "performance_insights_retention_period"),
        ),
        "aws_db_parameter_group": Exclusion(
            "converge",
            "moto 5.2.5 DescribeDBParameters returns no parameters, so the second plan re-sets every parameter",
            ("parameter",),
        ),
        "aws_cloudfront_cache_policy": Exclusion(
            "apply",
            "moto 5.2.5 CloudFront has no cache policy API (CreateCachePolicy / GetCachePolicy are not implemented); "
            "the distribution that uses it, its origin policies, log delivery, alias records and 5xx alarm go with it",
        ),
        "aws_cloudfront_response_headers_policy": Exclusion(
            "apply", "moto 5.2.5 CloudFront has no response headers policy API (CreateResponseHeadersPolicy is not implemented)"
        ),
        "aws_guardduty_detector_feature": Exclusion(
            "apply",
            "moto 5.2.5 UpdateDetector replaces the detector's whole features list with the one feature each "
            "aws_guardduty_detector_feature sends (AWS updates only the named feature), so with two features "
            "(EKS_AUDIT_LOGS and RUNTIME_MONITORING) one is lost, its read finds nothing and it never converges",
        ),
        "aws_elasticache_subnet_group": Exclusion(
            "destroy",
            "moto 5.2.5 implements CreateCacheSubnetGroup and DescribeCacheSubnetGroups but not "
            "DeleteCacheSubnetGroup (HTTP 500 'delete_cache_subnet_group action has not been implemented')",
        ),
    }
)


def _key_for(address: str, exclusions: Mapping[str, Exclusion]) -> str | None:
    """The EXCLUSIONS key covering a resource address (an exact address wins over its type)."""
    base = address.split("[", 1)[0]  # aws_x.name[0] -> aws_x.name
    if base in exclusions:
        return base
    rtype = base.split(".", 1)[0]
    return rtype if rtype in exclusions else None


# -- which resources each stack leaves out ---------------------------------------------------
_REF = re.compile(r"(?<![\w.\-])([a-z][a-z0-9_]*\.[A-Za-z0-9_\-]+)")
_REMOTE = "cross-stack-reference-input-"


def resources_of(doc: Mapping) -> dict[str, str]:
    """address -> the resource's JSON text (references are searched in it)."""
    return {
        f"{rtype}.{name}": json.dumps(body)
        for rtype, by_name in doc.get("resource", {}).items()
        for name, body in by_name.items()
    }


def _references(text: str, addresses: Iterable[str]) -> set[str]:
    known = set(addresses)
    return {m for m in _REF.findall(text) if m in known}


def _mentions(text: str, reference: str) -> bool:
    """reference occurs in text as a whole name (outputs.foo is not outputs.foo2)."""
    return re.search(re.escape(reference) + r"(?![\w\-])", text) is not None


def apply_exclusions(
    docs: Mapping[str, Mapping], order: Iterable[str], exclusions: Mapping[str, Exclusion] = EXCLUSIONS
) -> dict[str, dict[str, str]]:
    """stack -> {address: why} of the resources the harness must not apply.

    docs: stack name -> parsed cdk.tf.json; order: deploy order (producers before consumers).
    Resources of an "apply" exclusion are left out, and so is everything that references one,
    directly, through depends_on, or through another stack's output that carries its value.
    """
    result: dict[str, dict[str, str]] = {}
    lost: dict[str, set[str]] = {}  # stack -> names of its outputs that will not exist
    for stack in order:
        doc = docs[stack]
        res = resources_of(doc)
        out: dict[str, str] = {}
        for address in res:
            key = _key_for(address, exclusions)
            if key and exclusions[key].phase == "apply":
                out[address] = f"EXCLUSIONS[{key!r}]: {exclusions[key].reason}"
        remote = {
            f"data.terraform_remote_state.{name}.outputs.{output}": f"{name[len(_REMOTE):]} output {output}"
            for name in doc.get("data", {}).get("terraform_remote_state", {})
            if name.startswith(_REMOTE)
            for output in lost.get(name[len(_REMOTE):], ())
        }
        changed = True
        while changed:
            changed = False
            for address, text in res.items():
                if address in out:
                    continue
                refs = sorted(_references(text, res) & set(out))
                gone = sorted(desc for ref, desc in remote.items() if _mentions(text, ref))
                if refs or gone:
                    out[address] = f"depends on excluded {(refs or gone)[0]}"
                    changed = True
        lost[stack] = {
            name
            for name, body in doc.get("output", {}).items()
            if _references(json.dumps(body), res) & set(out) or any(_mentions(json.dumps(body), ref) for ref in remote)
        }
        result[stack] = out
    return result


def destroy_exclusions(addresses: Iterable[str], exclusions: Mapping[str, Exclusion] = EXCLUSIONS) -> dict[str, str]:
    """{address: why} of state entries to drop instead of destroying (phase "destroy")."""
    found = {}
    for address in addresses:
        key = _key_for(address, exclusions)
        if key and exclusions[key].phase == "destroy":
            found[address] = f"EXCLUSIONS[{key!r}]: {exclusions[key].reason}"
    return found


def tolerated(change: Change, exclusions: Mapping[str, Exclusion] = EXCLUSIONS) -> str | None:
    """Why a second-plan change is tolerated (a "converge" exclusion covering every attribute
    the update touches), or None: it is a real failure to converge."""
    key = _key_for(change.address, exclusions)
    if not key or change.action != "update":
        return None
    rule = exclusions[key]
    if rule.phase != "converge" or not set(change.attributes) <= set(rule.attributes):
        return None
    return f"EXCLUSIONS[{key!r}]: {rule.reason}"


def unused_exclusions(docs: Mapping[str, Mapping], exclusions: Mapping[str, Exclusion] = EXCLUSIONS) -> list[str]:
    """Keys of EXCLUSIONS that match no resource of the given stacks: stale entries."""
    addresses = [a for doc in docs.values() for a in resources_of(doc)]
    return sorted(k for k in exclusions if not any(_key_for(a, {k: exclusions[k]}) for a in addresses))
