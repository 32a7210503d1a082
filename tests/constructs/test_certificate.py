"""Unit tests of constructs/certificate.py."""
from __future__ import annotations

import pytest
from cdktf import TerraformOutput

from constructs.certificate import CertificateProps, DnsValidatedCertificate
from tests.constructs.edge_support import ALIAS, virginia
from tests.support import assert_rejected, builder, one, policy_report, synth_construct, synth_fixture

MINIMAL = dict(domain_name="api.t.example.com", zone_id="Z0123456789")
FULL = dict(MINIMAL, alternative_names=("*.t.example.com", "t.example.com"), key_algorithm="EC_prime256v1", tags={"Team": "edge"})


build_minimal = builder(DnsValidatedCertificate, "cert", CertificateProps, MINIMAL)
build_full = builder(DnsValidatedCertificate, "cert", CertificateProps, FULL, provider=virginia)
minimal = synth_fixture(build_minimal)
full = synth_fixture(build_full)


def addresses(doc):
    return {rtype: next(iter(doc["resource"][rtype])) for rtype in ("aws_acm_certificate", "aws_route53_record", "aws_acm_certificate_validation")}


def test_certificate_is_dns_validated_and_logged_to_certificate_transparency(minimal):
    cert = one(minimal, "aws_acm_certificate")
    assert cert["domain_name"] == MINIMAL["domain_name"] and cert["validation_method"] == "DNS"
    assert "subject_alternative_names" not in cert
    assert cert["options"] == {"certificate_transparency_logging_preference": "ENABLED"}
    assert cert["lifecycle"] == {"create_before_destroy": True}


def test_one_validation_record_per_domain_in_the_zone_and_the_validation_waits_for_them(minimal):
    names = addresses(minimal)
    record = one(minimal, "aws_route53_record")
    assert record["for_each"] == (
        "${{{{ for key, val in tolist(aws_acm_certificate.{}.domain_validation_options): val.domain_name => val }}}}".format(names["aws_acm_certificate"])
    )
    assert record["zone_id"] == MINIMAL["zone_id"]
    assert (record["name"], record["type"], record["records"]) == (
        "${each.value.resource_record_name}", "${each.value.resource_record_type}", ["${each.value.resource_record_value}"],
    )
    assert record["allow_overwrite"] is True
    validation = one(minimal, "aws_acm_certificate_validation")
    assert validation["certificate_arn"] == "${{aws_acm_certificate.{}.arn}}".format(names["aws_acm_certificate"])
    assert validation["validation_record_fqdns"] == "${{[ for key, val in aws_route53_record.{}: val.fqdn]}}".format(names["aws_route53_record"])


def test_arn_is_read_from_the_validation_so_users_wait_for_issuance():
    doc = synth_construct(lambda s: TerraformOutput(s, "arn", value=build_minimal(s).arn))
    validation = next(iter(doc["resource"]["aws_acm_certificate_validation"]))
    assert doc["output"]["arn"]["value"] == f"${{aws_acm_certificate_validation.{validation}.certificate_arn}}"


def test_full_adds_names_algorithm_and_puts_everything_on_the_given_provider(full):
    cert = one(full, "aws_acm_certificate")
    assert cert["subject_alternative_names"] == list(FULL["alternative_names"])
    assert cert["key_algorithm"] == "EC_prime256v1"
    assert cert["tags"] == {"Name": MINIMAL["domain_name"], "Team": "edge"}
    for rtype in ("aws_acm_certificate", "aws_route53_record", "aws_acm_certificate_validation"):
        assert one(full, rtype)["provider"] == f"aws.{ALIAS}", rtype


@pytest.mark.parametrize("build", [build_minimal, build_full])
def test_passes_the_policy_pack(build):
    assert policy_report(build).violations == []


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(domain_name="API.example.com"), "domain_name='API.example.com': not a lowercase DNS name"),
        (dict(domain_name="localhost"), "domain_name='localhost'"),
        (dict(domain_name="a..example.com"), "domain_name="),
        (dict(domain_name="-a.example.com"), "domain_name="),
        (dict(alternative_names=("bad name.example.com",)), "alternative_names="),
        (dict(alternative_names=("api.t.example.com",)), "repeat"),
        (dict(key_algorithm="RSA_1024"), "key_algorithm="),
        (dict(zone_id=""), "zone_id"),
    ],
)
def test_invalid_props_are_rejected(changes, message):
    assert_rejected(CertificateProps, MINIMAL, changes, message)
