"""The hosted UI / managed login domain: a Cognito prefix, or a custom domain with its
ACM certificate in us-east-1 (CloudFront's region) via pulumi-aws v7's per-resource region."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import child, type_token
from settings.domain import CustomDomain, DomainSettings

CERTIFICATE_REGION = "us-east-1"
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"  # the fixed hosted zone of every CloudFront distribution


@dataclass(frozen=True)
class HostedDomainArgs:
    settings: DomainSettings
    user_pool_id: pulumi.Input[str]
    region: str
    tags: Mapping[str, str] = field(default_factory=dict)
    protect: bool = True


def _first_option(options: Sequence[Any] | None, attribute: str) -> str | None:
    """A field of the certificate's first DNS validation option (unknown until the cert exists)."""
    return getattr(options[0], attribute, None) if options else None


class HostedDomain(pulumi.ComponentResource):
    """Where users sign in: ``https://<prefix>.auth.<region>.amazoncognito.com`` or a custom domain."""

    domain: aws.cognito.UserPoolDomain
    base_url: pulumi.Output[str]
    cloudfront_distribution: pulumi.Output[str | None]

    def __init__(
        self, name: str, args: HostedDomainArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("HostedDomain"), name, None, opts)
        settings = args.settings
        custom = settings.custom_domain
        certificate_arn: pulumi.Input[str] | None = None
        depends_on: list[pulumi.Resource] = []
        if custom is not None:
            certificate_arn, certificate = self._certificate(name, custom, args.tags, args.protect)
            depends_on.append(certificate)
            self.base_url = pulumi.Output.from_input(f"https://{custom.domain_name}")
        else:
            self.base_url = pulumi.Output.from_input(
                f"https://{settings.prefix}.auth.{args.region}.amazoncognito.com"
            )
        self.domain = aws.cognito.UserPoolDomain(
            f"{name}-domain",
            domain=custom.domain_name if custom is not None else str(settings.prefix),
            user_pool_id=args.user_pool_id,
            certificate_arn=certificate_arn,
            managed_login_version=settings.managed_login_version,
            opts=child(self, protect=args.protect, depends_on=depends_on),
        )
        self.cloudfront_distribution = self.domain.cloudfront_distribution
        if custom is not None and custom.hosted_zone_id is not None:
            aws.route53.Record(
                f"{name}-alias",
                zone_id=custom.hosted_zone_id,
                name=custom.domain_name,
                type="A",
                aliases=[
                    {
                        "name": self.domain.cloudfront_distribution.apply(lambda d: d or ""),
                        "zone_id": CLOUDFRONT_ZONE_ID,
                        "evaluate_target_health": False,
                    }
                ],
                opts=child(self),
            )
        self.register_outputs(
            {"baseUrl": self.base_url, "cloudfrontDistribution": self.cloudfront_distribution}
        )

    def _certificate(
        self, name: str, custom: CustomDomain, tags: Mapping[str, str], protect: bool
    ) -> tuple[pulumi.Output[str], pulumi.Resource]:
        """The us-east-1 certificate's ARN, and the resource the domain must wait for: the
        certificate, or its validation when a Route 53 hosted zone is given."""
        certificate: aws.acm.Certificate = aws.acm.Certificate(
            f"{name}-certificate",
            domain_name=custom.domain_name,
            validation_method="DNS",
            region=CERTIFICATE_REGION,
            tags=dict(tags),
            opts=child(self, protect=protect),  # the custom domain serves sign-in with it
        )
        if custom.hosted_zone_id is None:
            return certificate.arn, certificate
        options = certificate.domain_validation_options
        record = aws.route53.Record(
            f"{name}-certificate-validation-record",
            zone_id=custom.hosted_zone_id,
            name=options.apply(lambda o: _first_option(o, "resource_record_name") or ""),
            type=options.apply(lambda o: _first_option(o, "resource_record_type") or "CNAME"),
            records=[options.apply(lambda o: _first_option(o, "resource_record_value") or "")],
            ttl=300,
            allow_overwrite=True,
            opts=child(self),
        )
        validation: aws.acm.CertificateValidation = aws.acm.CertificateValidation(
            f"{name}-certificate-validation",
            certificate_arn=certificate.arn,
            validation_record_fqdns=[record.fqdn],
            region=CERTIFICATE_REGION,
            opts=child(self),
        )
        return validation.certificate_arn, validation
