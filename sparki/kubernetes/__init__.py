"""The offline verification chain of the Kubernetes platform stacks (a tool above the stacks).

objects.py    every Kubernetes object a synthesized stack creates, exactly as it would be applied
schemas.py    vendored CRD schemas (tests/kubernetes/crds/) indexed by group/version/kind
validate.py   kubernetes-validate (strict) for core kinds, jsonschema for custom kinds
"""
