"""Plan, apply, converge and destroy the synthesized stacks against moto, a local AWS emulator.

The stacks are synthesized with SPARKI_BACKEND=local and SPARKI_AWS_ENDPOINT pointing at a
moto server (MotoServer) that reports the environment's own account id, so the provider's
allowed_account_ids check stays on. Harness drives the real terraform over each stack.

EXCLUSIONS is the one list of what moto cannot take through that lifecycle, each entry with
its reason; docs/emulator.md repeats it. Keep it as short as moto allows: when a resource
fails because moto lacks an API, the failure names the resource type, the API moto lacks
(from moto's own log) and this list.
"""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from sparki import terraform
from sparki.plan_review import Change, summarize
from sparki.terraform import Diagnostic, Outcome

# The moto release EXCLUSIONS was verified against; requirements-dev.txt pins it. A different
# moto may implement what this one lacks (or lose something): re-check the list, then bump.
MOTO_VERIFIED = "5.2.5"
PHASES = ("apply", "converge", "destroy")


@dataclass(frozen=True)
class Exclusion:
    """What the harness leaves out for one resource type ("aws_x") or address ("aws_x.name").

    phase "apply": moto cannot create or read it, or does not keep what forces its replacement
        (so it could never converge). It is planned but not applied; resources
        that depend on it (in its stack, or through cross-stack outputs) are left out too.
    phase "converge": moto creates it but does not keep `attributes` (top-level names), so the
        second plan wants to update exactly those; that update, and only it, is tolerated.
    phase "destroy": moto creates and reads it (so it is applied and must converge) but cannot
        delete it; before destroy it is removed from the state instead.
    reason: which API or field moto lacks, in words a reviewer can check against moto's docs.
    """

    phase: str
    reason: str
    attributes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.phase not in PHASES:
            raise ValueError(f"phase={self.phase!r}: must be one of {', '.join(PHASES)}")
        if len(self.reason) < 20:
            raise ValueError(f"reason={self.reason!r}: say which API moto lacks")
        if (self.phase == "converge") != bool(self.attributes):
            raise ValueError(f"attributes={self.attributes!r}: name them for phase 'converge', and only for it")


EXCLUSIONS: Mapping[str, Exclusion] = MappingProxyType(
    {
        "aws_accessanalyzer_analyzer": Exclusion(
            "apply", "moto 5.2.5 emulates no IAM Access Analyzer service (CreateAnalyzer answers HTTP 500: no service emulated)"
        ),
        "aws_ebs_default_kms_key": Exclusion(
            "apply", "moto 5.2.5 does not implement EC2 GetEbsDefaultKmsKeyId / ModifyEbsDefaultKmsKeyId"
        ),
        "aws_s3_account_public_access_block": Exclusion(
            "apply",
            "the provider sends S3 Control calls to <account>.<endpoint host>, a host name that does not resolve "
            "for a loopback emulator endpoint",
        ),
        "aws_s3_bucket_logging": Exclusion(
            "apply",
            "moto 5.2.5 PutBucketLogging crashes (HTTP 500, AttributeError in set_logging) while it evaluates the "
            "target bucket's policy",
        ),
        "aws_eks_cluster": Exclusion(
            "apply",
            "moto 5.2.5 does not keep access_config.bootstrap_cluster_creator_admin_permissions, so every second plan "
            "replaces the cluster (and with it the OIDC provider, IRSA trust policies, node groups and add-ons)",
        ),
        "aws_launch_template": Exclusion(
            "converge",
            "moto 5.2.5 does not keep a launch template's tag_specifications, so the second plan writes a new version",
            ("default_version", "latest_version", "tag_specifications"),
        ),
        "aws_eks_access_entry": Exclusion(
            "apply", "moto 5.2.5 EKS has no access entry API (CreateAccessEntry answers HTTP 404)"
        ),
        "aws_eks_addon": Exclusion(
            "apply", "moto 5.2.5 EKS has no managed add-on API (CreateAddon answers HTTP 404)"
        ),
        "aws_elasticache_parameter_group": Exclusion(
            "apply", "moto 5.2.5 does not implement ElastiCache CreateCacheParameterGroup (HTTP 500 'not implemented')"
        ),
        "aws_elasticache_user_group": Exclusion(
            "apply", "moto 5.2.5 does not implement ElastiCache CreateUserGroup (HTTP 500 'not implemented')"
        ),
        "aws_db_instance": Exclusion(
            "converge",
            "moto 5.2.5 does not keep Performance Insights settings of a DB instance, so the second plan re-sets them",
            ("performance_insights_enabled", "performance_insights_kms_key_id", "performance_insights_retention_period"),
        ),
        "aws_db_parameter_group": Exclusion(
            "converge",
            "moto 5.2.5 DescribeDBParameters returns no parameters, so the second plan re-sets every parameter",
            ("parameter",),
        ),
        "aws_elasticache_subnet_group": Exclusion(
            "destroy",
            "moto 5.2.5 implements CreateCacheSubnetGroup and DescribeCacheSubnetGroups but not "
            "DeleteCacheSubnetGroup (HTTP 500 'delete_cache_subnet_group action has not been implemented')",
        ),
    }
)


