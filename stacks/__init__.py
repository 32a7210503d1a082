"""One class per layer; stacks/compose.py builds them for one environment.

LAYERS is the deploy order by name. This module imports nothing, so the tools above the stacks
(the terraform runner, the plan review) and main.py can read it before the provider bindings
load; build_environment() checks that it builds exactly these layers in this order.
"""

LAYERS: tuple[str, ...] = ("state", "security", "network", "cluster", "data", "edge", "platform", "platform-config", "observability-aws", "observability")
# Layers that talk to the cluster (kubernetes/helm providers) instead of AWS; build_environment()
# checks that exactly these stacks go without the AWS provider.
KUBERNETES_LAYERS: tuple[str, ...] = ("platform", "platform-config", "observability")
