"""How this run synthesizes: backend kind and an optional AWS emulator endpoint.

Read once from the process environment by main.py and handed to the stacks as plain data, so
nothing below main.py reads os.environ. It lives with the stacks because they are what it
configures; it imports nothing of cdktf, so main.py checks it before the bindings load.

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
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass

BACKENDS = ("s3", "local")
ENDPOINT_EXAMPLE = "http://127.0.0.1:5000"


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
        if self.aws_endpoint is not None:
            problem = endpoint_problem(self.aws_endpoint)
            if problem:
                raise SettingsError(f"SPARKI_AWS_ENDPOINT={self.aws_endpoint!r}: {problem}; use a URL like {ENDPOINT_EXAMPLE}")

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> RunSettings:
        envs = tuple(e.strip() for e in environ.get("SPARKI_ENV", "").split(",") if e.strip())
        return cls(
            backend=environ.get("SPARKI_BACKEND", "").strip() or "s3",
            aws_endpoint=environ.get("SPARKI_AWS_ENDPOINT", "").strip() or None,
            environments=envs or None,
        )


def endpoint_problem(url: str) -> str | None:
    """What is wrong with an emulator endpoint URL, or None: http(s)://host[:port] and nothing more."""
    if any(c.isspace() for c in url):
        return "it contains white space"
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError as exc:
        return f"not a URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return "the scheme must be http or https"
    if parts.username is not None or parts.password is not None:
        return "no user or password belongs in it"
    if not parts.hostname:
        return "no host name"
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return "no path, query or fragment belongs in it"
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0 or (port is None and parts.netloc.endswith(":")):
        return "the port must be a number from 1 to 65535"
    return None
