"""Every validation rule of environments/, one failing example each, plus the real data."""
from __future__ import annotations

import dataclasses

import pytest

import environments
from environments.schema import (
    ConfigError,
    Environment,
    NetworkSettings,
    SecretRotation,
    SecretSettings,
    SecuritySettings,
    StateSettings,
    check_disjoint,
)

ENVS = environments.load()
DEV, STAGING, PROD = ENVS["dev"], ENVS["staging"], ENVS["prod"]


def net(env: Environment, **changes) -> NetworkSettings:
    return dataclasses.replace(env.network, **changes)


def sec(env: Environment, **changes) -> SecuritySettings:
    return dataclasses.replace(env.security, **changes)


def secret(**changes) -> SecretSettings:
    return dataclasses.replace(SecretSettings(name="app/key", description="a key", readers=("sparki-dev-app-api",)), **changes)


ROTATION = SecretRotation(lambda_arn="arn:aws:lambda:us-east-1:111111111111:function:rotate-smtp", role="sparki-dev-rotate-smtp")


@pytest.mark.parametrize(
    "base, changes, field, says",
    [
        (DEV, dict(name="Dev"), "name", "lowercase"),
        (DEV, dict(account_id="12345"), "account_id", "12-digit"),
        (DEV, dict(account_id="12345678901a"), "account_id", "12-digit"),
        (DEV, dict(region="us-east-9"), "region", "not a known AWS region"),
        (PROD, dict(dr_region="mars-1"), "dr_region", "not a known AWS region"),
        (PROD, dict(dr_region="us-east-1"), "dr_region", "different region"),
        (DEV, dict(azs=("us-east-1a",)), "azs", "at least 2"),
        (DEV, dict(azs=("us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e")), "azs", "at most 4"),
        (DEV, dict(azs=("us-east-1a", "us-east-1a")), "azs", "repeats"),
        (DEV, dict(azs=("us-east-1a", "us-west-2b")), "azs", "not a zone of region us-east-1"),
        (DEV, dict(network=net(DEV, vpc_cidr="10.10.0.0/33")), "network.vpc_cidr", "not a valid IPv4 network"),
        (DEV, dict(network=net(DEV, vpc_cidr="10.10.0.1/16")), "network.vpc_cidr", "host bits zero"),
        (DEV, dict(network=net(DEV, vpc_cidr="8.8.0.0/16")), "network.vpc_cidr", "RFC 1918"),
        (DEV, dict(network=net(DEV, vpc_cidr="10.10.0.0/24")), "network.vpc_cidr", "too small"),
        (DEV, dict(network=net(DEV, vpc_cidr="10.0.0.0/8")), "network.vpc_cidr", "larger than AWS allows"),
        (DEV, dict(network=net(DEV, nat_mode="none")), "network.nat_mode", "single, per_az"),
        (PROD, dict(network=net(PROD, nat_mode="single")), "network.nat_mode", "not allowed in production"),
        (DEV, dict(network=net(DEV, interface_endpoints=("ec2messages",))), "network.interface_endpoints", "unknown endpoint"),
        (DEV, dict(network=net(DEV, interface_endpoints=("sts", "sts"))), "network.interface_endpoints", "twice"),
        (DEV, dict(network=net(DEV, flow_log_retention_days=10)), "network.flow_log_retention_days", "retention value"),
        (DEV, dict(log_retention_days=0), "log_retention_days", "retention value"),
        (DEV, dict(state=StateSettings(noncurrent_version_days=0)), "state.noncurrent_version_days", "1..3650"),
        (DEV, dict(state=StateSettings(kms_deletion_window_days=5)), "state.kms_deletion_window_days", "7..30"),
        (PROD, dict(state=StateSettings(force_destroy=True)), "state.force_destroy", "not allowed in production"),
        (DEV, dict(tags={"Environment": "x"}), "tags", "set by the stacks"),
        (DEV, dict(tags={"aws:owner": "x"}), "tags", "not a valid tag key"),
        (DEV, dict(tags={"Owner": "x" * 300}), "tags", "at most 256"),
        (DEV, dict(tags={"Owner": "platform-team"}), "tags", "CostCenter missing"),
        (DEV, dict(tags={"Owner": " ", "CostCenter": "c"}), "tags", "Owner missing"),
        (DEV, dict(security=sec(DEV, secrets=(secret(name="App/Key"),))), "security.secrets[0].name", "not a secret name"),
        (DEV, dict(security=sec(DEV, secrets=(secret(name="app//key"),))), "security.secrets[0].name", "not a secret name"),
        (DEV, dict(security=sec(DEV, secrets=(secret(), secret()))), "security.secrets[0].name", "declared twice"),
        (DEV, dict(security=sec(DEV, secrets=(secret(description=" "),))), "security.secrets[0].description", "is empty"),
        (DEV, dict(security=sec(DEV, secrets=(secret(readers=()),))), "security.secrets[0].readers", "at least one IAM role"),
        (DEV, dict(security=sec(DEV, secrets=(secret(readers=("arn:aws:iam::999999999999:role/x",)),))), "security.secrets[0].readers", "not an IAM role name"),
        (DEV, dict(security=sec(DEV, secrets=(secret(rotation=dataclasses.replace(ROTATION, lambda_arn="arn:aws:lambda:us-east-1:999999999999:function:rotate")),))), "security.secrets[0].rotation.lambda_arn", "not a Lambda function of this environment"),
        (DEV, dict(security=sec(DEV, secrets=(secret(rotation=dataclasses.replace(ROTATION, role="role/with/slash")),))), "security.secrets[0].rotation.role", "not an IAM role name"),
        (DEV, dict(security=sec(DEV, secrets=(secret(rotation=dataclasses.replace(ROTATION, days=0)),))), "security.secrets[0].rotation.days", "1..1000"),
        (DEV, dict(security=sec(DEV, secret_recovery_days=5)), "security.secret_recovery_days", "7..30"),
        (DEV, dict(security=sec(DEV, audit_log_retention_days=10)), "security.audit_log_retention_days", "retention value"),
        (PROD, dict(security=sec(PROD, audit_log_retention_days=180)), "security.audit_log_retention_days", "at least 365"),
        (DEV, dict(security=sec(DEV, audit_archive_after_days=0)), "security.audit_archive_after_days", "1..3650"),
        (DEV, dict(security=sec(DEV, access_log_expire_after_days=4000)), "security.access_log_expire_after_days", "1..3650"),
        (DEV, dict(security=sec(DEV, audit_archive_after_days=30, audit_expire_after_days=60)), "security.audit_expire_after_days", "use at least 120"),
        (PROD, dict(security=sec(PROD, audit_archive_after_days=30, audit_expire_after_days=200)), "security.audit_expire_after_days", "at least 365 days"),
        (DEV, dict(security=sec(DEV, guardduty_features=("EKS_AUDIT_LOGS", "LAMBDA_NETWORK_LOGS"))), "security.guardduty_features", "unknown feature"),
        (DEV, dict(security=sec(DEV, guardduty_features=("EKS_AUDIT_LOGS", "EKS_AUDIT_LOGS"))), "security.guardduty_features", "twice"),
        (DEV, dict(security=sec(DEV, guardduty_features=("S3_DATA_EVENTS",))), "security.guardduty_features", "must include EKS_AUDIT_LOGS"),
        (DEV, dict(security=sec(DEV, enable_config=False, enable_security_hub=True)), "security.enable_security_hub", "needs enable_config=True"),
        (PROD, dict(security=sec(PROD, enable_config=False, enable_security_hub=False)), "security.enable_config", "not allowed in production"),
        (PROD, dict(security=sec(PROD, enable_guardduty=False)), "security.enable_guardduty", "not allowed in production"),
        (PROD, dict(security=sec(PROD, enable_security_hub=False)), "security.enable_security_hub", "not allowed in production"),
        (PROD, dict(security=sec(PROD, enable_access_analyzer=False)), "security.enable_access_analyzer", "not allowed in production"),
    ],
)
def test_each_rule_names_environment_field_and_fix(base, changes, field, says):
    with pytest.raises(ConfigError) as err:
        dataclasses.replace(base, **changes)
    message = str(err.value)
    assert err.value.field == field
    assert says in message
    assert f"environment '{changes.get('name', base.name)}'" in message
    assert "\n" not in message


