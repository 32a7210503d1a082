"""The rules of the policy pack, by family. Importing this package registers them all.

storage.py     S3 buckets: KMS encryption, public access block, TLS-only policy
encryption.py  encryption at rest: log groups, topics and queues, data stores, volumes, trails
lifecycle.py   production deletion protection, key rotation, log retention
network.py     ingress from the internet
hygiene.py     required tags, secret values in code
kubernetes.py  the platform stacks: default-deny per namespace, no privileged pods, pinned images

The import order below is the order of RULES, and so of policy-report.json and of the
violations a failed synthesis prints.
"""
from sparki.policy.model import RULES

# isort: off
from sparki.policy.rules import storage, encryption, lifecycle, network, hygiene, kubernetes  # noqa: F401 - registration order
# isort: on
from sparki.policy.rules.hygiene import REQUIRED_TAGS

__all__ = ["REQUIRED_TAGS", "RULES"]
