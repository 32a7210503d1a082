"""How this run synthesizes: backend kind and an optional AWS emulator endpoint.

Read once from the process environment by main.py and handed to the stacks as plain data, so
nothing below main.py reads os.environ.

SPARKI_BACKEND       "s3" (default): every stack keeps state in its environment's state bucket.
                     "local": state files under <project>/.terraform-state/, for offline work
                     and the emulator tests.
SPARKI_AWS_ENDPOINT  e.g. "http://127.0.0.1:5000": send every AWS API call the stacks make to
                     that endpoint (a local moto server) with the provider's skip_* flags
                     and few retries (docs/emulator.md).
                     Unset (default): nothing of the kind is synthesized.
SPARKI_ENV           comma-separated environments to synthesize; default all.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

BACKENDS = ("s3", "local")
_ENDPOINT = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+(:\d{1,5})?/?$")


class SettingsError(ValueError):
    """A run setting (environment variable) is invalid; str() is one line with the fix."""


@dataclass(frozen=True)
class RunSettings:
    backend: str = "s3"
    aws_endpoint: str | None = None
    environments: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise SettingsError(f"SPARKI_BACKEND={self.backend!r}: use one of {', '.join(BACKENDS)}")
        if self.aws_endpoint is not None and not _ENDPOINT.match(self.aws_endpoint):
            raise SettingsError(f"SPARKI_AWS_ENDPOINT={self.aws_endpoint!r}: use a URL like http://127.0.0.1:5000")

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> RunSettings:
        envs = tuple(e.strip() for e in environ.get("SPARKI_ENV", "").split(",") if e.strip())
        return cls(
            backend=environ.get("SPARKI_BACKEND", "").strip() or "s3",
            aws_endpoint=environ.get("SPARKI_AWS_ENDPOINT", "").strip() or None,
            environments=envs or None,
        )
