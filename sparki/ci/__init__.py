"""What the GitHub Actions workflows (.github/workflows/) run, as testable Python.

matrix      the plan/deploy matrix from the synthesized manifest (never a hand-kept list)
reviewed    fingerprints of reviewed plans; deploy refuses a plan that differs from its review
deploy      apply one stack's reviewed plan, then the drift check
pr_comment  the one pull-request comment that carries the plan review, updated in place
health      node and workload health read from kubectl's JSON
blue_green  the prod node-group rollout: wait for the new generation, cordon and drain the old

Each runs as `python -m sparki.ci.<module> ...`; docs/runbooks/ say when an operator runs one.
"""
