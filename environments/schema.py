"""Every settings model of an environment, from one import: the stacks and tools read
`environments.schema`; each layer's models and rules live in their own module."""
from environments.cluster_settings import AddonVersions, ClusterSettings
from environments.data_settings import CacheSettings, DatabaseSettings, DataSettings
from environments.edge_settings import EdgeAlarmSettings, EdgeSettings, StaticAssetsSettings, WafSettings
from environments.environment import Environment, check_disjoint
from environments.model import ConfigError
from environments.network_settings import NetworkSettings
from environments.node_group_settings import SYSTEM_NODE_GROUP, NodeGroupSettings, NodeTaint
from environments.observability_settings import SEVERITIES, ObservabilitySettings, TeamSettings
from environments.platform_settings import MESH_MODES, MONITORING_NAMESPACE, PlatformSettings
from environments.security_settings import GLACIER_MINIMUM_DAYS, SecretRotation, SecretSettings, SecuritySettings
from environments.slo_settings import SLI_KINDS, SloSettings
from environments.state_settings import StateSettings

__all__ = [
    "GLACIER_MINIMUM_DAYS", "MESH_MODES", "MONITORING_NAMESPACE", "SYSTEM_NODE_GROUP", "AddonVersions", "CacheSettings", "ClusterSettings", "ConfigError",
    "DataSettings", "DatabaseSettings", "EdgeAlarmSettings", "EdgeSettings", "Environment", "NetworkSettings", "NodeGroupSettings", "NodeTaint", "ObservabilitySettings", "PlatformSettings",
    "SEVERITIES", "SLI_KINDS", "SecretRotation", "SecretSettings", "SecuritySettings", "SloSettings", "StateSettings", "StaticAssetsSettings", "TeamSettings", "WafSettings",
    "check_disjoint",
]
