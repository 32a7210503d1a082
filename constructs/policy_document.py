"""An IAM policy document built from plain statements, synthesized as an aws_iam_policy_document
data source.

Why not json.dumps: checkov reads Terraform JSON attributes as they are, and a policy held as a
JSON string is opaque to its IAM checks (they report "unknown", not "passed"). Statement blocks of
this data source are what checkov's IAM checks (CKV_AWS_107..111, 356, ...) actually evaluate.
The data source is computed by Terraform locally; it calls no AWS API.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import (
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
)

from constructs import Construct


def _as_list(value: Any) -> list:
    return [value] if isinstance(value, str) else list(value)


def _statement(statement: Mapping[str, Any]) -> DataAwsIamPolicyDocumentStatement:
    unknown = set(statement) - {"Sid", "Effect", "Action", "Resource", "Condition"}
    if unknown:
        raise ValueError(f"statement keys {sorted(unknown)} are not supported; use Sid, Effect, Action, Resource, Condition")
    conditions = [
        DataAwsIamPolicyDocumentStatementCondition(test=test, variable=variable, values=_as_list(values))
        for test, pairs in statement.get("Condition", {}).items()
        for variable, values in pairs.items()
    ]
    return DataAwsIamPolicyDocumentStatement(
        sid=statement.get("Sid"),
        effect=statement.get("Effect", "Allow"),
        actions=_as_list(statement["Action"]),
        resources=_as_list(statement["Resource"]),
        condition=conditions or None,
    )


class PolicyDocument(Construct):
    """statements: IAM statements as dicts (Effect, Action, Resource, optional Sid/Condition).
    `json` is the rendered policy for aws_iam_role_policy and friends."""

    def __init__(self, scope: Construct, id: str, statements: Sequence[Mapping[str, Any]]) -> None:
        super().__init__(scope, id)
        if not statements:
            raise ValueError("a policy document needs at least one statement")
        document = DataAwsIamPolicyDocument(self, "document", version="2012-10-17", statement=[_statement(s) for s in statements])
        self.json: str = document.json
