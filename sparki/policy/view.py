"""What a rule sees: one resource as Terraform reads it, and the rest of its stack.

Plain dictionaries from the synthesized JSON (cdktf's to_terraform(), overrides included), so
every rule is tested with a few lines of data.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Resource:
    """One resource as Terraform sees it.

    type / name: "aws_s3_bucket" and its logical id in the JSON; path: the construct path.
    taggable: the resource type has a `tags` argument.
    """

    type: str
    name: str
    path: str
    config: Mapping[str, Any]
    taggable: bool = False

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"

    def get(self, key: str, default: Any = None) -> Any:
        return self.config.get(key, default)

    def referenced_by(self, value: Any) -> bool:
        """value points at this resource: an interpolation of one of its attributes, or its
        literal name (a bucket may be named instead of referenced)."""
        if isinstance(value, str):
            if "${" + self.address + "." in value:
                return True
            names = {self.config.get(k) for k in ("bucket", "name", "id")}
            return value in {n for n in names if isinstance(n, str) and "${" not in n}
        if isinstance(value, list | tuple):
            return any(self.referenced_by(v) for v in value)
        return False


@dataclass(frozen=True)
class StackView:
    """Everything the rules may know about one stack."""

    name: str
    production: bool
    resources: tuple[Resource, ...]
    data: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)
    provider_tags: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    locals: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_terraform(cls, name: str, doc: Mapping[str, Any], production: bool) -> StackView:
        """From a stack's synthesized JSON (cdktf's to_terraform()); each resource carries its
        construct path in the "//" metadata cdktf writes."""
        resources = []
        for rtype, by_name in sorted(doc.get("resource", {}).items()):
            for logical, config in sorted(by_name.items()):
                path = config.get("//", {}).get("metadata", {}).get("path", f"{name}/{logical}")
                body = {k: v for k, v in config.items() if k != "//"}
                resources.append(Resource(rtype, logical, path, body))
        data = {
            dtype: {n: {k: v for k, v in c.items() if k != "//"} for n, c in by_name.items()}
            for dtype, by_name in doc.get("data", {}).items()
        }
        tags: dict[str, Mapping[str, str]] = {}
        for pname, configs in doc.get("provider", {}).items():
            for config in configs if isinstance(configs, list) else [configs]:
                alias = config.get("alias")
                key = f"{pname}.{alias}" if alias else pname
                merged: dict[str, str] = {}
                for block in blocks(config.get("default_tags")):
                    if isinstance(block.get("tags"), Mapping):
                        merged.update(block["tags"])
                tags[key] = merged
        return cls(name, production, tuple(resources), data, tags, dict(doc.get("locals", {})))

    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources if r.type in types]

    def at(self, path: str) -> Resource | None:
        for r in self.resources:
            if r.path == path:
                return r
        return None

    def attached(self, target: Resource, rtype: str, attr: str) -> list[Resource]:
        """Resources of rtype whose attr points at target (e.g. the policies of a bucket)."""
        return [r for r in self.of_type(rtype) if target.referenced_by(r.get(attr))]

    def default_tags(self, resource: Resource) -> Mapping[str, str]:
        provider = resource.get("provider") or resource.type.split("_", 1)[0]
        if isinstance(provider, str):
            provider = provider.removeprefix("${").removesuffix("}")
        return self.provider_tags.get(provider, {})

    def policy_document(self, value: Any) -> dict | None:
        """A policy as IAM JSON: a literal JSON string, or an aws_iam_policy_document data
        source of this stack it interpolates. None when it cannot be read here."""
        if isinstance(value, Mapping):
            return dict(value)
        if not isinstance(value, str):
            return None
        match = re.fullmatch(r"\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}", value.strip())
        if match:
            source = self.data.get("aws_iam_policy_document", {}).get(match.group(1))
            return _document_from_data_source(source) if source else None
        try:
            doc = json.loads(value)
        except ValueError:
            return None
        return doc if isinstance(doc, dict) else None

    def ephemeral(self, value: Any, _seen: frozenset[str] = frozenset()) -> bool:
        """value is an expression over an ephemeral value: it references `ephemeral.<type>.<name>`
        itself, or a local that does (Terraform makes such a local ephemeral too)."""
        if not isinstance(value, str) or "${" not in value:
            return False
        if re.search(r"\bephemeral\.\w+\.[\w-]+", value):
            return True
        names = set(re.findall(r"\blocal\.([\w-]+)", value)) - _seen
        return any(self.ephemeral(self.locals.get(n), _seen | names) for n in names)

    def public_lb_security_groups(self) -> list[Resource]:
        """Security groups attached to an internet-facing load balancer of this stack."""
        lbs = [lb for lb in self.of_type("aws_lb", "aws_alb") if not truthy(lb.get("internal"))]
        groups = self.of_type("aws_security_group")
        return [sg for sg in groups if any(sg.referenced_by(lb.get("security_groups")) for lb in lbs)]


# -- reading Terraform JSON ---------------------------------------------------------------------


def blocks(value: Any) -> list[Mapping[str, Any]]:
    """A nested block as a list: Terraform JSON writes one block as an object or a list."""
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, Mapping)]
    return []


def truthy(value: Any) -> bool:
    """True, or the string "true" (some provider arguments are strings)."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def is_set(value: Any) -> bool:
    return value not in (None, "", [], {})


def as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _document_from_data_source(source: Mapping[str, Any]) -> dict:
    """aws_iam_policy_document arguments -> the IAM JSON they render."""
    statements = []
    for st in blocks(source.get("statement")):
        principals: Any = {}
        for p in blocks(st.get("principals")):
            ids = as_list(p.get("identifiers"))
            principals = "*" if p.get("type") == "*" or (p.get("type") == "AWS" and ids == ["*"]) else {p.get("type"): ids}
        conditions: dict[str, dict[str, list]] = {}
        for c in blocks(st.get("condition")):
            conditions.setdefault(c.get("test"), {})[c.get("variable")] = as_list(c.get("values"))
        statements.append(
            {
                "Effect": st.get("effect", "Allow"),
                "Principal": principals,
                "Action": as_list(st.get("actions")),
                "Resource": as_list(st.get("resources")),
                "Condition": conditions,
            }
        )
    return {"Statement": statements}
