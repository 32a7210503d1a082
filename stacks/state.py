"""Layer `state`: the bucket every other stack of the environment keeps its state in."""
from __future__ import annotations

from catalog.naming import resource_name
from constructs import Construct
from constructs.bucket_replication import BucketReplication, BucketReplicationProps
from constructs.state_bucket import StateBucket, StateBucketProps
from environments.schema import Environment
from stacks.base import SparkiStack, backend_kms_key_id, state_bucket_name, state_key_alias
from stacks.run_settings import RunSettings


class StateStack(SparkiStack):
    """Bootstraps the state bucket. It cannot keep its own state in a bucket that does not
    exist yet, so it starts on local state; docs/runbooks/state-bootstrap.md moves it into the
    bucket once (environment setting state.migrated)."""

    layer = "state"

    def __init__(self, scope: Construct, env: Environment, run: RunSettings) -> None:
        super().__init__(scope, env, run, s3_backend=env.state.migrated)
        self.bucket = StateBucket(
            self,
            "state",
            StateBucketProps(
                bucket_name=state_bucket_name(env),
                key_alias=state_key_alias(env),
                account_id=env.account_id,
                backend_key_id=backend_kms_key_id(env),
                noncurrent_version_days=env.state.noncurrent_version_days,
                kms_deletion_window_days=env.kms_key_deletion_window_days,
                force_destroy=env.state.force_destroy,
            ),
        )
        site = None if env.is_dr_site else env.dr_site()
        if site is not None:
            # State survives the region: every version goes to the DR site's bucket (the
            # dr-state layer, deployed before this one), encrypted there with its own key.
            BucketReplication(
                self,
                "replication",
                BucketReplicationProps(
                    name=resource_name(env.name, "tfstate-replication"),
                    account_id=env.account_id,
                    source_bucket=self.bucket.bucket_id,
                    source_key_arn=self.bucket.key_arn,
                    destination_bucket_arn=f"arn:aws:s3:::{state_bucket_name(site)}",
                    destination_key_arn=backend_kms_key_id(site),
                ),
                after=[self.bucket.versioning],
            )
