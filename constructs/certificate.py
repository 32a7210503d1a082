"""An ACM certificate proven by DNS: the validation records are written into a Route 53 zone."""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdktf import TerraformIterator, TerraformProvider, Token
from cdktf_cdktf_provider_aws.acm_certificate import AcmCertificate, AcmCertificateOptions
from cdktf_cdktf_provider_aws.acm_certificate_validation import AcmCertificateValidation
from cdktf_cdktf_provider_aws.route53_record import Route53Record

from constructs import Construct

# RFC 1123 labels, at least two of them, an optional leading "*." for a wildcard. ACM refuses
# anything else only after a round trip; refusing it here names the prop.
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
DOMAIN_NAME = re.compile(rf"^(\*\.)?({_LABEL}\.)+{_LABEL}$")


def check_domain_name(prop: str, name: str) -> None:
    """ValueError naming the prop unless name is a lowercase DNS name of at most 253 characters."""
    if len(name) > 253 or not DOMAIN_NAME.match(name):
        raise ValueError(f"{prop}={name!r}: not a lowercase DNS name like 'api.dev.example.com' (a leading '*.' is allowed)")


@dataclass(frozen=True)
class CertificateProps:
    """Settings for one certificate.

    domain_name: the certificate's subject, e.g. "static.dev.example.com"; "*." allowed.
    zone_id: the Route 53 hosted zone that answers for every name on the certificate.
    alternative_names: further names (SANs) in the same zone; default none.
    key_algorithm: default "RSA_2048" (every client); "EC_prime256v1" for smaller handshakes.
    tags: extra tags; default none.
    """

    domain_name: str
    zone_id: str
    alternative_names: Sequence[str] = field(default_factory=tuple)
    key_algorithm: str = "RSA_2048"
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_domain_name("domain_name", self.domain_name)
        for name in self.alternative_names:
            check_domain_name("alternative_names", name)
        if self.domain_name in self.alternative_names or len(set(self.alternative_names)) != len(self.alternative_names):
            raise ValueError(f"alternative_names={list(self.alternative_names)}: names repeat each other or domain_name")
        if self.key_algorithm not in ("RSA_2048", "EC_prime256v1", "EC_secp384r1"):
            raise ValueError(f"key_algorithm={self.key_algorithm!r}: use RSA_2048, EC_prime256v1 or EC_secp384r1")
        if not self.zone_id:
            raise ValueError("zone_id: give the hosted zone that answers for domain_name")


class DnsValidatedCertificate(Construct):
    """A DNS-validated ACM certificate; arn is usable only once ACM has issued it.

    provider: the AWS provider to create it with; default the stack's. CloudFront accepts only
    certificates from us-east-1, so its certificate is created with a us-east-1 alias.
    arn: the validated certificate's ARN (read from the validation resource, so whatever uses
    it waits for issuance). domain_name: the subject.
    """

    def __init__(self, scope: Construct, id: str, props: CertificateProps, provider: TerraformProvider | None = None) -> None:
        super().__init__(scope, id)
        certificate = AcmCertificate(
            self,
            "certificate",
            provider=provider,
            domain_name=props.domain_name,
            subject_alternative_names=list(props.alternative_names) or None,
            validation_method="DNS",
            key_algorithm=props.key_algorithm,
            # Certificate Transparency logging keeps browsers (Chrome, Safari) trusting it.
            options=AcmCertificateOptions(certificate_transparency_logging_preference="ENABLED"),
            lifecycle={"create_before_destroy": True},
            tags={"Name": props.domain_name, **dict(props.tags)},
        )
        # domain_validation_options is a set, so it cannot be indexed; for_each keyed by the
        # domain name gives each record a stable address. A wildcard and its apex share one
        # record, hence allow_overwrite.
        options = TerraformIterator.from_complex_list(certificate.domain_validation_options, "domain_name")
        records = Route53Record(
            self,
            "validation",
            provider=provider,
            for_each=options,
            zone_id=props.zone_id,
            name=options.get_string("resource_record_name"),
            type=options.get_string("resource_record_type"),
            records=[options.get_string("resource_record_value")],
            ttl=60,
            allow_overwrite=True,
        )
        fqdns = TerraformIterator.from_resources(records).pluck_property("fqdn")
        validation = AcmCertificateValidation(
            self,
            "validation_wait",
            provider=provider,
            certificate_arn=certificate.arn,
            validation_record_fqdns=Token.as_list(fqdns),
        )
        self.arn: str = validation.certificate_arn
        self.domain_name: str = props.domain_name