def _key_for(address: str, exclusions: Mapping[str, Exclusion]) -> str | None:
    """The EXCLUSIONS key covering a resource address (an exact address wins over its type)."""
    base = address.split("[", 1)[0]  # aws_x.name[0] -> aws_x.name
    if base in exclusions:
        return base
    rtype = base.split(".", 1)[0]
    return rtype if rtype in exclusions else None


# -- which resources each stack leaves out ----------------------------------------------------
_REF = re.compile(r"(?<![\w.\-])([a-z][a-z0-9_]*\.[A-Za-z0-9_\-]+)")
_REMOTE = "cross-stack-reference-input-"


def _resources(doc: Mapping) -> dict[str, str]:
    """address -> the resource's JSON text (references are searched in it)."""
    return {
        f"{rtype}.{name}": json.dumps(body)
        for rtype, by_name in doc.get("resource", {}).items()
        for name, body in by_name.items()
    }


def _references(text: str, addresses: Iterable[str]) -> set[str]:
    known = set(addresses)
    return {m for m in _REF.findall(text) if m in known}


def _mentions(text: str, reference: str) -> bool:
    """reference occurs in text as a whole name (outputs.foo is not outputs.foo2)."""
    return re.search(re.escape(reference) + r"(?![\w\-])", text) is not None


def apply_exclusions(
    docs: Mapping[str, Mapping], order: Iterable[str], exclusions: Mapping[str, Exclusion] = EXCLUSIONS
) -> dict[str, dict[str, str]]:
    """stack -> {address: why} of the resources the harness must not apply.

    docs: stack name -> parsed cdk.tf.json; order: deploy order (producers before consumers).
    Resources of an "apply" exclusion are left out, and so is everything that references one,
    directly, through depends_on, or through another stack's output that carries its value.
    """
    result: dict[str, dict[str, str]] = {}
    lost: dict[str, set[str]] = {}  # stack -> names of its outputs that will not exist
    for stack in order:
        doc = docs[stack]
        res = _resources(doc)
        out: dict[str, str] = {}
        for address in res:
            key = _key_for(address, exclusions)
            if key and exclusions[key].phase == "apply":
                out[address] = f"EXCLUSIONS[{key!r}]: {exclusions[key].reason}"
        remote = {
            f"data.terraform_remote_state.{name}.outputs.{output}": f"{name[len(_REMOTE):]} output {output}"
            for name in doc.get("data", {}).get("terraform_remote_state", {})
            if name.startswith(_REMOTE)
            for output in lost.get(name[len(_REMOTE):], ())
        }
        changed = True
        while changed:
            changed = False
            for address, text in res.items():
                if address in out:
                    continue
                refs = sorted(_references(text, res) & set(out))
                gone = sorted(desc for ref, desc in remote.items() if _mentions(text, ref))
                if refs or gone:
                    out[address] = f"depends on excluded {(refs or gone)[0]}"
                    changed = True
        lost[stack] = {
            name
            for name, body in doc.get("output", {}).items()
            if _references(json.dumps(body), res) & set(out) or any(_mentions(json.dumps(body), ref) for ref in remote)
        }
        result[stack] = out
    return result


def destroy_exclusions(addresses: Iterable[str], exclusions: Mapping[str, Exclusion] = EXCLUSIONS) -> dict[str, str]:
    """{address: why} of state entries to drop instead of destroying (phase "destroy")."""
    found = {}
    for address in addresses:
        key = _key_for(address, exclusions)
        if key and exclusions[key].phase == "destroy":
            found[address] = f"EXCLUSIONS[{key!r}]: {exclusions[key].reason}"
    return found


def tolerated(change: Change, exclusions: Mapping[str, Exclusion] = EXCLUSIONS) -> str | None:
    """Why a second-plan change is tolerated (a "converge" exclusion covering every attribute
    the update touches), or None: it is a real failure to converge."""
    key = _key_for(change.address, exclusions)
    if not key or change.action != "update":
        return None
    rule = exclusions[key]
    if rule.phase != "converge" or not set(change.attributes) <= set(rule.attributes):
        return None
    return f"EXCLUSIONS[{key!r}]: {rule.reason}"


