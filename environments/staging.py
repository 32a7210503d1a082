"""staging: production-shaped (three AZs, a NAT gateway per AZ) with smaller retention.

Security: every AWS-side scan is on, as in prod, so a finding shows up before it ships; audit
logs are kept two years instead of seven. EBS malware scans are left to prod (billed per scan).
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
    name="staging",
    account_id="222222222222",
    region="us-east-1",
    azs=("us-east-1a", "us-east-1b", "us-east-1c"),
    network=NetworkSettings(
        vpc_cidr="10.20.0.0/16",
        nat_mode="per_az",
        interface_endpoints=("ecr.api", "ecr.dkr", "sts", "logs"),
        flow_log_retention_days=90,
    ),
    data=DataSettings(
        # Production-shaped (multi-AZ, failover, deletion protection) on smaller classes.
        database=DatabaseSettings(
            instance_class="db.m7g.large",
            storage_gib=50,
            max_storage_gib=250,
            backup_retention_days=7,
            max_connections=200,
            slow_statement_ms=500,
            monitoring_interval=30,
        ),
        cache=CacheSettings(node_type="cache.t4g.medium", replicas=1, snapshot_retention_days=7),
    ),
    cluster=ClusterSettings(
        kubernetes_version="1.33",
        node_groups=(
            NodeGroupSettings(
                name="system",
                instance_types=("m6i.large",),
                min_size=2,
                desired_size=2,
                max_size=4,
                labels={"sparki.io/pool": "system"},
                taints=(NodeTaint(key="CriticalAddonsOnly", value="true", effect="NO_SCHEDULE"),),
            ),
            NodeGroupSettings(
                name="workload",
                instance_types=("m6i.xlarge", "m6a.xlarge"),
                min_size=2,
                desired_size=3,
                max_size=10,
                disk_size_gib=80,
                labels={"sparki.io/pool": "workload"},
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
            "arn:aws:iam::222222222222:role/sparki-platform-admin",
            # Runs Terraform for the Kubernetes platform layer (Helm releases).
            "arn:aws:iam::222222222222:role/sparki-deploy",
        ),
        developer_role_arns=("arn:aws:iam::222222222222:role/sparki-developer",),
        auditor_role_arns=("arn:aws:iam::222222222222:role/sparki-auditor",),
        app_namespaces=("sparki-api", "sparki-web", "sparki-worker"),
        hosted_zone_ids=("Z0STAGINGSPARKI000001",),
    ),
    state=StateSettings(noncurrent_version_days=90),
    security=SecuritySettings(
        secrets=(
            SecretSettings(
                name="app/session-signing-key",
                description="HMAC key the API signs session cookies with; put by the platform team",
                readers=("sparki-staging-app-api",),
            ),
            SecretSettings(
                name="app/smtp-credentials",
                description="SMTP user and password of the mail provider; put by the platform team",
                readers=("sparki-staging-app-api", "sparki-staging-app-worker"),
            ),
        ),
        secret_recovery_days=30,
        audit_log_retention_days=90,
        audit_archive_after_days=90,
        audit_expire_after_days=731,
        access_log_expire_after_days=365,
        enable_config=True,
        enable_guardduty=True,
        guardduty_features=("EKS_AUDIT_LOGS", "S3_DATA_EVENTS", "RDS_LOGIN_EVENTS"),
        enable_security_hub=True,
        enable_access_analyzer=True,
    ),
    kms_key_deletion_window_days=30,
    log_retention_days=90,
    tags={"CostCenter": "platform-staging", "Owner": "platform-team"},
)
