"""Which AWS resource types hold state that code cannot re-create, and what protects them.

One list, read by the plan review (sparki/plan_review.py: a destroy, a replacement or a lost
protection of these types gates the review) and by the policy pack (sparki/policy/: the
data-store rules cover these types and check these protections). A layer that introduces a new
stateful type adds it here, in the same change; tests/catalog/test_stateful.py proves both
readers see it.
"""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# The data itself: a replacement is a new, empty store (restoring means a snapshot and downtime).
DATABASES = frozenset(
    {
        "aws_db_instance", "aws_rds_cluster", "aws_rds_global_cluster",
        "aws_docdb_cluster", "aws_docdb_global_cluster",
        "aws_neptune_cluster", "aws_neptune_global_cluster",
        "aws_redshift_cluster", "aws_redshiftserverless_namespace",
        "aws_dynamodb_table", "aws_dynamodb_table_replica",
        "aws_opensearch_domain", "aws_elasticsearch_domain",
    }
)
# Members of a cluster: the storage is the cluster's, but replacing the writer is a failover and
# destroying the last member leaves the data unreachable.
CLUSTER_MEMBERS = frozenset({"aws_rds_cluster_instance", "aws_docdb_cluster_instance", "aws_neptune_cluster_instance"})
# Caches that are also the system of record for sessions and queues; a new one starts empty.
CACHES = frozenset(
    {"aws_elasticache_replication_group", "aws_elasticache_cluster", "aws_elasticache_serverless_cache", "aws_memorydb_cluster"}
)
# Stored objects, volumes, images and streams. Destroying aws_s3_bucket_versioning suspends
# versioning, so older object versions stop being kept.
STORAGE = frozenset(
    {
        "aws_s3_bucket", "aws_s3_bucket_versioning", "aws_efs_file_system", "aws_ebs_volume",
        "aws_ecr_repository", "aws_kinesis_stream",
    }
)
# Recovery points: the vault is where the backups of everything above live.
BACKUPS = frozenset({"aws_backup_vault"})
# Keys: everything encrypted with a lost key is unreadable. Secret values and parameters are set
# out of band or generated at apply time; code cannot bring them back.
KEYS_AND_SECRETS = frozenset(
    {
        "aws_kms_key", "aws_kms_replica_key", "aws_kms_external_key",
        "aws_secretsmanager_secret", "aws_secretsmanager_secret_version", "aws_ssm_parameter",
    }
)
# Audit and flow logs.
LOGS = frozenset({"aws_cloudwatch_log_group"})
# A new hosted zone gets new name servers: the parent's delegation breaks and its records are gone.
DNS = frozenset({"aws_route53_zone"})
# The cluster: its etcd holds every Kubernetes object and secret.
CLUSTERS = frozenset({"aws_eks_cluster"})

STATEFUL_TYPES: frozenset[str] = (
    DATABASES | CLUSTER_MEMBERS | CACHES | STORAGE | BACKUPS | KEYS_AND_SECRETS | LOGS | DNS | CLUSTERS
)

# While this argument is true, AWS itself refuses to delete the resource (a console click or a
# CLI call as much as an apply). Production must have it on (policy SPK-DATA-DEL); turning it off
# gates the plan review.
DELETION_PROTECTION: Mapping[str, str] = MappingProxyType(
    {
        "aws_db_instance": "deletion_protection",
        "aws_rds_cluster": "deletion_protection",
        "aws_rds_global_cluster": "deletion_protection",
        "aws_docdb_cluster": "deletion_protection",
        "aws_docdb_global_cluster": "deletion_protection",
        "aws_neptune_cluster": "deletion_protection",
        "aws_neptune_global_cluster": "deletion_protection",
        "aws_dynamodb_table": "deletion_protection_enabled",
        "aws_dynamodb_table_replica": "deletion_protection_enabled",
    }
)

# While this argument is true, destroying the container also deletes what is in it (objects,
# images, recovery points, records); otherwise AWS refuses to delete a non-empty one.
FORCE_DESTROY: Mapping[str, str] = MappingProxyType(
    {
        "aws_s3_bucket": "force_destroy",
        "aws_ecr_repository": "force_delete",
        "aws_backup_vault": "force_destroy",
        "aws_route53_zone": "force_destroy",
    }
)
