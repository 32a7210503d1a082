"""One Helm release from an add-on contract Component."""
from __future__ import annotations

import json
from collections.abc import Sequence

from cdktf import ITerraformDependable, TerraformProvider
from cdktf_cdktf_provider_helm.release import Release

from constructs import Construct
from constructs.addon_contract import Component
from constructs.kube_objects import depend_on

# Long enough for a chart whose pods pull images on fresh nodes; a release that is not ready by
# then fails the apply (atomic rolls it back) instead of being recorded as installed.
TIMEOUT_SECONDS = 600


class HelmComponent(Construct):
    """The component's chart at its pinned version, in its namespace (created by the platform,
    never by Helm), with its values as one JSON document; atomic, waiting for readiness."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        component: Component,
        *,
        provider: TerraformProvider,
        after: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        self.release = Release(
            self,
            "release",
            name=component.name,
            chart=component.chart,
            repository=component.repository,
            version=component.version,
            namespace=component.namespace,
            create_namespace=False,
            # JSON is YAML: one document, keys sorted so the plan diff is stable.
            values=[json.dumps(component.values, sort_keys=True)],
            atomic=True,
            wait=True,
            timeout=TIMEOUT_SECONDS,
            max_history=5,
            provider=provider,
        )
        depend_on(self.release, after)
