"""Settings of the state layer: the Terraform state bucket."""
from __future__ import annotations

from environments.model import LifecycleDays, Model, fail


class StateSettings(Model):
    """The Terraform state bucket of one environment.

    noncurrent_version_days: days an overwritten state version is kept; default 90, 1..3650.
    force_destroy: let `terraform destroy` empty the bucket; default False. Only for emulator
        and throw-away environments; prod refuses it.
    migrated: the state layer's own state has been moved into the bucket
        (docs/runbooks/state-bootstrap.md); default False: it stays on local state.
    """

    noncurrent_version_days: LifecycleDays = 90
    force_destroy: bool = False
    migrated: bool = False

    def check_in(self, production: bool) -> None:
        if production and self.force_destroy:
            fail("force_destroy", "true is not allowed in production: it lets destroy delete every state version; set false")
