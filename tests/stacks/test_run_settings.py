"""Run settings read from the process environment: every bad value is one line naming the
variable and the fix."""
from __future__ import annotations

import pytest

from stacks.run_settings import RunSettings, SettingsError


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:5000", "http://127.0.0.1:5000/", "https://moto.internal", "http://localhost:1", "http://[::1]:65535"],
)
def test_endpoint_accepts_http_urls_with_a_host_and_a_valid_port(url):
    assert RunSettings(aws_endpoint=url).aws_endpoint == url


@pytest.mark.parametrize(
    "url, problem",
    [
        ("localhost", "the scheme must be http or https"),
        ("127.0.0.1:5000", "the scheme must be http or https"),
        ("ftp://127.0.0.1:5000", "the scheme must be http or https"),
        ("http://", "no host name"),
        ("http://:5000", "no host name"),
        ("http://127.0.0.1:0", "the port must be a number from 1 to 65535"),
        ("http://127.0.0.1:65536", "the port must be a number from 1 to 65535"),
        ("http://127.0.0.1:abc", "the port must be a number from 1 to 65535"),
        ("http://127.0.0.1:", "the port must be a number from 1 to 65535"),
        ("http://127.0.0.1:5000/moto", "no path, query or fragment belongs in it"),
        ("http://127.0.0.1:5000?region=us-east-1", "no path, query or fragment belongs in it"),
        ("http://127.0.0.1:5000#x", "no path, query or fragment belongs in it"),
        ("http://user:secret@127.0.0.1:5000", "no user or password belongs in it"),
        ("http://127.0.0.1 :5000", "it contains white space"),
        ("http://[::1:5000", "not a URL"),
    ],
)
def test_endpoint_refuses_anything_else_in_one_line(url, problem):
    with pytest.raises(SettingsError) as err:
        RunSettings.from_environ({"SPARKI_AWS_ENDPOINT": url})
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"SPARKI_AWS_ENDPOINT={url!r}: {problem}")
    assert message.endswith("use a URL like http://127.0.0.1:5000")


def test_backend_is_s3_or_local():
    with pytest.raises(SettingsError, match="^SPARKI_BACKEND='gcs': use one of s3, local$"):
        RunSettings.from_environ({"SPARKI_BACKEND": "gcs"})


def test_run_settings_read_environment_selection():
    run = RunSettings.from_environ({"SPARKI_ENV": "dev, prod"})
    assert run.environments == ("dev", "prod") and run.backend == "s3" and run.aws_endpoint is None