def test_overlapping_cidrs_between_environments_are_rejected():
    clash = dataclasses.replace(STAGING, network=net(STAGING, vpc_cidr="10.10.128.0/17"))
    with pytest.raises(ConfigError, match=r"environment 'staging': field 'network.vpc_cidr': 10.10.128.0/17 overlaps dev's 10.10.0.0/16"):
        check_disjoint({"dev": DEV, "staging": clash})


def test_environment_registered_under_another_name_is_rejected():
    with pytest.raises(ConfigError, match="registered as 'qa' but named 'dev'"):
        check_disjoint({"qa": DEV})


def test_unknown_environment_selection_is_rejected():
    with pytest.raises(ConfigError, match="environment 'qa': field 'ENV': unknown environment; use one of dev, staging, prod"):
        environments.load(["qa"])


def test_load_selects_but_still_checks_every_environment():
    assert list(environments.load(["prod"])) == ["prod"]


# -- invariants of the real data ------------------------------------------------------------


def test_three_environments_with_disjoint_private_cidrs():
    assert list(ENVS) == ["dev", "staging", "prod"]
    nets = [e.vpc_network for e in ENVS.values()]
    assert all(n.is_private for n in nets)
    assert not any(a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1:])


def test_production_is_highly_available_and_keeps_logs_a_year():
    assert PROD.network.nat_mode == "per_az"
    assert len(PROD.azs) >= 3
    assert PROD.log_retention_days >= 365 and PROD.network.flow_log_retention_days >= 365
    assert not PROD.state.force_destroy
    assert PROD.dr_region and PROD.dr_region != PROD.region


def test_retention_grows_dev_to_prod():
    assert DEV.log_retention_days <= STAGING.log_retention_days <= PROD.log_retention_days


def test_every_environment_declares_secrets_by_name_only():
    for env in ENVS.values():
        assert env.security.secrets, env.name
        for declared in env.security.secrets:
            assert {f.name for f in dataclasses.fields(declared)} == {"name", "description", "readers", "rotation"}
            assert all(role.startswith(f"sparki-{env.name}-") for role in declared.readers)


def test_production_scans_everything_and_keeps_audit_logs_seven_years():
    assert all(PROD.security.switches.values())
    assert set(PROD.security.guardduty_features) == {"EKS_AUDIT_LOGS", "S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS"}
    assert PROD.security.audit_log_retention_days >= 365
    assert PROD.security.audit_expire_after_days >= 7 * 365


def test_staging_scans_like_production():
    assert STAGING.security.switches == PROD.security.switches


def test_audit_retention_grows_dev_to_prod():
    days = [e.security.audit_expire_after_days for e in (DEV, STAGING, PROD)]
    assert days == sorted(days)


def test_a_valid_rotation_is_accepted():
    env = dataclasses.replace(DEV, security=sec(DEV, secrets=(secret(rotation=ROTATION),)))
    assert env.security.secrets[0].rotation.days == 30