def unused_exclusions(docs: Mapping[str, Mapping], exclusions: Mapping[str, Exclusion] = EXCLUSIONS) -> list[str]:
    """Keys of EXCLUSIONS that match no resource of the given stacks: stale entries."""
    addresses = [a for doc in docs.values() for a in _resources(doc)]
    return sorted(k for k in exclusions if not any(_key_for(a, {k: exclusions[k]}) for a in addresses))


# -- the emulator process -----------------------------------------------------------------------
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
            }
            with open(self.log_path, "ab") as log:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
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


def terraform_env(base: Mapping[str, str] = os.environ) -> dict[str, str]:
    """terraform's environment for emulator runs: the mirror settings of cli_env(), and no AWS
    setting of this machine (profile, key, role, region), so nothing can reach a real account."""
    env = {k: v for k, v in terraform.cli_env(base).items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing",  # moto accepts any key; these are not credentials
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


# -- the lifecycle ------------------------------------------------------------------------------
def _type_of(address: str) -> str:
    parts = address.split(".")
    return f"data.{parts[1]}" if parts[0] == "data" and len(parts) > 1 else parts[0]


_OPERATION = re.compile(r"operation error ([\w ]+?): (\w+),")


def _gap_keys(log_text: str) -> tuple[set[str], set[str]]:
    """(operations, services) moto lacks, normalized like the SDK names them in errors:
    "delete_cache_subnet_group" -> "deletecachesubnetgroup", "access-analyzer..." -> "accessanalyzer"."""
    operations = {m.group(1).replace("_", "").lower() for m in _NOT_IMPLEMENTED.finditer(log_text)}
    services = {m.group(1).split(".")[0].replace("-", "").lower() for m in _NO_BACKEND.finditer(log_text)}
    return operations, services


def _lacking(diagnostic: Diagnostic, operations: set[str], services: set[str]) -> bool:
    match = _OPERATION.search(f"{diagnostic.summary} {diagnostic.detail}")
    if not match:
        return False
    service, operation = match.group(1).replace(" ", "").lower(), match.group(2).lower()
    return operation in operations or service in services


def explain_failure(what: str, outcome: Outcome, moto_log: str, phase: str) -> str:
    """terraform's errors and, for each resource whose API call moto logged as missing, its
    type and where to exclude it. Other errors (our configuration, a moto setting) stay as
    terraform said them."""
    lines = [f"terraform {what} failed:", *(f"  {line}" for line in outcome.describe().splitlines())]
    gaps = moto_gaps(moto_log)
    if gaps:
        operations, services = _gap_keys(moto_log)
        types = sorted({_type_of(e.address) for e in outcome.errors if e.address and _lacking(e, operations, services)})
        lines.append(f"  moto {moto_version()} says: {'; '.join(gaps)}")
        if types:
            lines.append(
                f"  -> moto cannot {phase} {', '.join(types)}: add each to sparki/emulator.py EXCLUSIONS "
                f"(phase {phase!r}) with that reason, and to docs/emulator.md"
            )
    return "\n".join(lines)


@dataclass(frozen=True)
class Step:
    """One lifecycle step of one stack."""

    stack: str
    name: str
    ok: bool
    detail: str
    seconds: float

    def __str__(self) -> str:
        return f"{self.stack} {self.name}: {'ok' if self.ok else 'FAILED'} ({self.seconds:.0f} s) {self.detail}".rstrip()


class Harness:
    """terraform plan / apply / plan again / destroy of synthesized stacks against a MotoServer.

    outdir: synthesized with SPARKI_BACKEND=local and SPARKI_AWS_ENDPOINT=server.endpoint.
    workdir: where plan files go. Each step returns a Step; none raises on a terraform failure.
    """

    def __init__(self, outdir: Path, server: MotoServer, workdir: Path, exclusions: Mapping[str, Exclusion] = EXCLUSIONS) -> None:
        self.outdir = Path(outdir)
        self.server = server
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.exclusions = exclusions
        self.env = terraform_env()
        self.dirs = terraform.aws_only_stacks(self.outdir)
        self.order = terraform.deploy_order(self.outdir, self.dirs)
        self.docs = {n: json.loads((p / "cdk.tf.json").read_text()) for n, p in self.dirs.items()}
        self.left_out = apply_exclusions(self.docs, self.order, exclusions)
        self.dropped: dict[str, dict[str, str]] = {}
        self._initialized: set[str] = set()

    def targets(self, stack: str) -> list[str]:
        """Empty (everything) unless an apply exclusion leaves something of the stack out."""
        if not self.left_out[stack]:
            return []
        return sorted(a for a in _resources(self.docs[stack]) if a not in self.left_out[stack])

    def _timed(self, stack: str, name: str, work) -> Step:
        start = time.monotonic()
        ok, detail = work()
        return Step(stack, name, ok, detail, time.monotonic() - start)

    def _failure(self, what: str, outcome: Outcome, offset: int, phase: str) -> str:
        return explain_failure(what, outcome, self.server.log_since(offset), phase)

    def _init(self, stack: str) -> Outcome | None:
        if stack in self._initialized:
            return None
        outcome = terraform.init(self.dirs[stack], self.env)
        if outcome.ok:
            self._initialized.add(stack)
        return outcome

    def _planfile(self, stack: str, purpose: str) -> Path:
        return self.workdir / f"{stack}.{purpose}.tfplan"

    def plan(self, stack: str) -> Step:
        """init, then the plan the apply step will execute."""

        def work():
            init = self._init(stack)
            if init is not None and not init.ok:
                return False, f"terraform init failed: {init.describe()}"
            offset = self.server.log_offset()
            outcome = terraform.plan(self.dirs[stack], self.env, self._planfile(stack, "apply"), self.targets(stack))
            if outcome.returncode not in (0, 2):
                return False, self._failure("plan", outcome, offset, "apply")
            left = len(self.left_out[stack])
            return True, f"left out (EXCLUSIONS): {left}" if left else ""

        return self._timed(stack, "plan", work)

    def apply(self, stack: str) -> Step:
        def work():
            offset = self.server.log_offset()
            outcome = terraform.apply_plan(self.dirs[stack], self.env, self._planfile(stack, "apply"))
            if not outcome.ok:
                return False, self._failure("apply", outcome, offset, "apply")
            return True, f"{len(terraform.state_list(self.dirs[stack], self.env))} resources in state"

        return self._timed(stack, "apply", work)

    def converge(self, stack: str) -> Step:
        """A second plan must find nothing to do (-detailed-exitcode 0)."""

        def work():
            offset = self.server.log_offset()
            planfile = self._planfile(stack, "converge")
            outcome = terraform.plan(self.dirs[stack], self.env, planfile, self.targets(stack))
            if outcome.returncode == 0:
                return True, "no changes"
            if outcome.returncode != 2:
                return False, self._failure("plan", outcome, offset, "apply")
            review = summarize(stack, terraform.show_plan(self.dirs[stack], self.env, planfile))
            excused = {c.address: tolerated(c, self.exclusions) for c in review.changes}
            blocking = [c for c in review.changes if not excused[c.address]]
            if review.changes and not blocking:
                return True, f"no changes but what EXCLUSIONS tolerates: {', '.join(c.describe() for c in review.changes)}"
            changes = "\n".join(f"  {c.describe()}" for c in blocking) or "  (only outputs change)"
            return False, f"the configuration does not converge; a second plan still wants:\n{changes}"

        return self._timed(stack, "converge", work)

    def destroy(self, stack: str) -> Step:
        """Drop the destroy-phase exclusions from the state, then terraform destroy."""

        def work():
            path = self.dirs[stack]
            dropped = destroy_exclusions(terraform.state_list(path, self.env), self.exclusions)
            if dropped:
                rm = terraform.state_rm(path, self.env, sorted(dropped))
                if not rm.ok:
                    return False, f"terraform state rm failed: {rm.describe()}"
            self.dropped[stack] = dropped
            offset = self.server.log_offset()
            # The same targets as apply: what an apply exclusion left out (and references to
            # outputs it never produced) must not be evaluated now either.
            outcome = terraform.destroy(path, self.env, self.targets(stack))
            if not outcome.ok:
                return False, self._failure("destroy", outcome, offset, "destroy")
            # A targeted destroy leaves data sources in the state; they are not infrastructure.
            left = [a for a in terraform.state_list(path, self.env) if not a.startswith("data.")]
            if left:
                return False, f"state still holds {', '.join(left)} after destroy"
            return True, f"dropped from state (EXCLUSIONS): {', '.join(sorted(dropped))}" if dropped else ""

        return self._timed(stack, "destroy", work)


def aws_only_stack_names(environment: str) -> list[str]:
    """The AWS-only stacks of an environment by the layer table, known before any synthesis."""
    from stacks import LAYERS

    return [f"sparki-{environment}-{layer.name}" for layer in LAYERS if layer.aws_only]


def moto_version() -> str:
    from importlib.metadata import version

    return version("moto")
