"""prod: three AZs, a NAT gateway per AZ, every interface endpoint, a year of logs; DR in us-west-2.

Security: every scan and every GuardDuty protection plan is on (the schema refuses less);
audit logs are searchable for a year and kept for seven.
"""
from environments.data_settings import CacheSettings, DatabaseSettings, DataSettings
from environments.schema import (
    AddonVersions,
    ClusterSettings,
    Environment,
    NetworkSettings,
    NodeGroupSettings,
    NodeTaint,
    SecretSettings,
    SecuritySettings,
    StateSettings,
)

ENVIRONMENT = Environment(
    name="prod",
    account_id="333333333333",
    region="us-east-1",
    azs=("us-east-1a", "us-east-1b", "us-east-1c"),
    network=NetworkSettings(
        vpc_cidr="10.30.0.0/16",
        nat_mode="per_az",
        interface_endpoints=("ecr.api", "ecr.dkr", "sts", "logs", "secretsmanager", "kms"),
        flow_log_retention_days=365,
    ),
    data=DataSettings(
        # Memory-optimised classes; a read replica takes reporting reads off the primary; a
        # month of backups and of Performance Insights history; two cache replicas so a
        # failover still leaves a replica.
        database=DatabaseSettings(
            instance_class="db.r7g.large",
            storage_gib=100,
            max_storage_gib=1000,
            backup_retention_days=30,
            read_replicas=1,
            max_connections=500,
            slow_statement_ms=1000,
            monitoring_interval=15,
            insights_retention_days=31,
        ),
        cache=CacheSettings(node_type="cache.r7g.large", replicas=2, snapshot_retention_days=14),
    ),
    cluster=ClusterSettings(
        kubernetes_version="1.33",
        node_groups=(
            NodeGroupSettings(
                name="system",
                instance_types=("m6i.large",),
                min_size=3,
                desired_size=3,
                max_size=6,
                disk_size_gib=80,
                labels={"sparki.io/pool": "system"},
                taints=(NodeTaint(key="CriticalAddonsOnly", value="true", effect="NO_SCHEDULE"),),
                max_unavailable_percent=25,
            ),
            NodeGroupSettings(
                name="workload",
                instance_types=("m6i.2xlarge", "m6a.2xlarge"),
                min_size=3,
                desired_size=6,
                max_size=30,
                disk_size_gib=100,
                labels={"sparki.io/pool": "workload"},
                max_unavailable_percent=25,
            ),
        ),
        addons=AddonVersions(
            vpc_cni="v1.20.1-eksbuild.3",
            coredns="v1.12.4-eksbuild.1",
            kube_proxy="v1.33.5-eksbuild.2",
            ebs_csi_driver="v1.48.0-eksbuild.2",
            pod_identity_agent="v1.3.8-eksbuild.2",
        ),
        admin_role_arns=(
            "arn:aws:iam::333333333333:role/sparki-platform-admin",
            # Runs Terraform for the Kubernetes platform layer (Helm releases).
            "arn:aws:iam::333333333333:role/sparki-deploy",
        ),
        # No edit rights in production: changes ship through CI; developers may look.
        auditor_role_arns=(
            "arn:aws:iam::333333333333:role/sparki-auditor",
            "arn:aws:iam::333333333333:role/sparki-developer",
        ),
        hosted_zone_ids=("Z0PRODSPARKI000000001", "Z0PRODSPARKI000000002"),
    ),
    state=StateSettings(noncurrent_version_days=365),
    security=SecuritySettings(
        secrets=(
            SecretSettings(
                name="app/session-signing-key",
                description="HMAC key the API signs session cookies with; put by the platform team",
                readers=("sparki-prod-app-api",),
            ),
            SecretSettings(
                name="app/smtp-credentials",
                description="SMTP user and password of the mail provider; put by the platform team",
                readers=("sparki-prod-app-api", "sparki-prod-app-worker"),
            ),
        ),
        secret_recovery_days=30,
        audit_log_retention_days=365,
        audit_archive_after_days=90,
        audit_expire_after_days=2557,
        access_log_expire_after_days=2557,
        enable_config=True,
        enable_guardduty=True,
        guardduty_features=("EKS_AUDIT_LOGS", "S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS"),
        enable_security_hub=True,
        enable_access_analyzer=True,
    ),
    kms_key_deletion_window_days=30,
    log_retention_days=365,
    tags={"CostCenter": "platform-prod", "Owner": "platform-team", "DataClassification": "confidential"},
    dr_region="us-west-2",
)
