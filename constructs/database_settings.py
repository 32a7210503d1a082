"""What the primary database, its read replicas and its DR replica share, in one place so they
cannot drift apart: the port, CA and exported logs, the tuned parameter group, and the instance
arguments every copy of the data store takes."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.db_parameter_group import DbParameterGroup, DbParameterGroupParameter

from constructs import Construct
from constructs.postgres_parameters import postgres_parameters

if TYPE_CHECKING:
    from constructs.database import DatabaseProps

PORT = 5432
# Logs RDS can export for PostgreSQL: the server log (slow statements, DDL, locks, errors)
# and the log of engine upgrades.
LOG_EXPORTS = ("postgresql", "upgrade")
# Current RDS CA; the provider's default can still be an expiring one on older accounts.
CA_CERT = "rds-ca-rsa2048-g1"
def tuned_parameter_group(scope: Construct, props: DatabaseProps, *, identifier: str, described_as: str) -> DbParameterGroup:
    """The parameter group of props' tuning (postgres_parameters) named <identifier><major>. A
    DR replica passes its source's props, so the two can never be tuned apart."""
    major = props.engine_version
    return DbParameterGroup(
        scope,
        "parameters",
        name=f"{identifier}{major}",
        family=f"postgres{major}",
        description=f"Tuned PostgreSQL {major} settings of {described_as}",
        parameter=[
            DbParameterGroupParameter(name=p.name, value=p.value, apply_method=p.apply_method)
            for p in postgres_parameters(props.max_connections, props.slow_statement_ms,
                                         props.explain_statement_ms, props.explain_sample_rate)
        ],
        # A major upgrade needs a group of the new family; the name carries the major, so
        # the new group exists before the instance switches and the old one goes after.
        lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
        tags={"Name": f"{identifier}{major}"},
    )



def instance_settings(
    props: DatabaseProps, *, storage_key_arn: str, security_group_id: str, parameter_group_name: str, monitoring_role_arn: str,
) -> dict[str, Any]:
    """What the primary, its replicas and its DR replica share: each is a data store of its
    own, with the primary's class, encryption (under the key of its region), network rules,
    parameters, standby and monitoring."""
    return dict(
        instance_class=props.instance_class,
        port=PORT,
        # Applications authenticate with short-lived IAM tokens; the master secret is for
        # break-glass administration only.
        iam_database_authentication_enabled=True,
        storage_type="gp3",
        max_allocated_storage=props.max_allocated_storage_gib,
        storage_encrypted=True,
        kms_key_id=storage_key_arn,
        vpc_security_group_ids=[security_group_id],
        publicly_accessible=False,
        ca_cert_identifier=CA_CERT,
        parameter_group_name=parameter_group_name,
        multi_az=props.multi_az,
        deletion_protection=props.deletion_protection,
        maintenance_window=props.maintenance_window,
        copy_tags_to_snapshot=True,
        auto_minor_version_upgrade=True,
        # Changes wait for the maintenance window unless an operator applies them.
        apply_immediately=False,
        performance_insights_enabled=True,
        performance_insights_kms_key_id=storage_key_arn,
        performance_insights_retention_period=props.insights_retention_days,
        monitoring_interval=props.monitoring_interval,
        monitoring_role_arn=monitoring_role_arn,
        enabled_cloudwatch_logs_exports=list(LOG_EXPORTS),
    )

