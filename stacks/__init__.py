"""One class per layer; stacks/compose.py builds them for one environment.

LAYERS is the deploy order by name. This module imports nothing, so the tools above the stacks
(the terraform runner, the plan review) and main.py can read it before the provider bindings
load; build_environment() checks that it builds exactly these layers in this order.
"""

LAYERS: tuple[str, ...] = (
    "dr-state", "state", "dr-security", "security", "network", "dr-network", "cluster", "dr-cluster",
    "data", "dr-data", "edge", "dr-traffic", "platform", "platform-config", "dr-platform", "dr-platform-config",
    "observability-aws", "observability",
)
# Layers of the disaster-recovery site, built only for an environment with a dr_region
# (docs/disaster-recovery.md). Each sits where its inputs exist: the DR state bucket before the
# primary one that replicates into it, the DR keys before the secrets that replicate with them.
# The DR platform follows the primary's: a chart or value change is applied to the primary
# first, and a failing apply stops the pipeline before the standby copy changes. Only the rank
# orders them; their manifest dependencies name DR stacks only, so a failover applies them with
# the primary region gone.
DR_LAYERS: tuple[str, ...] = (
    "dr-state", "dr-security", "dr-network", "dr-cluster", "dr-data", "dr-traffic", "dr-platform", "dr-platform-config",
)


def layers_of(dr: bool) -> tuple[str, ...]:
    """The layers of an environment with (dr=True) or without a DR region, in deploy order."""
    return tuple(layer for layer in LAYERS if dr or layer not in DR_LAYERS)


# Layers that talk to a cluster (kubernetes/helm providers) instead of AWS, in deploy order;
# build_environment() checks that exactly these stacks (of the environment's layers) go without
# the AWS provider.
KUBERNETES_LAYERS: tuple[str, ...] = ("platform", "platform-config", "dr-platform", "dr-platform-config", "observability")


def kubernetes_layers_of(dr: bool) -> tuple[str, ...]:
    """The Kubernetes layers of an environment with (dr=True) or without a DR region."""
    return tuple(layer for layer in layers_of(dr) if layer in KUBERNETES_LAYERS)
