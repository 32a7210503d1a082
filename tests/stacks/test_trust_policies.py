"""Every role that an AWS service assumes carries the confused-deputy guard, except for the
services whose role assumption AWS does not tag with aws:SourceAccount / aws:SourceArn."""
from __future__ import annotations

import json

# Each one's reason is written at its service_trust_policy() call.
UNGUARDED_SERVICES = {"ec2.amazonaws.com", "cloudtrail.amazonaws.com"}


def service_statements(stacks):
    for stack_name, doc in stacks.items():
        for role_id, role in doc.get("resource", {}).get("aws_iam_role", {}).items():
            for statement in json.loads(role["assume_role_policy"])["Statement"]:
                if "Service" in statement.get("Principal", {}):
                    yield f"{stack_name}/{role_id}", statement


def test_service_roles_are_guarded_unless_the_service_cannot_be(stacks):
    seen = set()
    for where, statement in service_statements(stacks):
        service = statement["Principal"]["Service"]
        seen.add(service)
        keys = {key for test in statement.get("Condition", {}).values() for key in test}
        if service in UNGUARDED_SERVICES:
            assert not keys & {"aws:SourceAccount", "aws:SourceArn"}, f"{where}: {service} is listed as unguarded but has a guard"
        else:
            assert "aws:SourceAccount" in keys or "aws:SourceArn" in keys, f"{where}: {service} role without confused-deputy guard"
    assert UNGUARDED_SERVICES <= seen, f"unguarded services no stack uses: {UNGUARDED_SERVICES - seen}"
