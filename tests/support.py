"""Synthesize a single construct inside a throw-away stack, for construct unit tests."""
from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from cdktf import App, TerraformStack, Testing
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags

from sparki.policy import REQUIRED_TAGS, PolicyPack, PolicyReport

ROOT = Path(__file__).resolve().parent.parent
# What a previous synthesis leaves in cdktf.out/manifest.json, at its smallest: the shape
# sparki.output.check() recognises as cdktf output that may be replaced.
PREVIOUS_MANIFEST = '{"version": "0.21.0", "stacks": {}}'


def synth_construct(build: Callable[[TerraformStack], object]) -> dict:
    """build(stack) adds the construct under test; returns the stack's parsed JSON."""
    app = Testing.app()
    stack = TerraformStack(app, "test")
    AwsProvider(stack, "aws", region="us-east-1")
    build(stack)
    return json.loads(Testing.synth(stack))


def builder(construct: Callable[..., object], id: str, props_type: Callable[..., object], values: dict,
            provider: Callable[[TerraformStack], object] | None = None) -> Callable[[TerraformStack], object]:
    """build(stack) for synth_fixture and policy_report: construct(stack, id, props_type(**values)),
    under the provider that provider(stack) adds where one is given."""

    def build(stack: TerraformStack) -> object:
        options = {"provider": provider(stack)} if provider else {}
        return construct(stack, id, props_type(**values), **options)

    return build


def synth_fixture(build: Callable[[TerraformStack], object]):
    """A module-scoped fixture with the parsed JSON of build(stack): `minimal = synth_fixture(build_minimal)`."""

    @pytest.fixture(scope="module")
    def synthesized() -> dict:
        return synth_construct(build)

    return synthesized


def assert_rejected(props_type: Callable[..., object], values: dict, changes: dict, message: str) -> None:
    """props_type(**values) with `changes` applied raises ValueError matching the regex `message`."""
    with pytest.raises(ValueError, match=message):
        props_type(**{**values, **changes})


def policy_report(build: Callable[[TerraformStack], object], production: bool = False) -> PolicyReport:
    """Run the policy pack over a construct in a stack whose provider carries the required
    tags (as every Sparki stack's does); the report lists its violations."""
    app = Testing.app()
    stack = TerraformStack(app, "test")
    AwsProvider(stack, "aws", region="us-east-1", default_tags=[AwsProviderDefaultTags(tags={t: "test" for t in REQUIRED_TAGS})])
    build(stack)
    pack = PolicyPack()
    pack.apply(stack, production=production)
    Testing.synth(stack)
    report = pack.report()  # Testing.synth writes no output directory: each stack gives its JSON
    assert not report.errors, report.errors
    return report


def read_stacks(outdir: Path) -> dict[str, dict]:
    """Stack name -> parsed cdk.tf.json of a synthesized output directory."""
    manifest = json.loads((outdir / "manifest.json").read_text())
    return {
        name: json.loads((outdir / stack["synthesizedStackPath"]).read_text())
        for name, stack in manifest["stacks"].items()
    }


def of_type(doc: dict, rtype: str) -> dict:
    """The resources of one type in a synthesized stack, by logical id."""
    return doc.get("resource", {}).get(rtype, {})


def one(doc: dict, rtype: str) -> dict:
    """The single resource of a type; fails unless there is exactly one."""
    (value,) = of_type(doc, rtype).values()
    return value


def data_of_type(doc: dict, dtype: str) -> dict:
    return doc.get("data", {}).get(dtype, {})


def policy_statements(doc: dict, policy: str) -> list[dict]:
    """The statements behind a policy attribute "${data.aws_iam_policy_document.<id>.json}", in
    IAM's own shape: Effect, Action and Resource as lists, Condition as {test: {key: values}}."""
    match = re.fullmatch(r"\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}", policy)
    assert match, f"policy is not rendered by an aws_iam_policy_document: {policy[:80]}"
    statements = []
    for block in data_of_type(doc, "aws_iam_policy_document")[match.group(1)]["statement"]:
        statement = {"Effect": block.get("effect", "Allow"), "Action": block["actions"], "Resource": block["resources"]}
        for cond in block.get("condition", []):
            statement.setdefault("Condition", {}).setdefault(cond["test"], {})[cond["variable"]] = cond["values"]
        statements.append(statement)
    return statements


def irsa_binding(trust_policy: str) -> tuple[str, str, str]:
    """(issuer, namespace, service account) of an IRSA trust policy; fails unless the policy
    admits exactly one service account of one OIDC provider, audience STS, with StringEquals."""
    doc = json.loads(trust_policy)
    (statement,) = doc["Statement"]
    assert statement["Effect"] == "Allow" and statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert list(statement["Principal"]) == ["Federated"] and isinstance(statement["Principal"]["Federated"], str)
    assert list(statement["Condition"]) == ["StringEquals"], "only exact matches: no StringLike, no ForAnyValue"
    claims = statement["Condition"]["StringEquals"]
    assert len(claims) == 2, claims
    (sub_key,) = [k for k in claims if k.endswith(":sub")]
    (aud_key,) = [k for k in claims if k.endswith(":aud")]
    issuer = sub_key.removesuffix(":sub")
    assert aud_key == f"{issuer}:aud" and claims[aud_key] == "sts.amazonaws.com"
    subject = claims[sub_key]
    assert isinstance(subject, str) and "*" not in subject and "?" not in subject, subject
    prefix, namespace, service_account = subject.rsplit(":", 2)
    assert prefix == "system:serviceaccount" and namespace and service_account
    return issuer, namespace, service_account



def project_copy(tmp_path: Path) -> Path:
    """A copy of what main.py needs, to run it on deliberately broken input."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("main.py", "catalog", "environments", "stacks", "constructs", "sparki"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, project / name)
    return project



__all__ = ["App", "ROOT", "PREVIOUS_MANIFEST", "synth_construct", "synth_fixture", "of_type", "one", "data_of_type", "policy_statements", "irsa_binding", "policy_report", "project_copy", "read_stacks"]


def assert_private_bucket(doc: dict, kms_key_arn: str | None = None) -> None:
    """The one bucket of a synthesized stack is what PrivateBucket promises: every public access
    block on, objects owned by the bucket owner, versioned, SSE-KMS with a bucket key (under
    kms_key_arn where given), and not emptied by destroy."""
    assert one(doc, "aws_s3_bucket")["force_destroy"] is False
    pab = one(doc, "aws_s3_bucket_public_access_block")
    assert all(pab[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"))
    assert one(doc, "aws_s3_bucket_ownership_controls")["rule"] == {"object_ownership": "BucketOwnerEnforced"}
    assert one(doc, "aws_s3_bucket_versioning")["versioning_configuration"] == {"status": "Enabled"}
    (rule,) = one(doc, "aws_s3_bucket_server_side_encryption_configuration")["rule"]
    assert rule["apply_server_side_encryption_by_default"]["sse_algorithm"] == "aws:kms" and rule["bucket_key_enabled"] is True
    if kms_key_arn is not None:
        assert rule["apply_server_side_encryption_by_default"]["kms_master_key_id"] == kms_key_arn
