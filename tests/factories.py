"""factory-boy factories for every model; sub-factories keep one organization."""

import datetime
import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Invitation, Membership, MembershipRole, Organization, User, hash_token
from intake.models import AgreementStatus, ExpectationAgreement
from lib.tenancy import organization_context
from recruiting.models import (
    Candidate,
    Client,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    Contact,
    ContactKind,
    Role,
    Stage,
    Submission,
)

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.django.Password(DEFAULT_PASSWORD)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Agency {n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")
    timezone = "Europe/London"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The row-level security insert check wants the new id as the active organization.
        organization = model_class(*args, **kwargs)
        with organization_context(organization.id):
            organization.save(force_insert=True)
        return organization


class TenantFactory(factory.django.DjangoModelFactory):
    """Creates the row inside its organization's context, as the services do."""

    class Meta:
        abstract = True

    organization = factory.SubFactory(OrganizationFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with organization_context(kwargs["organization"].id):
            return super()._create(model_class, *args, **kwargs)


class MembershipFactory(TenantFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = MembershipRole.RECRUITER


class InvitationFactory(TenantFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@example.test")
    role = MembershipRole.RECRUITER
    token_nonce = factory.LazyFunction(lambda: secrets.token_hex(32))
    token_hash = factory.LazyFunction(lambda: hash_token(secrets.token_urlsafe(32)))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class ClientFactory(TenantFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n}")
    timezone = "Europe/London"


class ContactFactory(TenantFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    kind = ContactKind.HIRING_MANAGER
    full_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"contact{n}@client.test")


class RoleFactory(TenantFactory):
    class Meta:
        model = Role

    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    title = factory.Sequence(lambda n: f"Backend engineer {n}")


class AgreementFactory(TenantFactory):
    class Meta:
        model = ExpectationAgreement

    role = factory.SubFactory(RoleFactory, organization=factory.SelfAttribute("..organization"))
    version = factory.Sequence(lambda n: n + 1)
    status = AgreementStatus.AGREED
    submissions_per_week = 3
    shortlist_size = 5
    checkin_time = datetime.time(10, 0)
    interview_stages = factory.LazyFunction(
        lambda: [
            {"name": "Technical interview", "owner": "hiring_manager", "expected_days": 3},
            {"name": "Culture interview", "owner": "hr", "expected_days": 2},
        ]
    )
    hm_review_sla_hours = 16
    hr_approval_sla_hours = 8
    interview_feedback_sla_hours = 24
    offer_decision_sla_hours = 48
    must_haves = factory.LazyFunction(lambda: ["Python", "PostgreSQL"])
    nice_to_haves = factory.LazyFunction(lambda: ["Celery"])
    glossary = factory.LazyFunction(
        lambda: [{"term": "senior", "meaning": "five years shipping production code"}]
    )
    expected_days_to_fill = 45


def role_with_agreement(**role_fields) -> Role:
    """A role (RoleFactory with `role_fields`) and an agreed agreement in force on it,
    as an intake leaves it: what submissions, clocks and nudges need."""
    role = RoleFactory(**role_fields)
    agreement = AgreementFactory(organization=role.organization, role=role)
    with organization_context(role.organization_id):
        role.agreement = agreement
        role.save(update_fields=["agreement"])
    return role


class ConsentRecordFactory(TenantFactory):
    """A consent record written directly; the candidate's current state is the caller's
    (CandidateFactory keeps the two in step; `consent_record` does in the product)."""

    class Meta:
        model = ConsentRecord

    candidate = factory.SubFactory(
        "tests.factories.CandidateFactory", organization=factory.SelfAttribute("..organization")
    )
    purpose = ConsentPurpose.REPRESENT
    granted = True
    method = ConsentMethod.EMAIL
    effective_at = factory.LazyFunction(timezone.now)


class CandidateFactory(TenantFactory):
    """A candidate who consented to be represented (so that they can be submitted), with
    the record of it; `consent_to_represent=False` makes one without consent or record."""

    class Meta:
        model = Candidate
        skip_postgeneration_save = True

    full_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"candidate{n}@mail.test")
    current_title = "Software engineer"
    consent_to_represent = True
    consent_recorded_at = factory.Maybe(
        "consent_to_represent", yes_declaration=factory.LazyFunction(timezone.now)
    )

    @factory.post_generation
    def consent_records(candidate, create, extracted, **kwargs):
        if create and candidate.consent_to_represent:
            ConsentRecordFactory(
                organization=candidate.organization,
                candidate=candidate,
                effective_at=candidate.consent_recorded_at,
            )


class SubmissionFactory(TenantFactory):
    """A submission in a given stage, created directly (services are tested on their own)."""

    class Meta:
        model = Submission

    role = factory.SubFactory(RoleFactory, organization=factory.SelfAttribute("..organization"))
    candidate = factory.SubFactory(
        CandidateFactory, organization=factory.SelfAttribute("..organization")
    )
    client = factory.SelfAttribute("role.client")
    pitch = "Strong backend engineer with the experience the role asks for."
    stage = Stage.HM_REVIEW
    stage_changed_at = factory.LazyFunction(timezone.now)


def _webhook_secret() -> str:
    from integrations.services.webhooks import webhook_secret_generate

    return webhook_secret_generate()


class WebhookEndpointFactory(TenantFactory):
    """An endpoint created directly, without the service's check of its address."""

    class Meta:
        model = "integrations.WebhookEndpoint"

    url = "https://93.184.215.14/rapport-webhooks"  # a public address literal: no DNS
    event_types = factory.LazyFunction(lambda: ["submission.created"])
    secret = factory.LazyFunction(_webhook_secret)


class NotificationFactory(TenantFactory):
    """An unread in-app notification, as a nudge's delivery writes it."""

    class Meta:
        model = "engagements.Notification"

    membership = factory.SubFactory(
        MembershipFactory, organization=factory.SelfAttribute("..organization")
    )
    title = factory.Sequence(lambda n: f"Skills review overdue {n}")
    body = "The hiring manager's review is past its agreed time."
    url = "/review-queue/"


class CandidateExportFactory(TenantFactory):
    """An export as it is asked for: pending, until `privacy.services` builds it."""

    class Meta:
        model = "privacy.CandidateExport"

    candidate = factory.SubFactory(
        CandidateFactory, organization=factory.SelfAttribute("..organization")
    )


def totp_enrol(user: User) -> str:
    """Give `user` an authenticator app and recovery codes, as allauth's activation does;
    the TOTP secret, for `totp_code`."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now for `secret` (allauth's own arithmetic)."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))
