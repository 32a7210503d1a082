"""build_environment(): every layer's stack for one environment, in deploy order.

Each stack receives only the exported attributes of the stacks built before it; cdktf turns
each such attribute into an output there and a terraform_remote_state read here.
"""
from __future__ import annotations

from constructs import Construct
from environments.schema import Environment
from stacks import kubernetes_layers_of, layers_of
from stacks.base import SparkiStack
from stacks.cluster import ClusterStack
from stacks.cluster_connection import ClusterConnection
from stacks.data import DataStack
from stacks.dr import DrClusterStack, DrNetworkStack, DrPlatformConfigStack, DrPlatformStack, DrSecurityStack, DrStateStack
from stacks.dr_data import DrDataStack
from stacks.dr_traffic import DrTrafficStack
from stacks.edge import EdgeStack
from stacks.network import NetworkStack
from stacks.observability import ObservabilityStack
from stacks.observability_aws import ObservabilityAwsStack
from stacks.observability_components import collect_observability, observability_context
from stacks.platform import PlatformStack
from stacks.platform_components import collect, component_context
from stacks.platform_config import PlatformConfigStack
from stacks.run_settings import RunSettings
from stacks.security import SecurityStack
from stacks.state import StateStack


def build_environment(scope: Construct, env: Environment, run: RunSettings) -> dict[str, SparkiStack]:
    """layer name -> stack, in LAYERS order (the DR layers only where the environment has a
    dr_region)."""
    site = env.dr_site()
    dr: dict[str, SparkiStack] = {}
    if site is not None:
        dr["dr-state"] = DrStateStack(scope, site, run)
    state = StateStack(scope, env, run)
    if site is not None:
        dr["dr-security"] = dr_security = DrSecurityStack(scope, site, run)
    security = SecurityStack(scope, env, run)
    network = NetworkStack(scope, env, run, logs_key_arn=security.keys.arn("logs"))
    if site is not None:
        dr.update(_dr_site(scope, env, site, run, dr_security))
    cluster = ClusterStack(
        scope,
        env,
        run,
        eks_key_arn=security.keys.arn("eks"),
        data_key_arn=security.keys.arn("data"),
        logs_key_arn=security.keys.arn("logs"),
        secrets_key_arn=security.keys.arn("secrets"),
        vpc_id=network.network.vpc_id,
        private_subnet_ids=network.network.private_subnet_ids,
    )
    data = DataStack(
        scope,
        env,
        run,
        vpc_id=network.network.vpc_id,
        db_subnet_group_name=network.network.db_subnet_group_name,
        cache_subnet_group_name=network.network.cache_subnet_group_name,
        data_key_arn=security.keys.arn("data"),
        secrets_key_arn=security.keys.arn("secrets"),
        logs_key_arn=security.keys.arn("logs"),
        alarm_topic_arn=security.alarm_topic_arn,
        # Only the cluster's nodes reach the database and the cache.
        client_security_group_ids=(cluster.node_security_group_id,),
    )
    edge = EdgeStack(
        scope,
        env,
        run,
        logs_key_arn=security.keys.arn("logs"),
        alarm_topic_arn=security.alarm_topic_arn,
        access_log_bucket_arn=security.access_log_bucket_arn,
    )
    # The Kubernetes layers reach the cluster through its exported endpoint and CA only.
    connection = ClusterConnection(
        cluster_name=cluster.cluster_name,
        endpoint=cluster.cluster_endpoint,
        certificate_authority=cluster.cluster_certificate_authority,
        region=env.region,
    )
    context = component_context(env, cluster_name=cluster.cluster_name, role_arns=cluster.irsa_role_arns)
    components = collect(context)
    platform = PlatformStack(scope, env, run, connection=connection, platform=components)
    platform_config = PlatformConfigStack(scope, env, run, connection=connection, platform=components)
    platform_config.add_dependency(platform)
    observability_aws = ObservabilityAwsStack(
        scope,
        env,
        run,
        oidc_provider_arn=cluster.oidc_provider_arn,
        oidc_issuer_url=cluster.oidc_issuer_url,
        secrets_key_arn=security.keys.arn("secrets"),
        access_log_bucket=security.access_log_bucket_name,
    )
    # The ClusterSecretStore (platform-config) serves the ExternalSecrets created here.
    observability_components = collect_observability(observability_context(context, observability_aws.role_arns), components)
    observability = ObservabilityStack(
        scope, env, run, connection=connection, platform=observability_components, data_key_arn=security.keys.arn("data"),
    )
    observability.add_dependency(platform_config)
    observability.add_dependency(observability_aws)
    primary = {stack.layer: stack for stack in (state, security, network, cluster, data, edge, platform, platform_config, observability_aws, observability)}
    expected = layers_of(site is not None)
    built = {layer: {**primary, **dr}[layer] for layer in expected if layer in primary or layer in dr}
    if tuple(built) != expected or set(built) != {*primary, *dr}:
        raise RuntimeError(
            f"build_environment() builds {', '.join(sorted({*primary, *dr}))} for {env.name}; stacks.LAYERS says {', '.join(expected)}: make them agree"
        )
    without_aws = tuple(layer for layer, stack in built.items() if not stack.aws_provider)
    if without_aws != kubernetes_layers_of(site is not None):
        raise RuntimeError(f"stacks without the AWS provider: {', '.join(without_aws)}; stacks.KUBERNETES_LAYERS says {', '.join(kubernetes_layers_of(site is not None))}")
    return built


def _dr_site(scope: Construct, env: Environment, site: Environment, run: RunSettings, security: DrSecurityStack) -> dict[str, SparkiStack]:
    """The DR site's network, cluster, data, traffic and platform layers, fed by the DR keys and
    topic; nothing here reads a primary stack, so a failover applies them without its region."""
    keys = security.keys
    network = DrNetworkStack(scope, site, run, logs_key_arn=keys.arn("logs"))
    cluster = DrClusterStack(
        scope,
        site,
        run,
        eks_key_arn=keys.arn("eks"),
        data_key_arn=keys.arn("data"),
        logs_key_arn=keys.arn("logs"),
        secrets_key_arn=keys.arn("secrets"),
        vpc_id=network.network.vpc_id,
        private_subnet_ids=network.network.private_subnet_ids,
    )
    data = DrDataStack(
        scope,
        env,
        site,
        run,
        vpc_id=network.network.vpc_id,
        db_subnet_group_name=network.network.db_subnet_group_name,
        cache_subnet_group_name=network.network.cache_subnet_group_name,
        data_key_arn=keys.arn("data"),
        secrets_key_arn=keys.arn("secrets"),
        logs_key_arn=keys.arn("logs"),
        alarm_topic_arn=security.alarm_topic_arn,
        client_security_group_ids=(cluster.node_security_group_id,),
    )
    traffic = DrTrafficStack(scope, env, site, run, alarm_topic_arn=security.alarm_topic_arn)
    # The platform the primary runs, composed from the DR site's data and the DR cluster's exports.
    connection = ClusterConnection(
        cluster_name=cluster.cluster_name,
        endpoint=cluster.cluster_endpoint,
        certificate_authority=cluster.cluster_certificate_authority,
        region=site.region,
    )
    components = collect(component_context(site, cluster_name=cluster.cluster_name, role_arns=cluster.irsa_role_arns))
    platform = DrPlatformStack(scope, site, run, connection=connection, platform=components)
    platform_config = DrPlatformConfigStack(scope, site, run, connection=connection, platform=components)
    platform_config.add_dependency(platform)
    return {stack.layer: stack for stack in (network, cluster, data, traffic, platform, platform_config)}
