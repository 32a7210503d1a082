"""dev: one NAT gateway and short retention to keep cost down; no interface endpoints.

The cluster's workload group runs on spot capacity. The API server is private here too (reach it
through the VPC); public_access_cidrs could open it to listed office ranges, at the price of
checkov CKV_AWS_39 failing.

Security: AWS Config and Security Hub are off (Config bills every recorded change, and dev
churns the most; Security Hub's CIS controls need Config). GuardDuty stays on with EKS audit
logs only: it is billed by volume, dev's is small, and leaked dev credentials are still leaked.
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
    name="dev",
    account_id="111111111111",
    region="us-east-1",
    azs=("us-east-1a", "us-east-1b"),
    network=NetworkSettings(
        vpc_cidr="10.10.0.0/16",
        nat_mode="single",
        interface_endpoints=(),
        flow_log_retention_days=30,
    ),
    data=DataSettings(
        # Smallest sizes that still run the tuned parameter group; single-AZ and short backups
        # because dev data can be rebuilt. Deletion protection off so dev can be torn down.
        database=DatabaseSettings(
            instance_class="db.t4g.medium",
            storage_gib=20,
            max_storage_gib=100,
            multi_az=False,
            deletion_protection=False,
            backup_retention_days=3,
            max_connections=100,
            slow_statement_ms=250,
            monitoring_interval=60,
        ),
        cache=CacheSettings(node_type="cache.t4g.micro", replicas=0, multi_az=False, snapshot_retention_days=1),
    ),
    cluster=ClusterSettings(
        kubernetes_version="1.33",
        node_groups=(
            NodeGroupSettings(
                name="system",
                instance_types=("t3a.large",),
                min_size=1,
                desired_size=2,
                max_size=3,
                labels={"sparki.io/pool": "system"},
                taints=(NodeTaint(key="CriticalAddonsOnly", value="true", effect="NO_SCHEDULE"),),
                max_unavailable_percent=50,
            ),
            NodeGroupSettings(
                name="workload",
                instance_types=("m6i.large", "m6a.large", "m5.large"),
                min_size=1,
                desired_size=2,
                max_size=6,
                capacity_type="SPOT",
                labels={"sparki.io/pool": "workload"},
                max_unavailable_percent=50,
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
            "arn:aws:iam::111111111111:role/sparki-platform-admin",
            # Runs Terraform for the Kubernetes platform layer (Helm releases).
            "arn:aws:iam::111111111111:role/sparki-deploy",
        ),
        developer_role_arns=("arn:aws:iam::111111111111:role/sparki-developer",),
        auditor_role_arns=("arn:aws:iam::111111111111:role/sparki-auditor",),
        app_namespaces=("sparki-api", "sparki-web", "sparki-worker"),
        hosted_zone_ids=("Z0DEVSPARKI00000000001",),
    ),
    state=StateSettings(noncurrent_version_days=30),
    security=SecuritySettings(
        secrets=(
            SecretSettings(
                name="app/session-signing-key",
                description="HMAC key the API signs session cookies with; put by the platform team",
                readers=("sparki-dev-app-api",),
            ),
            SecretSettings(
                name="app/smtp-credentials",
                description="SMTP user and password of the mail provider; put by the platform team",
                readers=("sparki-dev-app-api", "sparki-dev-app-worker"),
            ),
        ),
        secret_recovery_days=7,
        audit_log_retention_days=30,
        audit_archive_after_days=30,
        audit_expire_after_days=365,
        access_log_expire_after_days=90,
        enable_config=False,
        enable_guardduty=True,
        guardduty_features=("EKS_AUDIT_LOGS",),
        enable_security_hub=False,
        enable_access_analyzer=True,
    ),
    kms_key_deletion_window_days=7,
    log_retention_days=30,
    tags={"CostCenter": "platform-dev", "Owner": "platform-team"},
)
