"""moto, the local AWS emulator, as a server process: start on a free port as one account,
read what it says it lacks from its log, stop by PID."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from importlib.metadata import version
from pathlib import Path

import boto3

_ROOT = Path(__file__).resolve().parents[2]  # where `python -m sparki.emulator.moto_server` finds sparki
_NOT_IMPLEMENTED = re.compile(r"The (\w+) action has not been implemented")
_NO_BACKEND = re.compile(r"Unable to find appropriate backend for (\S+?)\.?Remember")


def moto_gaps(log_text: str) -> list[str]:
    """What moto said it lacks, in the order it said it, each once."""
    gaps: list[str] = []
    for line in log_text.splitlines():
        for pattern, what in ((_NOT_IMPLEMENTED, "action {} is not implemented"), (_NO_BACKEND, "no service emulated at {}")):
            match = pattern.search(line)
            if match and what.format(match.group(1)) not in gaps:
                gaps.append(what.format(match.group(1)))
    return gaps


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MotoServer:
    """moto in server mode on 127.0.0.1 and a free port; every request is answered as the
    given account (MOTO_ACCOUNT_ID), which is what the provider's allowed_account_ids expects,
    and AWS managed IAM policies exist as they do in a real account.
    Output goes to log_path; stop() ends exactly the process start() began."""

    def __init__(self, account_id: str, log_path: Path) -> None:
        self.account_id = account_id
        self.log_path = Path(log_path)
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0, attempts: int = 3) -> MotoServer:
        for _ in range(attempts):  # another process may take the free port before moto binds it
            self.port = free_port()
            env = {
                **os.environ,
                "MOTO_ACCOUNT_ID": self.account_id,
                "MOTO_PORT": str(self.port),
                # AWS managed policies (arn:aws:iam::aws:policy/...) exist in every real
                # account; without this moto answers NoSuchEntity when a role attaches one.
                "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
                # moto issues a DNS-validated certificate this many seconds after the request
                # (default 60); aws_acm_certificate_validation waits for it.
                "MOTO_ACM_VALIDATION_WAIT": "1",
                "PYTHONPATH": os.pathsep.join(filter(None, (str(_ROOT), os.environ.get("PYTHONPATH")))),
            }
            with open(self.log_path, "ab") as log:
                # moto's own server with sparki/emulator/moto_server.py's fixes applied first.
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "sparki.emulator.moto_server", "-H", "127.0.0.1", "-p", str(self.port)],
                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                    cwd=_ROOT,  # `python -m` looks in the working directory first: another checkout's sparki/ must not win
                )
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    with urllib.request.urlopen(f"{self.endpoint}/moto-api/data.json", timeout=2) as reply:
                        if reply.status == 200:
                            return self
                except OSError:
                    time.sleep(0.2)
            self.stop()
        raise RuntimeError(f"moto did not start on 127.0.0.1 (tried {attempts} ports); its log:\n{self.log_tail()}")

    def create_hosted_zone(self, name: str) -> str:
        """A public Route 53 zone, as the environment's zone exists in a real account before any
        stack (the edge layer reads it by name); returns its id."""
        client = boto3.client(
            "route53", endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing",  # moto accepts any; not credentials
        )
        reply = client.create_hosted_zone(Name=name, CallerReference=f"sparki-emulator-{name}")
        return reply["HostedZone"]["Id"].rsplit("/", 1)[-1]

    def stop(self) -> None:
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def log_offset(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_since(self, offset: int) -> str:
        with open(self.log_path, "rb") as fh:
            fh.seek(offset)
            return fh.read().decode(errors="replace")

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_since(max(0, self.log_offset() - chars)) if self.log_path.exists() else "(no log)"

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def gap_keys(log_text: str) -> tuple[set[str], set[str]]:
    """(operations, services) moto lacks, normalized like the SDK names them in errors:
    "delete_cache_subnet_group" -> "deletecachesubnetgroup", "access-analyzer..." -> "accessanalyzer"."""
    operations = {m.group(1).replace("_", "").lower() for m in _NOT_IMPLEMENTED.finditer(log_text)}
    services = {m.group(1).split(".")[0].replace("-", "").lower() for m in _NO_BACKEND.finditer(log_text)}
    return operations, services


def moto_version() -> str:
    return version("moto")
